"""The armgen.checks.schemas API others build on: kinds, detection, folders, Problem formatting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.checks.schemas import Problem, detect_kind, validate_document, validate_folder

from . import samples

TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def test_problem_str_and_immutability() -> None:
    p = Problem("a.json", "$.x", "bad")
    assert str(p) == "a.json: $.x: bad"
    with pytest.raises(AttributeError):
        p.file = "b"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("doc", "name", "kind"),
    [
        ({"$schema": TEMPLATE_SCHEMA}, "whatever.json", "template"),
        ({"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"}, "x.json", "template"),
        ({}, "mainTemplate.json", "template"),
        ({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"}, "p.json", "parameters"),
        ({}, "mainTemplate.parameters.json", "parameters"),
        ({}, "createUiDefinition.json", "createUiDefinition"),
        ({"handler": "Microsoft.Azure.CreateUIDef"}, "ui.json", "createUiDefinition"),
        ({}, "build.options.json", "options"),
        ({"name": "x"}, "package.json", None),
        ([1, 2], "list.json", None),
    ],
)
def test_detect_kind(doc: object, name: str, kind: str | None) -> None:
    assert detect_kind(doc, name) == kind


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown schema kind"):
        validate_document({}, "nope")


def test_validate_folder(tmp_path: Path) -> None:
    good = samples.template(samples.lb())
    (tmp_path / "mainTemplate.json").write_text(json.dumps(good))
    (tmp_path / "createUiDefinition.json").write_text(json.dumps(samples.ui_definition()))
    (tmp_path / "notes.json").write_text('{"anything": true}')
    (tmp_path / "junk.json").write_text("not json")
    assert validate_folder(tmp_path) == []

    bad = samples.template(samples.nic())
    bad["resources"][0]["properties"]["ipConfigurations"][0]["properties"]["subnett"] = {"id": "x"}
    nested = tmp_path / "nestedtemplates"
    nested.mkdir()
    (nested / "vm.json").write_text(json.dumps(bad))
    (tmp_path / "azuredeploy.parameters.json").write_text("{broken")
    got = [str(p) for p in validate_folder(tmp_path)]
    assert got == [
        f"{tmp_path / 'azuredeploy.parameters.json'}: $: not JSON: Expecting property name enclosed in double quotes at line 1 column 2",
        f"{nested / 'vm.json'}: $.resources[0].properties.ipConfigurations[0].properties.subnett: unknown property 'subnett' (did you mean 'subnet'?)",
    ]


def test_validate_single_file(tmp_path: Path) -> None:
    f = tmp_path / "mainTemplate.json"
    f.write_text(json.dumps({"contentVersion": "1.0.0.0", "resources": []}))
    assert [str(p) for p in validate_folder(f)] == [f"{f}: $: missing required property '$schema'"]


def test_messages_are_single_lines_and_bounded() -> None:
    doc = samples.template(samples.vm())
    doc["resources"][0]["properties"]["storageProfile"]["osDisk"]["managedDisk"]["storageAccountType"] = "x\n" * 200
    doc["resources"][0]["properties"]["hardwareProfile"] = {"vmSize": {"a": ["b"] * 100}}
    got = validate_document(doc, "template")
    assert len(got) == 2
    for p in got:
        assert "\n" not in p.message and len(p.message) <= 240
