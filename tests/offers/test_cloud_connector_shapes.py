"""The cloud-connector offer's other deployment shapes (issue 17) and bring-your-own NAT gateways
(issue 11): greenfield starter, ZPA DNS forwarding, sovereign clouds.

What a deployment would do is checked by evaluating the model (tests/offers/armeval.py) with the
values the wizard hands over (armgen's createUiDefinition evaluator, tests/offers/wizard_env.py);
CIDR expectations come from :mod:`ipaddress`, not from recorded answers.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest

from armgen import expr as E
from armgen.errors import InputError
from armgen.golden import VARIANTS
from armgen.offers import cloud_connector as cc
from armgen.offers import get_offer
from armgen.render.arm_json import render
from armgen.resources import dnsresolver, network
from armgen.template import Resource, Template
from armgen.uidef import build_uidef
from armgen.uidef.acceptance import check_parameters
from armgen.uidef.evaluator import Outcome, Wizard
from armgen.uidef.explore import Explorer, State
from tests.offers.armeval import Env
from tests.offers.wizard_env import NET, environment

GREENFIELD = {"network": "new", "workloadSubnet": True, "bastion": True}


def build(**options: Any) -> tuple[Template, dict[str, Any]]:
    t = get_offer("cloud-connector").build(options)
    return t, render(t)


def res(t: Template, symbol: str) -> Resource:
    return next(r for r in t.resources if r.symbol == symbol)


class Run:
    """The wizard of a build, started as a user would (pickers and sample inputs filled)."""

    def __init__(self, location: str = "westeurope", zones: tuple[str, ...] = ("1", "2", "3"), **options: Any):
        self.template: Template = get_offer("cloud-connector").build(options)
        self.wizard = Wizard(build_uidef(self.template), environment(location, zones=zones))
        self.start, self.outcome = Explorer(self.wizard).complete(State("start", {}))
        assert self.outcome.outputs is not None, self.outcome.blocked

    def with_(self, **changes: Any) -> Outcome:
        values = json.loads(json.dumps(self.start.values))
        for key, v in changes.items():
            step, name = key.split("__")
            values.setdefault(step, {})[name] = v
        return self.wizard.run(values)

    def deployed(self, outputs: dict[str, Any] | None = None, **kw: Any) -> Env:
        """The template evaluated with the parameters the wizard handed over (which it accepts)."""
        given = dict(outputs if outputs is not None else self.outcome.outputs or {})
        assert check_parameters(render(self.template), given) == []
        return Env(self.template, params=given, **kw)


# --- options ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "path"), [
    ({"network": "new", "natGateway": False}, "$.natGateway"),
    ({"bastion": True}, "$.bastion"),
    ({"workloadSubnet": True}, "$.workloadSubnet"),
    ({"byoNatGateway": True, "natGateway": False}, "$.byoNatGateway"),
    ({"network": "greenfield"}, "$.network"),
    ({"zpa": "yes"}, "$.zpa"),
])
def test_shapes_that_cannot_be_built_are_refused_naming_the_option(options: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as err:
        get_offer("cloud-connector").build(options)
    assert err.value.path == path


# --- greenfield ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("space", ["10.1.0.0/16", "172.20.0.0/20", "192.168.7.0/24", "10.9.0.0/22"])
def test_greenfield_subnets_are_the_eighths_ipaddress_computes(space: str) -> None:
    t, _ = build(**GREENFIELD, zpa=True, zones=["1", "2", "3"])
    env = Env(t, params={"vnetAddressSpace": space, "namePrefix": "zcc", "nameSuffix": "s1"})
    vnet = env.eval(res(t, "vnet").properties)
    want = cc.greenfield_layout(space)
    net = ipaddress.ip_network(space)
    assert vnet["addressSpace"]["addressPrefixes"] == [space]
    prefixes = {s["name"]: s["properties"]["addressPrefix"] for s in vnet["subnets"]}
    assert prefixes == {"zcc-cc-subnet-1-s1": want["zone1"], "zcc-cc-subnet-2-s1": want["zone2"],
                        "zcc-cc-subnet-3-s1": want["zone3"], "zcc-dns-resolver-subnet-s1": want["dns"],
                        "zcc-workload-subnet-s1": want["workload"], "zcc-bastion-subnet-s1": want["bastion"]}
    subnets = [ipaddress.ip_network(p) for p in prefixes.values()]
    assert all(s.subnet_of(net) for s in subnets)
    assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1:])
    # every subnet takes its slot's 2 x 10 NICs and the frontend, and a resolver's /28 to /24 bound holds
    assert all(s.num_addresses - 5 >= 21 and 24 <= s.prefixlen <= 28 for s in subnets)


def test_greenfield_normalises_an_address_space_with_host_bits() -> None:
    t, _ = build(network="new")
    env = Env(t, params={"vnetAddressSpace": "10.1.7.9/16"})
    assert env.eval(res(t, "vnet").properties)["addressSpace"]["addressPrefixes"] == ["10.1.0.0/16"]


def test_greenfield_associates_what_it_owns() -> None:
    t, _ = build(**GREENFIELD, zpa=True)
    env = Env(t, params={"namePrefix": "zcc", "nameSuffix": "s1"})
    subnets = {s["name"]: s["properties"] for s in env.eval(res(t, "vnet").properties)["subnets"]}
    rg = "/rg/deploy-rg"
    for k in (1, 2):
        zone = subnets[f"zcc-cc-subnet-{k}-s1"]
        assert zone["natGateway"] == {"id": f"{rg}/Microsoft.Network/natGateways/zcc-ngw-{k}-s1"}
        assert zone["routeTable"] == {"id": f"{rg}/Microsoft.Network/routeTables/zcc-cc-rt-s1"}
    assert subnets["zcc-workload-subnet-s1"]["routeTable"] == {"id": f"{rg}/Microsoft.Network/routeTables/zcc-workload-rt-s1"}
    assert subnets["zcc-dns-resolver-subnet-s1"]["delegations"][0]["properties"] == {
        "serviceName": "Microsoft.Network/dnsResolvers"}
    assert "natGateway" not in subnets["zcc-workload-subnet-s1"] and "routeTable" not in subnets["zcc-bastion-subnet-s1"]
    # private subnets: nothing leaves but through what the template gives (Azure's retired default access)
    assert {s["defaultOutboundAccess"] for s in subnets.values()} == {False}
    cc_rt = env.eval(res(t, "applianceRouteTable").properties)
    assert cc_rt["routes"] == [{"name": "default-route", "properties": {"addressPrefix": "0.0.0.0/0",
                                                                        "nextHopType": "Internet"}}]


def test_greenfield_next_hops_are_addresses_the_template_fixes() -> None:
    """The frontend (HA) or each service NIC (standalone) takes the top address of its subnet, and the
    workload route table and ZPA rules name exactly that address: no reference, so no cycle with the VNet."""
    t, _ = build(network="new", workloadSubnet=True, zpa=True)
    env = Env(t, params={"vnetAddressSpace": "10.50.0.0/20", "zpaDomains": ["corp.example.com."]}, copy_index=0)
    top = cc.lb_frontend_address(cc.greenfield_layout("10.50.0.0/20")["zone1"])
    assert top == "10.50.0.254"  # a /20 is cut into /24s (eighths are never larger): zone 1 is 10.50.0.0/24
    frontend = env.eval(res(t, "lb").properties)["frontendIPConfigurations"][0]["properties"]
    assert (frontend["privateIPAllocationMethod"], frontend["privateIPAddress"]) == ("Static", top)
    assert env.eval(res(t, "workloadRouteTable").properties)["routes"][0]["properties"]["nextHopIpAddress"] == top
    assert env.eval(res(t, "zpaForwardingRule").properties)["targetDnsServers"] == [{"ipAddress": top, "port": 53}]

    t, _ = build(network="new", variant="standalone", zones=["1", "2", "3"], zpa=True)
    layout = cc.greenfield_layout()
    tops = [cc.lb_frontend_address(layout[f"zone{k}"]) for k in (1, 2, 3)]
    for i in range(3):
        e = Env(t, copy_index=i)
        nic = e.eval(res(t, "serviceNic").properties)["ipConfigurations"][0]["properties"]
        assert nic["privateIPAddress"] == tops[i]
        assert e.eval(res(t, "workloadRouteTable").properties)["routes"][0]["properties"]["nextHopIpAddress"] == tops[i]
    rule = Env(t, params={"zpaDomains": ["corp.example.com."]}, copy_index=0).eval(res(t, "zpaForwardingRule").properties)
    assert [x["ipAddress"] for x in rule["targetDnsServers"]] == tops


def test_greenfield_resources_wait_for_the_vnet_they_use() -> None:
    """Whatever sits in one of the VNet's subnets depends on the VNet (ARM would otherwise start it first)."""
    t, doc = build(**GREENFIELD, zpa=True)
    vnet_id = E.to_json(res(t, "vnet").resource_id_call())
    for symbol in ("mgmtNic", "serviceNic", "lb", "bastionNic", "dnsOutboundEndpoint", "dnsResolver", "zpaVnetLink"):
        [r] = [r for r in doc["resources"] if r["name"] == E.to_json(res(t, symbol).arm_name())]
        assert vnet_id in r.get("dependsOn", []), symbol


def test_greenfield_bastion_is_ssh_key_only_and_reachable_only_from_the_given_source() -> None:
    t, doc = build(**GREENFIELD)
    vm = res(t, "bastion")
    env = Env(t, params={"bastionSshSourceAddress": "203.0.113.0/24", "sshPublicKey": "ssh-ed25519 AAAA k"})
    os_profile = env.eval(vm.properties)["osProfile"]
    assert os_profile["linuxConfiguration"]["disablePasswordAuthentication"] is True
    assert os_profile["adminUsername"] == cc.BASTION_USER and "adminPassword" not in json.dumps(doc)
    assert vm.plan is None  # a plain Ubuntu image: no Marketplace terms to accept
    rules = env.eval(res(t, "bastionNsg").properties)["securityRules"]
    assert [(r["properties"]["direction"], r["properties"]["sourceAddressPrefix"],
             r["properties"]["destinationPortRange"]) for r in rules] == [("Inbound", "203.0.113.0/24", "22")]
    nic = env.eval(res(t, "bastionNic").properties)
    assert "publicIPAddress" in nic["ipConfigurations"][0]["properties"]
    assert "networkSecurityGroup" in nic


def test_greenfield_wizard_asks_for_the_address_space_and_never_for_a_vnet() -> None:
    run = Run(**GREENFIELD)
    out = run.outcome.outputs or {}
    assert out["vnetAddressSpace"] == cc.DEFAULT_ADDRESS_SPACE and "vnetName" not in out
    assert out["bastionSshSourceAddress"] == "203.0.113.0/24"
    for bad in ("10.1.0.0/8", "10.1.0.0/25", "10.1.0.0", "300.1.0.0/16"):
        blocked = run.with_(network__vnetAddressSpace=bad)
        assert blocked.outputs is None and [b.element for b in blocked.blocked] == ["vnetAddressSpace"], bad
    assert run.with_(network__vnetAddressSpace="172.16.0.0/20").outputs["vnetAddressSpace"] == "172.16.0.0/20"
    open_door = run.with_(management__bastionSshSourceAddress="0.0.0.0/0")
    assert open_door.outputs is None and any("Not the whole internet" in b.message for b in open_door.blocked)


def test_greenfield_outputs_say_what_to_peer_and_never_offer_a_subnet_write() -> None:
    _, doc = build(**GREENFIELD)
    assert {"virtualNetworkId", "applianceSubnetIds", "managementHostPublicIp", "natGatewayIds"} <= set(doc["outputs"])
    assert "natGatewayAttachCommand" not in doc["outputs"] and "natGatewayAzCommands" not in doc["outputs"]


# --- brownfield stays brownfield ----------------------------------------------------------------------


def types_anywhere(node: Any) -> set[str]:
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


@pytest.mark.parametrize("options", [{"zpa": True}, {"byoNatGateway": True}, {"zpa": True, "byoNatGateway": True,
                                                                              "variant": "standalone", "zones": []}])
def test_brownfield_shapes_never_declare_or_write_the_customers_network(options: dict[str, Any]) -> None:
    t, doc = build(**options)
    assert not any(ty.lower().startswith("microsoft.network/virtualnetworks") for ty in types_anywhere(doc["resources"]))
    text = json.dumps(doc["resources"])
    for forbidden in ('"natGateway":', '"routeTable":', '"subnets"', '"delegations"'):
        assert forbidden not in text
    assert all(r.existing for r in t.resources if r.type in (network.VNET, network.SUBNET))


# --- ZPA ------------------------------------------------------------------------------------------------


def test_zpa_forwards_one_rule_per_domain_to_the_load_balancer_frontend() -> None:
    t, _doc = build(zpa=True)
    domains = ["corp.example.com.", "apps.example.net."]
    env = Env(t, params={"zpaDomains": domains, "vnetName": "hub-vnet", "vnetResourceGroup": "net-rg",
                         "dnsOutboundSubnet": "dns-out"},
              references={"lb": {"frontendIPConfigurations": [{"properties": {"privateIPAddress": "10.0.1.9"}}]}})
    rule = res(t, "zpaForwardingRule")
    assert env.eval(rule.copy.count) == 2 and rule.parent is res(t, "dnsForwardingRuleset")
    for i, domain in enumerate(domains):
        e = Env(t, params=env.params, references=env.references, copy_index=i)
        assert e.eval(rule.properties) == {"domainName": domain, "forwardingRuleState": "Enabled",
                                           "targetDnsServers": [{"ipAddress": "10.0.1.9", "port": 53}]}
        assert e.eval(rule.name) == f"zpa-{i + 1}"
    # the endpoint sits in the chosen delegated subnet of the customer's VNet, which is only referenced
    endpoint = env.eval(res(t, "dnsOutboundEndpoint").properties)
    assert endpoint == {"subnet": {"id": "/rg/net-rg/Microsoft.Network/virtualNetworks/subnets/hub-vnet/dns-out"}}
    assert env.eval(res(t, "dnsResolver").properties) == {
        "virtualNetwork": {"id": "/rg/net-rg/Microsoft.Network/virtualNetworks/hub-vnet"}}


def test_zpa_standalone_forwards_to_every_zones_appliance() -> None:
    t, _ = build(zpa=True, variant="standalone", zones=["1", "2", "3"])
    nics = [{"ipConfigurations": [{"properties": {"privateIPAddress": f"10.0.{k}.4"}}]} for k in (1, 2, 3)]
    env = Env(t, params={"zpaDomains": ["corp.example.com."]}, references={"serviceNic": nics}, copy_index=0)
    targets = env.eval(res(t, "zpaForwardingRule").properties)["targetDnsServers"]
    assert targets == [{"ipAddress": f"10.0.{k}.4", "port": 53} for k in (1, 2, 3)]


def test_zpa_vnet_link_is_a_child_of_the_ruleset_that_only_refers_to_the_vnet() -> None:
    """Microsoft's REST API: a link is created by a PUT of .../dnsForwardingRulesets/{ruleset}/
    virtualNetworkLinks/{name} whose body refers to the VNet by id; the VNet is not written."""
    t, doc = build(zpa=True)
    link = res(t, "zpaVnetLink")
    assert link.type == dnsresolver.VNET_LINK and link.parent is res(t, "dnsForwardingRuleset")
    assert link.properties == {"virtualNetwork": {"id": res(t, "vnet").id}} and res(t, "vnet").existing
    [rendered] = [r for r in doc["resources"] if r["type"] == dnsresolver.VNET_LINK]
    assert rendered["name"].startswith("[format('{0}/{1}', format('{0}-zpa-ruleset-{1}'")
    assert any("dnsForwardingRulesets'" in d for d in rendered["dependsOn"])


def test_zpa_wizard_takes_domains_ending_in_a_dot_and_a_delegated_subnet() -> None:
    run = Run(zpa=True)
    out = run.outcome.outputs or {}
    assert out["zpaDomains"] == ["corp.example.com.", "apps.example.net."]
    assert out["dnsOutboundSubnet"] == "dns-out"
    # only the empty-enough subnet delegated to the resolver, /28 to /24, is offered
    assert run.outcome.element("zpa", "dnsOutboundSubnet").options == ["dns-out"]
    for bad in ("corp.example.com", "corp.example.com.,apps", "corp..example.com.", "corp.example.com. apps.example.net.",
                "-corp.example.com."):
        blocked = run.with_(zpa__zpaDomains=bad)
        assert blocked.outputs is None and [b.element for b in blocked.blocked] == ["zpaDomains"], bad
        assert "ending in a dot" in blocked.blocked[0].message
    one = run.with_(zpa__zpaDomains="corp.example.com.")
    assert one.outputs["zpaDomains"] == ["corp.example.com."]
    # a VNet without a delegated subnet says so instead of offering a subnet the resolver cannot use
    spoke = run.with_(network__virtualNetwork=f"{NET}/virtualNetworks/spoke-vnet", network__zone1SubnetName="only",
                      network__zone2SubnetName="busy")
    box = spoke.element("zpa", "dnsOutboundSubnetNone")
    assert spoke.outputs is None and box.visible and "delegated to Microsoft.Network/dnsResolvers" in box.value


def test_zpa_resolver_subnet_is_no_nic_subnet_for_preflight() -> None:
    """preflight and attach read NIC subnets from parameters named like '...SubnetName': the resolver's
    delegated subnet (which no NIC may use) is named so that they leave it alone."""
    from armgen.azure.preflight import network_plan

    _t, doc = build(zpa=True)
    values = {"vnetName": "hub-vnet", "zone1SubnetName": "cc-a", "zone2SubnetName": "cc-b",
              "dnsOutboundSubnet": "dns-out", "zpaDomains": ["corp.example.com."]}
    plan = network_plan(values, "cc-rg", doc)
    assert sorted(s.name for s in plan.subnets) == ["cc-a", "cc-b"]


# --- bring your own NAT gateways ----------------------------------------------------------------------


def test_byo_nat_wizard_creates_by_default_and_hands_over_the_chosen_gateways() -> None:
    run = Run(byoNatGateway=True)
    assert run.outcome.outputs["existingNatGatewayIds"] == []
    chosen = run.with_(network__existingNatGatewayIdsSource="existing")
    assert chosen.outputs is None  # the pickers appeared: the user still has to pick
    assert [b.element for b in chosen.blocked] == ["existingNatGatewayIds1", "existingNatGatewayIds2"]
    picked = run.with_(network__existingNatGatewayIdsSource="existing",
                       network__existingNatGatewayIds1=f"{NET}/natGateways/egress-ngw-1",
                       network__existingNatGatewayIds2=f"{NET}/natGateways/egress-ngw-2")
    ids = [f"{NET}/natGateways/egress-ngw-1", f"{NET}/natGateways/egress-ngw-2"]
    assert picked.outputs is not None and picked.outputs["existingNatGatewayIds"] == ids
    env = run.deployed(picked.outputs)
    t = run.template
    assert env.eval(res(t, "natGateway").condition) is False and env.eval(res(t, "natPublicIp").condition) is False
    out = render(t)["outputs"]
    assert env.eval(t.outputs["natGatewayIds"].value) == ids
    assert env.eval(t.outputs["natPublicIps"].condition) is False and "condition" in out["natPublicIps"]
    # the az commands name the brought gateways too
    assert all(i in c for i, c in zip(ids, env.eval(t.outputs["natGatewayAzCommands"].value), strict=True))


def test_byo_nat_greenfield_associates_the_brought_gateways_one_for_all_slots() -> None:
    t, _ = build(network="new", byoNatGateway=True, zones=["1", "2", "3"])
    one = f"{NET}/natGateways/shared-ngw"
    env = Env(t, params={"existingNatGatewayIds": [one]})
    subnets = env.eval(res(t, "vnet").properties)["subnets"]
    assert [s["properties"]["natGateway"]["id"] for s in subnets] == [one] * 3
    env = Env(t, params={"existingNatGatewayIds": ["a", "b", "c"]})
    assert [s["properties"]["natGateway"]["id"] for s in env.eval(res(t, "vnet").properties)["subnets"]] == ["a", "b", "c"]
    created = Env(t, params={"namePrefix": "zcc", "nameSuffix": "s"}).eval(res(t, "vnet").properties)["subnets"]
    assert created[2]["properties"]["natGateway"]["id"].endswith("/natGateways/zcc-ngw-3-s")


# --- sovereign clouds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cloud", "location", "publisher", "suffix"), [
    ("AzureCloud", "westeurope", cc.IMAGE.publisher, ".vault.azure.net"),
    ("AzureUSGovernment", "usgovvirginia", cc.IMAGE.publisher, ".vault.usgovcloudapi.net"),
    ("AzureChinaCloud", "chinanorth3", cc.CHINA_IMAGE.publisher, ".vault.azure.cn"),
    # the cloud decides, whatever a region happens to be called
    ("AzureChinaCloud", "newregion", cc.CHINA_IMAGE.publisher, ".vault.azure.cn"),
])
def test_image_and_key_vault_suffix_follow_the_cloud(cloud: str, location: str, publisher: str, suffix: str) -> None:
    t, _ = build()
    vm = res(t, "ccvm")
    e = Env(t, params={"location": location, "keyVaultUrl": "cc-vault"}, cloud=cloud, copy_index=0)
    assert e.eval(vm.properties["storageProfile"]["imageReference"])["publisher"] == publisher
    assert e.eval(vm.plan)["publisher"] == publisher
    assert e.eval(t.variables["keyVaultUri"].value) == f"https://cc-vault{suffix}/"
    given = Env(t, params={"location": location, "keyVaultUrl": "https://kv.vault.azure.net"}, cloud=cloud)
    assert given.eval(t.variables["keyVaultUri"].value) == "https://kv.vault.azure.net"  # a URL is used as given


@pytest.mark.parametrize(("location", "url", "ok"), [
    ("chinanorth3", "https://ccv.vault.azure.cn/", True), ("chinanorth3", "https://ccv.vault.azure.net/", False),
    ("usgovvirginia", "https://ccv.vault.usgovcloudapi.net", True), ("usgovvirginia", "https://ccv.vault.azure.cn", False),
    ("westeurope", "https://ccv.vault.azure.net/", True), ("westeurope", "https://ccv.vault.usgovcloudapi.net/", False),
    ("chinanorth3", "kv-name", True), ("usgovvirginia", "kv-name", True),
])
def test_wizard_refuses_a_key_vault_url_of_another_cloud(location: str, url: str, ok: bool) -> None:
    run = Run(location=location)
    got = run.with_(bootstrap__keyVaultUrl=url)
    assert (got.outputs is not None) == ok, got.blocked
    if not ok:
        assert [b.element for b in got.blocked] == ["keyVaultUrl"] and "another cloud" in got.blocked[0].message


@pytest.mark.parametrize(("location", "shown"), [("chinanorth3", True), ("usgovvirginia", True), ("usdodeast", True),
                                                 ("westeurope", False)])
def test_wizard_says_the_api_versions_are_not_verified_in_sovereign_clouds(location: str, shown: bool) -> None:
    run = Run(location=location, zpa=True)
    box = run.outcome.element("tags", "sovereignClouds")
    assert box.visible is shown
    text = next(el for s in build_uidef(run.template)["parameters"]["steps"] for el in s["elements"]
                if el["name"] == "sovereignClouds")["options"]["text"]
    assert "az provider show" in text and "2025-05-01" in text
    assert set(cc.CLOUD_SUPPORT) == {"AzureCloud", "AzureUSGovernment", "AzureChinaCloud"}


# --- values given on the command line get the wizard's checks ----------------------------------------------


BASE_VALUES = {"sshPublicKey": "ssh-ed25519 " + "A" * 68, "ccUrl": "connector.zscaler.net/api", "keyVaultUrl": "cc-vault",
               "identityName": "cc-identity"}


@pytest.mark.parametrize(("options", "values", "path", "message"), [
    ({"zpa": True, "network": "new"}, {"zpaDomains": ["corp.example.com.", "apps.example.net"]}, "$.zpaDomains[1]",
     "'apps.example.net' is not a domain ending in a dot"),
    ({"network": "new"}, {"vnetAddressSpace": "10.0.0.0/8"}, "$.vnetAddressSpace", "not an IPv4 CIDR from /16 to /24"),
    ({"network": "new", "bastion": True}, {"bastionSshSourceAddress": "0.0.0.0/0"}, "$.bastionSshSourceAddress",
     "never 0.0.0.0/0"),
])
def test_values_the_wizard_refuses_are_refused_on_the_command_line(tmp_path: Any, options: dict[str, Any],
                                                                   values: dict[str, Any], path: str, message: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from armgen.cli import main

    given = {**BASE_VALUES, "bastionSshSourceAddress": "203.0.113.7", "zpaDomains": ["corp.example.com."], **values}
    t = get_offer("cloud-connector").build(options)
    vfile = tmp_path / "values.json"
    vfile.write_text(json.dumps({k: v for k, v in given.items() if k in t.parameters}))
    flags = [f"--{k}" if v is True else f"--{k}={v}" for k, v in
             {"network": options.get("network"), "zpa": options.get("zpa"), "bastion": options.get("bastion")}.items() if v]
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), *flags, "--values", str(vfile)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"armgen: {vfile}: {path}: " + err.split(f"{path}: ", 1)[1].strip() and message in err
    assert not out.exists()
    fixed = {**given, **{k: v for k, v in {"zpaDomains": ["corp.example.com."], "vnetAddressSpace": "10.8.0.0/16",
                                           "bastionSshSourceAddress": "203.0.113.7"}.items() if k in values}}
    vfile.write_text(json.dumps({k: v for k, v in fixed.items() if k in t.parameters}))
    assert main(["build", "--out", str(out), *flags, "--values", str(vfile)]) == 0
    assert (out / "parameters.json").is_file()


# --- every checked-in shape: Azure's official schemas and arm-ttk in Marketplace mode -------------------


@pytest.mark.parametrize("folder", sorted(VARIANTS))
def test_each_shape_validates_against_azures_schemas_and_lints_clean_for_the_marketplace(
        folder: str, official_schemas: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `armgen validate --official` and `armgen lint --marketplace` say of each variant's build:
    types the official subset does not hold (the DNS resolver API) are notes, never errors, and the
    only warnings are apiVersions the bundled cache (a subset) does not list."""
    from armgen.checks import official
    from armgen.golden import ROOT
    from armgen.lint import lint_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # no user apiVersions cache
    package = ROOT / "createUiDefinition" / folder
    doc = json.loads((package / "mainTemplate.json").read_text(encoding="utf-8"))
    found = official.validate_template(doc, "mainTemplate.json", official_schemas)
    assert [str(p) for p in found if p.severity == "error"] == []
    notes = {str(p) for p in found}
    dns = [r["type"] for r in doc["resources"] if "dns" in r["type"].lower()]
    assert all(any(t in n and "not covered" in n for n in notes) for t in dns)  # said, not silently passed
    report = lint_path(package, marketplace=True)
    unlisted = [f for f in report.warnings if "was not found for the resource type" in f.message]
    assert [(f.test, f.id, f.path) for f in report.findings if f not in unlisted] == []
    assert len(report.ran) >= 47
