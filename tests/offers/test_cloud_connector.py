"""The cloud-connector offer: variants, zones, counts, brownfield guarantees, bootstrap, outputs.

Placement and bootstrap are checked by evaluating the model's expressions (tests/offers/armeval.py)
with test parameter values, so the assertions are about what a deployment would do.
"""

from __future__ import annotations

import base64
import configparser
import itertools
import json
import re
from typing import Any

import pytest

from armgen import expr as E
from armgen.errors import InputError
from armgen.offers import cloud_connector as cc
from armgen.offers import get_offer
from armgen.resources import compute, network
from armgen.template import Resource, Template
from tests.offers.armeval import Env
from tests.offers.conftest import build

PARAMS = {
    "vnetName": "hub-vnet", "vnetResourceGroup": "net-rg", "zone1SubnetName": "cc-z1", "zone2SubnetName": "cc-z2",
    "zone3SubnetName": "cc-z3", "subnetName": "cc", "sshPublicKey": "ssh-ed25519 AAAA test", "ccUrl":
    "connector.zscaler.net/api/v1/provUrl?name=azure_prov_url", "keyVaultUrl": "https://ccvault.vault.azure.net",
    "identityName": "cc-identity", "identityResourceGroup": "id-rg", "location": "westeurope",
}

MATRIX = [
    {"variant": v, "zones": z, "appliancesPerZone": n, "natGateway": nat}
    for v, z, n, nat in itertools.product(["ha", "standalone"], [[], ["1"], ["1", "2", "3"]], [1, 2], [True, False])
    if v == "ha" or n == 1  # standalone: one appliance per zone (see test_standalone_uses_every_appliance)
]
SUFFIX = "[parameters('nameSuffix')]"


def env(t: Template, **kw: Any) -> Env:
    params = {k: v for k, v in PARAMS.items() if k in t.parameters}
    params.update(kw.pop("params", {}))
    return Env(t, params=params, **kw)


def suffix(e: Env) -> str:
    return e.eval(E.as_expr(e.template.parameters["nameSuffix"]))


def res(t: Template, symbol: str) -> Resource:
    return next(r for r in t.resources if r.symbol == symbol)


def rendered(doc: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in doc["resources"] if r["type"] == type_]


def types_anywhere(node: Any) -> set[str]:
    """Every ``type`` value in the document, nested templates included."""
    out: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            out.add(node["type"])
        for v in node.values():
            out |= types_anywhere(v)
    elif isinstance(node, list):
        for v in node:
            out |= types_anywhere(v)
    return out


# --- the whole matrix renders, passes check() and both schema sets --------------------------------


@pytest.mark.parametrize("options", MATRIX, ids=lambda o: f"{o['variant']}-z{''.join(o['zones']) or 'none'}-n{o['appliancesPerZone']}-nat{int(o['natGateway'])}")
def test_matrix_renders_and_validates(options: dict[str, Any], official_schemas: Any) -> None:
    from armgen.checks import official

    t, doc = build(**options)
    t.check()
    slots = max(1, len(options["zones"]))
    count = slots * options["appliancesPerZone"]
    assert rendered(doc, compute.VM)[0]["copy"]["count"] == count
    assert rendered(doc, network.NIC)[0]["copy"]["count"] == count
    assert len(rendered(doc, network.NIC)) == 2
    assert len(rendered(doc, network.LB)) == (1 if options["variant"] == "ha" else 0)
    nats = rendered(doc, network.NAT_GATEWAY)
    pips = rendered(doc, network.PUBLIC_IP)
    if options["natGateway"]:
        assert nats[0]["copy"]["count"] == pips[0]["copy"]["count"] == slots
        assert doc["outputs"]["natPublicIps"]["copy"]["count"] == slots
        assert len(doc["outputs"]["natGatewayAzCommands"]["value"]) == slots
    else:
        assert nats == pips == []
        assert "natPublicIps" not in doc["outputs"]
    subnet_params = [p for p, v in t.parameters.items() if v.ui.get("control") == "subnet"]
    assert subnet_params == ([f"zone{k}SubnetName" for k in range(1, slots + 1)] if options["zones"] else ["subnetName"])
    assert [str(p) for p in official.validate_template(doc, "mainTemplate.json", official_schemas)] == []
    validate = pytest.importorskip("armgen.checks.schemas")
    assert [str(p) for p in validate.validate_document(doc, "template")] == []


def test_two_builds_are_identical() -> None:
    a = json.dumps(build()[1], indent=2)
    b = json.dumps(build()[1], indent=2)
    assert a == b


# --- brownfield -----------------------------------------------------------------------------------


@pytest.mark.parametrize("options", MATRIX[::3], ids=str)
def test_never_declares_or_writes_the_existing_network(options: dict[str, Any]) -> None:
    t, doc = build(**options)
    types = types_anywhere(doc["resources"])
    assert not any(ty.lower().startswith("microsoft.network/virtualnetworks") for ty in types), types
    # nothing the template deploys is or edits a subnet: no subnet/vnet resource, no association property
    text = json.dumps(doc)
    for forbidden in ('"natGateway":', '"routeTable":', '"subnets"', "virtualNetworks/subnets@"):
        assert forbidden not in text
    # the only nested deployment is the empty tracking one
    for d in rendered(doc, "Microsoft.Resources/deployments"):
        assert d["properties"]["template"]["resources"] == []
    # the VNet and subnets are in the model only as existing references in the VNet's resource group
    existing = [r for r in t.resources if r.existing]
    assert {r.type for r in existing} >= {network.VNET, network.SUBNET}
    assert all(r.existing for r in t.resources if r.type in (network.VNET, network.SUBNET))


def test_subnet_ids_use_the_vnet_resource_group() -> None:
    t, doc = build()
    assert doc["variables"]["subnetIds"] == [
        f"[resourceId(parameters('vnetResourceGroup'), 'Microsoft.Network/virtualNetworks/subnets', "
        f"parameters('vnetName'), parameters('zone{k}SubnetName'))]" for k in (1, 2)]
    text = json.dumps(doc)
    uses = [m.start() for m in re.finditer(re.escape("'Microsoft.Network/virtualNetworks/subnets'"), text)]
    assert len(uses) == 3  # two variables + the LB frontend
    assert all(text[:u].endswith("resourceId(parameters('vnetResourceGroup'), ") for u in uses)
    e = env(t, copy_index=0)
    lb_subnet = e.eval(res(t, "lb").properties["frontendIPConfigurations"][0]["properties"]["subnet"]["id"])
    assert lb_subnet == "/rg/net-rg/Microsoft.Network/virtualNetworks/subnets/hub-vnet/cc-z1"


# --- placement: zone slot i mod n, subnet i mod n, availability set fallback --------------------------


@pytest.mark.parametrize("zones", [["1"], ["1", "2"], ["1", "2", "3"], ["2", "3"]])
def test_appliance_i_goes_to_zone_slot_i_mod_n(zones: list[str]) -> None:
    t, _ = build(zones=zones, appliancesPerZone=2)
    vm, mgmt, svc = res(t, "ccvm"), res(t, "mgmtNic"), res(t, "serviceNic")
    assert vm.copy is not None and vm.copy.count == 2 * len(zones)
    for i in range(vm.copy.count):
        e = env(t, copy_index=i)
        slot = i % len(zones)
        assert e.eval(vm.zones) == [zones[slot]]
        assert e.eval(vm.properties["availabilitySet"]) is None
        subnet_name = e.eval(E.as_expr(t.parameters[f"zone{slot + 1}SubnetName"]))
        for nic in (mgmt, svc):
            sid = e.eval(nic.properties["ipConfigurations"][0]["properties"]["subnet"]["id"])
            assert sid.endswith(f"/hub-vnet/{subnet_name}")
        assert re.fullmatch(rf"zscc-ccvm-{i + 1}-[a-z2-7]{{8}}", e.eval(vm.name))
    assert Env(t, params=env(t).params).eval(res(t, "availabilitySet").condition) is False


def test_region_without_zones_falls_back_to_the_availability_set() -> None:
    t, _ = build(zones=["1", "2"])
    e = env(t, copy_index=3, region_zones=[])
    vm = res(t, "ccvm")
    assert e.eval(vm.zones) is None
    assert e.eval(vm.properties["availabilitySet"]) == {
        "id": f"/rg/deploy-rg/Microsoft.Compute/availabilitySets/zscc-ccvm-availability-set-{suffix(e)}"}
    assert e.eval(res(t, "availabilitySet").condition) is True
    assert e.eval(res(t, "lb").properties["frontendIPConfigurations"][0]["zones"]) is None
    assert e.eval(res(t, "natPublicIp").zones) is None and e.eval(res(t, "natGateway").zones) is None


def test_no_build_zones_always_uses_the_availability_set() -> None:
    _t, doc = build(zones=[])
    assert "pickZones" not in json.dumps(doc)
    vm = rendered(doc, compute.VM)[0]
    assert "zones" not in vm
    assert vm["properties"]["availabilitySet"] == {
        "id": "[resourceId('Microsoft.Compute/availabilitySets', format('{0}-ccvm-availability-set-{1}', "
              "parameters('namePrefix'), parameters('nameSuffix')))]"}
    assert "zones" not in doc["parameters"]
    avs = rendered(doc, compute.AVAILABILITY_SET)[0]
    assert "condition" not in avs
    assert "zones" not in rendered(doc, network.LB)[0]["properties"]["frontendIPConfigurations"][0]


@pytest.mark.parametrize(("zones", "expected"), [(["1"], ["1"]), (["1", "2"], ["1", "2", "3"]), (["3", "1"], ["1", "2", "3"]), (["2"], ["2"])])
def test_lb_frontend_zones(zones: list[str], expected: list[str]) -> None:
    t, _ = build(zones=zones)
    fe = res(t, "lb").properties["frontendIPConfigurations"][0]
    assert env(t).eval(fe["zones"]) == expected


def test_nat_gateway_and_public_ip_are_zonal_per_slot() -> None:
    t, _ = build(zones=["1", "3"])
    for i, zone in enumerate(["1", "3"]):
        e = env(t, copy_index=i)
        assert e.eval(res(t, "natPublicIp").zones) == [zone]
        assert e.eval(res(t, "natGateway").zones) == [zone]
        assert e.eval(res(t, "natGateway").properties["publicIpAddresses"][0]["id"]).endswith(
            f"zscc-public-ip-{i + 1}-{suffix(e)}")


# --- dependsOn is derived -----------------------------------------------------------------------------


def test_depends_on_is_derived() -> None:
    _, doc = build()
    vm = rendered(doc, compute.VM)[0]
    mgmt_id = ("[resourceId('Microsoft.Network/networkInterfaces', format('{0}-ccvm-{1}-mgmt-nic-{2}', "
               "parameters('namePrefix'), copyIndex(1), parameters('nameSuffix')))]")
    svc_id = ("[resourceId('Microsoft.Network/networkInterfaces', format('{0}-ccvm-{1}-fwd-nic-{2}', "
              "parameters('namePrefix'), copyIndex(1), parameters('nameSuffix')))]")
    lb_id = "[resourceId('Microsoft.Network/loadBalancers', format('{0}-cc-lb-{1}', parameters('namePrefix'), parameters('nameSuffix')))]"
    assert mgmt_id in vm["dependsOn"] and svc_id in vm["dependsOn"]
    mgmt, svc = rendered(doc, network.NIC)
    assert lb_id in svc["dependsOn"]
    assert lb_id not in mgmt.get("dependsOn", [])
    rt = rendered(doc, network.ROUTE_TABLE)[0]
    assert rt["dependsOn"] == [lb_id]
    # nothing depends on an existing resource (they are not deployed)
    assert "virtualNetworks" not in json.dumps([r.get("dependsOn", []) for r in doc["resources"]])
    assert "userAssignedIdentities" not in json.dumps([r.get("dependsOn", []) for r in doc["resources"]])


def test_standalone_uses_every_appliance() -> None:
    """Issue 13: standalone deployed 4 appliances and routed everything to the first. Now one
    appliance per zone slot, each with a workload route table of its own (workloads of a zone use
    that zone's appliance, as the reference architecture describes)."""
    t, doc = build(variant="standalone", zones=["1", "2"])
    assert rendered(doc, network.LB) == []
    assert "lbFrontendIp" not in doc["outputs"]
    assert "probeIntervalInSeconds" not in doc["parameters"] and "loadDistribution" not in doc["parameters"]
    assert rendered(doc, compute.VM)[0]["copy"]["count"] == 2
    svc = rendered(doc, network.NIC)[1]
    assert "loadBalancerBackendAddressPools" not in json.dumps(svc)
    (rt,) = rendered(doc, network.ROUTE_TABLE)
    assert rt["copy"]["count"] == 2
    tables = res(t, "workloadRouteTable")
    hop = tables.properties["routes"][0]["properties"]["nextHopIpAddress"]
    # route table k -> appliance k's service NIC, for every k: no appliance is left out
    assert [E.to_json(E.at_index(hop, E.as_expr(k))) for k in (0, 1)] == [
        E.to_json(res(t, "serviceNic").props_at(k).ipConfigurations[0].properties.privateIPAddress) for k in (0, 1)]
    assert rt["dependsOn"] == ["[resourceId('Microsoft.Network/networkInterfaces', format('{0}-ccvm-{1}-fwd-nic-{2}', "
                               "parameters('namePrefix'), copyIndex(1), parameters('nameSuffix')))]"]
    assert doc["outputs"]["routeTableIds"]["copy"]["count"] == 2
    assert doc["outputs"]["routeTableAssociationCommands"]["copy"]["count"] == 2
    assert "routeTableId" not in doc["outputs"]


def test_standalone_refuses_more_than_one_appliance_per_zone() -> None:
    assert get_offer("cloud-connector").resolve({"variant": "standalone"})["appliancesPerZone"] == 1
    assert get_offer("cloud-connector").resolve({})["appliancesPerZone"] == 2
    with pytest.raises(InputError, match="one appliance per zone") as err:
        build(variant="standalone", appliancesPerZone=2)
    assert err.value.path == "$.appliancesPerZone"


# --- appliance: NICs, NSGs, image, LB ----------------------------------------------------------------


def test_nics_management_first_service_forwards() -> None:
    _, doc = build()
    vm = rendered(doc, compute.VM)[0]
    nics = vm["properties"]["networkProfile"]["networkInterfaces"]
    assert "mgmt-nic" in nics[0]["id"] and nics[0]["properties"]["primary"] is True
    assert "fwd-nic" in nics[1]["id"] and nics[1]["properties"]["primary"] is False
    mgmt, svc = rendered(doc, network.NIC)
    assert (mgmt["properties"]["enableIPForwarding"], mgmt["properties"]["enableAcceleratedNetworking"]) == (False, False)
    assert svc["properties"]["enableIPForwarding"] is True
    assert svc["properties"]["enableAcceleratedNetworking"] == "[parameters('acceleratedNetworking')]"


def test_accelerated_networking_can_be_turned_off() -> None:
    t, doc = build()
    assert doc["parameters"]["acceleratedNetworking"]["defaultValue"] is True  # Zscaler's default
    svc, mgmt = res(t, "serviceNic"), res(t, "mgmtNic")
    for on in (True, False):
        e = env(t, copy_index=0, params={"acceleratedNetworking": on})
        assert e.eval(svc.properties["enableAcceleratedNetworking"]) is on
        assert e.eval(mgmt.properties["enableAcceleratedNetworking"]) is False


def test_nsgs_follow_zscaler_rules_or_bring_your_own() -> None:
    t, doc = build()
    mgmt_nsg, svc_nsg = rendered(doc, network.NSG)
    assert mgmt_nsg["condition"] == "[empty(parameters('existingMgmtNsgId'))]"
    rules = {r["name"]: r["properties"] for r in mgmt_nsg["properties"]["securityRules"]}
    assert (rules["SSH_VNET"]["destinationPortRange"], rules["SSH_VNET"]["sourceAddressPrefix"]) == ("22", "VirtualNetwork")
    assert rules["ICMP_VNET"]["protocol"] == "Icmp"
    assert (rules["Zscaler_Support_Access"]["direction"], rules["Zscaler_Support_Access"]["destinationPortRange"]) == ("Outbound", "12002")
    assert rules["Zscaler_Support_Access"]["access"] == "[if(parameters('supportAccess'), 'Allow', 'Deny')]"
    assert rules["OUTBOUND"]["direction"] == "Outbound"
    assert not any(r["direction"] == "Inbound" and r["sourceAddressPrefix"] in ("*", "Internet", "0.0.0.0/0")
                   for r in rules.values())
    svc_rules = {r["name"]: r["properties"] for r in svc_nsg["properties"]["securityRules"]}
    assert svc_rules["ALL_VNET"]["sourceAddressPrefix"] == "VirtualNetwork"
    byo = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/mine"
    e = env(t, copy_index=0, params={"existingMgmtNsgId": byo})
    assert e.eval(res(t, "mgmtNsg").condition) is False
    assert e.eval(res(t, "mgmtNic").properties["networkSecurityGroup"]["id"]) == byo
    e0 = env(t, copy_index=0)
    assert e0.eval(res(t, "mgmtNic").properties["networkSecurityGroup"]["id"]).endswith(f"zscc-cc-mgmt-nsg-{suffix(e0)}")


def test_support_access_rule_can_be_turned_off() -> None:
    """Off, the rule denies TCP 12002 to the support server (left out, OUTBOUND would still allow it)."""
    t, _ = build()
    nsg = res(t, "mgmtNsg")
    rule = next(r for r in nsg.properties["securityRules"] if r["name"] == "Zscaler_Support_Access")["properties"]
    outbound = next(r for r in nsg.properties["securityRules"] if r["name"] == "OUTBOUND")["properties"]
    assert env(t).eval(rule["access"]) == "Allow"
    assert env(t, params={"supportAccess": False}).eval(rule["access"]) == "Deny"
    assert rule["priority"] < outbound["priority"]  # the deny is evaluated before the allow-all


def test_vm_image_plan_size_ssh_disk_bootdiag() -> None:
    _, doc = build()
    vm = rendered(doc, compute.VM)[0]
    assert vm["plan"] == {
        "name": "zs_ser_gen1_cc_01",
        "publisher": "[if(variables('inChinaCloud'), 'cbcnetworks', 'zscaler1579058425289')]",
        "product": "[if(variables('inChinaCloud'), 'zscaler-cloud-connector', 'zia_cloud_connector')]"}
    assert vm["properties"]["storageProfile"]["imageReference"]["version"] == "latest"
    assert vm["properties"]["storageProfile"]["osDisk"]["managedDisk"]["storageAccountType"] == "Premium_LRS"
    assert vm["properties"]["diagnosticsProfile"] == {"bootDiagnostics": {"enabled": True}}
    assert vm["properties"]["osProfile"]["linuxConfiguration"]["disablePasswordAuthentication"] is True
    size = doc["parameters"]["vmSize"]
    assert size["defaultValue"] == "Standard_D2s_v3"
    assert size["allowedValues"] == ["Standard_D2s_v3", "Standard_DS2_v2", "Standard_DS3_v2", "Standard_D2ds_v5", "Standard_D2ads_v5"]
    assert doc["parameters"]["adminUsername"]["defaultValue"] == "zsroot"
    assert doc["parameters"]["sshPublicKey"]["minLength"] == cc.SSH_KEY_MIN_LENGTH == 80


@pytest.mark.parametrize(("location", "publisher", "offer"), [
    ("westeurope", "zscaler1579058425289", "zia_cloud_connector"),
    ("usgovvirginia", "zscaler1579058425289", "zia_cloud_connector"),
    ("chinanorth3", "cbcnetworks", "zscaler-cloud-connector"),
    ("ChinaEast2", "cbcnetworks", "zscaler-cloud-connector"),
])
def test_azure_china_gets_zscalers_china_image(location: str, publisher: str, offer: str) -> None:
    """As Zscaler's Terraform: the China image where the region's name starts with 'china'."""
    t, _ = build()
    vm = res(t, "ccvm")
    e = env(t, copy_index=0, params={"location": location})
    ref = e.eval(vm.properties["storageProfile"]["imageReference"])
    assert (ref["publisher"], ref["offer"], ref["sku"]) == (publisher, offer, "zs_ser_gen1_cc_01")
    assert e.eval(vm.plan) == {"name": "zs_ser_gen1_cc_01", "publisher": publisher, "product": offer}


def test_default_size_follows_the_reference_architecture() -> None:
    """The reference architecture recommends D2s_v3 where Zscaler's Terraform now defaults to
    D2ds_v5; the reference architecture wins (and D2s_v3 exists in Azure China too). The wizard
    recommends D2ds_v5 second."""
    _t, doc = build()
    assert doc["parameters"]["vmSize"]["defaultValue"] == "Standard_D2s_v3"
    sel = _elements(_uidef())["vmSize"]
    assert sel["recommendedSizes"] == ["Standard_D2s_v3", "Standard_D2ds_v5"]
    assert set(sel["recommendedSizes"]) <= set(doc["parameters"]["vmSize"]["allowedValues"])


def test_lb_probe_rule_and_parameters() -> None:
    _, doc = build()
    lb = rendered(doc, network.LB)[0]
    probe = lb["properties"]["probes"][0]["properties"]
    assert probe == {"protocol": "Http", "port": "[parameters('httpProbePort')]", "requestPath": "/?cchealth",
                     "intervalInSeconds": "[parameters('probeIntervalInSeconds')]", "numberOfProbes": 1, "probeThreshold": 2}
    rule = lb["properties"]["loadBalancingRules"][0]["properties"]
    assert (rule["protocol"], rule["frontendPort"], rule["backendPort"], rule["enableFloatingIP"]) == ("All", 0, 0, True)
    assert rule["loadDistribution"] == "[parameters('loadDistribution')]"
    p = doc["parameters"]
    assert (p["httpProbePort"]["defaultValue"], p["httpProbePort"]["minValue"], p["httpProbePort"]["maxValue"]) == (50000, 80, 65535)
    assert (p["probeIntervalInSeconds"]["defaultValue"], p["probeIntervalInSeconds"]["minValue"]) == (15, 5)
    # Zscaler's module: number_of_probes 1, probe_threshold 2; load_distribution Default|SourceIP|SourceIPProtocol
    assert p["loadDistribution"]["allowedValues"] == ["Default", "SourceIP", "SourceIPProtocol"]
    # the reference architecture's 2-tuple hash, not Zscaler's Terraform's Default (they disagree)
    assert p["loadDistribution"]["defaultValue"] == "SourceIP"
    fe = lb["properties"]["frontendIPConfigurations"][0]["properties"]
    assert fe["privateIPAllocationMethod"] == "Dynamic"


def test_probe_port_ui_regex_accepts_80_and_1024_to_65535_only() -> None:
    rx = re.compile(cc.PROBE_PORT_REGEX)
    ok = [80, 1024, 1099, 8080, 50000, 65535, 65499, 9999, 10000]
    bad = [0, 79, 81, 443, 1023, 65536, 99999]
    assert all(rx.match(str(v)) for v in ok), [v for v in ok if not rx.match(str(v))]
    assert not any(rx.match(str(v)) for v in bad)
    # exhaustive: agrees with the rule on every port
    assert all(bool(rx.match(str(v))) == (v == 80 or 1024 <= v <= 65535) for v in range(0, 70000))


# --- no secrets; bootstrap ------------------------------------------------------------------------------


@pytest.mark.parametrize("options", MATRIX[::5], ids=str)
def test_no_secrets_anywhere(options: dict[str, Any]) -> None:
    _t, doc = build(**options)
    for name, p in doc["parameters"].items():
        assert p["type"].lower() not in ("securestring", "secureobject"), name
        assert "password" not in name.lower()
    text = json.dumps(doc).replace("disablePasswordAuthentication", "")
    assert "password" not in text.lower()
    assert "adminPassword" not in text


def test_user_data_decodes_to_the_ini_without_secrets() -> None:
    t, _ = build()
    vm = res(t, "ccvm")
    e = env(t, copy_index=0, params={"httpProbePort": 50001})
    for field in (vm.properties["userData"], vm.properties["osProfile"]["customData"]):
        ini = base64.b64decode(e.eval(field)).decode()
        parser = configparser.ConfigParser()
        parser.optionxform = str  # keep key case
        parser.read_string(ini)
        assert parser.sections() == ["ZSCALER"]
        assert dict(parser["ZSCALER"]) == {
            "CC_URL": PARAMS["ccUrl"],
            "AZURE_VAULT_URL": PARAMS["keyVaultUrl"],
            "HTTP_PROBE_PORT": "50001",
            "AZURE_MANAGED_IDENTITY_CLIENT_ID": e.client_id,
            "FIPS_ENABLED": "False",
        }
    fips = env(t, copy_index=0, params={"fipsEnabled": True})
    assert "FIPS_ENABLED=True\n" in base64.b64decode(fips.eval(vm.properties["userData"])).decode()
    # the client id is read from the existing identity in its own subscription and resource group
    assert ("reference(resourceId(parameters('identitySubscriptionId'), parameters('identityResourceGroup'), "
            "'Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName')), '2024-11-30').clientId"
            ) in E.to_json(vm.properties["userData"])
    assert e.eval(vm.identity["userAssignedIdentities"]) == {
        "/sub/deploy-sub/rg/id-rg/Microsoft.ManagedIdentity/userAssignedIdentities/cc-identity": {}}
    other = env(t, params={"identitySubscriptionId": "11111111-2222-3333-4444-555555555555"})
    assert other.eval(vm.identity["userAssignedIdentities"]) == {
        "/sub/11111111-2222-3333-4444-555555555555/rg/id-rg/Microsoft.ManagedIdentity/userAssignedIdentities/"
        "cc-identity": {}}


# --- tags, tracking, parameters, outputs ------------------------------------------------------------------


def test_tags_per_resource_and_legacy_vm_nva() -> None:
    t, doc = build()
    tags = {"Microsoft.Compute/virtualMachines": {"env": "prod"}, "Microsoft.Network/loadBalancers": {"team": "net"}}
    vm = res(t, "ccvm")
    e = env(t, params={"tagsByResource": tags})
    assert e.eval(vm.tags) == {"env": "prod", "LegacyVMNVA": "true", "Vendor": "Zscaler"}
    assert env(t, params={"tagsByResource": tags, "legacyVmNvaTag": False}).eval(vm.tags) == {
        "env": "prod", "Vendor": "Zscaler"}
    assert e.eval(res(t, "lb").tags) == {"team": "net", "Vendor": "Zscaler"}
    assert e.eval(res(t, "mgmtNic").tags) == {"Vendor": "Zscaler"}
    # the customer cannot take the vendor tag away by tagging a type with the same key
    clash = env(t, params={"tagsByResource": {"Microsoft.Network/loadBalancers": {"Vendor": "me"}}})
    assert clash.eval(res(t, "lb").tags) == {"Vendor": "Zscaler"}
    for r in t.deployed:
        if r.type != "Microsoft.Resources/deployments":
            assert e.eval(r.tags)["Vendor"] == "Zscaler", r.symbol
    for r in doc["resources"]:
        if r["type"] != "Microsoft.Resources/deployments":
            assert "tagsByResource" in r["tags"], r["type"]
    assert doc["parameters"]["legacyVmNvaTag"] == {"type": "bool", "defaultValue": True, "metadata": {
        "description": doc["parameters"]["legacyVmNvaTag"]["metadata"]["description"]}}
    ui_types = set(t.parameters["tagsByResource"].ui["resources"])
    assert ui_types == {r["type"] for r in doc["resources"]} - {"Microsoft.Resources/deployments"}


def test_tracking_deployment() -> None:
    _, doc = build()
    (d,) = rendered(doc, "Microsoft.Resources/deployments")
    assert d["name"] == f"pid-{cc.TRACKING_GUID}-partnercenter"
    assert d["properties"]["mode"] == "Incremental"


def test_location_and_names() -> None:
    _, doc = build(namePrefix="acme")
    assert doc["parameters"]["location"]["defaultValue"] == "[resourceGroup().location]"
    assert doc["parameters"]["namePrefix"]["defaultValue"] == "acme"
    for r in doc["resources"]:
        if r["type"] != "Microsoft.Resources/deployments":
            assert r["location"] == "[parameters('location')]"
            assert r["name"].startswith("[format('{0}-"), r["name"]
            assert r["name"].endswith(", parameters('nameSuffix'))]"), r["name"]
    regions = re.compile(r"\b(westeurope|eastus2?|northeurope|westus\d?)\b", re.I)
    assert not regions.search(json.dumps(doc))


def test_every_parameter_is_described_and_has_ui_hints() -> None:
    t, _ = build()
    steps = {"basics"} | {s["name"] for s in t.ui["steps"]}
    for name, p in t.parameters.items():
        assert p.description, name
        if name == "location":
            continue
        if p.ui.get("control") in ("hidden", "computed"):
            assert p.has_default, name
            continue
        assert p.ui.get("step") in steps, name
        assert p.ui.get("control") in ("text", "dropdown", "checkbox", "size", "sshKey", "username", "vnet", "subnet",
                                       "identity", "resourceId", "tags", "zones"), name
        if p.ui["control"] == "text":
            assert p.ui.get("regex") and p.ui.get("validationMessage"), name
            if p.has_default and isinstance(p.default, str | int) and not isinstance(p.default, bool):
                assert re.match(p.ui["regex"], str(p.default)), name
    for s in t.ui["steps"]:
        assert any(p.ui.get("step") == s["name"] for p in t.parameters.values()), s


def test_subnet_ui_needs_room_for_nics_and_frontend() -> None:
    t, _ = build(zones=["1", "2"], appliancesPerZone=3)
    assert t.parameters["zone1SubnetName"].ui["minAddressCount"] == 7  # 3 x 2 NICs + LB frontend
    assert t.parameters["zone2SubnetName"].ui["minAddressCount"] == 6
    t, _ = build(variant="standalone", zones=["1"])
    assert t.parameters["zone1SubnetName"].ui["minAddressCount"] == 2


def test_outputs() -> None:
    t, doc = build()
    out = doc["outputs"]
    assert out["lbFrontendIp"]["value"].endswith(".frontendIPConfigurations[0].properties.privateIPAddress]")
    for name in ("managementIps", "serviceIps"):
        assert out[name]["type"] == "array" and out[name]["copy"]["count"] == 4
        assert out[name]["copy"]["input"].endswith(".ipConfigurations[0].properties.privateIPAddress]")
    assert "mgmt-nic-{2}', parameters('namePrefix'), copyIndex(1), parameters('nameSuffix'))" in out["managementIps"]["copy"]["input"]
    assert "fwd-nic-{2}', parameters('namePrefix'), copyIndex(1), parameters('nameSuffix'))" in out["serviceIps"]["copy"]["input"]
    assert out["natPublicIps"]["copy"]["input"].endswith(".ipAddress]")
    e = env(t)
    sfx = suffix(e)
    assert e.eval(t.outputs["resourceNameSuffix"].value) == sfx
    # Zscaler's module outputs the host names and the backend pool too
    assert [env(t, copy_index=i).eval(t.outputs["applianceNames"].value) for i in range(4)] == [
        f"zscc-ccvm-{k}-{sfx}" for k in range(1, 5)]
    assert e.eval(t.outputs["lbBackendPoolId"].value) == (
        f"/rg/deploy-rg/Microsoft.Network/loadBalancers/backendAddressPools/zscc-cc-lb-{sfx}/cc-lb-backend")
    assert "lbBackendPoolId" not in build(variant="standalone")[1]["outputs"]
    rt_cmd = e.eval(t.outputs["routeTableAssociationCommand"].value)
    assert rt_cmd.startswith("az network vnet subnet update") and rt_cmd.endswith(
        f"--route-table /rg/deploy-rg/Microsoft.Network/routeTables/zscc-workload-rt-{sfx}")


def test_nat_gateways_are_attached_with_armgen_attach() -> None:
    """The template does not write the customer's subnets: the outputs name ``armgen attach`` and
    keep the az commands only with the warning that they replace an existing NAT gateway."""
    t, doc = build()
    e = env(t)
    assert e.eval(t.outputs["natGatewayAttachCommand"].value) == (
        f"armgen attach -g deploy-rg -p parameters.json   # this deployment's parameters, nameSuffix {suffix(e)}")
    cmds = e.eval(t.outputs["natGatewayAzCommands"].value)
    assert [c.split("   # ")[0] for c in cmds] == [
        f"az network vnet subnet update --resource-group net-rg --vnet-name hub-vnet --name cc-z{k} "
        f"--nat-gateway /rg/deploy-rg/Microsoft.Network/natGateways/zscc-ngw-{k}-{suffix(e)}" for k in (1, 2)]
    for c in cmds:
        assert "# WARNING: replaces any NAT gateway the subnet already has" in c and "armgen attach" in c
    assert "WARNING" in doc["outputs"]["natGatewayAzCommands"]["metadata"]["description"]
    assert "natGatewayAttachCommand" not in build(natGateway=False)[1]["outputs"]
    # the wizard's last step says the same before the customer clicks Create
    uidef = _uidef()
    last = uidef["parameters"]["steps"][-1]
    note = next(el for el in last["elements"] if el["name"] == "afterDeployment")
    assert "armgen attach -g <resource group> -p parameters.json" in note["options"]["text"]
    assert "replace a NAT gateway the subnet already has" in note["options"]["text"]
    assert "afterDeployment" not in json.dumps(_uidef(natGateway=False))


def test_route_table_default_route_to_lb_never_associated() -> None:
    _t, doc = build()
    rt = rendered(doc, network.ROUTE_TABLE)[0]
    assert rt["properties"]["disableBgpRoutePropagation"] == "[not(parameters('propagateGatewayRoutes'))]"
    (route,) = rt["properties"]["routes"]
    assert route["properties"]["addressPrefix"] == "0.0.0.0/0"
    assert route["properties"]["nextHopType"] == "VirtualAppliance"
    assert route["properties"]["nextHopIpAddress"].endswith(".frontendIPConfigurations[0].properties.privateIPAddress]")
    assert "routeTable" not in json.dumps([r for r in doc["resources"] if r is not rt])


def test_workload_route_table_keeps_gateway_routes_by_default() -> None:
    """disableBgpRoutePropagation: true dropped ExpressRoute/VPN routes from every workload subnet
    attached to the table; now they propagate unless the customer turns that off."""
    for variant in ("ha", "standalone"):
        t, doc = build(variant=variant)
        assert doc["parameters"]["propagateGatewayRoutes"]["defaultValue"] is True
        rt = res(t, "workloadRouteTable")
        assert env(t).eval(rt.properties["disableBgpRoutePropagation"]) is False
        assert env(t, params={"propagateGatewayRoutes": False}).eval(rt.properties["disableBgpRoutePropagation"]) is True


def test_hardening_parameters() -> None:
    """Encryption at host is offered but off (needs a feature registration); extensions are off."""
    _, doc = build()
    p = doc["parameters"]
    assert (p["encryptionAtHost"]["type"], p["encryptionAtHost"]["defaultValue"]) == ("bool", False)
    assert (p["allowExtensionOperations"]["type"], p["allowExtensionOperations"]["defaultValue"]) == ("bool", False)
    vm = rendered(doc, compute.VM)[0]["properties"]
    assert vm["securityProfile"] == {"encryptionAtHost": "[parameters('encryptionAtHost')]"}
    assert vm["osProfile"]["allowExtensionOperations"] == "[parameters('allowExtensionOperations')]"


# --- what the portal shows: pickers instead of typed names, regexes that match the template ---------------


def _uidef(**options: Any) -> dict[str, Any]:
    from armgen.uidef import build_uidef

    return build_uidef(build(**options)[0])


def _elements(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {el["name"]: el for step in doc["parameters"]["steps"] for el in step["elements"]}


def test_identity_is_picked_not_typed() -> None:
    from tests.uidef.conftest import Evaluator

    doc = _uidef()
    els, outs = _elements(doc), doc["parameters"]["outputs"]
    sel = els["userAssignedIdentity"]
    assert sel["type"] == "Microsoft.Solutions.ResourceSelector"
    assert sel["resourceType"] == "Microsoft.ManagedIdentity/userAssignedIdentities"
    # another subscription is allowed (the template takes its id); any region (isolation scope None)
    assert sel["options"]["filter"] == {"subscription": "all", "location": "all"}
    assert not [n for n, el in els.items() if el["type"] == "Microsoft.Common.TextBox" and "identity" in n.lower()]
    picked = {"id": "/subscriptions/sub-9/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/"
                    "userAssignedIdentities/cc-id", "name": "cc-id", "location": "northeurope"}
    ev = Evaluator({"bootstrap": {"userAssignedIdentity": picked}})
    assert [ev.evaluate(outs[k]) for k in ("identityName", "identityResourceGroup", "identitySubscriptionId")] == [
        "cc-id", "rg-ids", "sub-9"]


@pytest.mark.parametrize("param", ["existingMgmtNsgId", "existingServiceNsgId"])
def test_bring_your_own_nsg_is_picked_and_empty_when_creating(param: str) -> None:
    from tests.uidef.conftest import Evaluator

    doc = _uidef()
    els, out = _elements(doc), doc["parameters"]["outputs"][param]
    choice, sel = els[f"{param}Source"], els[param]
    assert choice["type"] == "Microsoft.Common.OptionsGroup"
    assert [v["value"] for v in choice["constraints"]["allowedValues"]] == ["new", "existing"]
    assert choice["defaultValue"] == choice["constraints"]["allowedValues"][0]["label"]  # creating is the default
    assert sel["resourceType"] == network.NSG
    assert sel["options"]["filter"] == {"subscription": "onBasics", "location": "onBasics"}  # the NICs' own
    nsg = {"id": "/subscriptions/s/resourceGroups/sec/providers/Microsoft.Network/networkSecurityGroups/mine",
           "name": "mine"}
    create = Evaluator({"network": {f"{param}Source": "new", param: nsg}})
    existing = Evaluator({"network": {f"{param}Source": "existing", param: nsg}})
    assert (create.evaluate(out), existing.evaluate(out)) == ("", nsg["id"])
    assert (create.evaluate(sel["visible"]), existing.evaluate(sel["visible"])) == (False, True)
    # what the UI hands over is what the template's condition reads
    t, _ = build()
    nsg_res = res(t, "mgmtNsg" if param == "existingMgmtNsgId" else "serviceNsg")
    assert env(t, params={param: ""}).eval(nsg_res.condition) is True
    assert env(t, params={param: nsg["id"]}).eval(nsg_res.condition) is False


def _regex(el: dict[str, Any]) -> str:
    """A text box's regex: in its constraints, or first in its validations when it has checks of its own."""
    c = el["constraints"]
    return c["regex"] if "regex" in c else next(v["regex"] for v in c["validations"] if "regex" in v)


def _accepts(pattern: str, value: str) -> bool:
    """The portal tests a TextBox regex as JavaScript's RegExp.test does: a search, anchors in the pattern."""
    return re.search(pattern, value) is not None


KEY_VAULTS_OK = ["ccvault", "cc-vault-01", "https://ccvault.vault.azure.net", "https://ccvault.vault.azure.net/", "https://cc-vault-01.vault.azure.net/",
                 "https://abc.vault.usgovcloudapi.net/", "https://MyVault.vault.azure.cn", "https://a" + "b" * 23 + ".vault.azure.net/"]
KEY_VAULTS_BAD = ["ccvault.vault.azure.net", "cc", "1vault", "vault-", "va--ult", "a" + "b" * 24, "cc vault", "http://ccvault.vault.azure.net/", "https://ab.vault.azure.net/",
                  "https://a" + "b" * 24 + ".vault.azure.net/", "https://1vault.vault.azure.net/", "https://vault-.vault.azure.net/",
                  "https://va--ult.vault.azure.net/", "https://ccvault.vault.azure.net/secrets/x", "https://ccvault.azure.net/",
                  "https://ccvault.vault.example.com/", "https://ccvault.vault.azure.net/ "]


def test_key_vault_url_regex() -> None:
    pattern = _regex(_elements(_uidef())["keyVaultUrl"])
    assert [v for v in KEY_VAULTS_OK if not _accepts(pattern, v)] == []
    assert [v for v in KEY_VAULTS_BAD if _accepts(pattern, v)] == []
    assert _accepts(pattern, PARAMS["keyVaultUrl"])


def test_provisioning_url_regex() -> None:
    pattern = _elements(_uidef())["ccUrl"]["constraints"]["regex"]
    ok = [PARAMS["ccUrl"], "connector.zscalertwo.net/api/v1/provUrl?name=azure_prov_url",
          "https://connector.zscloud.net/api/v1/provUrl?name=my%20cc", "connector.zscalergov.net:443/api/v1/provUrl?name=x"]
    bad = ["", "connector", "http://connector.zscaler.net/api", "connector.zscaler.net/api v1", "-bad.zscaler.net/api",
           "connector..zscaler.net/api", "connector.zscaler.net/api\nX=1"]
    assert [v for v in ok if not _accepts(pattern, v)] == []
    assert [v for v in bad if _accepts(pattern, v)] == []


def test_support_server_regex_matches_what_an_nsg_rule_accepts() -> None:
    pattern = _elements(_uidef())["supportServerAddress"]["constraints"]["regex"]
    ok = [cc.SUPPORT_SERVER, "0.0.0.0", "255.255.255.255", "10.1.2.0/24", "199.168.148.101/32", "9.9.9.9/0"]
    bad = ["256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "remotesupport.zscaler.net", " 1.2.3.4"]
    assert [v for v in ok if not _accepts(pattern, v)] == []
    assert [v for v in bad if _accepts(pattern, v)] == []


def test_every_text_regex_accepts_its_default_and_is_bounded() -> None:
    doc = _uidef()
    for el in _elements(doc).values():
        if el["type"] != "Microsoft.Common.TextBox":
            continue
        assert re.search(r"\{\d+(,\d*)?\}", _regex(el)), el["name"]  # arm-ttk's length quantifier
        if "defaultValue" in el:
            assert _accepts(_regex(el), el["defaultValue"]), el["name"]


def test_tooltips_speak_to_the_customer() -> None:
    """No tooltip repeats armgen's own jargon (hints, createUiDefinition internals)."""
    for el in _elements(_uidef()).values():
        tip = json.dumps(el.get("toolTip", ""))
        assert "createUiDefinition" not in tip and "TagsByResource" not in tip, el["name"]
