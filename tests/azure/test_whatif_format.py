"""The az-style what-if rendering (layout facts from azure-cli's formatter tests)."""

from __future__ import annotations

from armgen.azure.whatif_format import format_what_if, split_scope

SUB = "00000000-0000-0000-0000-000000000001"


def res(changes: list[dict], **props: list[dict]) -> dict:
    return {"status": "Succeeded", "properties": {"changes": changes, **props}}


def test_property_changes_alignment() -> None:
    changes = [{
        "resourceId": f"/subscriptions/{SUB}/resourceGroups/rg1/providers/p1/foo", "changeType": "Modify",
        "delta": [
            {"path": "path", "propertyChangeType": "Delete", "before": {}},
            {"path": "long.path", "propertyChangeType": "Create", "after": []},
            {"path": "long.nested.path", "propertyChangeType": "Array",
             "children": [{"path": "5", "propertyChangeType": "Delete", "before": 12345}]},
        ],
    }]
    expected = f"""
Scope: /subscriptions/{SUB}/resourceGroups/rg1

  ~ p1/foo
    - path:      {{}}
    + long.path: []
    ~ long.nested.path: [
      - 5: 12345
      ]
"""
    assert expected in format_what_if(res(changes))


def test_json_alignment_on_delete() -> None:
    before = {"apiVersion": "2020-04-01", "numberValue": 1.2, "booleanValue": True, "stringValue": "fox",
              "emptyArray": [], "emptyObject": {}, "arrayContaingValues": ["foo", "bar"]}
    out = format_what_if(res([{"resourceId": f"/subscriptions/{SUB}/resourceGroups/rg1/providers/p1/foo",
                               "changeType": "Delete", "before": before}]))
    expected = """
  - p1/foo [2020-04-01]

      apiVersion:   "2020-04-01"
      numberValue:  1.2
      booleanValue: true
      stringValue:  "fox"
      emptyArray:   []
      emptyObject:  {}
      arrayContaingValues: [
        0: "foo"
        1: "bar"
      ]
"""
    assert expected in out


def test_summary_order_legend_and_scopes() -> None:
    changes = [
        {"resourceId": f"/subscriptions/{SUB}/resourceGroups/RG1/providers/p1/foo1", "changeType": "Create"},
        {"resourceId": f"/subscriptions/{SUB}/resourceGroups/rg1/providers/p2/bar", "changeType": "Create"},
        {"resourceId": "/subscriptions/2/resourceGroups/rg2/providers/p1/foo2", "changeType": "Modify"},
        {"resourceId": "/subscriptions/2/providers/p3/foobar1", "changeType": "Ignore"},
        {"resourceId": "/subscriptions/2/resourceGroups/rg3", "changeType": "Delete"},
    ]
    out = format_what_if(res(changes))
    assert out.rstrip().endswith("Resource changes: 1 to delete, 2 to create, 1 to modify, 1 to ignore.")
    assert "Resource and property changes are indicated with these symbols:\n  - Delete\n  + Create\n  ~ Modify\n  * Ignore\n" in out
    assert "The deployment will update the following scopes:" in out
    # scopes sorted case-insensitively; RG1 and rg1 are one scope
    scopes = [line for line in out.splitlines() if line.startswith("Scope: ")]
    assert scopes == [f"Scope: /subscriptions/{SUB}/resourceGroups/RG1", "Scope: /subscriptions/2",
                      "Scope: /subscriptions/2/resourceGroups/rg2"]
    assert "  - resourceGroups/rg3\n  * p3/foobar1" in out


def test_no_change_and_colour() -> None:
    assert format_what_if(res([])).rstrip().endswith("Resource changes: no change.")
    one = res([{"resourceId": f"/subscriptions/{SUB}/resourceGroups/rg/providers/a/b", "changeType": "Create"}])
    plain, coloured = format_what_if(one), format_what_if(one, color=True)
    assert "\033[" not in plain and "\033[38;5;77m+ a/b\033[0m" in coloured
    assert "this symbol:" in plain


def test_modify_values_and_diagnostics() -> None:
    changes = [{"resourceId": f"/subscriptions/{SUB}/resourceGroups/rg/providers/p/x", "changeType": "Modify",
                "delta": [{"path": "tags.env", "propertyChangeType": "Modify", "before": "dev", "after": "prod"},
                          {"path": "properties.z", "propertyChangeType": "NoEffect", "after": 1}]},
               {"resourceId": f"/subscriptions/{SUB}/resourceGroups/rg/providers/p/y", "changeType": "Unsupported",
                "unsupportedReason": "name uses reference()"}]
    out = format_what_if(res(changes, diagnostics=[{"level": "Warning", "code": "NestedDeploymentShortCircuited",
                                                    "message": "skipped", "target": "/x"}]))
    assert '    ~ tags.env:     "dev" => "prod"\n    x properties.z: 1' in out
    assert "Diagnostics (2):\np/y (Unsupported) name uses reference()\n/x (NestedDeploymentShortCircuited) skipped" in out


def test_split_scope() -> None:
    assert split_scope(f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s") == \
        (f"/subscriptions/{SUB}/resourceGroups/rg", "Microsoft.Network/virtualNetworks/v/subnets/s")
    assert split_scope(f"/subscriptions/{SUB}/resourceGroups/rg") == (f"/subscriptions/{SUB}", "resourceGroups/rg")
