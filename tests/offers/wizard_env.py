"""Sample answers from Azure for running the built-in offers' wizards offline.

An :class:`armgen.uidef.evaluator.Environment` per situation a customer may be in: a region with
zones or without, in public Azure or China, a hub VNet with subnets of every kind the subnet
filter must sort (too small, full, delegated, reserved, IPv6-first, defined by ``addressPrefixes``,
with a NAT gateway or route table already) and a spoke VNet with a single usable subnet.
"""

from __future__ import annotations

import base64
import struct
from typing import Any

from armgen.uidef.evaluator import Environment

SUB = "00000000-0000-0000-0000-0000000000aa"
OTHER_SUB = "00000000-0000-0000-0000-0000000000bb"
NET_RG = "net-rg"
NET = f"/subscriptions/{SUB}/resourceGroups/{NET_RG}/providers/Microsoft.Network"
DNS_RESOLVERS = "Microsoft.Network/dnsResolvers"


def ssh_ed25519_key() -> str:
    """A well-formed Ed25519 public key (the key bytes are arbitrary: nothing signs with it)."""
    def field(b: bytes) -> bytes:
        return struct.pack(">I", len(b)) + b

    return "ssh-ed25519 " + base64.b64encode(field(b"ssh-ed25519") + field(bytes(range(32)))).decode() + " ops@example"


def subnet(vnet: str, name: str, prefix: str | None = None, *, prefixes: list[str] | None = None, used: int = 0,
           delegated: bool | str = False, nat: bool = False, route_table: bool = False) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if prefix is not None:
        props["addressPrefix"] = prefix
    if prefixes is not None:
        props["addressPrefixes"] = prefixes
    sid = f"{NET}/virtualNetworks/{vnet}/subnets/{name}"
    if used:
        props["ipConfigurations"] = [{"id": f"{NET}/networkInterfaces/nic{i}/ipConfigurations/ip"} for i in range(used)]
    if delegated:
        service = delegated if isinstance(delegated, str) else "Microsoft.Web/serverFarms"
        props["delegations"] = [{"name": "d", "properties": {"serviceName": service}}]
    if nat:
        props["natGateway"] = {"id": f"{NET}/natGateways/existing-ngw"}
    if route_table:
        props["routeTable"] = {"id": f"{NET}/routeTables/existing-rt"}
    return {"name": name, "id": sid, "properties": props}


HUB_SUBNETS = [
    subnet("hub-vnet", "cc-a", "10.0.1.0/26"),
    subnet("hub-vnet", "cc-b", prefixes=["10.0.2.0/26", "fd00:db8:2::/64"]),   # addressPrefixes only
    subnet("hub-vnet", "cc-c", "10.0.3.0/27", route_table=True),
    subnet("hub-vnet", "cc-nat", "10.0.4.0/27", nat=True),
    subnet("hub-vnet", "tiny", "10.0.5.0/29"),                                  # 3 usable: too small
    subnet("hub-vnet", "full", "10.0.7.0/28", used=10),                         # 1 free
    subnet("hub-vnet", "web", "10.0.6.0/24", delegated=True),
    subnet("hub-vnet", "v6first", prefixes=["fd00:db8:8::/64", "10.0.8.0/24"]),
    subnet("hub-vnet", "GatewaySubnet", "10.0.255.0/27"),
    subnet("hub-vnet", "dns-out", "10.0.9.0/28", delegated=DNS_RESOLVERS),            # for the ZPA resolver
    subnet("hub-vnet", "dns-wide", "10.2.0.0/23", delegated=DNS_RESOLVERS),           # too large for a resolver
]
SPOKE_SUBNETS = [
    subnet("spoke-vnet", "only", "10.1.1.0/26"),
    subnet("spoke-vnet", "busy", "10.1.2.0/28", used=9),
]


def environment(location: str = "westeurope", *, zones: tuple[str, ...] = ("1", "2", "3")) -> Environment:
    """A subscription where the customer deploys into ``location`` (zones ``zones``, none for ())."""
    vnets = [
        {"id": f"{NET}/virtualNetworks/hub-vnet", "name": "hub-vnet", "location": location},
        {"id": f"{NET}/virtualNetworks/spoke-vnet", "name": "spoke-vnet", "location": location},
        {"id": f"{NET}/virtualNetworks/far-vnet", "name": "far-vnet", "location": "australiaeast"},
    ]
    locations = [
        {"name": location, "availabilityZoneMappings": [
            {"logicalZone": z, "physicalZone": f"{location}-az{z}"} for z in zones]},
        {"name": "australiaeast", "availabilityZoneMappings": [
            {"logicalZone": z, "physicalZone": f"australiaeast-az{z}"} for z in ("1", "2", "3")]},
    ]
    if not zones:
        del locations[0]["availabilityZoneMappings"]
    return Environment.from_json({
        "location": location,
        "resourceGroup": {"name": "cc-rg", "location": location, "mode": "Existing"},
        "subscription": {"id": f"/subscriptions/{SUB}", "subscriptionId": SUB,
                         "tenantId": "00000000-0000-0000-0000-0000000000cc", "displayName": "prod"},
        "resources": {
            "Microsoft.Network/virtualNetworks": vnets,
            "Microsoft.ManagedIdentity/userAssignedIdentities": [
                {"id": f"/subscriptions/{OTHER_SUB}/resourceGroups/id-rg/providers/Microsoft.ManagedIdentity/"
                       "userAssignedIdentities/cc-identity", "name": "cc-identity", "location": location}],
            "Microsoft.Network/networkSecurityGroups": [
                {"id": f"{NET}/networkSecurityGroups/byo-nsg", "name": "byo-nsg", "location": location}],
            "Microsoft.Network/natGateways": [
                {"id": f"{NET}/natGateways/egress-ngw-{z}", "name": f"egress-ngw-{z}", "location": location}
                for z in ("1", "2", "3")],
        },
        "arm": {
            f"GET /subscriptions/{SUB}/locations": {"value": locations},
            f"GET {NET}/virtualNetworks/hub-vnet/subnets": {"value": HUB_SUBNETS},
            f"GET {NET}/virtualNetworks/spoke-vnet/subnets": {"value": SPOKE_SUBNETS},
        },
        "inputs": {
            "bootstrap": {"ccUrl": "connector.zscaler.net/api/v1/provUrl?name=azure_prov_url",
                          # a vault's name in Azure China (the template adds .vault.azure.cn), a URL elsewhere
                          "keyVaultUrl": "cc-vault" if location.startswith("china") else
                          "https://cc-vault.vault.usgovcloudapi.net/" if location.startswith(("usgov", "usdod")) else
                          "https://cc-vault.vault.azure.net/"},
            "appliance": {"sshPublicKey": ssh_ed25519_key()},
            "zpa": {"zpaDomains": "corp.example.com., apps.example.net."},
            "management": {"bastionSshSourceAddress": "203.0.113.0/24"},
        },
    })
