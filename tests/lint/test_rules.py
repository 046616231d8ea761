"""Rule behaviours worth pinning down, on small templates written for these tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from armgen.lint import lint_path

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
CUID_SCHEMA = "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#"


def run(tmp_path: Path, doc: Any, test: str, name: str = "t.json", **kw: Any) -> list[str]:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    report = lint_path(path, tests=[test], **kw)
    assert report.ran, f"{test} did not run"
    return [f.id for f in report.errors]


def deployment(template: dict, passed: dict | None = None, scope: str | None = "inner") -> dict:
    props: dict[str, Any] = {"mode": "Incremental", "parameters": passed or {}, "template": template}
    if scope:
        props["expressionEvaluationOptions"] = {"scope": scope}
    return {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2025-04-01",
        "name": "d",
        "properties": props,
    }


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        (True, ["ResourceId.Should.Contain.Proper.Expression"]),
        (0, ["ResourceId.Is.Missing"]),
        ("", ["ResourceId.Is.Missing"]),
    ],
)
def test_ids_that_are_not_expressions(tmp_path: Path, value: object, ids: list[str]) -> None:
    doc = {"$schema": SCHEMA, "resources": [{"type": "a/b", "name": "n", "properties": {"subnetId": value}}]}
    assert run(tmp_path, doc, "IDs-Should-Be-Derived-From-ResourceIDs") == ids


def test_inner_template_location_default_needs_the_parent_to_pass_location(tmp_path: Path) -> None:
    inner = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {"location": {"type": "string", "defaultValue": "[resourceGroup().location]"}},
        "resources": [],
    }
    outer = {"$schema": SCHEMA, "resources": [deployment(inner, {"other": {"value": "x"}})]}
    assert run(tmp_path, outer, "Location-Should-Not-Be-Hardcoded") == [
        "Location.Parameter.DefaultValuePresent"
    ]
    outer = {"$schema": SCHEMA, "resources": [deployment(inner, {"location": {"value": "westus"}})]}
    assert run(tmp_path, outer, "Location-Should-Not-Be-Hardcoded") == []


def test_hide_existing_outputs(tmp_path: Path) -> None:
    control = {"name": "sa", "type": "Microsoft.Storage.StorageAccountSelector"}
    cuid = {"$schema": CUID_SCHEMA, "parameters": {"basics": [control], "outputs": {"resourceGroup": "x"}}}
    assert run(tmp_path, cuid, "HideExisting-Must-Be-Correctly-Handled") == ["Missing.Output.NewOrExisting"]
    cuid["parameters"]["outputs"] = {"a": "[basics('sa').resourceGroup]", "b": "[basics('sa').newOrExisting]"}
    assert run(tmp_path, cuid, "HideExisting-Must-Be-Correctly-Handled") == []
    control["options"] = {"hideExisting": True}
    cuid["parameters"]["outputs"] = {}
    assert run(tmp_path, cuid, "HideExisting-Must-Be-Correctly-Handled") == []


def test_api_versions_compare_ignoring_case(tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    cache.write_text(
        json.dumps({"A.B/c": [{"apiVersions": ["2023-01-31", "2015-08-31-PREVIEW"]}]}), encoding="utf-8"
    )
    doc = {
        "$schema": SCHEMA,
        "resources": [],
        "outputs": {
            "o": {"type": "string", "value": "[reference(resourceId('A.B/c', 'x'), '2015-08-31-preview').id]"}
        },
    }
    ids = run(
        tmp_path,
        doc,
        "apiVersions-Should-Be-Recent-In-Reference-Functions",
        api_versions=cache,
        test_date=dt.date(2023, 11, 13),
    )
    assert "ApiReference.Version.Preview.Not.Recent" in ids


def test_outputs_read_through_variables(tmp_path: Path) -> None:
    doc = {
        "$schema": SCHEMA,
        "variables": {"conn": "[concat('k=', listKeys('sa', '2023-01-01').keys[0].value)]"},
        "outputs": {"o": {"type": "string", "value": "[variables('conn')]"}},
    }
    assert run(tmp_path, doc, "Outputs-Must-Not-Contain-Secrets") == ["Output.Contains.Secret"]


def test_blanks_are_excused_only_where_arm_needs_them(tmp_path: Path) -> None:
    doc = {"$schema": SCHEMA, "parameters": {"p": {"type": "string", "defaultValue": ""}}, "resources": []}
    assert run(tmp_path, doc, "Template-Should-Not-Contain-Blanks") == []
    doc["variables"] = {"v": {"nested": {"x": ""}}}
    assert run(tmp_path, doc, "Template-Should-Not-Contain-Blanks") == [
        "Microsoft.PowerShell.Commands.WriteErrorException"
    ]
