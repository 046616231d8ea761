"""``armgen attach -g RG -p parameters.json`` just works after a deployment whose names end with a
per-deployment suffix (the offer's ``nameSuffix``, default ``take(uniqueString(resourceGroup().id,
deployment().name), 8)``): the names are settled from the resource group as Azure stores it and
from the deployment (its name, its recorded parameters and outputs), never guessed.

The template is tests/azure/data/attach's with the offer's suffix added to the NAT gateway names.
The expected names are computed with ARM's own uniqueString (armgen.armeval, pinned to values ARM
produced in tests/core/test_arm_functions.py) from the resource group's stored name, which differs
in case from the one typed on the command line.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from armgen.armeval import unique_string
from armgen.cli import main
from tests.azure.attach_world import PARAMS, TEMPLATE_DIR, VNET_ID, ZONE1, ZONE2, World, build
from tests.fakearm.deployments import DeploymentService, install_deployments
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm

STORED_RG = "Appliance-RG"  # as Azure stores it; the user types appliance-rg
RG_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{STORED_RG}"
SUFFIX_DEFAULT = "[take(uniqueString(resourceGroup().id, deployment().name), 8)]"


def nat_id(k: int, suffix: str) -> str:
    return f"{RG_ID}/providers/Microsoft.Network/natGateways/zcc-ngw-{k}-{suffix}"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    t = json.loads((Path(TEMPLATE_DIR) / "mainTemplate.json").read_text())
    t["parameters"]["nameSuffix"] = {"type": "string", "defaultValue": SUFFIX_DEFAULT, "maxLength": 13}
    nat = next(r for r in t["resources"] if r["type"] == "Microsoft.Network/natGateways")
    nat["name"] = "[format('{0}-ngw-{1}-{2}', parameters('namePrefix'), copyIndex(1), parameters('nameSuffix'))]"
    t["outputs"] = {"resourceNameSuffix": {"type": "string", "value": "[parameters('nameSuffix')]"}}
    path = tmp_path / "mainTemplate.json"
    path.write_text(json.dumps(t))
    return path


@pytest.fixture
def world(fake_arm: FakeArm) -> World:
    w = build(fake_arm)
    fake_arm.add_resource_group(SUBSCRIPTION, STORED_RG)  # the same group (ids ignore case), its stored name
    return w


@pytest.fixture
def deployments(world: World) -> DeploymentService:
    return install_deployments(world.arm)


PLAIN = json.loads(Path(PARAMS).read_text())["parameters"]
GIVEN = {k: v["value"] for k, v in PLAIN.items()}


def argv(world: World, template: Path, *extra: str, params: tuple[str, ...] = (PARAMS,)) -> list[str]:
    ps = [x for p in params for x in ("-p", p)]
    return ["attach", "-g", "appliance-rg", "--subscription", SUBSCRIPTION, "--endpoint", world.arm.base_url,
            "-f", str(template), *ps, *extra]


def deployed(world: World, deployments: DeploymentService, name: str, suffix: str, *, recorded: dict[str, Any],
             timestamp: str = "2026-03-01T10:00:00.000000Z", outputs: dict[str, Any] | None = None,
             listed: bool = True) -> None:
    """A succeeded deployment ``name`` whose NAT gateways exist with ``suffix``."""
    for k in (1, 2):
        world.net.add_nat_gateway(nat_id(k, suffix))
    deployments.add_deployment(SUBSCRIPTION, STORED_RG, name, recorded, timestamp=timestamp, outputs=outputs,
                               output_resources=[nat_id(k, suffix) for k in (1, 2)] if listed else None)


def nats(world: World) -> list[str]:
    return [world.props(z)["natGateway"]["id"] for z in (ZONE1, ZONE2)]


def test_after_az_deployment_group_create(world: World, deployments: DeploymentService, template: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """az names the deployment after the template file and records only the parameters given:
    the suffix is ARM's hash of the stored resource group id and that name."""
    suffix = unique_string(RG_ID, "mainTemplate")[:8]
    assert suffix != unique_string(RG_ID.replace(STORED_RG, "appliance-rg"), "mainTemplate")[:8]  # case matters
    deployed(world, deployments, "mainTemplate", suffix, recorded=GIVEN)
    assert main(argv(world, template)) == 0
    out = capsys.readouterr().out
    assert nats(world) == [nat_id(1, suffix), nat_id(2, suffix)]
    assert "Names from deployment mainTemplate in Appliance-RG" in out


def test_the_portal_records_the_suffix_it_chose(world: World, deployments: DeploymentService, template: Path) -> None:
    deployed(world, deployments, "zscaler.cloud-connector-20260301", "k3x9a2bq", recorded={**GIVEN, "nameSuffix": "k3x9a2bq"})
    assert main(argv(world, template)) == 0
    assert nats(world) == [nat_id(1, "k3x9a2bq"), nat_id(2, "k3x9a2bq")]


def test_an_output_that_echoes_the_parameter_settles_it(world: World, deployments: DeploymentService,
                                                        template: Path) -> None:
    """A Resource Manager that lists only the parameters given still reports the outputs."""
    deployed(world, deployments, "d1", "zz11yy22", recorded=GIVEN, outputs={"resourceNameSuffix": "zz11yy22"},
             listed=False)
    assert main(argv(world, template)) == 0
    assert nats(world) == [nat_id(1, "zz11yy22"), nat_id(2, "zz11yy22")]


def test_the_newest_deployment_made_with_these_parameters_wins(world: World, deployments: DeploymentService,
                                                               template: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    old = unique_string(RG_ID, "cc-old")[:8]
    deployed(world, deployments, "cc-old", old, recorded=GIVEN, timestamp="2026-01-01T00:00:00.000000Z")
    other = {**GIVEN, "vnetName": "spoke-vnet"}  # newer, but into another network
    deployed(world, deployments, "cc-spoke", "spoke001", recorded={**other, "nameSuffix": "spoke001"},
             timestamp="2026-06-01T00:00:00.000000Z")
    deployments.add_deployment(SUBSCRIPTION, STORED_RG, "cc-failed", GIVEN, state="Failed",
                               timestamp="2026-07-01T00:00:00.000000Z")
    assert main(argv(world, template)) == 0
    assert nats(world) == [nat_id(1, old), nat_id(2, old)]
    assert "Names from deployment cc-old" in capsys.readouterr().out


def test_deployment_named_explicitly(world: World, deployments: DeploymentService, template: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    a, b = unique_string(RG_ID, "a")[:8], unique_string(RG_ID, "b")[:8]
    deployed(world, deployments, "a", a, recorded=GIVEN, timestamp="2026-01-01T00:00:00.000000Z")
    deployed(world, deployments, "b", b, recorded=GIVEN, timestamp="2026-02-01T00:00:00.000000Z")
    assert main(argv(world, template, "--deployment", "a")) == 0
    assert nats(world) == [nat_id(1, a), nat_id(2, a)]
    capsys.readouterr()
    assert main(argv(world, template, "--deployment", "nope")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no deployment named 'nope' in resource group appliance-rg" in err


def test_no_deployment_settles_the_names(world: World, deployments: DeploymentService, template: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    deployed(world, deployments, "cc-spoke", "spoke001", recorded={**GIVEN, "vnetName": "spoke-vnet"})
    assert main(argv(world, template)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "depends on the deployment's name" in err and "--deployment NAME" in err
    assert "cc-spoke (other vnetName)" in err
    assert world.writes() == [] and world.net.puts == []


def test_parameters_as_az_takes_them_need_no_deployment(world: World, deployments: DeploymentService, template: Path,
                                                        tmp_path: Path) -> None:
    """-p repeatable, later ones winning, name=value typed by the template: with the suffix given
    no deployment is looked up; --tenant is taken like every Azure command's."""
    for k in (1, 2):
        world.net.add_nat_gateway(nat_id(k, "given123"))
    (tmp_path / "override.json").write_text(json.dumps({"namePrefix": "other"}))
    code = main(argv(world, template, "--tenant", "contoso.onmicrosoft.com",
                     params=(PARAMS, str(tmp_path / "override.json"), "namePrefix=zcc", "nameSuffix=given123")))
    assert code == 0 and nats(world) == [nat_id(1, "given123"), nat_id(2, "given123")]
    assert world.arm.requests_matching("GET", r"/providers/Microsoft\.Resources/deployments") == []


def test_bad_parameter_is_one_line_before_any_request(world: World, template: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = len(world.arm.requests)
    assert main(argv(world, template, params=(PARAMS, "zone1SubnetName=../x"))) == 2
    err = capsys.readouterr().err
    assert err == "armgen: -p zone1SubnetName=../x: '../x' is not a subnet name (letters, digits, '_', '.', '-')\n"
    assert main(argv(world, template, params=(PARAMS, "vnetNmae=x"))) == 2
    assert "unknown parameter 'vnetNmae' (did you mean 'vnetName'?)" in capsys.readouterr().err
    assert len(world.arm.requests) == before


def test_json_output_records_how_the_names_were_found(world: World, deployments: DeploymentService,
                                                      template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    suffix = unique_string(RG_ID, "mainTemplate")[:8]
    deployed(world, deployments, "mainTemplate", suffix, recorded=copy.deepcopy(GIVEN))
    assert main(argv(world, template, "-o", "json")) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["names"] == {"resourceGroup": STORED_RG, "deployment": "mainTemplate",
                            "source": "deployment mainTemplate (found)"}
    assert {s["state"] for s in doc["subnets"]} == {"attached"} and VNET_ID in doc["subnets"][0]["subnetId"]


def test_a_deployment_name_is_one_path_segment(world: World, deployments: DeploymentService, template: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a/../b", "{x}", "x?y"):
        assert main(argv(world, template, "--deployment", name)) == 2
        assert f"no deployment named {name!r}" in capsys.readouterr().err
    assert world.writes() == []
