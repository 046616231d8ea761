"""Each Marketplace rule: the clean sample passes it, and a package breaking it fails it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from armgen.checks import marketplace as mp
from tests.package import sample


def view(files: dict[str, bytes] | None = None, **kw: Any) -> mp.PackageView:
    return mp.PackageView(files if files is not None else sample.files(), **kw)


def with_main(change: Any, extra: dict[str, bytes] | None = None, **kw: Any) -> mp.PackageView:
    doc = sample.main_template()
    change(doc)
    files = sample.files()
    files["mainTemplate.json"] = sample.dump(doc)
    files.update(extra or {})
    return view(files, **kw)


def ids(pkg: mp.PackageView, rule: str, severity: str = "error") -> list[mp.RuleFinding]:
    return [f for f in mp.check(pkg, [rule]) if f.severity == severity]


def test_clean_sample_passes_every_rule() -> None:
    assert mp.check(view(version="1.0.0")) == []


def test_every_rule_has_an_id_and_a_docstring() -> None:
    assert set(mp.RULES) == {"MP-version", "MP-files", "MP-entries", "MP-size", "MP-artifacts", "MP-pid", "MP-credentials", "MP-language"}
    for fn in mp.RULES.values():
        assert fn.__doc__ and "§" in fn.__doc__


@pytest.mark.parametrize("version", ["1.0", "1.0.0.0", "v1.0.0", "1.0.0-beta", "01.0.0", ""])
def test_version_must_be_three_integers(version: str) -> None:
    assert ids(view(version=version), "MP-version")


def test_missing_main_template() -> None:
    files = sample.files()
    del files["mainTemplate.json"]
    [f] = ids(view(files), "MP-files")
    assert "mainTemplate.json is missing" in f.message


def test_file_names_are_case_sensitive() -> None:
    files = sample.files()
    files["createUIDefinition.json"] = files.pop("createUiDefinition.json")
    [f] = ids(view(files), "MP-files")
    assert "case-sensitive" in f.message and "createUIDefinition.json" in f.message


def test_files_in_a_subfolder_are_not_at_the_root() -> None:
    files = {f"offer/{k}": v for k, v in sample.files().items()}
    found = ids(view(files), "MP-files")
    assert len(found) == 2 and all("root of the zip" in f.message for f in found)


def test_entry_names_must_be_safe_relative_paths() -> None:
    files = sample.files()
    files["../evil.sh"] = b"echo"
    files["Scripts/a.sh"] = b"a"
    files["scripts/A.sh"] = b"b"
    found = ids(view(files), "MP-entries")
    assert {f.file for f in found} == {"../evil.sh", "scripts/A.sh"}


def test_size_limits() -> None:
    limits = mp.Limits(zip_bytes=100, file_bytes=2000, template_compressed_bytes=200, parameters=2, resources=2)
    found = ids(view(zip_size=101, limits=limits), "MP-size")
    messages = " | ".join(f.message for f in found)
    assert "zip is 101 bytes" in messages
    assert "uncompressed" in messages  # mainTemplate.json is over 2000 bytes
    assert "compressed, over Resource Manager" in messages
    assert "3 parameters" in messages
    assert "3 resources" in messages


def test_copy_count_counts_towards_resource_limit() -> None:
    def copies(doc: dict[str, Any]) -> None:
        doc["resources"][2]["copy"] = {"name": "nics", "count": 900}

    [f] = ids(with_main(copies), "MP-size")
    assert "902 resources" in f.message  # 900 copies + the two other resources


def test_artifacts_need_the_two_parameters() -> None:
    pkg = with_main(lambda d: None, {"scripts/setup.sh": b"#!/bin/sh\n"})
    [f] = ids(pkg, "MP-artifacts")
    assert "_artifactsLocation and _artifactsLocationSasToken are not declared" in f.message


def _add_artifact_params(doc: dict[str, Any], loc: dict[str, Any] | None = None, sas: dict[str, Any] | None = None) -> None:
    doc["parameters"]["_artifactsLocation"] = loc or {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]"}
    doc["parameters"]["_artifactsLocationSasToken"] = sas or {"type": "securestring", "defaultValue": ""}


def test_artifacts_parameters_well_formed_pass() -> None:
    pkg = with_main(_add_artifact_params, {"scripts/setup.sh": b"#!/bin/sh\n"})
    assert ids(pkg, "MP-artifacts") == []


def test_artifacts_parameters_wrong_defaults_and_types() -> None:
    pkg = with_main(
        lambda d: _add_artifact_params(d, {"type": "string", "defaultValue": "https://example.com/"}, {"type": "string"}),
        {"scripts/setup.sh": b"x"},
    )
    paths = sorted(f.path for f in ids(pkg, "MP-artifacts"))
    assert paths == [
        "$.parameters._artifactsLocation.defaultValue",
        "$.parameters._artifactsLocationSasToken.defaultValue",
        "$.parameters._artifactsLocationSasToken.type",
    ]


def test_artifacts_parameters_go_together() -> None:
    def only_location(doc: dict[str, Any]) -> None:
        doc["parameters"]["_artifactsLocation"] = {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]"}

    [f] = ids(with_main(only_location), "MP-artifacts")
    assert "both or neither" in f.message


def test_nested_template_must_not_default_artifacts_parameters() -> None:
    nested = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"_artifactsLocation": {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]"}},
        "resources": [],
    }
    pkg = with_main(_add_artifact_params, {"nestedtemplates/vm.json": sample.dump(nested)})
    [f] = ids(pkg, "MP-artifacts")
    assert f.file == "nestedtemplates/vm.json" and "nested template" in f.message


def _nested_deployment(doc: dict[str, Any]) -> None:
    doc["resources"].append(
        {
            "type": "Microsoft.Resources/deployments",
            "apiVersion": "2025-04-01",
            "name": "into-vnet-rg",
            "properties": {"mode": "Incremental", "template": {"$schema": "x", "contentVersion": "1.0.0.0", "resources": []}},
        }
    )


def test_nested_deployment_without_pid_fails_like_partner_center() -> None:
    def no_pid(doc: dict[str, Any]) -> None:
        _nested_deployment(doc)
        del doc["resources"][0]

    [f] = ids(with_main(no_pid), "MP-pid")
    assert "PAC-AzureAppCannotAddTrackingId" in f.message and f.path == "$.resources[2]"


def test_nested_deployment_with_pid_passes() -> None:
    assert ids(with_main(_nested_deployment), "MP-pid") == []


def test_an_empty_deployment_with_another_name_is_not_a_tracking_id() -> None:
    def other(doc: dict[str, Any]) -> None:
        doc["resources"][0]["name"] = "[concat(parameters('namePrefix'), '-vendordeployment')]"

    [f] = ids(with_main(other), "MP-pid")
    assert "PAC-AzureAppCannotAddTrackingId" in f.message and f.path == "$.resources[0]"


def test_no_deployments_no_pid_needed() -> None:
    assert ids(with_main(lambda d: d["resources"].pop(0)), "MP-pid") == []


@pytest.mark.parametrize("name", ["[variables('pid')]", "[concat('pid-', variables('guid'))]", "pid-not-a-guid"])
def test_pid_name_must_be_a_literal_guid(name: str) -> None:
    def bad(doc: dict[str, Any]) -> None:
        doc["variables"]["pid"] = sample.PID  # Partner Center wants the literal, not a variable
        doc["variables"]["guid"] = sample.PID[4:]
        doc["resources"][0]["name"] = name

    [f] = ids(with_main(bad), "MP-pid")
    assert f.path == "$.resources[0].name"


def test_hard_coded_sas_uri() -> None:
    def sas(doc: dict[str, Any]) -> None:
        doc["variables"]["script"] = "https://acct.blob.core.windows.net/c/setup.sh?sv=2022-11-02&sr=b&sig=AbCdEf%2B123"

    [f] = ids(with_main(sas), "MP-credentials")
    assert "SAS URI" in f.message and f.path.startswith("line ")


def test_hard_coded_password_and_secure_default() -> None:
    def creds(doc: dict[str, Any]) -> None:
        doc["parameters"]["adminPassword"] = {"type": "securestring", "defaultValue": "P@ssw0rd1234!"}
        doc["resources"][2]["properties"]["adminPassword"] = "Hunter2Hunter2!"

    paths = sorted(f.path for f in ids(with_main(creds), "MP-credentials"))
    assert paths == ["$.parameters.adminPassword.defaultValue", "$.resources[2].properties.adminPassword"]


def test_unique_string_is_not_a_password() -> None:
    def weak(doc: dict[str, Any]) -> None:
        doc["resources"][2]["properties"]["adminPassword"] = "[concat('P', uniqueString(resourceGroup().id))]"

    [f] = ids(with_main(weak), "MP-credentials")
    assert "uniqueString" in f.message


def test_storage_key_in_a_script() -> None:
    pkg = with_main(_add_artifact_params, {"scripts/s.sh": b"export C='AccountKey=" + b"A" * 40 + b"=='\n"})
    [f] = ids(pkg, "MP-credentials")
    assert f.file == "scripts/s.sh" and "storage account key" in f.message


def test_language_version_2_for_managed_apps() -> None:
    def v2(doc: dict[str, Any]) -> None:
        doc["languageVersion"] = "2.0"

    assert ids(with_main(v2, managed_app=True), "MP-language")
    assert ids(with_main(v2, managed_app=False), "MP-language") == []
    # not known: a warning that names the condition; viewDefinition.json means managed app
    assert ids(with_main(v2), "MP-language", "warning")
    assert ids(with_main(v2, {"viewDefinition.json": b"{}"}), "MP-language")


def test_tolerant_json_reading() -> None:
    text = b'{\n // comment\n "a": "x // not a comment", /* block */ "b": [1,2,],\n}'
    assert mp.loads_tolerant(text) == {"a": "x // not a comment", "b": [1, 2]}
    assert mp.loads_tolerant(b"{nope") is None
    assert json.loads(sample.dump({"k": 1})) == {"k": 1}


def test_tracking_id_in_a_parameter_default_is_recognised_and_rejected() -> None:
    def via_parameter(doc: dict[str, Any]) -> None:
        doc["parameters"]["tags"] = {"type": "object", "defaultValue": {"tracking": sample.PID}}
        doc["resources"][0]["name"] = "[parameters('tags').tracking]"
        _nested_deployment(doc)

    [f] = ids(with_main(via_parameter), "MP-pid")
    assert f.path == "$.resources[0].name" and "literal" in f.message
