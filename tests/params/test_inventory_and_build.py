"""The same checker at the other doors: a rollout inventory's per-target parameters (against the
built-in offer) and `armgen build --values/--set`, plus `build --check`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from armgen.azure.inventory import load_inventory
from armgen.cli import main
from armgen.errors import InputError

SUB = "00000000-0000-0000-0000-000000000001"
REQUIRED = {"sshPublicKey": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7testkeytestkeytestkeytestkeytestkeytestkeytestkey user@host", "ccUrl": "https://cc.example", "keyVaultUrl": "https://kv.example",
            "identityName": "uami"}


def inventory(tmp_path: Path, target_parameters: dict[str, Any]) -> Path:
    doc = {"defaults": {"subscription": SUB, "location": "westeurope", "vnet": {"resourceGroup": "net"},
                        "subnets": {"zone1": "a", "zone2": "b"}, "parameters": REQUIRED},
           "targets": [{"name": "eu-01", "resourceGroup": "rg", "vnet": {"name": "v"}, "parameters": target_parameters}]}
    p = tmp_path / "inv.json"
    p.write_text(json.dumps(doc))
    return p


@pytest.mark.parametrize(("value", "path", "words"), [
    ({"vmSize": "Standard_D4s_v3"}, "$.targets[0].parameters.vmSize", '"Standard_D4s_v3" is not allowed for vmSize'),
    ({"httpProbePort": "abc"}, "$.targets[0].parameters.httpProbePort", "expected integer, got string"),
    ({"httpPorbePort": 8080}, "$.targets[0].parameters.httpPorbePort", "(did you mean 'httpProbePort'?)"),
])
def test_inventory_values_are_checked_before_any_request(value: dict, path: str, words: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_inventory(inventory(tmp_path, value))
    assert err.value.path == path and words in err.value.message, str(err.value)


def test_a_good_inventory_keeps_types_and_order(tmp_path: Path) -> None:
    inv = load_inventory(inventory(tmp_path, {"vmSize": "Standard_D2ds_v5", "httpProbePort": 8080}))
    (t,) = inv.targets
    assert t.parameters["httpProbePort"] == 8080 and t.parameters["vmSize"] == "Standard_D2ds_v5"
    assert list(t.parameters) == [k for k in inv.template["parameters"] if k in t.parameters]


def test_the_rollout_docs_inventory_uses_allowed_values() -> None:
    """docs/rollout.md's example once set a size the template does not allow."""
    from armgen import params
    from armgen.build import build_files

    text = (Path(__file__).resolve().parents[2] / "docs" / "rollout.md").read_text()
    template = json.loads(build_files(with_bicep=False)["mainTemplate.json"])
    for size in set(re.findall(r'"vmSize": "([^"]+)"', text)):
        params.check_value("vmSize", template["parameters"]["vmSize"], size, params.Origin("docs/rollout.md"))


def test_build_takes_a_bicepparam_as_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vf = tmp_path / "prod.bicepparam"
    vf.write_text("using 'main.bicep'\n" + "".join(f"param {k} = '{v}'\n" for k, v in
                                                   {**REQUIRED, "vnetName": "hub", "zone1SubnetName": "a",
                                                    "zone2SubnetName": "b"}.items()))
    assert main(["build", "--out", str(tmp_path / "o"), "--values", str(vf), "--set", "httpProbePort=8080"]) == 0
    doc = json.loads((tmp_path / "o" / "parameters.json").read_text())
    assert doc["parameters"]["httpProbePort"] == {"value": 8080} and doc["parameters"]["vnetName"] == {"value": "hub"}
    vf.write_text("param vmSize = 'Standard_D4s_v3'\n")
    assert main(["build", "--out", str(tmp_path / "o2"), "--values", str(vf)]) == 2
    assert capsys.readouterr().err.startswith(f"armgen: {vf}: line 1: \"Standard_D4s_v3\" is not allowed")
    assert not (tmp_path / "o2").exists()


def test_build_check_reports_stale_files_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o"
    assert main(["build", "two-nic-appliance", "--out", str(out), "-o", "none"]) == 0
    assert main(["build", "two-nic-appliance", "--out", str(out), "--check"]) == 0
    assert "3 file(s) in" in capsys.readouterr().out
    (out / "main.bicep").write_text("// edited by hand\n")
    (out / "createUiDefinition.json").unlink()
    assert main(["build", "two-nic-appliance", "--out", str(out), "--check", "-o", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["upToDate"] is False
    assert {(Path(s["file"]).name, s["problem"]) for s in doc["stale"]} == {
        ("main.bicep", "differs from a fresh build"), ("createUiDefinition.json", "missing")}
    assert (out / "main.bicep").read_text() == "// edited by hand\n" and not (out / "createUiDefinition.json").exists()


def test_an_inventory_names_a_template_file(tmp_path: Path) -> None:
    """`template` may be one file of any name (like what-if's -f), checked with the same checker."""
    from armgen.build import build_files

    (tmp_path / "azuredeploy.json").write_text(build_files(with_bicep=False)["mainTemplate.json"])
    p = inventory(tmp_path, {"vmSize": "Standard_DS2_v2"})
    doc = json.loads(p.read_text())
    doc["template"] = "azuredeploy.json"
    p.write_text(json.dumps(doc))
    inv = load_inventory(p)
    assert inv.template_source == "azuredeploy.json" and inv.targets[0].parameters["vmSize"] == "Standard_DS2_v2"
    doc["targets"][0]["parameters"] = {"vmSize": "Standard_B1s"}
    p.write_text(json.dumps(doc))
    with pytest.raises(InputError) as err:
        load_inventory(p)
    assert err.value.path == "$.targets[0].parameters.vmSize"
