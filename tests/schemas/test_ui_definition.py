"""createUiDefinition schema: a realistic document passes; closed elements catch typos and missing
required properties; unknown element types fail; the location output is required."""

from __future__ import annotations

from typing import Any

import pytest

from armgen.checks.schemas import validate_document

from . import samples


def problems(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in validate_document(doc, "createUiDefinition")]


def test_realistic_ui_definition_is_valid() -> None:
    assert problems(samples.ui_definition()) == []


def test_textbox_without_label_fails() -> None:
    doc = samples.ui_definition()
    del doc["parameters"]["basics"][0]["label"]
    assert problems(doc) == [("$.parameters.basics[0]", "missing required property 'label'")]


def test_textbox_regex_needs_validation_message() -> None:
    doc = samples.ui_definition()
    del doc["parameters"]["basics"][0]["constraints"]["validationMessage"]
    assert [p for p, _ in problems(doc)] == ["$.parameters.basics[0].constraints"]


def test_misspelled_element_property() -> None:
    doc = samples.ui_definition()
    doc["parameters"]["basics"][0]["tooltip"] = "x"
    assert problems(doc) == [("$.parameters.basics[0].tooltip", "unknown property 'tooltip' (did you mean 'toolTip'?)")]


def test_unknown_element_type_fails() -> None:
    doc = samples.ui_definition()
    doc["parameters"]["basics"][0]["type"] = "Microsoft.Common.Textbox"
    got = problems(doc)
    assert len(got) == 1 and got[0][0] == "$.parameters.basics[0].type"


def test_other_known_element_types_get_common_checks() -> None:
    doc = samples.ui_definition()
    doc["parameters"]["steps"][0]["elements"].append(
        {"name": "pip", "type": "Microsoft.Network.PublicIpAddressCombo", "label": {"publicIpAddress": "IP"}, "anything": 1}
    )
    assert problems(doc) == []


def test_location_output_required_and_exact() -> None:
    doc = samples.ui_definition()
    doc["parameters"]["outputs"]["location"] = "[resourceGroup().location]"
    assert [p for p, _ in problems(doc)] == ["$.parameters.outputs.location"]
    del doc["parameters"]["outputs"]["location"]
    assert problems(doc) == [("$.parameters.outputs", "missing required property 'location'")]


@pytest.mark.parametrize(("key", "value"), [("handler", "Microsoft.Compute.MultiVm2"), ("version", "0.0.1-preview")])
def test_handler_and_version_constants(key: str, value: str) -> None:
    doc = samples.ui_definition()
    doc[key] = value
    assert [p for p, _ in problems(doc)] == [f"$.{key}"]


def _element(doc: dict[str, Any], name: str) -> dict[str, Any]:
    for step in doc["parameters"]["steps"]:
        for el in step["elements"]:
            if el["name"] == name:
                return el
    raise KeyError(name)


def test_size_selector_rules() -> None:
    doc = samples.ui_definition()
    el = _element(doc, "vmSize")
    el["constraints"]["excludedSizes"] = ["Standard_A0"]
    assert [p for p, _ in problems(doc)] == ["$.parameters.steps[1].elements[0].constraints"]
    doc = samples.ui_definition()
    _element(doc, "vmSize")["osPlatform"] = "linux"
    assert [p for p, _ in problems(doc)] == ["$.parameters.steps[1].elements[0].osPlatform"]
    doc = samples.ui_definition()
    _element(doc, "vmSize")["recommendedSizes"] = []
    assert [p for p, _ in problems(doc)] == ["$.parameters.steps[1].elements[0].recommendedSizes"]


def test_vnet_combo_subnet_constraints() -> None:
    doc = samples.ui_definition()
    sub = _element(doc, "vnet")["subnets"]["service"]
    sub["constraints"] = {"minAddressCount": 2}
    assert problems(doc) == [
        ("$.parameters.steps[0].elements[1].subnets.service.constraints", "missing required property 'minAddressPrefixSize'")
    ]
    doc = samples.ui_definition()
    _element(doc, "vnet")["constraints"]["minAddressPrefixSize"] = "24"
    assert [p for p, _ in problems(doc)] == ["$.parameters.steps[0].elements[1].constraints.minAddressPrefixSize"]


def test_credentials_combo_linux_needs_ssh_label() -> None:
    doc = samples.ui_definition()
    del doc["parameters"]["basics"][2]["label"]["sshPublicKey"]
    assert problems(doc) == [("$.parameters.basics[2].label", "missing required property 'sshPublicKey'")]


def test_sections_do_not_nest() -> None:
    doc = samples.ui_definition()
    sec = _element(doc, "advanced")
    sec["elements"].append({"name": "inner", "type": "Microsoft.Common.Section", "label": "x", "elements": [{"name": "n", "type": "Microsoft.Common.InfoBox", "options": {"icon": "Info", "text": "t"}}]})
    assert [p for p, _ in problems(doc)] == ["$.parameters.steps[1].elements[5].elements[2]"]


def test_elements_inside_sections_are_checked() -> None:
    doc = samples.ui_definition()
    _element(doc, "advanced")["elements"][0]["options"]["icon"] = "Warn"
    got = problems(doc)
    assert [p for p, _ in got] == ["$.parameters.steps[1].elements[5].elements[0].options.icon"]


def test_dropdown_allowed_values_from_expression() -> None:
    doc = samples.ui_definition()
    _element(doc, "lbMode")["constraints"]["allowedValues"] = "[map(steps('network').zonesApi.value, (i) => parse(concat('{\"label\":\"', i.name, '\",\"value\":\"', i.name, '\"}')))]"
    assert problems(doc) == []


def test_arm_api_control_method() -> None:
    doc = samples.ui_definition()
    _element(doc, "zonesApi")["request"]["method"] = "PUT"
    assert [p for p, _ in problems(doc)] == ["$.parameters.steps[0].elements[0].request.method"]


def test_step_requires_elements() -> None:
    doc = samples.ui_definition()
    del doc["parameters"]["steps"][1]["elements"]
    assert problems(doc) == [("$.parameters.steps[1]", "missing required property 'elements'")]


def test_element_without_type_reports_only_that() -> None:
    doc = samples.ui_definition()
    del doc["parameters"]["basics"][0]["type"]
    assert problems(doc) == [("$.parameters.basics[0]", "missing required property 'type'")]


def test_schema_url_required_for_marketplace() -> None:
    doc = samples.ui_definition()
    del doc["$schema"]
    assert problems(doc) == [("$", "missing required property '$schema'")]
