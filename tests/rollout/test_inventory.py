"""Inventory loading: schema errors with JSON paths, merging, bindings, parameters files, waves."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from armgen.azure.inventory import deployment_name, load_inventory
from armgen.cli import main
from armgen.errors import InputError
from tests.rollout.conftest import SUB, TEMPLATE


def _inv(tmp_path: Path, targets: list[dict[str, Any]] | None = None, template: dict | None = None, **top: Any) -> Path:
    (tmp_path / "mainTemplate.json").write_text(json.dumps(template or TEMPLATE))
    if targets is None:
        targets = [{"name": f"t{i}", "resourceGroup": f"rg{i}", "vnet": {"name": f"v{i}"}} for i in range(3)]
    doc = {"template": "mainTemplate.json",
           "defaults": {"subscription": SUB, "location": "westeurope", "vnet": {"resourceGroup": "net"},
                        "subnets": {"zone1": "a", "zone2": "b"}, "parameters": {"vmSize": "Standard_D4s_v5"}},
           "targets": targets, **top}
    p = tmp_path / "inv.json"
    p.write_text(json.dumps(doc))
    return p


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as exc:
        load_inventory(path)
    return exc.value


def test_merge_defaults_and_parameters_file(tmp_path: Path) -> None:
    inv = load_inventory(_inv(tmp_path, [
        {"name": "t0", "resourceGroup": "rg0", "vnet": {"name": "v0"}},
        {"name": "t1", "resourceGroup": "rg1", "vnet": {"name": "v1", "resourceGroup": "net1"},
         "subnets": {"zone1": "x"}, "parameters": {"vmSize": "Standard_D8s_v5"}, "location": "northeurope"}]))
    t0, t1 = inv.targets
    assert t0.parameters == {"location": "westeurope", "vnetName": "v0", "vnetResourceGroup": "net",
                             "subnetName1": "a", "subnetName2": "b", "vmSize": "Standard_D4s_v5"}
    assert t1.parameters["vmSize"] == "Standard_D8s_v5" and t1.parameters["location"] == "northeurope"
    assert t1.vnet_resource_group == "net1" and t1.subnets == {"zone1": "x"} and "subnetName2" not in t1.parameters
    doc = t0.parameters_file()
    assert doc["$schema"].endswith("2019-04-01/deploymentParameters.json#")
    assert doc["parameters"]["vnetName"] == {"value": "v0"}
    assert t0.deployment_name == "armgen-t0"
    assert t1.subnet_id("zone1").endswith("/resourceGroups/net1/providers/Microsoft.Network/virtualNetworks/v1/subnets/x")


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda d: d["targets"][1].update(subscription="not-a-guid"), "$.targets[1].subscription", "does not match"),
    (lambda d: d["targets"][0].update(colour="red"), "$.targets[0]", "'colour' was unexpected"),
    (lambda d: d["defaults"].update(subnet={"zone1": "a"}), "$.defaults", "'subnet' was unexpected"),
    (lambda d: d["targets"][2]["subnets"].update(east="a"), "$.targets[2].subnets", "does not match"),
    (lambda d: d.update(concurrency=0), "$.concurrency", "less than the minimum"),
    (lambda d: d.update(targets=[]), "$.targets", "should be non-empty"),
])
def test_schema_errors_name_the_json_path(tmp_path: Path, change, path: str, words: str) -> None:
    p = _inv(tmp_path, [{"name": f"t{i}", "resourceGroup": "rg", "vnet": {"name": "v"}, "subnets": {"zone1": "a"}}
                        for i in range(3)])
    doc = json.loads(p.read_text())
    change(doc)
    p.write_text(json.dumps(doc))
    err = _error(p)
    assert err.path == path and words in err.message and err.file == str(p)


def test_cli_reports_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    p = _inv(tmp_path, [{"name": "t0", "resourceGroup": "rg", "vnet": {"name": "v"}, "subscription": "x"}])
    assert main(["rollout", "apply", "--yes", str(p), "--endpoint", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"armgen: {p}: $.targets[0].subscription: ") and "\n" not in err
    assert main(["rollout", "plan", str(tmp_path / "missing.json")]) == 2


@pytest.mark.parametrize(("targets", "path", "words"), [
    ([{"name": "a", "resourceGroup": "r", "vnet": {"name": "v"}}, {"name": "A", "resourceGroup": "r", "vnet": {"name": "v"}}],
     "$.targets[1].name", "duplicate target name 'A'"),
    ([{"name": "a", "vnet": {"name": "v"}}], "$.targets[0]", "no resourceGroup"),
    ([{"name": "a", "resourceGroup": "r"}], "$.targets[0]", "no vnet.name"),
    ([{"name": "a", "resourceGroup": "r", "vnet": {"name": "v"}, "parameters": {"vmSzie": "x"}}],
     "$.targets[0].parameters.vmSzie", "unknown parameter 'vmSzie' (did you mean 'vmSize'?)"),
    ([{"name": "a", "resourceGroup": "r", "vnet": {"name": "v"}, "parameters": {"adminPassword": "hunter2"}}],
     "$.targets[0].parameters.adminPassword", "secure parameter"),
    ([{"name": "a", "resourceGroup": "r", "vnet": {"name": "v"}, "subnets": {"zone3": "c"}}],
     "$.targets[0].subnets.zone3", "zone3 subnet"),
])
def test_semantic_errors(tmp_path: Path, targets, path: str, words: str) -> None:
    err = _error(_inv(tmp_path, targets))
    assert err.path == path and words in err.message


def test_missing_required_parameter_and_key_vault_reference(tmp_path: Path) -> None:
    tpl = copy.deepcopy(TEMPLATE)
    tpl["parameters"]["adminUsername"] = {"type": "string"}
    err = _error(_inv(tmp_path, template=tpl))
    assert err.path == "$.targets[0].parameters" and "adminUsername" in err.message
    ref = {"reference": {"keyVault": {"id": "/subscriptions/x/resourceGroups/kv/providers/Microsoft.KeyVault/vaults/v"},
                         "secretName": "pw"}}
    inv = load_inventory(_inv(tmp_path, [{"name": "a", "resourceGroup": "r", "vnet": {"name": "v"},
                                          "parameters": {"adminPassword": ref}}]))
    assert inv.targets[0].parameters_file()["parameters"]["adminPassword"] == ref  # passed through, never a value


def test_waves(tmp_path: Path) -> None:
    targets = [{"name": f"t{i}", "resourceGroup": "r", "vnet": {"name": "v"}} for i in range(7)]
    inv = load_inventory(_inv(tmp_path, targets))
    assert [[t.name for t in w] for w in inv.waves()] == [["t0"], ["t1", "t2", "t3", "t4", "t5", "t6"]]
    inv = load_inventory(_inv(tmp_path, targets, waves={"canary": "T3", "batchSize": 4}))
    assert [[t.name for t in w] for w in inv.waves()] == [["t3"], ["t0", "t1", "t2", "t4"], ["t5", "t6"]]
    inv = load_inventory(_inv(tmp_path, targets, waves={"canary": None, "batchSize": 5}))
    assert [len(w) for w in inv.waves()] == [5, 2]
    assert _error(_inv(tmp_path, targets, waves={"canary": "zz"})).path == "$.waves.canary"


def test_long_deployment_names_fit_arm_limit() -> None:
    name = deployment_name("x" * 40, "y" * 40)
    assert len(name) == 64 and name != deployment_name("x" * 40, "y" * 39 + "z")
    assert deployment_name("cc", "eu-1") == "cc-eu-1"


def test_bindings_from_create_ui_definition_and_package_zip(tmp_path: Path) -> None:
    tpl = {"parameters": {"net": {"type": "string"}, "netRg": {"type": "string"}, "snA": {"type": "string"},
                          "snB": {"type": "string"}, "location": {"type": "string", "defaultValue": "x"}},
           "resources": []}
    ui = {"parameters": {"outputs": {"net": "[steps('network').vnet.name]", "netRg": "[steps('network').vnet.resourceGroup]",
                                     "snA": "[steps('network').vnet.subnets.zone1.name]",
                                     "snB": "[steps('network').vnet.subnets.zone2.name]", "location": "[location()]"}}}
    pkg = tmp_path / "offer.zip"
    with zipfile.ZipFile(pkg, "w") as zf:
        zf.writestr("mainTemplate.json", json.dumps(tpl))
        zf.writestr("createUiDefinition.json", json.dumps(ui))
    p = _inv(tmp_path)
    doc = json.loads(p.read_text())
    doc["template"] = "offer.zip"
    doc["defaults"].pop("parameters")
    p.write_text(json.dumps(doc))
    inv = load_inventory(p)
    assert inv.targets[0].parameters == {"net": "v0", "netRg": "net", "snA": "a", "snB": "b", "location": "westeurope"}
    doc["bindings"] = {"vnetName": "nope"}
    p.write_text(json.dumps(doc))
    assert _error(p).path == "$.bindings.vnetName"


def test_built_in_offer_is_the_default_template(tmp_path: Path, monkeypatch) -> None:
    import armgen.build

    monkeypatch.setattr(armgen.build, "build_files", lambda **_kw: {"mainTemplate.json": json.dumps(TEMPLATE)})
    p = _inv(tmp_path)
    doc = json.loads(p.read_text())
    del doc["template"]
    p.write_text(json.dumps(doc))
    inv = load_inventory(p)
    assert inv.template_source == "built-in offer" and inv.template == TEMPLATE
