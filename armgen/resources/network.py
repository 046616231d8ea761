"""Microsoft.Network builders: NICs, NSGs, internal load balancer, NAT gateway, public IP,
route table, references to the customer's existing VNet and subnets, and a VNet of the
template's own (greenfield).

Each function returns one :class:`~armgen.template.Resource` at the pinned apiVersion and adds
nothing to a template; the offer decides what goes in. Arguments are keyword-only with the
defaults an NVA deployment wants (Standard SKUs, static zonal public IPs, HA ports), so an offer
reads as a list of decisions, not of property names.

Existing networks are referenced, never declared: :func:`existing_virtual_network` and
:func:`existing_subnet` return ``existing=True`` resources. Declaring a VNet or subnet in a
template is a full PUT that drops whatever the template omits (NSG, route table, NAT gateway,
delegations, service endpoints), which is the classic brownfield outage. Only a network the
template creates itself is declared (:func:`virtual_network`), with its subnets inline: a
redeployment then states every subnet in full, and Microsoft recommends inline subnets over child
resources for exactly that reason (a VNet PUT without them would try to delete them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from armgen import expr as E
from armgen.resources import api_versions
from armgen.resources.common import child_id, prune, ref
from armgen.template import Copy, Resource

VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
NIC = "Microsoft.Network/networkInterfaces"
NSG = "Microsoft.Network/networkSecurityGroups"
LB = "Microsoft.Network/loadBalancers"
NAT_GATEWAY = "Microsoft.Network/natGateways"
PUBLIC_IP = "Microsoft.Network/publicIPAddresses"
ROUTE_TABLE = "Microsoft.Network/routeTables"
DNS_RESOLVERS_DELEGATION = "Microsoft.Network/dnsResolvers"


# --- existing network ----------------------------------------------------------------------------


def existing_virtual_network(*, symbol: str, name: Any, resource_group: Any = None,
                             subscription_id: Any = None) -> Resource:
    """The customer's VNet, possibly in another resource group: referenced, never deployed."""
    return Resource(VNET, api_versions.NETWORK, name, symbol, existing=True,
                    resource_group=resource_group, subscription_id=subscription_id)


def existing_subnet(*, symbol: str, vnet: Resource, name: Any) -> Resource:
    """A subnet of an existing VNet; its id carries the VNet's resource group."""
    if not vnet.existing:
        raise ValueError("existing_subnet: the VNet must be an existing one too")
    return Resource(SUBNET, api_versions.NETWORK, name, symbol, parent=vnet, existing=True)


# --- a network the template owns (greenfield) ----------------------------------------------------


def subnet(name: Any, *, address_prefix: Any, nat_gateway_id: Any = None, route_table_id: Any = None,
           nsg_id: Any = None, delegation: str | None = None,
           default_outbound_access: Any = False) -> dict[str, Any]:
    """One inline subnet of :func:`virtual_network`.

    ``default_outbound_access=False`` makes it a private subnet (Azure's default for new subnets
    from Network API 2025-07-01): its VMs reach the internet only through what the template gives
    them (a NAT gateway, a public IP), never through Azure's retired implicit outbound address.
    ``delegation`` hands the subnet to a service (``Microsoft.Network/dnsResolvers``).
    """
    props = prune({
        "addressPrefix": address_prefix,
        "natGateway": ref(nat_gateway_id) if nat_gateway_id is not None else None,
        "routeTable": ref(route_table_id) if route_table_id is not None else None,
        "networkSecurityGroup": ref(nsg_id) if nsg_id is not None else None,
        "delegations": ([{"name": delegation.replace("/", "."), "properties": {"serviceName": delegation}}]
                        if delegation is not None else None),
        "defaultOutboundAccess": default_outbound_access,
    })
    return {"name": name, "properties": props}


def virtual_network(*, symbol: str, name: Any, location: Any, address_prefixes: Sequence[Any],
                    subnets: Sequence[dict[str, Any]], tags: Any = None, condition: Any = None) -> Resource:
    """A VNet the template creates, with every subnet inline (see :func:`subnet`).

    Only for a network the deployment owns: declaring the customer's VNet would rewrite it.
    Refer to one of its subnets with :func:`armgen.resources.common.child_ref` (its id then
    depends on the VNet).
    """
    if not subnets:
        raise ValueError("virtual_network: at least one subnet")
    return Resource(VNET, api_versions.NETWORK, name, symbol, location=location, tags=tags, condition=condition,
                    properties={"addressSpace": {"addressPrefixes": list(address_prefixes)},
                                "subnets": list(subnets)})


# --- network interface ---------------------------------------------------------------------------


def network_interface(
    *,
    symbol: str,
    name: Any,
    location: Any,
    subnet_id: Any,
    ip_forwarding: bool | Any = False,
    accelerated_networking: bool | Any = False,
    nsg_id: Any = None,
    backend_pool_ids: Sequence[Any] = (),
    private_ip_address: Any = None,
    public_ip_id: Any = None,
    ip_config_name: str = "ipconfig1",
    tags: Any = None,
    copy: Copy | None = None,
    condition: Any = None,
) -> Resource:
    """A NIC with one IPv4 configuration in ``subnet_id``.

    The address is dynamic unless ``private_ip_address`` is given. ``backend_pool_ids`` joins
    the NIC to load balancer pools (NIC-based pool membership); ``public_ip_id`` gives it a
    public IP (a management host, never an appliance). An NVA's forwarding NIC wants
    ``ip_forwarding=True`` and, on sizes that support it, ``accelerated_networking=True``; its
    management NIC wants neither.
    """
    ip_props: dict[str, Any] = {
        "privateIPAllocationMethod": "Static" if private_ip_address is not None else "Dynamic",
        "privateIPAddress": private_ip_address,
        "privateIPAddressVersion": "IPv4",
        "subnet": ref(subnet_id),
        "publicIPAddress": ref(public_ip_id) if public_ip_id is not None else None,
        "primary": True,
    }
    if backend_pool_ids:
        ip_props["loadBalancerBackendAddressPools"] = [ref(i) for i in backend_pool_ids]
    props = prune({
        "enableIPForwarding": ip_forwarding,
        "enableAcceleratedNetworking": accelerated_networking,
        "networkSecurityGroup": ref(nsg_id) if nsg_id is not None else None,
        "ipConfigurations": [{"name": ip_config_name, "properties": prune(ip_props)}],
    })
    return Resource(NIC, api_versions.NETWORK, name, symbol, location=location, tags=tags,
                    properties=props, copy=copy, condition=condition)


# --- network security group ----------------------------------------------------------------------


def security_rule(
    name: str,
    *,
    priority: int,
    direction: str,
    access: Any = "Allow",
    protocol: str = "*",
    source: Any = "*",
    destination: Any = "*",
    destination_ports: Any = "*",
    description: str | None = None,
) -> dict[str, Any]:
    """One NSG rule. ``source``/``destination`` are a prefix, CIDR or service tag; ports a port or range."""
    if direction not in ("Inbound", "Outbound"):
        raise ValueError(f"security_rule {name}: direction must be Inbound or Outbound")
    if not 100 <= priority <= 4096:
        raise ValueError(f"security_rule {name}: priority {priority} outside 100-4096")
    return {
        "name": name,
        "properties": prune({
            "description": description,
            "protocol": protocol,
            "sourcePortRange": "*",
            "destinationPortRange": destination_ports,
            "sourceAddressPrefix": source,
            "destinationAddressPrefix": destination,
            "access": access,
            "priority": priority,
            "direction": direction,
        }),
    }


def network_security_group(*, symbol: str, name: Any, location: Any, rules: Sequence[dict[str, Any]] = (),
                           tags: Any = None, condition: Any = None) -> Resource:
    """An NSG with ``rules`` (see :func:`security_rule`) on top of Azure's default rules.

    The defaults (e.g. ``AllowAzureLoadBalancerInBound``) stay, so load balancer health probes
    reach the appliance without an explicit rule.
    """
    return Resource(NSG, api_versions.NETWORK, name, symbol, location=location, tags=tags,
                    condition=condition, properties={"securityRules": list(rules)})


# --- internal load balancer ----------------------------------------------------------------------


def internal_load_balancer(
    *,
    symbol: str,
    name: Any,
    location: Any,
    subnet_id: Any,
    frontend_zones: Any = None,
    private_ip_address: Any = None,
    frontend_name: str = "frontend",
    backend_pool_name: str = "backend",
    probe_name: str = "probe",
    rule_name: str = "ha-ports",
    probe_protocol: str = "Http",
    probe_port: Any = 80,
    probe_path: Any = "/",
    probe_interval: Any = 5,
    probe_threshold: Any = 2,
    number_of_probes: Any = 2,
    load_distribution: Any = "Default",
    floating_ip: Any = True,
    idle_timeout_minutes: Any = None,
    tcp_reset: Any = None,
    tags: Any = None,
    condition: Any = None,
) -> Resource:
    """A Standard internal load balancer with one frontend, pool, probe and an HA-ports rule.

    HA ports (protocol ``All``, ports 0) sends every flow to the appliances, which is what an
    NVA behind a UDR needs. ``frontend_zones`` pins the frontend (one zone) or spreads it over
    zones; None leaves it non-zonal (regions without zones). The probe path applies to
    Http/Https probes only.
    """
    frontend_props = prune({
        "privateIPAllocationMethod": "Static" if private_ip_address is not None else "Dynamic",
        "privateIPAddress": private_ip_address,
        "privateIPAddressVersion": "IPv4",
        "subnet": ref(subnet_id),
    })
    probe_props = prune({
        "protocol": probe_protocol,
        "port": probe_port,
        "requestPath": probe_path if probe_protocol in ("Http", "Https") else None,
        "intervalInSeconds": probe_interval,
        "numberOfProbes": number_of_probes,
        "probeThreshold": probe_threshold,
    })
    lb = Resource(LB, api_versions.NETWORK, name, symbol, location=location, tags=tags, condition=condition,
                  sku={"name": "Standard", "tier": "Regional"})
    rule_props = prune({
        "frontendIPConfiguration": ref(child_id(lb, "frontendIPConfigurations", frontend_name)),
        "backendAddressPool": ref(child_id(lb, "backendAddressPools", backend_pool_name)),
        "probe": ref(child_id(lb, "probes", probe_name)),
        "protocol": "All",
        "frontendPort": 0,
        "backendPort": 0,
        "enableFloatingIP": floating_ip,
        "loadDistribution": load_distribution,
        "idleTimeoutInMinutes": idle_timeout_minutes,
        "enableTcpReset": tcp_reset,
    })
    lb.properties = E.lift({
        "frontendIPConfigurations": [prune({"name": frontend_name, "zones": frontend_zones,
                                            "properties": frontend_props})],
        "backendAddressPools": [{"name": backend_pool_name}],
        "probes": [{"name": probe_name, "properties": probe_props}],
        "loadBalancingRules": [{"name": rule_name, "properties": rule_props}],
    })
    return lb


def lb_frontend_ip(lb: Resource, index: int = 0) -> E.Expr:
    """The private address the load balancer's frontend got (dynamic or static)."""
    return lb.props.frontendIPConfigurations[index].properties.privateIPAddress


def lb_backend_pool_name(lb: Resource, index: int = 0) -> str:
    return lb.properties["backendAddressPools"][index]["name"]


# --- NAT gateway, public IP, route table ----------------------------------------------------------


def public_ip(*, symbol: str, name: Any, location: Any, zones: Any = None, idle_timeout_minutes: int = 4,
              tags: Any = None, copy: Copy | None = None, condition: Any = None) -> Resource:
    """A Standard, Static IPv4 public IP.

    Set ``zones`` explicitly: since Network API 2020-08-01 a public IP without zones is
    non-zonal, and a NAT gateway needs its public IPs in its own zone.
    """
    return Resource(PUBLIC_IP, api_versions.NETWORK, name, symbol, location=location, tags=tags, zones=zones,
                    copy=copy, condition=condition, sku={"name": "Standard", "tier": "Regional"},
                    properties={"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4",
                                "idleTimeoutInMinutes": idle_timeout_minutes})


def nat_gateway(*, symbol: str, name: Any, location: Any, public_ip_ids: Sequence[Any], zones: Any = None,
                idle_timeout_minutes: int = 4, tags: Any = None, copy: Copy | None = None,
                condition: Any = None) -> Resource:
    """A Standard NAT gateway with ``public_ip_ids``; zonal when ``zones`` names one zone.

    It is not associated with any subnet here: a subnet association is a write to the subnet.
    """
    return Resource(NAT_GATEWAY, api_versions.NETWORK, name, symbol, location=location, tags=tags, zones=zones,
                    copy=copy, condition=condition, sku={"name": "Standard"},
                    properties={"idleTimeoutInMinutes": idle_timeout_minutes,
                                "publicIpAddresses": [ref(i) for i in public_ip_ids]})


def route(name: str, *, address_prefix: str, next_hop_type: str = "VirtualAppliance",
          next_hop_ip: Any = None) -> dict[str, Any]:
    """One UDR; ``VirtualAppliance`` needs ``next_hop_ip``."""
    if next_hop_type == "VirtualAppliance" and next_hop_ip is None:
        raise ValueError(f"route {name}: a VirtualAppliance next hop needs an IP address")
    return {"name": name, "properties": prune({"addressPrefix": address_prefix, "nextHopType": next_hop_type,
                                               "nextHopIpAddress": next_hop_ip})}


def route_table(*, symbol: str, name: Any, location: Any, routes: Sequence[dict[str, Any]] = (),
                disable_bgp_route_propagation: Any = False, tags: Any = None,
                condition: Any = None, copy: Copy | None = None) -> Resource:
    """A route table; associating it with subnets is left to whoever owns them.

    Gateway (BGP) routes propagate by default: a workload subnet in a brownfield network often
    reaches on-premises over ExpressRoute or VPN through them, and a route table that drops them
    cuts it off the moment it is attached. A UDR still wins over a BGP route for the same prefix.
    """
    return Resource(ROUTE_TABLE, api_versions.NETWORK, name, symbol, location=location, tags=tags,
                    condition=condition, copy=copy,
                    properties={"disableBgpRoutePropagation": disable_bgp_route_propagation,
                                "routes": list(routes)})
