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

import re
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


def _max_prefix_len(pl: Placed) -> int | None:
    """The shortest prefix length a slot accepts (``maxAddressPrefixSize``: a DNS resolver's subnet
    may be no larger than a /24), or None."""
    raw = pl.hints.get("maxAddressPrefixSize")
    if raw is None:
        return None
    text = str(raw).lstrip("/")
    if not text.isdigit() or not 8 <= int(text) <= _prefix_len(pl):
        raise ModelError(f"parameter {pl.name}: maxAddressPrefixSize {raw!r} is not a prefix from /8 to its "
                         "minAddressPrefixSize")
    return int(text)


def delegation_of(pl: Placed) -> str | None:
    """The service a slot's subnet must be delegated to (``delegation``), or None: a subnet for NICs,
    which a delegated subnet cannot take."""
    value = pl.hints.get("delegation")
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]+\.[A-Za-z]+/[A-Za-z]+", value):
        raise ModelError(f"parameter {pl.name}: delegation {value!r} is not a service such as "
                         "Microsoft.Network/dnsResolvers")
    return value


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


#: The subnet's IPv4 prefix: ``addressPrefix``, or the first of ``addressPrefixes`` (a subnet
#: created with several prefixes has only the list). Using the first prefix only under-counts
#: a subnet with several IPv4 prefixes; that hides a usable subnet but never offers a full one.
PREFIX = ("coalesce(item.properties.addressPrefix, first(coalesce(item.properties.addressPrefixes, parse('[]'))), "
          "'0.0.0.0/32')")
#: Its prefix length; an IPv6 prefix counts as a /32 (no room), since the NICs need IPv4.
LENGTH = f"if(contains({PREFIX}, ':'), 32, min(int(last(split({PREFIX}, '/'))), 32))"


def _caps() -> str:
    return "[" + ",".join(str(capacity(n)) for n in range(33)) + "]"


def _free() -> str:
    used = f"length({_null_safe_list('item.properties.ipConfigurations')})"
    return f"sub(first(skip(parse('{_caps()}'), {LENGTH})), {used})"


def _value_of_item(pl: Placed) -> str:
    return "item.id" if pl.hints.get("part", "name") == "id" else "item.name"


def usable_subnets(api: Where, pl: Placed, taken: list[str] | None = None) -> str:
    """Expression (no brackets): the subnets of the selected VNet that this slot may use.

    ``taken`` are references to the subnets earlier slots chose: a slot never offers those, so
    its first item, the portal's default, differs from theirs (two zones in one subnet share
    its addresses and its NAT gateway, which the reference architecture rules out).
    """
    longest, need = subnet_need(pl)
    reserved = "[" + ",".join(f'"{n}"' for n in RESERVED_SUBNETS) + "]"
    delegated = delegation_of(pl)
    delegations = _null_safe_list("item.properties.delegations")
    conds = [
        f"lessOrEquals({LENGTH}, {longest})",
        f"greaterOrEquals({_free()}, {need})",
        f"not(contains(parse('{reserved}'), item.name))",
        # A NIC cannot go into a delegated subnet; a service's endpoint goes only into one delegated to it.
        (f"empty({delegations})" if delegated is None else
         f"not(empty(filter({delegations}, (d) => equals(d.properties.serviceName, '{delegated}'))))"),
    ]
    shortest = _max_prefix_len(pl)
    if shortest is not None:
        conds.insert(1, f"greaterOrEquals({LENGTH}, {shortest})")
    conds += [f"not(equals({_value_of_item(pl)}, coalesce({ref}, '')))" for ref in taken or []]
    return f"filter({_null_safe_list(api.ref(SUBNETS_API_ELEMENT, 'value'))}, (item) => and({', '.join(conds)}))"


def subnet_options(api: Where, pl: Placed, taken: list[str] | None = None) -> str:
    """DropDown allowedValues: label shows the prefix, description the free addresses."""
    obj = (
        f"concat('{{\"label\":\"', item.name, ' (', {PREFIX}, ')\",\"value\":\"', {_value_of_item(pl)}, "
        f"'\",\"description\":\"', string({_free()}), ' free addresses\"}}')"
    )
    return f"[map({usable_subnets(api, pl, taken)}, (item) => parse({obj}))]"


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


def _chosen_subnet(api: Where, pl: Placed, prop: str) -> str:
    """Expression: the id of ``prop`` (natGateway, routeTable) on the subnet this slot chose, or ''."""
    lst = _null_safe_list(api.ref(SUBNETS_API_ELEMENT, "value"))
    chosen = f"coalesce({pl.where.ref(pl.name)}, '')"
    return (f"coalesce(first(map(filter({lst}, (item) => equals({_value_of_item(pl)}, {chosen})), "
            f"(item) => coalesce(item.properties.{prop}.id, ''))), '')")


def subnet_elements(pl: Placed, vnet_where: Where, earlier: list[Placed] | None = None,
                    nat_gateways: bool = False) -> tuple[list[dict[str, Any]], str]:
    """One DropDown offering only usable subnets not taken by an earlier slot, a warning when
    none qualifies, and notes when the chosen subnet already has a NAT gateway or route table."""
    if pl.param.type != "string":
        raise ModelError(f"parameter {pl.name}: a subnet fills a string parameter")
    if pl.hints.get("part", "name") not in ("name", "id"):
        raise ModelError(f"parameter {pl.name}: subnet part must be 'name' or 'id'")
    longest, need = subnet_need(pl)
    vnet = vnet_where.ref(VNET_ELEMENT)
    prior = earlier or []
    taken = [e.where.ref(e.name) for e in prior]
    me = pl.where.ref(pl.name)
    dropdown: dict[str, Any] = {
        "name": pl.name,
        "type": "Microsoft.Common.DropDown",
        "label": pl.label,
        "toolTip": pl.tooltip,
        "filter": True,
        "constraints": {"allowedValues": subnet_options(vnet_where, pl, taken), "required": True},
        "visible": pl.hints.get("visible", True),
    }
    if prior:
        # The list already leaves the earlier slots' subnets out; this also stops a choice that
        # an earlier slot took afterwards, whatever the portal does with a stale selection.
        dropdown["constraints"]["validations"] = [
            {"isValid": f"[or(empty({me}), not(equals({me}, coalesce({ref}, ''))))]",
             "message": (f"Choose a different subnet than for '{e.label}': each zone's appliances need their "
                         "own subnet (and each zone's NAT gateway its own subnet to attach to).")}
            for e, ref in zip(prior, taken, strict=True)
        ]
    delegated = delegation_of(pl)
    shortest = _max_prefix_len(pl)
    warning = {
        "name": f"{pl.name}None",
        "type": "Microsoft.Common.InfoBox",
        "visible": (
            f"[and(not(empty(coalesce({vnet}.id, ''))), empty({usable_subnets(vnet_where, pl, taken)}))]"
        ),
        "options": {
            "icon": "Warning",
            "text": (
                f"No subnet of this virtual network can take it: '{pl.label}' needs a /{longest} "
                + (f"to /{shortest} " if shortest is not None else "or larger ")
                + f"subnet with at least {need} free addresses, "
                + ("not delegated to a service" if delegated is None else f"delegated to {delegated}")
                + ", not a gateway, firewall, bastion or route server subnet"
                + (", and not chosen above." if prior else ".")
            ),
        },
    }
    nat_text = ("The selected subnet already has a NAT gateway: its outbound traffic leaves through it. "
                + ("Attaching this deployment's NAT gateway to the subnet would replace it; keep it, or "
                   "choose another subnet." if nat_gateways else "The appliances will use it too."))
    nat = {
        "name": f"{pl.name}HasNatGateway",
        "type": "Microsoft.Common.InfoBox",
        "visible": f"[not(empty({_chosen_subnet(vnet_where, pl, 'natGateway')}))]",
        "options": {"icon": "Warning" if nat_gateways else "Info", "text": nat_text},
    }
    routes = {
        "name": f"{pl.name}HasRouteTable",
        "type": "Microsoft.Common.InfoBox",
        "visible": f"[not(empty({_chosen_subnet(vnet_where, pl, 'routeTable')}))]",
        "options": {
            "icon": "Warning",
            "text": ("The selected subnet has a route table. Make sure none of its routes sends traffic "
                     "(0.0.0.0/0 above all) to these appliances or their load balancer: their own traffic "
                     "would loop. The workload route table this deployment creates is for workload subnets, "
                     "never this one."),
        },
    }
    if delegated is not None:
        return [dropdown, warning], f"[{me}]"  # a service's subnet: no NICs, no NAT gateway or route to warn of
    return [dropdown, warning, nat, routes], f"[{me}]"


ZONE_SLOT_NAMES = ("firstZone", "secondZone", "thirdZone")
ZONE_SLOT_LABELS = ("First zone", "Second zone", "Third zone")


def region_zones(where: Where) -> str:
    """Expression: the logical zones (``"1"``...) of the region chosen on Basics; [] if none."""
    locations = _null_safe_list(where.ref(LOCATIONS_API_ELEMENT, "value"))
    mappings = _null_safe_list(
        f"first(map(filter({locations}, (item) => equals(item.name, location())), "
        f"(item) => {_null_safe_list('item.availabilityZoneMappings')}))"
    )
    return f"map({mappings}, (item) => item.logicalZone)"


def zone_elements(where: Where, zones_text: str | None, no_zones_text: str | None,
                  zone_param: Placed | None = None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Read the region's zones, say whether appliances go to zones or an availability set, and,
    with a ``zones`` parameter, let the user choose one zone per slot (as Check Point's wizard does).

    The number of slots is fixed by the template (one subnet parameter each); which zone each
    slot uses is the user's choice among the zones the region has, each zone at most once. A
    region without zones hides the choice and hands over the parameter's default: the template
    then falls back to an availability set on its own.
    """
    locations = _null_safe_list(where.ref(LOCATIONS_API_ELEMENT, "value"))
    zones = region_zones(where)
    slots = _zone_slots(zone_param) if zone_param is not None else []
    if zones_text is None:
        if zone_param is None:
            zones_text = "The selected region has availability zones: the appliances are spread over them."
        elif len(slots) == 1:
            zones_text = "The selected region has availability zones: choose the zone of the appliances below."
        else:
            zones_text = ("The selected region has availability zones: choose a different zone for each group of "
                          "appliances below; they are spread over these zones.")
    elements: list[dict[str, Any]] = [
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
            "options": {"icon": "Info", "text": zones_text},
        },
    ]
    outputs: dict[str, str] = {}
    if zone_param is None:
        return elements, outputs
    refs: list[str] = []
    offered = [str(z) for z in zone_param.param.allowed_values or []]
    for k, default in enumerate(slots):
        name = ZONE_SLOT_NAMES[k]
        me = where.ref(name)
        # A fixed list (arm-ttk's Allowed-Values-Should-Actually-Be-Allowed compares it with the
        # parameter's allowedValues and default); validations keep to the region's zones and to
        # one slot per zone.
        checks = [{"isValid": f"[or(empty({me}), contains({zones}, {me}))]",
                   "message": "The selected region has no such zone: choose one of its zones."}]
        checks += [{"isValid": f"[or(empty({me}), not(equals({me}, coalesce({r}, ''))))]",
                    "message": f"Choose a different zone than for the {ZONE_SLOT_LABELS[i].lower()}: each zone "
                               "slot needs its own zone."}
                   for i, r in enumerate(refs)]
        dd: dict[str, Any] = {
            "name": name,
            "type": "Microsoft.Common.DropDown",
            "label": "Zone" if len(slots) == 1 else ZONE_SLOT_LABELS[k],
            "toolTip": (zone_param.tooltip if len(slots) == 1 else
                        f"{zone_param.tooltip} This is the zone of the {ZONE_SLOT_LABELS[k].lower()}'s appliances, "
                        "NAT gateway and subnet."),
            "defaultValue": f"Zone {default}",
            "constraints": {
                "allowedValues": [{"label": f"Zone {z}", "value": z} for z in offered],
                "required": True,
                "validations": checks,
            },
            "visible": f"[not(empty({zones}))]",
        }
        elements.append(dd)
        refs.append(me)
    parts = ", ',', ".join(f"coalesce({r}, '{d}')" for r, d in zip(refs, slots, strict=True))
    outputs[zone_param.name] = f"[split(concat({parts}), ',')]" if len(slots) > 1 else (
        f"[split(coalesce({refs[0]}, '{slots[0]}'), ',')]")
    return elements, outputs


def _zone_slots(pl: Placed) -> list[str]:
    """The build's zones (the parameter's default), one per slot, checked."""
    p = pl.param
    default = p.default if p.has_default else None
    if p.type != "array" or not isinstance(default, list) or not default or not all(isinstance(z, str) for z in default):
        raise ModelError(f"parameter {pl.name}: a zones choice fills an array parameter whose default lists "
                         "the build's zones")
    if len(default) > len(ZONE_SLOT_NAMES) or len(set(default)) != len(default):
        raise ModelError(f"parameter {pl.name}: one to three distinct zones, not {default}")
    if p.min_length != len(default) or p.max_length != len(default):
        raise ModelError(f"parameter {pl.name}: min_length and max_length must both be {len(default)}, the "
                         "number of zone slots")
    if not p.allowed_values or any(z not in p.allowed_values for z in default):
        raise ModelError(f"parameter {pl.name}: allowed_values must list the zones (e.g. '1', '2', '3')")
    return list(default)
