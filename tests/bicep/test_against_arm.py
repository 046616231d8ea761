"""main.bicep, read back with tree-sitter, declares the same deployment as mainTemplate.json.

The Bicep is parsed (not the model consulted) and compared with the ARM JSON rendering of the
same template: parameters (type, secure, default, allowed values, bounds, description), variables,
deployed resources in order (type, apiVersion, loop count, condition, top-level name) and outputs
(type, loop, value). Values are compared in a canonical form (see :mod:`tests.bicep.canon`) so
that ``concat``/``format`` versus interpolation and ``if()`` versus ``?:`` count as equal, while a
wrong operator, operand order or literal does not; values naming resources are compared only as
far as both sides agree they name one (ARM spells ids out, Bicep uses symbols).
"""

from __future__ import annotations

from typing import Any

import pytest

from armgen.checks import bicep_syntax as bc
from armgen.render import arm_json, bicep
from armgen.template import Template
from tests.bicep.canon import RESOURCE, BicepCanon, arm_value, known_kinds, mentions_resource, var_key
from tests.bicep.canon import arm_value as canon_arm
from tests.bicep.conftest import needs_tree_sitter

pytestmark = needs_tree_sitter

_TYPES = {"string": ("string", False), "securestring": ("string", True), "int": ("int", False),
          "bool": ("bool", False), "object": ("object", False), "secureobject": ("object", True),
          "array": ("array", False)}
_EMPTY = {"string": "", "int": 0, "bool": False, "object": {}, "array": []}


def _same(bicep_form: Any, arm_form: Any, what: str) -> None:
    if mentions_resource(arm_form) or mentions_resource(bicep_form):
        assert mentions_resource(arm_form) == mentions_resource(bicep_form), what
        return
    assert bicep_form == arm_form, what


def compare(t: Template) -> None:
    arm = arm_json.render(t)
    decls = bc.outline(bicep.render(t))
    canon = BicepCanon(decls)
    # Bicep renames a variable only where its ARM name is no identifier or clashes with another
    # declaration (Bicep has one namespace); everything else must keep its name.
    var_map = bicep.BicepRenderer(t).var_names
    for arm_name in t.variables:
        bicep_name = var_map[arm_name.lower()]
        assert bicep_name == var_key(arm_name) or bicep_name.rstrip("0123456789") == var_key(arm_name)

    known_kinds({("param", n.lower()): _TYPES[p.type.lower()][0] for n, p in t.parameters.items()})

    def arm_value(v: Any) -> Any:
        return canon_arm(v, var_map)

    params = {d.name: d for d in decls if d.kind == "param"}
    assert list(params) == list(arm["parameters"])
    for name, spec in arm["parameters"].items():
        d = params[name]
        btype, secure = _TYPES[spec["type"].lower()]
        assert (d.type, "secure" in d.decorators) == (btype, secure), name
        if "defaultValue" in spec:
            assert d.value is not None, f"{name}: default missing"
            _same(canon.node(d.value), arm_value(spec["defaultValue"]), f"{name} default")
        else:
            assert d.value is None, f"{name}: unexpected default"
        if "allowedValues" in spec:
            assert canon.node(d.decorators["allowed"][0]) == arm_value(spec["allowedValues"]), name
        else:
            assert "allowed" not in d.decorators
        for key in ("minValue", "maxValue", "minLength", "maxLength"):
            got = d.decorators.get(key)
            assert (bc.literal(got[0]) if got else None) == spec.get(key), f"{name} {key}"
        desc = d.decorators.get("description")
        assert (bc.literal(desc[0]) if desc else None) == spec.get("metadata", {}).get("description"), name

    variables = {d.name: d for d in decls if d.kind == "var"}
    assert sorted(variables) == sorted(var_map[v.lower()] for v in arm.get("variables", {}))
    for name, value in arm.get("variables", {}).items():
        _same(canon.node(variables[var_map[name.lower()]].value), arm_value(value), f"variable {name}")

    deployed = [d for d in decls if d.kind == "resource" and not d.existing]
    assert [d.type for d in deployed] == [f"{r['type']}@{r['apiVersion']}" for r in arm["resources"]]
    for d, r in zip(deployed, arm["resources"], strict=True):
        what = f"resource {d.name}"
        if "copy" in r:
            assert d.loop is not None, what
            _same(canon.node(bc.loop_count(d.loop)), arm_value(r["copy"]["count"]), what + " count")
            batch = d.decorators.get("batchSize")
            assert (bc.literal(batch[0]) if batch else None) == r["copy"].get("batchSize"), what
        else:
            assert d.loop is None, what
        loop_vars = frozenset([bc.loop_variable(d.loop)]) if d.loop is not None else frozenset()
        if "condition" in r:
            assert d.condition is not None, what
            _same(canon.node(d.condition, loop_vars), arm_value(r["condition"]), what + " condition")
        else:
            assert d.condition is None, what
        props = bc.properties(d.value)
        if "parent" not in props:
            _same(canon.node(props["name"], loop_vars), arm_value(r["name"]), what + " name")
        for key in ("location", "zones", "sku", "kind", "plan", "tags", "identity"):
            assert (key in props) == (key in r), f"{what}: {key}"
        assert ("properties" in props) == ("properties" in r), what

    outputs = {d.name: d for d in decls if d.kind == "output"}
    assert list(outputs) == list(arm["outputs"])
    for name, spec in arm["outputs"].items():
        d = outputs[name]
        otype, secure = _TYPES.get(spec["type"].lower(), (spec["type"], False))
        assert (d.type, "secure" in d.decorators) == (otype, secure), name
        if "copy" in spec:
            assert d.loop is not None, name
            count = arm_value(spec["copy"]["count"])
            if "condition" in spec:
                count = ("call", "if", (arm_value(spec["condition"]), count, ("lit", 0)))
            _same(canon.node(bc.loop_count(d.loop)), count, f"output {name} count")
            body = canon.node(d.loop)
            assert body[0] == "for"
            _same(body[1], arm_value(spec["copy"]["input"]), f"output {name}")
        else:
            expected = arm_value(spec["value"])
            if "condition" in spec:
                expected = ("call", "if", (arm_value(spec["condition"]), expected, ("lit", _EMPTY[otype])))
            _same(canon.node(d.value), expected, f"output {name}")


def test_bicep_declares_what_the_arm_json_declares(template: Template) -> None:
    compare(template)


def test_the_comparison_catches_a_difference() -> None:
    """Guard against a comparison that cannot fail: tamper with the Bicep and expect a mismatch."""
    from tests.bicep.cases import appliance

    t = appliance()
    text = bicep.render(t)
    tampered = {
        "type": text.replace("virtualMachines@2026-03-01", "virtualMachines@2024-07-01"),
        "default": text.replace("param vmCount int = 2", "param vmCount int = 3"),
        "operator": text.replace("i < 4 || vmSize", "i <= 4 || vmSize"),
        "interp": text.replace("'${namePrefix}-vm-${i}'", "'${namePrefix}-vm${i}'"),
        "secure": text.replace("@secure()\n@minLength(12)", "@minLength(12)"),
    }
    original = bicep.render
    for what, bad in tampered.items():
        assert bad != text, what
        try:
            bicep.render = lambda _t, bad=bad: bad  # type: ignore[assignment]
            with pytest.raises(AssertionError):
                compare(t)
        finally:
            bicep.render = original  # type: ignore[assignment]


def test_resource_names_compare_through_canonical_forms() -> None:
    assert arm_value("[concat(parameters('a'), '-x')]") == arm_value("[format('{0}-x', parameters('a'))]")
    assert arm_value("[[literal]") == ("lit", "[literal]")
    assert arm_value("[resourceId('A/b', 'x')]") == RESOURCE
