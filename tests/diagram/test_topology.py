"""What the diagram reads out of a template: owned, existing and reference resources, where each
sits, and how they refer to each other. Expectations come from the offer's options, not from a
recorded answer."""

from __future__ import annotations

import itertools

import pytest

from armgen.diagram.source import from_offer
from armgen.diagram.svg import Layout
from armgen.diagram.topology import Topology, topology
from armgen.offers import OFFERS, get_offer

VM = "microsoft.compute/virtualmachines"
NIC = "microsoft.network/networkinterfaces"
SUBNET = "microsoft.network/virtualnetworks/subnets"

VARIANTS = [
    {"variant": v, "zones": z, "natGateway": nat, "appliancesPerZone": n}
    for v, z, nat, n in itertools.product(("ha", "standalone"), ([], ["1"], ["1", "2"], ["1", "2", "3"]),
                                          (True, False), (1, 2))
    if v == "ha" or n == 1  # standalone: one appliance per zone slot (issue 13)
]


def offer_topology(name: str, options: dict) -> Topology:
    src = from_offer(name, options)
    return topology(src.template, title=src.title)


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_cloud_connector_variants(options: dict) -> None:
    topo = offer_topology("cloud-connector", options)
    slots = max(1, len(options["zones"]))
    vms = topo.of_type(VM)
    assert len(vms) == slots * options["appliancesPerZone"]
    # the customer's network: one existing VNet, one existing subnet per zone slot, never owned
    vnets = topo.of_type("Microsoft.Network/virtualNetworks")
    subnets = topo.of_type(SUBNET)
    assert [v.ownership for v in vnets] == ["existing"]
    assert len(subnets) == slots and {s.ownership for s in subnets} == {"existing"}
    assert all(s.parent == vnets[0].key for s in subnets)
    lay = Layout(topo)
    for i, vm in enumerate(sorted(vms, key=lambda n: n.index)):
        nics = lay.vm_nics[vm.key]
        assert [lay.nic_role(vm.key, k) for k in nics] == ["management NIC", "service NIC"]
        # appliance i sits in zone slot i mod slots, both NICs in that slot's subnet
        expected_zone = (options["zones"][i % slots],) if options["zones"] else None
        assert vm.zones == expected_zone
        assert {lay.subnet_of[k] for k in nics} == {lay.subnet_of[vm.key]}
        assert lay.subnet_of[vm.key] == sorted(subnets, key=lambda s: s.name)[i % slots].key
        assert [e.dst for e in topo.out(vm.key, "identity")] == [n.key for n in topo.of_type(
            "Microsoft.ManagedIdentity/userAssignedIdentities")]
        assert topo.out(vm.key, "key-vault")
    lbs = topo.of_type("Microsoft.Network/loadBalancers")
    rt = topo.of_type("Microsoft.Network/routeTables")
    assert len(rt) == (1 if options["variant"] == "ha" else slots)  # standalone: one per slot's appliance
    hops = [e for r in rt for e in topo.out(r.key, "next-hop")]
    assert len(hops) == len(rt)
    if options["variant"] == "ha":
        assert len(lbs) == 1 and "internal" in lbs[0].details
        assert hops[0].dst == lbs[0].key  # the workload route points at the LB frontend
        assert lay.subnet_of[lbs[0].key] == sorted(subnets, key=lambda s: s.name)[0].key
        service_nics = [k for vm in vms for k in lay.vm_nics[vm.key] if "IP forwarding" in topo.nodes[k].details]
        assert {e.dst for k in service_nics for e in topo.out(k, "lb-backend")} == {lbs[0].key}
    else:
        assert not lbs
        # each slot's table sends to that slot's appliance's service NIC: none is left idle
        assert all(topo.nodes[h.dst].lower_type == NIC for h in hops) and len({h.dst for h in hops}) == slots
    nats = topo.of_type("Microsoft.Network/natGateways")
    assert len(nats) == (slots if options["natGateway"] else 0)
    for nat in nats:
        assert len(topo.out(nat.key, "public-ip")) == 1
        assert not topo.into(nat.key, "nat-gateway")  # never associated with the customer's subnets
    for ref in topo.of_type("Microsoft.ManagedIdentity/userAssignedIdentities") + topo.of_type("Microsoft.KeyVault/vaults"):
        assert ref.ownership == "reference"
    assert all(n.ownership == "owned" for n in topo.nodes.values()
               if n.lower_type not in (SUBNET, "microsoft.network/virtualnetworks",
                                       "microsoft.managedidentity/userassignedidentities", "microsoft.keyvault/vaults"))


def test_the_availability_set_is_conditional_in_a_zonal_build_and_certain_without_zones() -> None:
    zonal = offer_topology("cloud-connector", {})
    avset = zonal.of_type("Microsoft.Compute/availabilitySets")
    assert len(avset) == 1 and avset[0].conditional
    assert "zones as in a region with availability zones" in zonal.notes
    flat = offer_topology("cloud-connector", {"zones": []})
    assert flat.of_type("Microsoft.Compute/availabilitySets")[0].conditional is None


def test_values_name_what_placeholders_would() -> None:
    src = from_offer("cloud-connector", {})
    values = {"vnetName": "hub", "vnetResourceGroup": "net-rg", "zone1SubnetName": "a", "zone2SubnetName": "b",
              "identityName": "cc-id", "keyVaultUrl": "https://ccvault.vault.azure.net/", "namePrefix": "zz"}
    topo = topology(src.template, values)
    assert [v.name for v in topo.of_type("Microsoft.Network/virtualNetworks")] == ["hub"]
    assert sorted(s.name for s in topo.of_type(SUBNET)) == ["a", "b"]
    assert topo.of_type("Microsoft.Network/virtualNetworks")[0].resource_group == "net-rg"
    assert [v.name for v in topo.of_type("Microsoft.KeyVault/vaults")] == ["ccvault"]
    assert all(n.name.startswith("zz-") for n in topo.of_type(VM))
    placeholder = topology(src.template)
    assert sorted(s.name for s in placeholder.of_type(SUBNET)) == ["‹zone1SubnetName›", "‹zone2SubnetName›"]


def test_an_existing_nsg_given_by_id_is_drawn_as_existing() -> None:
    src = from_offer("cloud-connector", {})
    nsg = "/subscriptions/s1/resourceGroups/sec/providers/Microsoft.Network/networkSecurityGroups/corp-nsg"
    topo = topology(src.template, {"existingMgmtNsgId": nsg})
    found = [n for n in topo.of_type("Microsoft.Network/networkSecurityGroups") if n.name == "corp-nsg"]
    assert len(found) == 1 and found[0].ownership == "existing"
    assert all(n.name != "zscc-cc-mgmt-nsg" for n in topo.of_type("Microsoft.Network/networkSecurityGroups"))
    assert all(e.dst == found[0].key for n in topo.of_type(NIC) for e in topo.out(n.key, "nsg")
               if "mgmt" in n.name)


def test_generic_templates() -> None:
    """Owned VNet with inline subnets, a copy loop with an unknown count, an unknown type, a
    Key Vault reference in the values, nested deployments, and a condition that is false."""
    template = {
        "parameters": {"n": {"type": "int"}, "secret": {"type": "securestring"}},
        "resources": [
            {"type": "Microsoft.Network/virtualNetworks", "name": "own",
             "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                            "subnets": [{"name": "a", "properties": {"addressPrefix": "10.0.0.0/24"}}]}},
            {"type": "Microsoft.Network/networkInterfaces", "name": "[concat('nic', copyIndex())]",
             "copy": {"name": "l", "count": "[parameters('n')]"},
             "properties": {"ipConfigurations": [{"properties": {"subnet": {
                 "id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'own', 'a')]"}}}]}},
            {"type": "Contoso.Widgets/gadgets", "name": "g1", "properties": {"p": "[parameters('secret')]"}},
            {"condition": "[equals(1, 2)]", "type": "Microsoft.Storage/storageAccounts", "name": "never"},
            {"type": "Microsoft.Resources/deployments", "name": "inner",
             "properties": {"expressionEvaluationOptions": {"scope": "inner"},
                            "parameters": {"p": {"value": "x"}},
                            "template": {"parameters": {"p": {"type": "string"}},
                                         "resources": [{"type": "Microsoft.Network/routeTables",
                                                        "name": "[concat(parameters('p'), '-rt')]"}]}}},
            {"type": "Microsoft.Resources/deployments", "name": "linked",
             "properties": {"templateLink": {"uri": "https://example.invalid/t.json"}}},
        ],
    }
    kv = "/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v1"
    topo = topology(template, {"secret": {"reference": {"keyVault": {"id": kv}, "secretName": "s"}}})
    names = {n.name: n for n in topo.nodes.values()}
    assert names["own"].ownership == "owned" and names["a"].parent == names["own"].key
    assert names["a"].details == ["10.0.0.0/24"]
    nic = [n for n in topo.of_type(NIC)]
    assert len(nic) == 1 and nic[0].count == "×?"
    assert names["g1"].title == "gadgets"
    assert "never" not in names
    assert names["x-rt"].lower_type == "microsoft.network/routetables"
    assert "linked template (not read)" in names["linked"].details
    assert names["v1"].ownership == "reference"
    assert [e.dst for e in topo.out(names["g1"].key, "key-vault")] == [names["v1"].key]


@pytest.mark.parametrize("name", sorted(OFFERS))
def test_every_built_in_offer_has_its_resources_drawn(name: str) -> None:
    from armgen.render import arm_json

    template = arm_json.render(get_offer(name).build({}))
    topo = topology(template)
    declared = [r for r in template["resources"] if "condition" not in r or "useZones" in r["condition"]]
    owned = [n for n in topo.nodes.values() if n.ownership == "owned"]
    assert {r["type"].lower() for r in declared} <= {n.lower_type for n in owned}


# --- the offer's other shapes (issue 17) --------------------------------------------------------------


def test_greenfield_draws_its_own_vnet_and_subnets_as_owned_with_their_prefixes() -> None:
    from armgen.offers import cloud_connector as cc

    topo = offer_topology("cloud-connector", {"network": "new", "workloadSubnet": True, "bastion": True, "zpa": True})
    [vnet] = topo.of_type("Microsoft.Network/virtualNetworks")
    assert vnet.ownership == "owned" and vnet.details[0] == cc.DEFAULT_ADDRESS_SPACE
    layout = cc.greenfield_layout()
    subnets = {s.name: s for s in topo.of_type(SUBNET)}
    assert {s.ownership for s in subnets.values()} == {"owned"} and all(s.parent == vnet.key for s in subnets.values())
    assert sorted(s.details[0] for s in subnets.values()) == sorted(
        layout[r] for r in ("zone1", "zone2", "dns", "workload", "bastion"))
    [dns] = [s for s in subnets.values() if "dns-resolver" in s.name]
    assert "delegated to Microsoft.Network/dnsResolvers" in dns.details
    # the zone subnets are associated with their own NAT gateway, and nothing else is
    lay = Layout(topo)
    for nat in topo.of_type("Microsoft.Network/natGateways"):
        [into] = topo.into(nat.key, "nat-gateway")
        assert topo.nodes[into.src].lower_type == SUBNET and nat.zones == lay.subnet_zone(into.src)
    # the workload route's next hop is the frontend address the template fixes: an edge to the LB
    [lb] = topo.of_type("Microsoft.Network/loadBalancers")
    wl = next(r for r in topo.of_type("Microsoft.Network/routeTables") if "workload" in r.name)
    assert [e.dst for e in topo.out(wl.key, "next-hop")] == [lb.key]
    assert [topo.nodes[e.src].name for e in topo.into(wl.key, "route-table")] == [
        next(n for n in subnets if "workload" in n)]
    # the management host sits in its own subnet with its public IP
    bastion = next(v for v in topo.of_type(VM) if "bastion" in v.name)
    assert topo.nodes[lay.subnet_of[bastion.key]].name.startswith("zscc-bastion-subnet")


@pytest.mark.parametrize("options", [{"zpa": True}, {"zpa": True, "variant": "standalone"},
                                     {"zpa": True, "network": "new"}])
def test_zpa_draws_the_resolver_in_its_subnet_and_the_ruleset_forwarding_to_the_appliances(options: dict) -> None:
    topo = offer_topology("cloud-connector", options)
    lay = Layout(topo)
    [resolver] = topo.of_type("Microsoft.Network/dnsResolvers")
    [endpoint] = topo.of_type("Microsoft.Network/dnsResolvers/outboundEndpoints")
    [ruleset] = topo.of_type("Microsoft.Network/dnsForwardingRulesets")
    [rule] = topo.of_type("Microsoft.Network/dnsForwardingRulesets/forwardingRules")
    [link] = topo.of_type("Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks")
    [vnet] = topo.of_type("Microsoft.Network/virtualNetworks")
    assert (resolver.title, ruleset.title, rule.title, link.title) == (
        "DNS resolver", "DNS forwarding ruleset", "Forwarding rule", "Ruleset VNet link")
    assert endpoint.parent == resolver.key and rule.parent == ruleset.key == link.parent
    subnet = topo.nodes[lay.subnet_of[endpoint.key]]
    assert subnet.parent == vnet.key and subnet.ownership == vnet.ownership  # existing in brownfield, owned if new
    assert [e.dst for e in topo.out(ruleset.key, "outbound-endpoint")] == [endpoint.key]
    assert [e.dst for e in topo.out(link.key, "vnet")] == [vnet.key] == [e.dst for e in topo.out(resolver.key, "vnet")]
    targets = {topo.nodes[e.dst].lower_type for e in topo.out(rule.key, "dns-target")}
    assert targets == ({"microsoft.network/loadbalancers"} if options.get("variant") != "standalone" else {NIC})
    assert rule.count == "×?" and rule.details[-1].endswith(":53")  # one rule per domain, known at deployment
