"""Template structure: parameters, outputs, functions, resource dispatch; real templates we do
not model (other types, old apiVersions) pass on the generic checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.checks.schemas import validate_document, validate_folder

from . import samples


def problems(doc: dict) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in validate_document(doc, "template")]


def test_full_sample_template_is_valid() -> None:
    doc = samples.template(*(make() for make in samples.RESOURCES.values()))
    assert problems(doc) == []


@pytest.mark.parametrize("key", ["$schema", "contentVersion", "resources"])
def test_required_top_level_keys(key: str) -> None:
    doc = samples.template()
    del doc[key]
    assert problems(doc) == [("$", f"missing required property '{key}'")]


def test_unknown_top_level_key() -> None:
    doc = samples.template()
    doc["output"] = {}
    assert problems(doc) == [("$.output", "unknown property 'output' (did you mean 'outputs'?)")]


def test_content_version_format() -> None:
    doc = samples.template()
    doc["contentVersion"] = "1.0"
    assert [p for p, _ in problems(doc)] == ["$.contentVersion"]


@pytest.mark.parametrize("ptype", ["string", "securestring", "secureString", "SecureString", "int", "Int", "bool", "object", "secureObject", "array", "Array"])
def test_parameter_types_accepted_in_common_spellings(ptype: str) -> None:
    doc = samples.template()
    doc["parameters"]["p"] = {"type": ptype}
    assert problems(doc) == []


def test_parameter_type_typo_and_unknown_key() -> None:
    doc = samples.template()
    doc["parameters"]["p"] = {"type": "integer", "defaultvalue": 1}
    got = problems(doc)
    assert ("$.parameters.p.defaultvalue", "unknown property 'defaultvalue' (did you mean 'defaultValue'?)") in got
    assert any(path == "$.parameters.p.type" and '"integer" is not one of' in msg for path, msg in got)


def test_parameter_default_matches_type() -> None:
    doc = samples.template()
    doc["parameters"]["n"] = {"type": "int", "defaultValue": "two"}
    doc["parameters"]["b"] = {"type": "bool", "defaultValue": "[equals(1, 1)]"}
    doc["parameters"]["s"] = {"type": "string", "defaultValue": 3}
    got = problems(doc)
    assert [p for p, _ in got] == ["$.parameters.n.defaultValue", "$.parameters.s.defaultValue"]


def test_parameter_min_max_must_be_numbers() -> None:
    doc = samples.template()
    doc["parameters"]["count"]["minValue"] = "1"
    assert [p for p, _ in problems(doc)] == ["$.parameters.count.minValue"]


def test_parameter_description_must_be_a_string() -> None:
    doc = samples.template()
    doc["parameters"]["location"]["metadata"]["description"] = ["x"]
    assert [p for p, _ in problems(doc)] == ["$.parameters.location.metadata.description"]


def test_output_needs_type_and_value_or_copy() -> None:
    doc = samples.template()
    doc["outputs"]["bad"] = {"value": 1}
    doc["outputs"]["none"] = {"type": "string"}
    got = problems(doc)
    assert ("$.outputs.bad", "missing required property 'type'") in got
    assert ("$.outputs.none", "needs one of: 'value', 'copy'") in got


def test_functions_shape() -> None:
    doc = samples.template()
    doc["functions"] = [
        {"namespace": "ag", "members": {"pfx": {"parameters": [{"name": "n", "type": "string"}], "output": {"type": "string", "value": "[parameters('n')]"}}}}
    ]
    assert problems(doc) == []
    doc["functions"][0]["members"]["pfx"]["output"]["typ"] = "string"
    assert [p for p, _ in problems(doc)] == ["$.functions[0].members.pfx.output.typ"]


def test_unknown_resource_type_gets_generic_checks_only() -> None:
    res = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "sa", "kind": "StorageV2",
           "sku": {"name": "Standard_LRS"}, "properties": {"anything": {"goes": True}}}
    assert problems(samples.template(res)) == []
    res["condtion"] = True
    assert problems(samples.template(res)) == [("$.resources[0].condtion", "unknown property 'condtion' (did you mean 'condition'?)")]


def test_generic_envelope_types_checked() -> None:
    res = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "latest", "name": "", "dependsOn": "x"}
    paths = [p for p, _ in problems(samples.template(res))]
    assert paths == ["$.resources[0].apiVersion", "$.resources[0].name", "$.resources[0].dependsOn"]


def test_tags_values_must_be_strings() -> None:
    res = samples.public_ip()
    res["tags"] = {"n": 1}
    assert [p for p, _ in problems(samples.template(res))] == ["$.resources[0].tags.n"]


def test_language_version_2_symbolic_resources() -> None:
    doc = samples.template()
    doc["languageVersion"] = "2.0"
    doc["resources"] = {"lb": samples.lb()}
    assert problems(doc) == []
    doc["resources"]["lb"]["properties"]["probes"][0]["properties"]["protcol"] = "Tcp"
    assert "$.resources.lb.properties.probes[0].properties.protcol" in [p for p, _ in problems(doc)]


def test_armttk_marketplace_sample_passes(shared: Path) -> None:
    folder = shared / "armttk" / "unit-tests" / "Common" / "Pass" / "100-marketplace-sample"
    template = json.loads((folder / "azuredeploy.json").read_text(encoding="utf-8-sig"))
    assert validate_document(template, "template") == []
    assert validate_folder(folder) == []


def test_armttk_sample_with_resources_moved_to_pinned_versions(shared: Path) -> None:
    """Re-pinning the sample's NSG to our apiVersion brings it under the strict schema, and it still
    passes: our NSG schema accepts what a real template writes."""
    folder = shared / "armttk" / "unit-tests" / "Common" / "Pass" / "100-marketplace-sample"
    template = json.loads((folder / "azuredeploy.json").read_text(encoding="utf-8-sig"))
    nsgs = [r for r in template["resources"] if r["type"] == "Microsoft.Network/networkSecurityGroups"]
    assert nsgs
    for r in nsgs:
        r["apiVersion"] = "2025-07-01"
    assert validate_document(template, "template") == []


def test_api_version_may_be_an_expression_in_generic_resources() -> None:
    res = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "[variables('storageApi')]", "name": "sa"}
    assert problems(samples.template(res)) == []
