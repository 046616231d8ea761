"""The existing virtual network, its subnets, and what the region's zones mean for placement.

Why ResourceSelector + ArmApiControl rather than ``Microsoft.Network.VirtualNetworkCombo``:
the deployment is brownfield, so it must only ever be given an EXISTING network. The combo
always offers "Create new" (``options.hideExisting`` can hide the existing ones, never the new
option), and a template that never declares the VNet would then be handed the name of a network
that does not exist: the deployment fails late, after the user filled in everything. A
``Microsoft.Solutions.ResourceSelector`` can only pick resources that exist (filtered to the
subscription and region chosen on Basics, since NICs must be in the VNet's region). An
``ArmApiControl`` then lists that VNet's subnets, and one DropDown per subnet slot offers only
the subnets that can take the appliances:

- prefix at least as large as the offer's ``minAddressPrefixSize`` (and large enough for
  ``minAddressCount`` at all: Azure keeps 5 addresses of every subnet),
- enough free addresses left for ``minAddressCount`` (capacity minus the IP configurations
  already in the subnet, the same test the combo applies to existing subnets),
- not delegated to a service and not one of Azure's reserved subnets (gateway, firewall,
  bastion, route server), where a VM NIC cannot go.

The VNet's resource group is cut from the selected resource id (segment 4 of
``/subscriptions/{s}/resourceGroups/{rg}/providers/...``), so the ``resourceGroup`` output is
right wherever the VNet lives. Leaving the combo out also means arm-ttk's
HideExisting-Must-Be-Correctly-Handled has nothing to ask for (no ``newOrExisting`` output
that the template would have to honour).

Zones: the template decides zones or an availability set at deployment time with
``pickZones``; the UI reads the region's zones (``GET /subscriptions/{id}/locations``,
``availabilityZoneMappings``) and tells the user which of the two will happen.
"""

from __future__ import annotations

from typing import Any

from armgen.template import ModelError
from armgen.uidef import pickers
from armgen.uidef.hints import Placed, Where

NETWORK_API_VERSION = "2025-07-01"
LOCATIONS_API_VERSION = "2022-12-01"

#: Subnets Azure reserves for its own services; a VM NIC cannot be placed there.
RESERVED_SUBNETS = (
    "GatewaySubnet",
    "AzureFirewallSubnet",
    "AzureFirewallManagementSubnet",
    "AzureBastionSubnet",
    "RouteServerSubnet",
)
#: Azure keeps the first four addresses and the last one of every subnet.
AZURE_RESERVED_ADDRESSES = 5
#: The smallest subnet Azure accepts is a /29.
SMALLEST_PREFIX = 29

VNET_ELEMENT = "virtualNetwork"
SUBNETS_API_ELEMENT = "virtualNetworkSubnets"
LOCATIONS_API_ELEMENT = "regionLocations"


def capacity(prefix_len: int) -> int:
    """Addresses a subnet of this prefix length offers to NICs and load balancer frontends."""
    return max(2 ** (32 - prefix_len) - AZURE_RESERVED_ADDRESSES, 0)


def _prefix_len(pl: Placed) -> int:
    raw = pl.hints.get("minAddressPrefixSize", f"/{SMALLEST_PREFIX}")
    text = str(raw).lstrip("/")
    if not text.isdigit() or not 8 <= int(text) <= SMALLEST_PREFIX:
        raise ModelError(f"parameter {pl.name}: minAddressPrefixSize {raw!r} is not a prefix from /8 to /29")
    return int(text)


def subnet_need(pl: Placed) -> tuple[int, int]:
    """(largest acceptable prefix length, free addresses needed) for a subnet slot."""
    need = pl.hints.get("minAddressCount", 1)
    if not isinstance(need, int) or isinstance(need, bool) or need < 1:
        raise ModelError(f"parameter {pl.name}: minAddressCount must be a positive integer")
    longest = _prefix_len(pl)
    while longest > 8 and capacity(longest) < need:
        longest -= 1
    if capacity(longest) < need:
        raise ModelError(f"parameter {pl.name}: minAddressCount {need} does not fit any subnet")
    return longest, need


def _null_safe_list(expr: str) -> str:
    return f"coalesce({expr}, parse('[]'))"


def usable_subnets(api: Where, pl: Placed) -> str:
    """Expression (no brackets): the subnets of the selected VNet that this slot may use."""
    longest, need = subnet_need(pl)
    caps = "[" + ",".join(str(capacity(n)) for n in range(33)) + "]"
    reserved = "[" + ",".join(f'"{n}"' for n in RESERVED_SUBNETS) + "]"
    length = "int(last(split(coalesce(item.properties.addressPrefix, '0.0.0.0/32'), '/')))"
    used = f"length({_null_safe_list('item.properties.ipConfigurations')})"
    cond = (
        f"and(lessOrEquals({length}, {longest}), "
        f"greaterOrEquals(sub(first(skip(parse('{caps}'), {length})), {used}), {need}), "
        f"not(contains(parse('{reserved}'), item.name)), "
        f"empty({_null_safe_list('item.properties.delegations')}))"
    )
    return f"filter({_null_safe_list(api.ref(SUBNETS_API_ELEMENT, 'value'))}, (item) => {cond})"


def subnet_options(api: Where, pl: Placed) -> str:
    """DropDown allowedValues: label shows the prefix, description the free addresses."""
    caps = "[" + ",".join(str(capacity(n)) for n in range(33)) + "]"
    prefix = "coalesce(item.properties.addressPrefix, '')"
    length = "int(last(split(coalesce(item.properties.addressPrefix, '0.0.0.0/32'), '/')))"
    used = f"length({_null_safe_list('item.properties.ipConfigurations')})"
    free = f"string(sub(first(skip(parse('{caps}'), {length})), {used}))"
    value = "item.id" if pl.hints.get("part", "name") == "id" else "item.name"
    obj = (
        f"concat('{{\"label\":\"', item.name, ' (', {prefix}, ')\",\"value\":\"', {value}, "
        f"'\",\"description\":\"', {free}, ' free addresses\"}}')"
    )
    return f"[map({usable_subnets(api, pl)}, (item) => parse({obj}))]"


def vnet_elements(vnet_params: list[Placed]) -> tuple[list[dict[str, Any]], dict[str, str], Where]:
    """The VNet selector and its subnet list, plus the outputs of the VNet parameters."""
    parts = pickers.by_part(vnet_params, "VNet", ("name", "resourceGroup"))
    main = parts["name"]
    where = main.where
    vnet = where.ref(VNET_ELEMENT)
    elements: list[dict[str, Any]] = [
        {
            "name": VNET_ELEMENT,
            "type": "Microsoft.Solutions.ResourceSelector",
            "label": main.label,
            "toolTip": main.tooltip,
            "resourceType": "Microsoft.Network/virtualNetworks",
            "options": {"filter": {"subscription": "onBasics", "location": "onBasics"}},
        },
        {
            "name": SUBNETS_API_ELEMENT,
            "type": "Microsoft.Solutions.ArmApiControl",
            "request": {
                "method": "GET",
                "path": f"[concat({vnet}.id, '/subnets?api-version={NETWORK_API_VERSION}')]",
            },
        },
    ]
    outputs = {main.name: f"[{vnet}.name]"}
    if "resourceGroup" in parts:
        outputs[parts["resourceGroup"].name] = f"[{pickers.id_segment(vnet + '.id', 'resourceGroup')}]"
    else:
        # The template looks the VNet up in its own resource group: say so before deployment fails.
        elements.append(pickers.wrong_group_box(VNET_ELEMENT, vnet, "a virtual network"))
    return elements, outputs, where


def subnet_elements(pl: Placed, vnet_where: Where) -> tuple[list[dict[str, Any]], str]:
    """One DropDown offering only usable subnets, and a warning shown when none qualifies."""
    if pl.param.type != "string":
        raise ModelError(f"parameter {pl.name}: a subnet fills a string parameter")
    if pl.hints.get("part", "name") not in ("name", "id"):
        raise ModelError(f"parameter {pl.name}: subnet part must be 'name' or 'id'")
    longest, need = subnet_need(pl)
    vnet = vnet_where.ref(VNET_ELEMENT)
    dropdown = {
        "name": pl.name,
        "type": "Microsoft.Common.DropDown",
        "label": pl.label,
        "toolTip": pl.tooltip,
        "filter": True,
        "constraints": {"allowedValues": subnet_options(vnet_where, pl), "required": True},
        "visible": pl.hints.get("visible", True),
    }
    warning = {
        "name": f"{pl.name}None",
        "type": "Microsoft.Common.InfoBox",
        "visible": (
            f"[and(not(empty(coalesce({vnet}.id, ''))), empty({usable_subnets(vnet_where, pl)}))]"
        ),
        "options": {
            "icon": "Warning",
            "text": (
                f"No subnet of this virtual network can take it: '{pl.label}' needs a /{longest} "
                f"or larger subnet with at least {need} free addresses, not delegated to a service "
                "and not a gateway, firewall, bastion or route server subnet."
            ),
        },
    }
    return [dropdown, warning], f"[{pl.where.ref(pl.name)}]"


def zone_elements(where: Where, zones_text: str | None, no_zones_text: str | None) -> list[dict[str, Any]]:
    """Read the region's zones and say whether appliances go to zones or an availability set."""
    api = where.ref(LOCATIONS_API_ELEMENT, "value")
    locations = _null_safe_list(api)
    zones = _null_safe_list(
        f"first(map(filter({locations}, (item) => equals(item.name, location())), "
        f"(item) => {_null_safe_list('item.availabilityZoneMappings')}))"
    )
    return [
        {
            "name": LOCATIONS_API_ELEMENT,
            "type": "Microsoft.Solutions.ArmApiControl",
            "request": {
                "method": "GET",
                "path": f"[concat(subscription().id, '/locations?api-version={LOCATIONS_API_VERSION}')]",
            },
        },
        {
            "name": "regionHasNoZones",
            "type": "Microsoft.Common.InfoBox",
            "visible": f"[and(not(empty({locations})), empty({zones}))]",
            "options": {
                "icon": "Warning",
                "text": no_zones_text
                or (
                    "The selected region has no availability zones: the appliances are placed in an "
                    "availability set instead, which protects against host and rack failures but not "
                    "against the loss of a datacenter."
                ),
            },
        },
        {
            "name": "regionHasZones",
            "type": "Microsoft.Common.InfoBox",
            "visible": f"[not(empty({zones}))]",
            "options": {
                "icon": "Info",
                "text": zones_text
                or "The selected region has availability zones: the appliances are spread over them.",
            },
        },
    ]
