"""``armgen preflight`` against an existing network served by the fake Resource Manager."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.azure.preflight import network_plan
from armgen.azure.session import AzureFailure
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
    with pytest.raises(AzureFailure) as info:
        network_plan(values, "rg", None)
    assert info.value.exit_code == 2 and needle in info.value.message


# ------------------------------------------------------------------ what Azure refuses at deploy time
# The built-in offer: 4 appliances (2 per zone, zones 1 and 2), Standard_D2s_v3 (2 vCPUs), a
# Marketplace plan, Microsoft.Network and Microsoft.Compute resources.
OFFER_PLAN = ("zscaler1579058425289", "zia_cloud_connector", "zs_ser_gen1_cc_01")


@pytest.fixture
def compute(fake_arm: FakeArm):
    from tests.fakearm.compute import install_compute

    svc = install_compute(fake_arm)
    svc.add_size("Standard_D2s_v3", "standardDSv3Family", 2)
    svc.add_size("Standard_DS3_v2", "standardDSv2Family", 4)
    return svc


def offer_network(arm: FakeArm) -> None:
    arm.add_resource_group(SUBSCRIPTION, RG, location="westeurope")
    arm.add_resource_group(SUBSCRIPTION, "network-rg", location="westeurope")
    arm.put_resource(VNET_ID, {"location": "westeurope", "properties": {}})
    for z in (1, 2):
        arm.put_resource(f"{VNET_ID}/subnets/snet-z{z}", {"properties": {"addressPrefix": f"10.0.{z}.0/26",
                                                                         "ipConfigurations": []}})


def offer_run(arm: FakeArm, tmp_path: Path, **extra: object) -> int:
    values = {"vnetName": "hub-vnet", "vnetResourceGroup": "network-rg", "zone1SubnetName": "snet-z1",
              "zone2SubnetName": "snet-z2", "sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + "A" * 60 + " test@example.com", "ccUrl": "x.example/api",
              "keyVaultUrl": "https://kv.vault.azure.net/", "identityName": "id-cc", "identityResourceGroup": "rg-id",
              **extra}
    p = tmp_path / "offer.json"
    p.write_text(json.dumps({"parameters": {k: {"value": v} for k, v in values.items()}}))
    return main(["preflight", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", arm.base_url, "-p", str(p),
                 "--format", "json", "--location", "westeurope"])


def rows(capsys: pytest.CaptureFixture[str], *kinds: str) -> dict[tuple[str, str], dict]:
    return {k: c for k, c in checks(capsys).items() if k[0] in kinds}


def test_compute_checks_pass(fake_arm: FakeArm, compute, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    assert offer_run(fake_arm, tmp_path) == 0
    got = rows(capsys, "vm size", "vm size zone", "vcpu quota", "marketplace terms", "resource provider")
    assert {k: c["status"] for k, c in got.items()} == {
        ("vm size", "Standard_D2s_v3"): "pass",
        ("vm size zone", "Standard_D2s_v3 zone 1"): "pass",
        ("vm size zone", "Standard_D2s_v3 zone 2"): "pass",
        ("vcpu quota", "standardDSv3Family"): "pass",
        ("vcpu quota", "regional vCPUs"): "pass",
        ("marketplace terms", ":".join(OFFER_PLAN)): "pass",
        ("resource provider", "Microsoft.Network"): "pass",
        ("resource provider", "Microsoft.Compute"): "pass",
    }
    assert got[("vcpu quota", "standardDSv3Family")]["detail"].startswith("needs 8 vCPUs; 100 free of 100")
    sku_reads = fake_arm.requests_matching("GET", r"/providers/Microsoft\.Compute/skus$")
    assert sku_reads[0].query == {"api-version": "2021-07-01", "$filter": "location eq 'westeurope'"}
    assert fake_arm.requests_matching("GET", "/locations/westeurope/usages$")[0].query["api-version"] == "2024-07-01"
    assert fake_arm.requests_matching("GET", "/agreements/current$")[0].query["api-version"] == "2021-01-01"


def test_vm_size_not_offered_in_the_region(fake_arm: FakeArm, compute, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    del compute.sizes["standard_d2s_v3"]
    assert offer_run(fake_arm, tmp_path) == 1
    row = rows(capsys, "vm size")[("vm size", "Standard_D2s_v3")]
    assert row["status"] == "fail" and row["detail"] == "not offered in westeurope"
    assert "az vm list-skus --location westeurope" in row["fix"]


def test_vm_size_restricted_for_the_subscription(fake_arm: FakeArm, compute, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    compute.restrict("Standard_D2s_v3", "Location", "westeurope")
    assert offer_run(fake_arm, tmp_path) == 1
    row = rows(capsys, "vm size")[("vm size", "Standard_D2s_v3")]
    assert row["status"] == "fail" and "NotAvailableForSubscription" in row["detail"]
    # another size the subscription may use passes
    assert offer_run(fake_arm, tmp_path, vmSize="Standard_DS3_v2") == 0
    got = rows(capsys, "vm size", "vcpu quota")
    assert got[("vm size", "Standard_DS3_v2")]["status"] == "pass"
    assert got[("vcpu quota", "standardDSv2Family")]["detail"].startswith("needs 16 vCPUs")


def test_vm_size_restricted_in_one_zone(fake_arm: FakeArm, compute, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    compute.restrict("Standard_D2s_v3", "Zone", "westeurope", zones=("2",))
    assert offer_run(fake_arm, tmp_path) == 1
    got = rows(capsys, "vm size", "vm size zone")
    assert got[("vm size", "Standard_D2s_v3")]["status"] == "pass"
    assert got[("vm size zone", "Standard_D2s_v3 zone 1")]["status"] == "pass"
    z2 = got[("vm size zone", "Standard_D2s_v3 zone 2")]
    assert z2["status"] == "fail" and "zone 2 of westeurope" in z2["detail"] and z2["fix"]


def test_vm_size_offered_in_other_zones_only(fake_arm: FakeArm, compute, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    compute.add_size("Standard_D2s_v3", "standardDSv3Family", 2, zones=("1", "3"))
    assert offer_run(fake_arm, tmp_path) == 1
    z2 = rows(capsys, "vm size zone")[("vm size zone", "Standard_D2s_v3 zone 2")]
    assert z2["status"] == "fail" and z2["detail"] == "offered only in zones 1, 3 of westeurope"


@pytest.mark.parametrize(("usage", "subject"), [
    (("standardDSv3Family", 95, 100), "standardDSv3Family"),  # 5 free, 8 needed
    (("cores", 10, 16), "regional vCPUs"),  # 6 free, 8 needed
])
def test_vcpu_quota_too_small(fake_arm: FakeArm, compute, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              usage: tuple[str, int, int], subject: str) -> None:
    offer_network(fake_arm)
    compute.usage(*usage)
    assert offer_run(fake_arm, tmp_path) == 1
    got = rows(capsys, "vcpu quota")
    row = got[("vcpu quota", subject)]
    free = usage[2] - usage[1]
    assert row["status"] == "fail" and row["detail"].startswith(f"needs 8 vCPUs; {free} free of {usage[2]}")
    assert row["fix"].startswith("az quota update --scope /subscriptions/") and f"--resource-name {usage[0]}" in row["fix"]
    assert [c["status"] for k, c in got.items() if k != ("vcpu quota", subject)] == ["pass"]


def test_marketplace_terms_not_accepted(fake_arm: FakeArm, compute, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    compute.terms[OFFER_PLAN] = False
    assert offer_run(fake_arm, tmp_path) == 1
    row = rows(capsys, "marketplace terms")[("marketplace terms", ":".join(OFFER_PLAN))]
    assert row["status"] == "fail"
    assert row["fix"] == (f"az vm image terms accept --publisher {OFFER_PLAN[0]} --offer {OFFER_PLAN[1]} "
                          f"--plan {OFFER_PLAN[2]} --subscription {SUBSCRIPTION}")


def test_resource_provider_not_registered(fake_arm: FakeArm, compute, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    compute.providers["microsoft.compute"] = "NotRegistered"
    compute.providers["microsoft.network"] = "Registering"
    assert offer_run(fake_arm, tmp_path) == 1
    got = rows(capsys, "resource provider")
    assert got[("resource provider", "Microsoft.Compute")]["status"] == "fail"
    assert got[("resource provider", "Microsoft.Compute")]["fix"].startswith(
        "az provider register --namespace Microsoft.Compute")
    assert got[("resource provider", "Microsoft.Network")]["status"] == "warn"


def test_compute_endpoints_missing_are_warnings(fake_arm: FakeArm, compute, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    compute.missing |= {"skus", "terms", "providers"}
    assert offer_run(fake_arm, tmp_path) == 0
    got = rows(capsys, "vm size", "vcpu quota", "marketplace terms", "resource provider")
    assert {c["status"] for c in got.values()} == {"warn"}


def test_table_shows_the_fix(fake_arm: FakeArm, compute, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    compute.terms[OFFER_PLAN] = False
    offer_run(fake_arm, tmp_path)
    capsys.readouterr()
    assert main(["preflight", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", fake_arm.base_url,
                 "-p", str(tmp_path / "offer.json"), "--location", "westeurope"]) == 1
    out = capsys.readouterr().out
    assert f"  fix: az vm image terms accept --publisher {OFFER_PLAN[0]}" in out


def test_sku_list_pages_are_followed_but_never_to_another_host(fake_arm: FakeArm, compute, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    offer_network(fake_arm)
    compute.page_size = 1  # disks, D2s_v3, DS3_v2: three pages
    assert offer_run(fake_arm, tmp_path) == 0
    assert compute.reads["skus"] == 3
    capsys.readouterr()

    def elsewhere(req):
        return 200, {"value": [], "nextLink": "https://attacker.example/steal"}, {}

    fake_arm.route("GET", r"/subscriptions/[^/]+/providers/Microsoft\.Compute/skus")(elsewhere)
    assert offer_run(fake_arm, tmp_path) == 3
    assert "nextLink" in capsys.readouterr().err


def test_huge_copy_count_is_bounded(fake_arm: FakeArm, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A copy count from a huge parameter default (9007199254740993) is refused (ARM allows
    800), instead of a loop that never ends."""
    import time

    network(fake_arm)
    src = tmp_path / "tpl"
    src.mkdir()
    doc = json.loads((Path(TEMPLATE_DIR) / "mainTemplate.json").read_text())
    doc["parameters"]["vmCount"]["defaultValue"] = 9007199254740993
    doc["parameters"]["vmCount"].pop("maxValue", None)
    (src / "mainTemplate.json").write_text(json.dumps(doc))
    t0 = time.monotonic()
    rc = main(["preflight", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", fake_arm.base_url,
               "-p", params(tmp_path), str(src)])
    err = capsys.readouterr().err
    assert rc == 2 and time.monotonic() - t0 < 30
    assert err.count("\n") == 1 and "9007199254740993" in err and "800" in err
    with pytest.raises(AzureFailure):
        network_plan({"vnetName": "v", "subnetName": "s", "vmCount": 10**6}, "rg")
