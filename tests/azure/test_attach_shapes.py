"""``armgen attach`` for the cloud-connector offer's other shapes, on the fake Resource Manager:
bring-your-own NAT gateways (the parameters name them; attach associates those, detach leaves
them) and the greenfield build (the template associated its own subnets; attach has nothing to
do and keeps the workload route table off the deployment's own VNet).

The templates are the checked-in builds (createUiDefinition/cloud-connector-byo-nat/ and
-greenfield/), so these tests follow what the offer really emits."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from armgen.cli import main
from armgen.golden import ROOT
from tests.azure.attach_world import (
    NSG,
    RG_ID,
    RICH,
    WORKLOAD,
    ZONE1,
    ZONE2,
    World,
    build,
)
from tests.azure.attach_world import comparable as same_but
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm

BYO_TEMPLATE = str(ROOT / "createUiDefinition" / "cloud-connector-byo-nat")
GREENFIELD_TEMPLATE = str(ROOT / "createUiDefinition" / "cloud-connector-greenfield")
EGRESS_RG_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/egress-rg"
BYO1 = f"{EGRESS_RG_ID}/providers/Microsoft.Network/natGateways/egress-ngw-1"
BYO2 = f"{EGRESS_RG_ID}/providers/Microsoft.Network/natGateways/egress-ngw-2"


def parameters(tmp_path: Path, **values: Any) -> str:
    doc = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
           "contentVersion": "1.0.0.0",
           "parameters": {k: {"value": v} for k, v in values.items()}}
    path = tmp_path / "parameters.json"
    path.write_text(json.dumps(doc))
    return str(path)


BROWNFIELD = {"namePrefix": "zcc", "nameSuffix": "s1", "vnetName": "hub-vnet", "vnetResourceGroup": "network-rg",
              "zone1SubnetName": "cc-zone1", "zone2SubnetName": "cc-zone2"}


@pytest.fixture
def world(fake_arm: FakeArm) -> World:
    w = build(fake_arm)
    for rid in (BYO1, BYO2):
        w.net.add_nat_gateway(rid)  # the customer's, in another resource group
    return w


def test_brought_nat_gateways_are_attached_and_nothing_else_changes(world: World, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    before = {rid: world.props(rid) for rid in (ZONE1, ZONE2)}
    params = parameters(tmp_path, **BROWNFIELD, existingNatGatewayIds=[BYO1, BYO2])
    assert main(world.argv("attach", params=params, source=BYO_TEMPLATE)) == 0
    for rid, nat in ((ZONE1, BYO1), (ZONE2, BYO2)):
        assert world.props(rid)["natGateway"] == {"id": nat}
        assert same_but(world.props(rid), "natGateway") == same_but(before[rid])
        [put] = [p for p in world.net.puts if p.subnet_id == rid]
        assert put.if_match is not None and put.status == 200
    assert world.props(ZONE1)["delegations"] == RICH["delegations"]  # the rich subnet kept everything
    assert "zone slot 1) NAT gateway egress-ngw-1: to attach" in capsys.readouterr().out


def test_one_brought_nat_gateway_serves_every_zone_slot(world: World, tmp_path: Path) -> None:
    params = parameters(tmp_path, **BROWNFIELD, existingNatGatewayIds=[BYO1])
    assert main(world.argv("attach", params=params, source=BYO_TEMPLATE)) == 0
    assert world.props(ZONE1)["natGateway"] == world.props(ZONE2)["natGateway"] == {"id": BYO1}


def test_a_subnet_that_already_has_the_brought_gateway_is_left_alone(world: World, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    world.net.add_subnet(ZONE2, {"addressPrefix": "10.0.2.0/26", "natGateway": {"id": BYO2}})
    params = parameters(tmp_path, **BROWNFIELD, existingNatGatewayIds=[BYO1, BYO2])
    assert main(world.argv("attach", params=params, source=BYO_TEMPLATE)) == 0
    assert [p.subnet_id for p in world.net.puts] == [ZONE1]
    assert "NAT gateway egress-ngw-2: already attached" in capsys.readouterr().out


def test_detach_never_removes_a_brought_gateway(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = parameters(tmp_path, **BROWNFIELD, existingNatGatewayIds=[BYO1, BYO2])
    assert main(world.argv("attach", params=params, source=BYO_TEMPLATE)) == 0
    puts = len(world.net.puts)
    capsys.readouterr()
    assert main(world.argv("detach", params=params, source=BYO_TEMPLATE)) == 0
    assert "nothing to detach: the NAT gateways are your own" in capsys.readouterr().err
    assert len(world.net.puts) == puts and world.props(ZONE1)["natGateway"] == {"id": BYO1}


def test_created_gateways_when_the_byo_build_was_deployed_without_any(world: World, tmp_path: Path) -> None:
    """An empty list means the template created its own, exactly as the default build names them."""
    for k in (1, 2):
        world.net.add_nat_gateway(f"{RG_ID}/providers/Microsoft.Network/natGateways/zcc-ngw-{k}-s1")
    params = parameters(tmp_path, **BROWNFIELD, existingNatGatewayIds=[])
    assert main(world.argv("attach", params=params, source=BYO_TEMPLATE)) == 0
    assert world.props(ZONE2)["natGateway"] == {"id": f"{RG_ID}/providers/Microsoft.Network/natGateways/zcc-ngw-2-s1"}


@pytest.mark.parametrize(("ids", "source", "message"), [
    (["/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/routeTables/rt"], BYO_TEMPLATE,
     "$.parameters.existingNatGatewayIds.value[0]: '/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/"
     "routeTables/rt' is not a NAT gateway resource id"),
    ("egress-ngw-1", BYO_TEMPLATE, "$.parameters.existingNatGatewayIds.value: must be a list of NAT gateway"),
    ([BYO1], None, "the template does not take it: give the package the deployment was built from"),
    ([f"{EGRESS_RG_ID}/providers/Microsoft.Network/natGateways/missing"], BYO_TEMPLATE, "not found"),
])
def test_bad_brought_gateways_are_one_line_exit_2_no_write(world: World, tmp_path: Path, ids: Any, source: str | None,
                                                            message: str, capsys: pytest.CaptureFixture[str]) -> None:
    params = parameters(tmp_path, **BROWNFIELD, existingNatGatewayIds=ids)
    assert main(world.argv("attach", params=params, source=source)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err
    assert world.writes() == []


def test_a_brought_gateway_of_another_region_is_refused(world: World, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    far = f"{EGRESS_RG_ID}/providers/Microsoft.Network/natGateways/far-ngw"
    world.net.add_nat_gateway(far, location="australiaeast")
    params = parameters(tmp_path, **BROWNFIELD, existingNatGatewayIds=[far])
    assert main(world.argv("attach", params=params, source=BYO_TEMPLATE)) == 2
    assert "NAT gateway far-ngw in australiaeast: they must share a region" in capsys.readouterr().err
    assert world.writes() == []


# --- greenfield ---------------------------------------------------------------------------------------


GREEN = {"namePrefix": "zcc", "nameSuffix": "g1"}
OWN_VNET = f"{RG_ID}/providers/Microsoft.Network/virtualNetworks/zcc-vnet-g1"


def greenfield(world: World) -> dict[str, str]:
    """What the greenfield deployment left in the resource group: its VNet, whose zone subnets it
    associated with its NAT gateways and route table itself."""
    ids = {"nat1": f"{RG_ID}/providers/Microsoft.Network/natGateways/zcc-ngw-1-g1",
           "nat2": f"{RG_ID}/providers/Microsoft.Network/natGateways/zcc-ngw-2-g1",
           "ccrt": f"{RG_ID}/providers/Microsoft.Network/routeTables/zcc-cc-rt-g1",
           "wlrt": f"{RG_ID}/providers/Microsoft.Network/routeTables/zcc-workload-rt-g1"}
    world.net.add_vnet(OWN_VNET, prefixes=("10.1.0.0/16",))
    for key in ("nat1", "nat2"):
        world.net.add_nat_gateway(ids[key])
    world.net.add_route_table(ids["ccrt"], routes=[{"name": "default-route", "properties": {
        "addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"}}])
    world.net.add_route_table(ids["wlrt"], routes=[{"name": "default-route", "properties": {
        "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.1.0.254"}}])
    for k in (1, 2):
        world.net.add_subnet(f"{OWN_VNET}/subnets/zcc-cc-subnet-{k}-g1", {
            "addressPrefix": f"10.1.{k - 1}.0/24", "natGateway": {"id": ids[f"nat{k}"]},
            "routeTable": {"id": ids["ccrt"]}, "defaultOutboundAccess": False})
    world.net.add_subnet(f"{OWN_VNET}/subnets/zcc-workload-subnet-g1", {
        "addressPrefix": "10.1.4.0/24", "routeTable": {"id": ids["wlrt"]}, "defaultOutboundAccess": False})
    return ids


def test_greenfield_attach_finds_its_own_subnets_already_associated(world: World, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    greenfield(world)
    params = parameters(tmp_path, **GREEN)
    assert main(world.argv("attach", params=params, source=GREENFIELD_TEMPLATE)) == 0
    out = capsys.readouterr().out
    assert "zcc-vnet-g1/zcc-cc-subnet-1-g1 (zone slot 1) NAT gateway zcc-ngw-1-g1: already attached" in out
    assert "Nothing to attach: every subnet is already as asked." in out
    assert world.writes() == [] and world.net.puts == []


def test_greenfield_workload_route_table_goes_on_spoke_subnets_never_on_its_own_vnet(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = greenfield(world)
    params = parameters(tmp_path, **GREEN)
    own = f"{OWN_VNET}/subnets/zcc-workload-subnet-g1"
    assert main(world.argv("attach", "--route-table", "--subnet", own, params=params, source=GREENFIELD_TEMPLATE)) == 1
    assert "virtual network is the deployment's own" in capsys.readouterr().err
    assert world.writes() == []
    before = copy.deepcopy(world.props(WORKLOAD))  # a subnet of a peered (spoke) VNet
    assert main(world.argv("attach", "--route-table", "--subnet", WORKLOAD, params=params,
                           source=GREENFIELD_TEMPLATE)) == 0
    assert world.props(WORKLOAD)["routeTable"] == {"id": ids["wlrt"]}  # the workload table, not the zones' own
    assert same_but(world.props(WORKLOAD), "routeTable") == same_but(before)
    assert world.props(WORKLOAD)["networkSecurityGroup"] == {"id": NSG}


def test_default_template_still_attaches_what_it_created(world: World) -> None:
    """The bring-your-own code path stays out of a default deployment's way (no such parameter)."""
    assert main(world.argv("attach")) == 0
    assert world.props(ZONE1)["natGateway"]["id"].endswith("/natGateways/zcc-ngw-1")
