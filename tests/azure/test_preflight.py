"""``armgen preflight`` against an existing network served by the fake Resource Manager."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.azure.preflight import network_plan
from armgen.cli import main
from tests.azure.helpers import NET_RG_ID, RG, SUBNET_ID, TEMPLATE_DIR, VNET_ID
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm

RT_ID = f"{NET_RG_ID}/providers/Microsoft.Network/routeTables/spoke-rt"
NAT_ID = f"{NET_RG_ID}/providers/Microsoft.Network/natGateways/customer-nat"


def network(arm: FakeArm, prefix: str = "10.0.1.0/28", used: int = 2, location: str = "westeurope",
            route_table: list[dict] | None = None, nat: bool = False) -> None:
    arm.add_resource_group(SUBSCRIPTION, RG, location="westeurope")
    arm.add_resource_group(SUBSCRIPTION, "network-rg", location=location)
    arm.put_resource(VNET_ID, {"location": location, "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}})
    cfgs = []
    for i in range(used):
        cid = f"{NET_RG_ID}/providers/Microsoft.Network/networkInterfaces/vm{i}-nic/ipConfigurations/ipconfig1"
        arm.put_resource(cid, {"properties": {"privateIPAddress": str(__import__("ipaddress").ip_network(prefix)[4 + i])}})
        cfgs.append({"id": cid})
    props: dict = {"addressPrefix": prefix, "ipConfigurations": cfgs}
    if route_table is not None:
        arm.put_resource(RT_ID, {"location": location, "properties": {"routes": route_table}})
        props["routeTable"] = {"id": RT_ID}
    if nat:
        props["natGateway"] = {"id": NAT_ID}
    arm.put_resource(SUBNET_ID, {"properties": props})


def params(tmp_path: Path, **extra: object) -> str:
    """A parameters file, and beside it (template.json) the test template declaring the extra
    parameters a case uses: -p values are checked against the template they are for."""
    values = {"vnetName": "hub-vnet", "vnetResourceGroup": "network-rg", "subnetName": "appliance-snet", **extra}
    p = tmp_path / "p.json"
    p.write_text(json.dumps({"parameters": {k: {"value": v} for k, v in values.items()}}))
    template = json.loads((Path(TEMPLATE_DIR) / "mainTemplate.json").read_text())
    types = {str: "string", int: "int", list: "array", dict: "object"}
    template["parameters"].update({k: {"type": types[type(v)]} for k, v in extra.items()})
    (tmp_path / "template.json").write_text(json.dumps(template))
    return str(p)


def run(arm: FakeArm, pfile: str, *extra: str) -> int:
    return main(["preflight", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", arm.base_url, "-p", pfile,
                 "--format", "json", *extra, str(Path(pfile).with_name("template.json"))])


def checks(capsys: pytest.CaptureFixture[str]) -> dict[tuple[str, str], dict]:
    doc = json.loads(capsys.readouterr().out)
    return {(c["check"], c["subject"]): c for c in doc["checks"]}


def test_healthy_network_passes(fake_arm: FakeArm, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    network(fake_arm, prefix="10.0.1.0/26", used=2)
    assert run(fake_arm, params(tmp_path, staticIpLb="10.0.1.10")) == 0
    c = checks(capsys)
    assert c[("subnet capacity", "appliance-snet")]["status"] == "pass"
    # /26 = 64 - 5 reserved - 2 in use = 57 free; 2 VMs x 2 NICs + LB frontend = 5
    assert c[("subnet capacity", "appliance-snet")]["detail"].startswith("needs 5 (4 NICs + LB frontend); 57 free of 59")
    assert c[("static ip", "10.0.1.10")]["status"] == "pass"
    assert c[("vnet region", "hub-vnet")]["status"] == "pass"
    # reads go through get_by_id with the pinned Network api-version
    gets = fake_arm.requests_matching("GET", "/subnets/appliance-snet$")
    assert gets and gets[0].query["api-version"] == "2025-07-01"


def test_small_subnet_fails_and_table(fake_arm: FakeArm, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    network(fake_arm, prefix="10.0.1.0/29", used=1)  # 8 - 5 - 1 = 2 free, 5 needed
    rc = main(["preflight", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", fake_arm.base_url,
               "-p", params(tmp_path), TEMPLATE_DIR])
    out = capsys.readouterr().out
    assert rc == 1
    assert "FAIL    subnet capacity" in out and "needs 5 (4 NICs + LB frontend); 2 free of 3 usable" in out
    assert out.splitlines()[0].split() == ["STATUS", "CHECK", "SUBJECT", "DETAIL"]
    assert out.rstrip().endswith("1 failed.")


def test_static_ips_reserved_used_outside(fake_arm: FakeArm, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    network(fake_arm, prefix="10.0.1.0/26", used=2)
    assert run(fake_arm, params(tmp_path, privateIpAddresses=["10.0.1.1", "10.0.1.5", "10.9.9.9", "10.0.1.20"])) == 1
    c = checks(capsys)
    assert c[("static ip", "10.0.1.1")]["status"] == "fail" and "reserved" in c[("static ip", "10.0.1.1")]["detail"]
    assert c[("static ip", "10.0.1.5")]["status"] == "fail" and "vm1-nic" in c[("static ip", "10.0.1.5")]["detail"]
    assert c[("static ip", "10.9.9.9")]["status"] == "fail"
    assert c[("static ip", "10.0.1.20")]["status"] == "pass"


def test_route_loop_nat_and_route_table_reported(fake_arm: FakeArm, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    routes = [
        {"name": "default-via-appliance", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
                                                         "nextHopIpAddress": "10.0.1.40"}},
        {"name": "onprem", "properties": {"addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualAppliance",
                                          "nextHopIpAddress": "10.0.9.4"}},
    ]
    network(fake_arm, prefix="10.0.1.0/26", route_table=routes, nat=True)
    assert run(fake_arm, params(tmp_path)) == 1
    c = checks(capsys)
    assert c[("nat gateway", "appliance-snet")]["status"] == "warn"
    assert "customer-nat" in c[("nat gateway", "appliance-snet")]["detail"]
    assert c[("route table", "appliance-snet")]["status"] == "warn"
    loop = c[("route loop", "appliance-snet")]
    assert loop["status"] == "fail" and "default-via-appliance" in loop["detail"] and "onprem" not in loop["detail"]


def test_missing_vnet_subnet_and_region(fake_arm: FakeArm, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    network(fake_arm, location="northeurope")
    assert run(fake_arm, params(tmp_path, subnetName=["appliance-snet", "other-snet"])) == 1
    c = checks(capsys)
    assert c[("vnet region", "hub-vnet")]["status"] == "fail"
    assert c[("subnet exists", "other-snet")]["status"] == "fail"
    assert run(fake_arm, params(tmp_path, vnetName="nope")) == 1
    assert checks(capsys)[("vnet exists", "nope")]["status"] == "fail"


def test_network_plan_roles_and_zones() -> None:
    plan = network_plan({"vnetName": "v", "serviceSubnetName1": "s1", "serviceSubnetName2": "s2",
                         "mgmtSubnetName1": "m1", "mgmtSubnetName2": "m2", "vmCount": 3}, "rg")
    got = {s.name: (s.nics, s.lb_frontend, s.roles) for s in plan.subnets}
    assert got == {"s1": (2, True, ["service"]), "s2": (1, False, ["service"]),
                   "m1": (2, False, ["mgmt"]), "m2": (1, False, ["mgmt"])}
    assert plan.vnet_resource_group == "rg"


def test_network_plan_from_template_zone_subnets() -> None:
    """The built-in offer's shape: zoneN subnets, mgmt + fwd NIC per VM, copy counts from variables."""
    t = {"parameters": {"namePrefix": {"type": "string", "defaultValue": "zscc"}},
         "variables": {"count": 4},
         "resources": [
             {"type": "Microsoft.Network/loadBalancers", "name": "lb"},
             {"type": "Microsoft.Network/networkInterfaces", "name": "m", "copy": {"name": "a", "count": "[variables('count')]"}},
             {"type": "Microsoft.Network/networkInterfaces", "name": "f", "copy": {"name": "b", "count": "[variables('count')]"}},
             {"type": "Microsoft.Compute/virtualMachines", "name": "vm", "copy": {"name": "c", "count": "[variables('count')]"}},
         ]}
    plan = network_plan({"vnetName": "v", "vnetResourceGroup": "[resourceGroup().name]",
                         "zone1SubnetName": "z1", "zone2SubnetName": "z2"}, "rg", t)
    assert {s.name: (s.nics, s.lb_frontend) for s in plan.subnets} == {"z1": (4, True), "z2": (4, False)}
    assert plan.vnet_resource_group == "rg"
    t["resources"] = [r for r in t["resources"] if "loadBalancers" not in r["type"]]
    assert [s.lb_frontend for s in network_plan({"vnetName": "v", "subnetName": "s"}, "rg", t).subnets] == [False]


def test_forbidden_read_names_action(fake_arm: FakeArm, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    network(fake_arm)
    fake_arm.deny("Microsoft.Network/virtualNetworks/read", r"/virtualNetworks/hub-vnet", VNET_ID, method="GET")
    assert run(fake_arm, params(tmp_path)) == 3
    err = capsys.readouterr().err
    assert "ARMGEN_ACCESS_TOKEN lacks permission for Microsoft.Network/virtualNetworks/read: AuthorizationFailed" in err


def test_missing_vnet_resource_group_is_a_failed_check(fake_arm: FakeArm, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    fake_arm.add_resource_group(SUBSCRIPTION, RG)
    assert run(fake_arm, params(tmp_path, vnetResourceGroup="gone-rg")) == 1
    assert checks(capsys)[("vnet exists", "hub-vnet")]["detail"] == "not found in resource group gone-rg"


@pytest.mark.parametrize(("values", "needle"), [
    ({"vnetName": ["v"], "subnetName": "s"}, "'vnetName' must be"),
    ({"vnetName": 5, "subnetName": "s"}, "'vnetName' must be"),
    ({"vnetName": "v", "zone1SubnetName": {"a": 1}}, "'zone1SubnetName' must be"),
    ({"vnetName": "v", "zone1SubnetName": [""], "zone2SubnetName": None}, "must be"),
])
def test_network_plan_parameters_of_the_wrong_type(values: dict[str, object], needle: str) -> None:
    from armgen.azure.session import AzureFailure

    with pytest.raises(AzureFailure) as info:
        network_plan(values, "rg", None)
    assert info.value.exit_code == 2 and needle in info.value.message
