"""what-if and preflight take -p and -f as `az deployment group` does, check the values against
the template before any request, and send Resource Manager exactly the checked values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from armgen.cli import main
from tests.azure.helpers import CREATES, PARAMS, RG, TEMPLATE_DIR
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm
from tests.fakearm.whatif import WhatIfService, install_what_if

TEMPLATE = str(Path(TEMPLATE_DIR) / "mainTemplate.json")


@pytest.fixture
def svc(fake_arm: FakeArm) -> WhatIfService:
    fake_arm.add_resource_group(SUBSCRIPTION, RG)
    s = install_what_if(fake_arm)
    s.changes = list(CREATES)
    return s


def what_if(arm: FakeArm, *args: str) -> int:
    return main(["what-if", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", arm.base_url, *args])


def sent(svc: WhatIfService) -> dict:
    return svc.bodies[-1]["properties"]["parameters"]


def test_every_p_form_and_later_ones_win(fake_arm: FakeArm, svc: WhatIfService, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bp = tmp_path / "prod.bicepparam"
    bp.write_text("using './mainTemplate.json'\nparam prefix = 'bp'\nparam vmCount = 3\n")
    code = what_if(fake_arm, "-f", TEMPLATE, "-p", "@" + PARAMS, "-p", str(bp), "-p", "VMCOUNT=4", "-o", "json")
    assert code == 0, capsys.readouterr().err
    assert sent(svc) == {"prefix": {"value": "bp"}, "vnetName": {"value": "hub-vnet"},
                         "vnetResourceGroup": {"value": "network-rg"}, "subnetName": {"value": "appliance-snet"},
                         "vmCount": {"value": 4}}  # an int: typed by the template, as az types it
    assert svc.bodies[-1]["properties"]["template"] == json.loads(Path(TEMPLATE).read_text())


def test_a_bicepparam_using_a_json_template_is_enough(fake_arm: FakeArm, svc: WhatIfService, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(TEMPLATE, tmp_path / "azuredeploy.json")
    bp = tmp_path / "p.bicepparam"
    bp.write_text("using 'azuredeploy.json'\nparam vnetName = 'hub-vnet'\nparam vnetResourceGroup = 'network-rg'\n"
                  "param subnetName = 'appliance-snet'\n")
    assert what_if(fake_arm, "-p", str(bp), "-o", "none") == 0, capsys.readouterr().err
    assert capsys.readouterr().out == ""  # -o none prints no result
    assert svc.bodies[-1]["properties"]["template"]["parameters"].keys() >= {"vnetName", "vmCount"}


@pytest.mark.parametrize(("args", "words"), [
    (["-p", "vmCount=two"], "armgen: -p vmCount=two: expected an integer"),
    (["-p", "vmCuont=2"], "armgen: -p vmCuont=2: unknown parameter 'vmCuont' (did you mean 'vmCount'?)"),
    (["-p", "vnetName=x"], "missing required parameters: vnetResourceGroup, subnetName"),
])
def test_bad_values_stop_before_any_request(args: list[str], words: str, fake_arm: FakeArm, svc: WhatIfService,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    base = [] if args[1].startswith("vnetName") else ["-p", PARAMS]
    assert what_if(fake_arm, *base, *args, TEMPLATE_DIR) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1, err
    assert fake_arm.requests == []


def test_several_values_after_one_p_get_a_hint(fake_arm: FakeArm, capsys: pytest.CaptureFixture[str]) -> None:
    assert what_if(fake_arm, "-p", "vnetName=a", "vmCount=2") == 2
    assert "each parameter takes its own -p (-p vmCount=2)" in capsys.readouterr().err


def test_template_file_errors(fake_arm: FakeArm, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert what_if(fake_arm, "-f", PARAMS, "-p", PARAMS) == 2
    assert "this is a parameters file, not a template: pass it with -p" in capsys.readouterr().err
    assert what_if(fake_arm, "-f", TEMPLATE, "-p", PARAMS, TEMPLATE_DIR) == 2
    assert "give the template once" in capsys.readouterr().err


def test_output_json_is_the_old_format_json(fake_arm: FakeArm, svc: WhatIfService,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert what_if(fake_arm, "-p", PARAMS, "--format", "json", TEMPLATE_DIR) == 0
    old = json.loads(capsys.readouterr().out)
    assert what_if(fake_arm, "-p", PARAMS, "-o", "json", TEMPLATE_DIR) == 0
    assert json.loads(capsys.readouterr().out) == old and old["gate"]["passed"] is True
    assert what_if(fake_arm, "-p", PARAMS, "--format", "text", TEMPLATE_DIR) == 0
    text = capsys.readouterr().out
    assert what_if(fake_arm, "-p", PARAMS, "-o", "table", TEMPLATE_DIR) == 0
    assert capsys.readouterr().out == text and "Resource changes: 4 to create." in text
    assert what_if(fake_arm, "-p", PARAMS, "-o", "json", "--format", "text", TEMPLATE_DIR) == 2
    assert "disagree" in capsys.readouterr().err


def test_preflight_takes_name_value(fake_arm: FakeArm, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["preflight", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", fake_arm.base_url,
                 "-p", "vnetName=hub-vnet", "-p", "vnetResourceGroup=network-rg", "-p", "subnetName=nope",
                 "-o", "json", TEMPLATE_DIR])
    doc = json.loads(capsys.readouterr().out)
    # the values reached preflight: it looked for the VNet they name (the fake has no network)
    assert code == 1 and any(c["subject"] == "hub-vnet" and c["status"] == "fail" for c in doc["checks"]), doc
    assert main(["preflight", "-g", RG, "--subscription", SUBSCRIPTION, TEMPLATE_DIR]) == 2
    assert "preflight needs the VNet and subnets" in capsys.readouterr().err
