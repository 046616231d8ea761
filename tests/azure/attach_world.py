"""A brownfield network on the fake Resource Manager for the attach tests and docs/attach.md.

The deployment (tests/azure/data/attach/) put two NAT gateways and a workload route table into
``appliance-rg``; the customer's hub VNet in ``network-rg`` has the two zone subnets, the first
one "rich" (NSG, someone's route table, service endpoints, a delegation, network policies,
default outbound access off, a NIC and a private endpoint in it), and a workload subnet.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.network import NetworkService, install_network
from tests.fakearm.server import FakeArm

DATA = Path(__file__).parent / "data" / "attach"
TEMPLATE_DIR = str(DATA)
PARAMS = str(DATA / "parameters.json")
RG = "appliance-rg"
RG_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}"
NET_RG_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/network-rg"
VNET_ID = f"{NET_RG_ID}/providers/Microsoft.Network/virtualNetworks/hub-vnet"
ZONE1 = f"{VNET_ID}/subnets/cc-zone1"
ZONE2 = f"{VNET_ID}/subnets/cc-zone2"
WORKLOAD = f"{VNET_ID}/subnets/workload"
NAT1 = f"{RG_ID}/providers/Microsoft.Network/natGateways/zcc-ngw-1"
NAT2 = f"{RG_ID}/providers/Microsoft.Network/natGateways/zcc-ngw-2"
WORKLOAD_RT = f"{RG_ID}/providers/Microsoft.Network/routeTables/zcc-workload-rt"
OTHER_NAT = f"{NET_RG_ID}/providers/Microsoft.Network/natGateways/netops-ngw"
HUB_RT = f"{NET_RG_ID}/providers/Microsoft.Network/routeTables/hub-rt"
NSG = f"{NET_RG_ID}/providers/Microsoft.Network/networkSecurityGroups/cc-nsg"

RICH = {
    "addressPrefix": "10.0.1.0/26",
    "networkSecurityGroup": {"id": NSG},
    "routeTable": {"id": HUB_RT},
    "serviceEndpoints": [{"service": "Microsoft.Storage", "locations": ["westeurope", "northeurope"],
                          "provisioningState": "Succeeded"},
                         {"service": "Microsoft.KeyVault", "locations": ["*"], "provisioningState": "Succeeded"}],
    "delegations": [{"name": "netapp", "id": f"{ZONE1}/delegations/netapp",
                     "properties": {"serviceName": "Microsoft.Netapp/volumes",
                                    "actions": ["Microsoft.Network/networkinterfaces/*"],
                                    "provisioningState": "Succeeded"},
                     "type": "Microsoft.Network/virtualNetworks/subnets/delegations"}],
    "privateEndpointNetworkPolicies": "Enabled",
    "privateLinkServiceNetworkPolicies": "Disabled",
    "defaultOutboundAccess": False,
    "ipConfigurations": [{"id": f"{NET_RG_ID}/providers/Microsoft.Network/networkInterfaces/dns-nic/ipConfigurations/ipconfig1"}],
    "privateEndpoints": [{"id": f"{NET_RG_ID}/providers/Microsoft.Network/privateEndpoints/kv-pe"}],
}


@dataclass
class World:
    arm: FakeArm
    net: NetworkService

    def argv(self, command: str, *extra: str, params: str = PARAMS, source: str | None = TEMPLATE_DIR) -> list[str]:
        args = [command, "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", self.arm.base_url, "-p", params, *extra]
        return [*args, source] if source else args

    def writes(self) -> list[Any]:
        """Every request that could change something (what-if POSTs do not)."""
        return [r for r in self.arm.requests if r.method in ("PUT", "PATCH", "DELETE")
                or (r.method == "POST" and not r.path.lower().endswith("/whatif"))]

    def props(self, rid: str) -> dict[str, Any]:
        return self.net.subnet(rid)["properties"]


def build(arm: FakeArm, vnet_location: str = "westeurope") -> World:
    """Populate ``arm`` (see the module docstring); returns the handles tests need."""
    net = install_network(arm, polls=2)
    arm.add_resource_group(SUBSCRIPTION, RG)
    net.add_vnet(VNET_ID, location=vnet_location)
    net.add_nsg(NSG, location=vnet_location)
    net.add_route_table(HUB_RT, location=vnet_location, routes=[
        {"name": "to-onprem", "properties": {"addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualNetworkGateway"}}])
    net.add_nat_gateway(OTHER_NAT, location=vnet_location)
    for rid in (NAT1, NAT2):
        net.add_nat_gateway(rid)
    net.add_route_table(WORKLOAD_RT, routes=[{"name": "default-route", "properties": {
        "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.1.10"}}])
    net.add_subnet(ZONE1, copy.deepcopy(RICH))
    net.add_subnet(ZONE2, {"addressPrefix": "10.0.2.0/26", "defaultOutboundAccess": False})
    net.add_subnet(WORKLOAD, {"addressPrefix": "10.0.8.0/24", "networkSecurityGroup": {"id": NSG}})
    return World(arm, net)


def comparable(props: dict[str, Any], *drop: str) -> dict[str, Any]:
    """Subnet properties without what a write changes by itself (and without ``drop``)."""
    out = copy.deepcopy(props)
    for k in ("provisioningState", *drop):
        out.pop(k, None)
    return out
