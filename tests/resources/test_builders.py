"""Each builder renders the properties it promises, at the pinned apiVersion, and validates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from armgen import expr as E
from armgen.render.arm_json import render
from armgen.resources import api_versions, compute, deployments, identity, network
from armgen.resources.common import child_ref, tags_for
from armgen.template import Copy, Resource, Template

LOC = "westeurope"
IMAGE = compute.Image("pub", "offer", "sku")


def render_with(*resources: Resource) -> dict[str, Any]:
    t = Template()
    for r in resources:
        t.add(r)
    return render(t)


def by_symbol(doc: dict[str, Any], t_resources: list[Resource], symbol: str) -> dict[str, Any]:
    deployed = [r for r in t_resources if not r.existing]
    return doc["resources"][[r.symbol for r in deployed].index(symbol)]


def one(resource: Resource, *others: Resource) -> dict[str, Any]:
    """Render ``resource`` (with the resources it refers to) and return its JSON."""
    rs = [*others, resource]
    return by_symbol(render_with(*rs), rs, resource.symbol)


def subnet_pair() -> tuple[Resource, Resource]:
    vnet = network.existing_virtual_network(symbol="vnet", name="hub", resource_group="net-rg")
    return vnet, network.existing_subnet(symbol="sn", vnet=vnet, name="cc")


# --- apiVersions ---------------------------------------------------------------------------------


def test_pins_are_ga_and_cover_each_provider() -> None:
    for ns, version in api_versions.PINS.items():
        assert "preview" not in version, ns
    assert api_versions.for_type("Microsoft.Network/loadBalancers") == "2025-07-01"
    assert api_versions.for_type("Microsoft.Compute/virtualMachines") == "2026-03-01"
    assert api_versions.for_type("Microsoft.ManagedIdentity/userAssignedIdentities") == "2024-11-30"
    assert api_versions.for_type("Microsoft.Resources/deployments") == "2025-04-01"
    with pytest.raises(KeyError, match="no pinned apiVersion"):
        api_versions.for_type("Microsoft.Storage/storageAccounts")


# --- compute ---------------------------------------------------------------------------------------


def vm(**kw: Any) -> Resource:
    args: dict[str, Any] = dict(symbol="vm", name="vm1", location=LOC, size="Standard_D2s_v3", image=IMAGE,
                                admin_username="ops", ssh_public_key="ssh-rsa AAA", nic_ids=["/nic/a", "/nic/b"])
    args.update(kw)
    return compute.linux_vm(**args)


def test_vm_is_ssh_only_premium_managed_bootdiag_marketplace() -> None:
    out = one(vm(user_data=E.base64("x"), nic_delete_option="Delete"))
    assert out["apiVersion"] == api_versions.COMPUTE
    p = out["properties"]
    lc = p["osProfile"]["linuxConfiguration"]
    assert lc["disablePasswordAuthentication"] is True
    assert lc["ssh"]["publicKeys"] == [{"path": "[format('/home/{0}/.ssh/authorized_keys', 'ops')]",
                                        "keyData": "ssh-rsa AAA"}]
    assert "adminPassword" not in json.dumps(out)
    assert p["diagnosticsProfile"] == {"bootDiagnostics": {"enabled": True}}  # managed: no storageUri
    assert p["storageProfile"]["osDisk"]["managedDisk"] == {"storageAccountType": "Premium_LRS"}
    assert p["storageProfile"]["imageReference"] == {"publisher": "pub", "offer": "offer", "sku": "sku",
                                                     "version": "latest"}
    assert out["plan"] == {"name": "sku", "publisher": "pub", "product": "offer"}
    assert p["userData"] == "[base64('x')]"
    nics = p["networkProfile"]["networkInterfaces"]
    assert [n["properties"]["primary"] for n in nics] == [True, False]
    assert {n["properties"]["deleteOption"] for n in nics} == {"Delete"}
    assert "zones" not in out and "availabilitySet" not in p and "identity" not in out


def test_vm_without_plan_zones_avset_identity_customdata() -> None:
    ident = identity.existing_user_assigned_identity(symbol="id", name="uami", resource_group="id-rg")
    avs = compute.availability_set(symbol="avs", name="avs", location=LOC)
    r = vm(image=compute.Image("Canonical", "ubuntu", "server", plan=False), zones=["2"],
           availability_set={"id": avs.id}, identity_ids=[ident.id], custom_data=E.base64("c"))
    out = one(r, avs, ident)
    assert "plan" not in out
    assert out["zones"] == ["2"]
    assert out["properties"]["availabilitySet"] == {"id": "[resourceId('Microsoft.Compute/availabilitySets', 'avs')]"}
    assert out["dependsOn"] == ["[resourceId('Microsoft.Compute/availabilitySets', 'avs')]"]
    assert out["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": "[createObject(resourceId('id-rg', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'uami'), createObject())]",
    }
    assert out["properties"]["osProfile"]["customData"] == "[base64('c')]"


def test_vm_refuses_no_nic_and_bad_delete_option() -> None:
    with pytest.raises(ValueError, match="at least one NIC"):
        vm(nic_ids=[])
    with pytest.raises(ValueError, match="deleteOption"):
        vm(nic_delete_option="Keep")


def test_availability_set_is_aligned() -> None:
    out = one(compute.availability_set(symbol="a", name="a", location=LOC, condition=E.equals(1, 1)))
    assert out["sku"] == {"name": "Aligned"}
    assert out["properties"] == {"platformFaultDomainCount": 2, "platformUpdateDomainCount": 5}
    assert out["condition"] == "[equals(1, 1)]"


# --- network ---------------------------------------------------------------------------------------


def test_nic_flags_nsg_pool_subnet() -> None:
    vnet, sn = subnet_pair()
    nsg = network.network_security_group(symbol="nsg", name="nsg", location=LOC)
    nic = network.network_interface(symbol="nic", name="nic", location=LOC, subnet_id=sn.id, ip_forwarding=True,
                                    accelerated_networking=True, nsg_id=nsg.id, backend_pool_ids=["/pool"])
    out = one(nic, vnet, sn, nsg)
    p = out["properties"]
    assert out["apiVersion"] == api_versions.NETWORK
    assert p["enableIPForwarding"] is True and p["enableAcceleratedNetworking"] is True
    assert p["networkSecurityGroup"] == {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"}
    ip = p["ipConfigurations"][0]["properties"]
    assert ip["subnet"] == {"id": "[resourceId('net-rg', 'Microsoft.Network/virtualNetworks/subnets', 'hub', 'cc')]"}
    assert ip["privateIPAllocationMethod"] == "Dynamic" and "privateIPAddress" not in ip
    assert ip["loadBalancerBackendAddressPools"] == [{"id": "/pool"}]
    assert out["dependsOn"] == ["[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"]


def test_nic_defaults_are_a_management_nic_and_static_ip_works() -> None:
    out = one(network.network_interface(symbol="n", name="n", location=LOC, subnet_id="/s", private_ip_address="10.0.0.5"))
    p = out["properties"]
    assert p["enableIPForwarding"] is False and p["enableAcceleratedNetworking"] is False
    assert "networkSecurityGroup" not in p
    ip = p["ipConfigurations"][0]["properties"]
    assert (ip["privateIPAllocationMethod"], ip["privateIPAddress"]) == ("Static", "10.0.0.5")


def test_nsg_rules_and_rule_validation() -> None:
    rule = network.security_rule("SSH", priority=4000, direction="Inbound", protocol="Tcp", source="VirtualNetwork",
                                 destination_ports="22")
    out = one(network.network_security_group(symbol="g", name="g", location=LOC, rules=[rule]))
    assert out["properties"]["securityRules"] == [{"name": "SSH", "properties": {
        "protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "22", "sourceAddressPrefix": "VirtualNetwork",
        "destinationAddressPrefix": "*", "access": "Allow", "priority": 4000, "direction": "Inbound"}}]
    with pytest.raises(ValueError, match="priority"):
        network.security_rule("x", priority=5000, direction="Inbound")
    with pytest.raises(ValueError, match="direction"):
        network.security_rule("x", priority=100, direction="In")


def test_internal_lb_standard_ha_ports_http_probe() -> None:
    lb = network.internal_load_balancer(symbol="lb", name="ilb", location=LOC, subnet_id="/sub", frontend_zones=["1", "2"],
                                        probe_port=50000, probe_path="/?cchealth", probe_interval=15,
                                        load_distribution="SourceIP")
    out = one(lb)
    assert out["sku"] == {"name": "Standard", "tier": "Regional"}
    p = out["properties"]
    fe = p["frontendIPConfigurations"][0]
    assert fe["zones"] == ["1", "2"]
    assert fe["properties"]["subnet"] == {"id": "/sub"}
    assert fe["properties"]["privateIPAllocationMethod"] == "Dynamic"
    assert "publicIPAddress" not in json.dumps(fe)
    assert p["probes"][0]["properties"] == {"protocol": "Http", "port": 50000, "requestPath": "/?cchealth",
                                            "intervalInSeconds": 15, "numberOfProbes": 2, "probeThreshold": 2}
    rule = p["loadBalancingRules"][0]["properties"]
    assert (rule["protocol"], rule["frontendPort"], rule["backendPort"]) == ("All", 0, 0)
    assert rule["enableFloatingIP"] is True and rule["loadDistribution"] == "SourceIP"
    assert rule["probe"]["id"] == "[resourceId('Microsoft.Network/loadBalancers/probes', 'ilb', 'probe')]"
    assert rule["backendAddressPool"]["id"].endswith("'ilb', 'backend')]")
    assert rule["frontendIPConfiguration"]["id"].endswith("'ilb', 'frontend')]")
    assert "dependsOn" not in out  # references to its own children are no dependency
    assert network.lb_backend_pool_name(lb) == "backend"
    assert network.lb_frontend_ip(lb).arm() == (
        "reference(resourceId('Microsoft.Network/loadBalancers', 'ilb'), '2025-07-01')"
        ".frontendIPConfigurations[0].properties.privateIPAddress")


def test_tcp_probe_has_no_path_and_unzoned_frontend_has_no_zones() -> None:
    out = one(network.internal_load_balancer(symbol="lb", name="l", location=LOC, subnet_id="/s", probe_protocol="Tcp",
                                             probe_port=22))
    assert "requestPath" not in out["properties"]["probes"][0]["properties"]
    assert "zones" not in out["properties"]["frontendIPConfigurations"][0]


def test_public_ip_and_nat_gateway() -> None:
    pip = network.public_ip(symbol="pip", name=E.format_("pip-{0}", E.copy_index(1)), location=LOC, zones=["1"],
                            copy=Copy("pips", 2))
    nat = network.nat_gateway(symbol="nat", name=E.format_("nat-{0}", E.copy_index(1)), location=LOC, zones=["1"],
                              public_ip_ids=[pip.id_at(E.copy_index())], copy=Copy("nats", 2), idle_timeout_minutes=10)
    doc = render_with(pip, nat)
    p, n = doc["resources"]
    assert p["sku"] == {"name": "Standard", "tier": "Regional"} and p["zones"] == ["1"]
    assert p["properties"]["publicIPAllocationMethod"] == "Static"
    assert n["sku"] == {"name": "Standard"} and n["zones"] == ["1"]
    pip_id = "[resourceId('Microsoft.Network/publicIPAddresses', format('pip-{0}', copyIndex(1)))]"
    assert n["properties"] == {"idleTimeoutInMinutes": 10, "publicIpAddresses": [{"id": pip_id}]}
    assert n["dependsOn"] == [pip_id]  # NAT i depends on PIP i, derived
    assert "subnets" not in json.dumps(n)


def test_route_table_and_route() -> None:
    r = network.route("default", address_prefix="0.0.0.0/0", next_hop_ip="10.0.0.4")
    out = one(network.route_table(symbol="rt", name="rt", location=LOC, routes=[r]))
    # Gateway routes propagate unless asked: a workload subnet attached to the table keeps its
    # ExpressRoute/VPN routes to on-premises.
    assert out["properties"] == {"disableBgpRoutePropagation": False, "routes": [{"name": "default", "properties": {
        "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.0.4"}}]}
    with pytest.raises(ValueError, match="needs an IP"):
        network.route("x", address_prefix="0.0.0.0/0")
    assert "nextHopIpAddress" not in network.route("i", address_prefix="1.0.0.0/8", next_hop_type="Internet")["properties"]


def test_existing_network_and_identity_are_references_only() -> None:
    vnet, sn = subnet_pair()
    ident = identity.existing_user_assigned_identity(symbol="id", name="uami", resource_group="id-rg")
    nic = network.network_interface(symbol="nic", name="n", location=LOC, subnet_id=sn.id)
    doc = render_with(vnet, sn, ident, nic)
    assert [r["type"] for r in doc["resources"]] == [network.NIC]
    assert identity.client_id(ident).arm() == (
        "reference(resourceId('id-rg', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'uami'), '2024-11-30').clientId")
    with pytest.raises(ValueError, match="existing"):
        network.existing_subnet(symbol="x", vnet=Resource(network.VNET, "2025-07-01", "v", "v"), name="s")


def test_tracking_deployment_is_empty_incremental_pid() -> None:
    out = one(deployments.tracking_deployment("6A357855-14C7-4D01-8297-0BB7EBB133A1"))
    assert out["type"] == "Microsoft.Resources/deployments" and out["apiVersion"] == "2025-04-01"
    assert out["name"] == "pid-6a357855-14c7-4d01-8297-0bb7ebb133a1-partnercenter"
    assert out["properties"]["mode"] == "Incremental"
    assert out["properties"]["template"]["resources"] == []
    assert "location" not in out
    with pytest.raises(ValueError, match="not a GUID"):
        deployments.tracking_deployment("pid-123")


def test_tags_for_reads_and_tests_the_same_key() -> None:
    t = Template()
    p = t.param("tagsByResource", "object", default={})
    assert E.to_json(tags_for(p, "Microsoft.Network/loadBalancers")) == (
        "[if(contains(parameters('tagsByResource'), 'Microsoft.Network/loadBalancers'), "
        "parameters('tagsByResource')['Microsoft.Network/loadBalancers'], createObject())]")
    assert E.to_json(tags_for(p, "X/y", extra={"LegacyVMNVA": "true"})).endswith(
        ", createObject('LegacyVMNVA', 'true'))]")
    # vendor tags come last, so a customer's tag of the same name cannot replace them
    assert E.to_json(tags_for(p, "X/y", extra={"LegacyVMNVA": "true"}, vendor={"Vendor": "Zscaler"})).endswith(
        ", createObject('LegacyVMNVA', 'true'), createObject('Vendor', 'Zscaler'))]")
    assert E.to_json(tags_for(p, "X/y", vendor={"Vendor": "Zscaler"})).startswith("[union(if(contains(")


def test_image_by_cloud_switches_image_and_plan_together() -> None:
    china = E.call("startsWith", E.resource_group().location, "china")
    img = compute.image_by_cloud(china, compute.Image("cn-pub", "cn-offer", "sku"), compute.Image("pub", "offer", "sku"))
    assert img.sku == "sku"  # equal fields stay literal
    assert E.to_json(img.publisher) == "[if(startsWith(resourceGroup().location, 'china'), 'cn-pub', 'pub')]"
    out = one(vm(image=img))
    assert out["plan"]["publisher"] == out["properties"]["storageProfile"]["imageReference"]["publisher"]
    assert out["plan"]["product"] == out["properties"]["storageProfile"]["imageReference"]["offer"]
    with pytest.raises(ValueError, match="same version"):
        compute.image_by_cloud(china, compute.Image("a", "b", "c", version="1.0"), compute.Image("a", "b", "c"))


def test_child_ref_dependency_goes_to_the_deployed_parent() -> None:
    lb = network.internal_load_balancer(symbol="lb", name="ilb", location=LOC, subnet_id="/s")
    pool = child_ref(lb, "backendAddressPools", "backend", "pool")
    nic = network.network_interface(symbol="nic", name="n", location=LOC, subnet_id="/s", backend_pool_ids=[pool.id])
    doc = render_with(lb, pool, nic)
    assert len(doc["resources"]) == 2  # the pool is not emitted
    out = doc["resources"][1]
    assert out["dependsOn"] == ["[resourceId('Microsoft.Network/loadBalancers', 'ilb')]"]
    assert out["properties"]["ipConfigurations"][0]["properties"]["loadBalancerBackendAddressPools"] == [
        {"id": "[resourceId('Microsoft.Network/loadBalancers/backendAddressPools', 'ilb', 'backend')]"}]


# --- every builder's output validates against our schemas and the official ones --------------------


def all_builders() -> Template:
    vnet, sn = subnet_pair()
    ident = identity.existing_user_assigned_identity(symbol="id", name="uami")
    avs = compute.availability_set(symbol="avs", name="avs", location=LOC)
    nsg = network.network_security_group(symbol="nsg", name="nsg", location=LOC, rules=[
        network.security_rule("a", priority=100, direction="Inbound", protocol="Tcp", destination_ports="22")])
    lb = network.internal_load_balancer(symbol="lb", name="ilb", location=LOC, subnet_id=sn.id, frontend_zones=["1"])
    pool = child_ref(lb, "backendAddressPools", "backend", "pool")
    nic = network.network_interface(symbol="nic", name="nic", location=LOC, subnet_id=sn.id, nsg_id=nsg.id,
                                    backend_pool_ids=[pool.id], ip_forwarding=True)
    pip = network.public_ip(symbol="pip", name="pip", location=LOC, zones=["1"])
    nat = network.nat_gateway(symbol="nat", name="nat", location=LOC, zones=["1"], public_ip_ids=[pip.id])
    rt = network.route_table(symbol="rt", name="rt", location=LOC,
                             routes=[network.route("d", address_prefix="0.0.0.0/0", next_hop_ip=network.lb_frontend_ip(lb))])
    machine = vm(nic_ids=[nic.id], availability_set={"id": avs.id}, identity_ids=[ident.id],
                 user_data=E.base64(identity.client_id(ident)))
    t = Template()
    t.extend([vnet, sn, ident, avs, nsg, lb, pool, nic, pip, nat, rt, machine,
              deployments.tracking_deployment("6a357855-14c7-4d01-8297-0bb7ebb133a1")])
    return t


def test_all_builders_validate_against_our_schemas() -> None:
    validate = pytest.importorskip("armgen.checks.schemas")
    doc = render(all_builders())
    assert len(doc["resources"]) == 9
    assert validate.validate_document(doc, "template") == []


def test_all_builders_validate_against_official_schemas(shared: Any) -> None:
    official = pytest.importorskip("armgen.checks.official")
    ss = official.load_schemas(shared / "arm-schemas")
    doc = render(all_builders())
    problems = official.validate_template(doc, "mainTemplate.json", ss)
    assert [str(p) for p in problems] == []


def test_vm_security_profile_and_extensions_only_when_asked() -> None:
    plain = one(vm())["properties"]
    assert "securityProfile" not in plain and "allowExtensionOperations" not in plain["osProfile"]
    hardened = one(vm(encryption_at_host=True, allow_extension_operations=False))["properties"]
    assert hardened["securityProfile"] == {"encryptionAtHost": True}
    assert hardened["osProfile"]["allowExtensionOperations"] is False
