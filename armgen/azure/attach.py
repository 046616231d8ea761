"""``armgen attach``/``detach``: associate the deployment's NAT gateways (and its workload route
table) with existing subnets, and prove that nothing else about those subnets changed.

Why this exists: the template never declares the customer's subnets (a subnet PUT replaces the
whole subnet and would race with anyone else editing it), so the association is a separate,
deliberate step. It is done the only way Microsoft.Network allows, a PUT of the whole subnet, made
safe by the three things a template deployment cannot do (evidence in docs/attach.md):

1. **Optimistic concurrency.** The subnet is read with its ``etag`` right before the PUT, and
   the PUT carries ``If-Match: <etag>`` so a change made by someone else in between is refused
   with 412 instead of being overwritten; then armgen reads again and retries (bounded by
   ``attempts``). A 412 on a PUT the retry policy resent after a lost answer finds the subnet as
   asked, and it is proved (3.) rather than written again. A subnet without an etag is never
   written.
2. **One property.** The body PUT back is the subnet exactly as read, with only
   ``properties.natGateway`` (or ``properties.routeTable``) set to armgen's resource (detach:
   removed). The write goes through azure-mgmt-resource's generic
   ``resources.begin_create_or_update_by_id`` (the SDK pipeline, retry policy and ARM LRO poller;
   ``If-Match`` passed as a per-operation header, 412 mapped to ``ResourceModifiedError``).
3. **Proof.** When the operation ends the subnet is read again and compared with the body the
   PUT was based on (deepdiff). Allowed: the one property becoming armgen's resource; ``etag``
   (changes on every write by definition) and ``properties.provisioningState`` (an operation's
   progress). Reported but not failing: the read-only back-reference lists
   (``ipConfigurations``, ``ipConfigurationProfiles``, ``privateEndpoints``,
   ``serviceAssociationLinks``, ``resourceNavigationLinks``), which change when other resources
   join or leave the subnet and which a PUT cannot set. Anything else fails the run (exit 1)
   naming each path, before any further subnet is touched.

Before any write: every referenced resource and subnet is read (unknown subnet, wrong region,
malformed id: exit 2, nothing written); a subnet with an operation still running (say, an
interrupted attach) is left for a later run (exit 1); a subnet that already points at another NAT gateway or
route table stops the run (exit 1) unless ``replace``; the workload route table is never put on
an appliance subnet, nor on a subnet holding the route's own next hop (a routing loop, exit 1);
and, unless turned off, a what-if of exactly the bodies to be PUT must pass
:func:`armgen.azure.whatif_gate.check_attach_gate` (only that property, only those subnets).
Subnets already pointing at armgen's resource are left alone: a rerun is a no-op without a PUT.

Bring your own NAT gateways (a build with ``--byo-nat``, Zscaler's ``byo_nat_gws``): when the
deployment's parameters name ``existingNatGatewayIds``, the template created no NAT gateway and
attach associates those instead, slot *k* taking id *k* (one id: every slot). ``detach`` never
removes a brought NAT gateway: it was the customer's, and the subnet may well have had it before
armgen came. A greenfield template (``--network new``) creates its VNet and associates its NAT
gateways itself; attach then reads the zone subnets from the template and finds nothing to do,
and refuses ``--route-table`` on any subnet of that VNet (the template owns those associations).

For the rollout (next round): :func:`run_attach` takes one target (subscription via
``AzureTarget``, resource group, template, parameters) and returns an :class:`AttachResult`
(``to_json()`` for the state file) whatever happens, except Ctrl-C, which raises
:class:`AttachInterrupted` carrying the result so far. :meth:`AttachOptions.from_inventory` reads
an inventory's ``attach`` field.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from armgen.azure.session import (
    EXIT_AZURE,
    EXIT_BLOCKED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    NETWORK_API_VERSION,
    AzureFailure,
    AzureTarget,
    azure_errors,
    check_resource_group,
    check_subscription,
)
from armgen.azure.whatif_gate import AllowedChange, GateFinding, Scope, build_id, check_attach_gate
from armgen.errors import InputError

READ_ACTION = "Microsoft.Network/virtualNetworks/subnets/read"
WRITE_ACTION = "Microsoft.Network/virtualNetworks/subnets/write"
NAT_GATEWAY = "natGateway"
ROUTE_TABLE = "routeTable"
KIND = {NAT_GATEWAY: "NAT gateway", ROUTE_TABLE: "route table"}
RESOURCE_TYPE = {NAT_GATEWAY: "Microsoft.Network/natGateways", ROUTE_TABLE: "Microsoft.Network/routeTables"}

# Paths a subnet PUT changes by itself (compared after the write, never a failure).
IGNORED_PATHS = ("etag", "properties.provisioningState")
# Read-only lists kept by other resources' lifecycles; a PUT cannot set them. Reported, not failed.
BACK_REFERENCES = ("ipConfigurations", "ipConfigurationProfiles", "privateEndpoints", "serviceAssociationLinks",
                   "resourceNavigationLinks")
WHATIF_DEPLOYMENT = "armgen-attach-what-if"
TERMINAL_STATES = ("succeeded", "failed", "canceled")  # a subnet in any other state has an operation running

_NAME = r"[A-Za-z0-9](?:[\w.-]{0,78}\w)?"  # VNet (2-64) and subnet (1-80) names: Azure's character rules
_NAME_RX = re.compile(rf"^{_NAME}$")
_SUBNET_ID_RX = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/"
                           rf"Microsoft\.Network/virtualNetworks/(?P<vnet>{_NAME})/subnets/(?P<name>{_NAME})$",
                           re.IGNORECASE)
# mirrors armgen.azure.preflight.network_plan's subnet parameters, to name the JSON path of a bad value
_SUBNET_PARAM = re.compile(r"^[a-z0-9]*?subnets?\d*names?\d*$", re.IGNORECASE)
#: The parameter of a bring-your-own-NAT build (``--byo-nat``): the customer's NAT gateways, by id.
BYO_NAT_PARAM = "existingNatGatewayIds"
_NAT_ID_RX = re.compile(r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/natGateways/"
                        rf"{_NAME}$", re.IGNORECASE)


class AttachError(Exception):
    """A decision that ends the run before (or instead of) a write: message and exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


# ---------------------------------------------------------------- options and results


@dataclass(frozen=True)
class AttachOptions:
    """What to attach (or detach) for one target."""

    nat_gateway: bool = True
    route_table_subnets: tuple[str, ...] = ()  # workload subnet ids for the workload route table
    replace: bool = False  # replace another NAT gateway / route table already on a subnet
    what_if: bool = True
    detach: bool = False
    attempts: int = 5  # PUTs per subnet while it keeps changing under us (412)
    parameters_label: str = "parameters"  # file name for messages

    @classmethod
    def from_inventory(cls, value: Any, file: str, path: str) -> AttachOptions:
        """An inventory's ``attach`` field: ``{"natGateway": true, "routeTableSubnets": [ID, ...]}``."""
        if not isinstance(value, dict):
            raise InputError('must be an object like {"natGateway": true}', file=file, path=path)
        unknown = sorted(set(value) - {"natGateway", "routeTableSubnets"})
        if unknown:
            raise InputError(f"unknown key {unknown[0]!r} (known: natGateway, routeTableSubnets)", file=file, path=path)
        nat = value.get("natGateway", False)
        if not isinstance(nat, bool):
            raise InputError("must be true or false", file=file, path=f"{path}.natGateway")
        subnets = value.get("routeTableSubnets", [])
        if not isinstance(subnets, list) or not all(isinstance(s, str) for s in subnets):
            raise InputError("must be a list of subnet resource ids", file=file, path=f"{path}.routeTableSubnets")
        for i, s in enumerate(subnets):
            try:
                parse_subnet_id(s)
            except AttachError as exc:
                raise InputError(exc.message, file=file, path=f"{path}.routeTableSubnets[{i}]") from None
        return cls(nat_gateway=nat, route_table_subnets=tuple(subnets))


@dataclass
class Link:
    """One association: ``properties.<prop>`` of ``subnet_id`` points at armgen's ``resource_id``."""

    subnet_id: str
    prop: str
    resource_id: str
    role: str  # "appliance" (zone slot subnet) | "workload"
    slot: int | None = None  # 1-based zone slot for appliance subnets


@dataclass
class SubnetOutcome:
    """What happened to one subnet; ``state`` is one of: pending, attached, replaced, unchanged,
    detached, absent (detach: nothing attached), foreign (points at another resource: left),
    conflict, failed, interrupted."""

    link: Link
    state: str = "pending"
    previous: str | None = None  # what the subnet pointed at before (attach with replace / conflict)
    puts: int = 0
    precondition_failures: int = 0
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"subnetId": self.link.subnet_id, "property": self.link.prop, "resourceId": self.link.resource_id,
                "role": self.link.role, "slot": self.link.slot, "state": self.state, "previous": self.previous,
                "puts": self.puts, "preconditionFailures": self.precondition_failures,
                "differences": self.differences, "notes": self.notes}


@dataclass
class AttachResult:
    """The structured result of one target's attach or detach (``to_json`` for state files)."""

    action: str  # "attach" | "detach"
    outcomes: list[SubnetOutcome] = field(default_factory=list)
    what_if: list[dict[str, Any]] = field(default_factory=list)
    findings: list[GateFinding] = field(default_factory=list)
    exit_code: int = EXIT_OK
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK

    @property
    def puts(self) -> int:
        return sum(o.puts for o in self.outcomes)

    def count(self, *states: str) -> int:
        return sum(o.state in states for o in self.outcomes)

    def fail(self, message: str, exit_code: int) -> AttachResult:
        self.message, self.exit_code = message, exit_code
        return self

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "exitCode": self.exit_code, "message": self.message,
                "subnets": [o.to_json() for o in self.outcomes],
                "gate": {"passed": not any(f.verdict == "blocked" for f in self.findings),
                         "findings": [{"resourceId": f.resource_id, "changeType": f.change_type, "verdict": f.verdict,
                                       "reason": f.reason} for f in self.findings]} if self.what_if else None,
                "whatIf": self.what_if or None}


class AttachInterrupted(KeyboardInterrupt):
    """Ctrl-C during attach/detach; ``result`` says which subnet (if any) may have been written."""

    def __init__(self, result: AttachResult):
        super().__init__(result.message)
        self.result = result


Report = Callable[[str], None]
ShowWhatIf = Callable[[dict[str, Any], list[GateFinding]], None]


# ---------------------------------------------------------------- ids and names


def parse_subnet_id(subnet_id: str) -> tuple[str, str, str, str]:
    """``(subscription, resource group, vnet, subnet)`` of a subnet resource id; AttachError (2)
    for anything else, since each part becomes a URL path segment."""
    m = _SUBNET_ID_RX.match(subnet_id.strip())
    if not m:
        raise AttachError(f"{subnet_id!r} is not a subnet resource id (/subscriptions/ID/resourceGroups/RG/providers/"
                          "Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET)", EXIT_USAGE)
    try:
        check_subscription(m["sub"])
        check_resource_group(m["rg"])
    except AzureFailure as exc:
        raise AttachError(f"{subnet_id!r}: {exc.message}", EXIT_USAGE) from None
    return m["sub"], m["rg"], m["vnet"], m["name"]


def subnet_label(subnet_id: str) -> str:
    """``rg/vnet/subnet`` for messages (full ids go to JSON)."""
    parts = subnet_id.strip("/").split("/")
    return "/".join([parts[3], parts[7], parts[9]]) if len(parts) >= 10 else subnet_id


def _name(rid: str) -> str:
    return rid.rstrip("/").rsplit("/", 1)[-1]


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower().rstrip("/") == b.lower().rstrip("/")


def _region(loc: Any) -> str:
    return str(loc or "").replace(" ", "").lower()


def _ref(props: dict[str, Any], prop: str) -> str | None:
    ref = props.get(prop)
    rid = ref.get("id") if isinstance(ref, dict) else None
    return rid if isinstance(rid, str) and rid else None


# ---------------------------------------------------------------- planning (no requests)


def template_resource_ids(template: dict[str, Any], values: dict[str, Any], subscription: str,
                          resource_group: str, rtype: str) -> list[str]:
    """Ids of the ``rtype`` resources the template creates, copy loops expanded, in order.

    Evaluated with the deployment's parameter values (:class:`~armgen.azure.whatif_gate.Scope`,
    the what-if gate's evaluator, with ``copyIndex``). A name that cannot be evaluated (e.g.
    ``uniqueString``) is an AttachError: attach must know exactly which resource it points at.
    """
    resources = template.get("resources") or []
    out: list[str] = []
    for key, r in (resources.items() if isinstance(resources, dict) else enumerate(resources)):
        if not isinstance(r, dict) or r.get("existing") is True or str(r.get("type", "")).lower() != rtype.lower():
            continue
        scope = Scope(values, template, subscription, resource_group)
        if "condition" in r and scope.value(r["condition"]) is False:
            continue
        loop = r.get("copy")
        count: Any = scope.value(loop.get("count")) if isinstance(loop, dict) else None
        if isinstance(loop, dict) and (not isinstance(count, int) or isinstance(count, bool)):
            raise AttachError(f"cannot evaluate the copy count of the template's {rtype} ({key}); pass the parameter "
                              "values it depends on", EXIT_USAGE)
        if count is not None and not 0 <= count <= 800:  # ARM's own limit on a copy loop
            raise AttachError(f"the copy count of the template's {rtype} ({key}) is {count}; ARM allows 0 to 800",
                              EXIT_USAGE)
        for i in range(count if count is not None else 1):
            # inside its own loop, copyIndex() and copyIndex('<loop name>') both mean this iteration
            here = {"": i, str(loop.get("name", "")).lower(): i} if isinstance(loop, dict) else {}
            s = Scope(values, template, subscription, resource_group, copy=here)
            name = s.value(r.get("name", ""))
            sub = s.value(r["subscriptionId"]) if "subscriptionId" in r else subscription
            rg = s.value(r["resourceGroup"]) if "resourceGroup" in r else resource_group
            if not all(isinstance(x, str) and x for x in (name, sub, rg)) or "/" in name:
                raise AttachError(f"cannot evaluate the name of the template's {rtype} {r.get('name')!r}: attach needs "
                                  "names built from parameters, variables and copyIndex() only", EXIT_USAGE)
            rid = build_id(sub, rg, rtype, [name])
            assert isinstance(rid, str)
            out.append(rid)
    return out


def _check_values(values: dict[str, Any], label: str) -> None:
    """Types and URL-safety of the parameters that name the network, with their JSON paths."""
    for key, val in values.items():
        path = f"$.parameters.{key}.value"
        low = key.lower()
        if _SUBNET_PARAM.match(key):
            names = [val] if isinstance(val, str) else val if isinstance(val, list) else None
            if names is None or not all(isinstance(n, str) for n in names):
                raise InputError(f"must be a subnet name or a list of them, got {json.dumps(val)}", file=label, path=path)
            for n in names:
                if n and not _NAME_RX.match(n):
                    raise InputError(f"{n!r} is not a subnet name (letters, digits, '_', '.', '-')", file=label, path=path)
        elif low == "vnetname":
            if not isinstance(val, str) or not _NAME_RX.match(val):
                raise InputError(f"must be the existing VNet's name, got {json.dumps(val)}", file=label, path=path)
        elif low in ("vnetresourcegroup", "vnetresourcegroupname") and not (isinstance(val, str) and val.startswith("[")):
            try:
                check_resource_group(val if isinstance(val, str) else json.dumps(val))
            except AzureFailure as exc:
                raise InputError(exc.message, file=label, path=path) from None


def brought_nat_gateways(values: dict[str, Any], template: dict[str, Any], label: str) -> list[str]:
    """The customer's NAT gateways the deployment used instead of creating its own (``[]``: none).

    Read from the parameter ``existingNatGatewayIds``; each must be a NAT gateway's resource id (it
    becomes a URL path), and the template must be the build that takes it, or attach would go
    looking for NAT gateways the template never created.
    """
    key = next((k for k in values if k.lower() == BYO_NAT_PARAM.lower()), None)
    if key is None:
        return []
    path = f"$.parameters.{key}.value"
    ids = values[key]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise InputError(f"must be a list of NAT gateway resource ids, got {json.dumps(ids)[:200]}", file=label,
                         path=path)
    if not ids:
        return []
    for i, rid in enumerate(ids):
        if not _NAT_ID_RX.match(rid):
            raise InputError(f"{rid!r} is not a NAT gateway resource id (/subscriptions/ID/resourceGroups/RG/"
                             "providers/Microsoft.Network/natGateways/NAME)", file=label, path=f"{path}[{i}]")
    declared = {k.lower() for k in (template.get("parameters") or {})}
    if BYO_NAT_PARAM.lower() not in declared:
        raise InputError(f"the parameters name {BYO_NAT_PARAM} (a build with --byo-nat) but the template does not "
                         "take it: give the package the deployment was built from as SOURCE", file=label, path=path)
    return list(ids)


def _owned_vnets(template: dict[str, Any], values: dict[str, Any], subscription: str,
                 resource_group: str) -> list[str]:
    """Ids of the VNets the template itself creates (a greenfield build)."""
    return template_resource_ids(template, values, subscription, resource_group, "Microsoft.Network/virtualNetworks")


def _nic_subnets(template: dict[str, Any], values: dict[str, Any], subscription: str,
                 resource_group: str) -> list[str]:
    """The subnet of each appliance NIC the template creates, distinct, in copy order: for appliance
    *i* in slot *i mod slots*, the zone subnets in slot order. Appliances come in copy loops; a NIC
    outside one (the greenfield build's management host) is not an appliance's. Evaluated as the
    what-if gate does."""
    out: list[str] = []
    resources = template.get("resources") or []
    for r in resources.values() if isinstance(resources, dict) else resources:
        if not isinstance(r, dict) or r.get("existing") is True or \
                str(r.get("type", "")).lower() != "microsoft.network/networkinterfaces":
            continue
        loop = r.get("copy") if isinstance(r.get("copy"), dict) else None
        if loop is None:
            continue
        count = Scope(values, template, subscription, resource_group).value(loop.get("count"))
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 800:
            raise AttachError("cannot evaluate the copy count of the template's NICs; pass the parameter values it "
                              "depends on", EXIT_USAGE)
        for i in range(count):
            here = {"": i, str(loop.get("name", "")).lower(): i}
            props = Scope(values, template, subscription, resource_group, copy=here).value(r.get("properties"))
            configs = props.get("ipConfigurations") if isinstance(props, dict) else None
            for c in configs if isinstance(configs, list) else []:
                sid = ((c.get("properties") or {}).get("subnet") or {}).get("id") if isinstance(c, dict) else None
                if not isinstance(sid, str) or not _SUBNET_ID_RX.match(sid):
                    raise AttachError("cannot evaluate the subnet of the template's NICs; pass the parameter values "
                                      "it depends on", EXIT_USAGE)
                if sid.lower() not in (o.lower() for o in out):
                    out.append(sid)
    return out


def _route_tables_of(template: dict[str, Any], values: dict[str, Any], subscription: str,
                     resource_group: str) -> set[str]:
    """Route tables the template's own VNets give to subnets that also take a NAT gateway (the zone
    subnets' table), lower-cased."""
    out: set[str] = set()
    resources = template.get("resources") or []
    for r in resources.values() if isinstance(resources, dict) else resources:
        if not isinstance(r, dict) or str(r.get("type", "")).lower() != "microsoft.network/virtualnetworks":
            continue
        props = Scope(values, template, subscription, resource_group).value(r.get("properties"))
        for sn in (props.get("subnets") if isinstance(props, dict) else None) or []:
            sp = sn.get("properties") if isinstance(sn, dict) else None
            if isinstance(sp, dict) and _ref(sp, NAT_GATEWAY) and isinstance(_ref(sp, ROUTE_TABLE), str):
                out.add(str(_ref(sp, ROUTE_TABLE)).lower())
    return out


def appliance_subnets(values: dict[str, Any], template: dict[str, Any], subscription: str,
                      resource_group: str, label: str) -> tuple[list[str], list[str]]:
    """``(service subnet ids, management subnet ids)`` of the appliances, each in zone-slot order,
    read from the parameters with the template exactly as ``preflight`` does."""
    from armgen.azure.preflight import network_plan

    _check_values(values, label)
    try:
        plan = network_plan(values, resource_group, template)
    except AzureFailure as exc:  # worded for preflight, whose reading of the parameters this is
        raise InputError(re.sub(r"^preflight ", "attach ", exc.message), file=label) from None
    base = (f"/subscriptions/{subscription}/resourceGroups/{plan.vnet_resource_group}/providers/"
            f"Microsoft.Network/virtualNetworks/{plan.vnet_name}/subnets/")
    service = [base + s.name for s in plan.subnets if "service" in s.roles]
    mgmt = [base + s.name for s in plan.subnets if "mgmt" in s.roles]
    return service or [base + s.name for s in plan.subnets], mgmt


def plan_links(subscription: str, resource_group: str, template: dict[str, Any], values: dict[str, Any],
               options: AttachOptions) -> tuple[list[Link], list[str]]:
    """The associations to make and the appliance subnet ids; no request is sent.

    Zone slot *k*'s NAT gateway (the template's NAT gateways in copy order) goes to slot *k*'s
    subnet of each NIC role; one NAT gateway serves every appliance subnet. Raises InputError /
    AttachError (exit 2) for input that cannot be mapped, AttachError (exit 1) for a refused
    route table on an appliance subnet.
    """
    label = options.parameters_label
    owned = _owned_vnets(template, values, subscription, resource_group)
    if owned:
        # greenfield: the template's own VNet; its NICs say which subnets are the zone subnets
        service, mgmt = _nic_subnets(template, values, subscription, resource_group), []
    else:
        service, mgmt = appliance_subnets(values, template, subscription, resource_group, label)
    appliance = list(dict.fromkeys(s.lower() for s in [*service, *mgmt]))
    links: dict[str, Link] = {}
    brought = brought_nat_gateways(values, template, label)
    if options.nat_gateway and brought and options.detach and not options.route_table_subnets:
        raise AttachError(f"nothing to detach: the NAT gateways are your own ({BYO_NAT_PARAM}); armgen detach removes "
                          "only what the deployment created, so their associations stay", EXIT_OK)
    if options.nat_gateway and not (brought and options.detach):
        nats = brought or template_resource_ids(template, values, subscription, resource_group,
                                                RESOURCE_TYPE[NAT_GATEWAY])
        if not nats:
            raise AttachError("the template creates no NAT gateway (was it built with --no-nat?)", EXIT_USAGE)
        if brought:
            # as the template does: slot k takes id k, or the one id when there is one for all
            slots = max(len(service), len(mgmt), 1)
            nats = [brought[k % len(brought)] for k in range(slots)]
        for role in (service, mgmt):
            if not role:
                continue
            if len(nats) != 1 and len(role) != len(nats):
                raise AttachError(f"the template creates {len(nats)} NAT gateways (one per zone slot) but the parameters "
                                  f"in {label} name {len(role)} distinct appliance subnet(s) "
                                  f"({', '.join(_name(s) for s in role)}); one subnet takes one NAT gateway", EXIT_USAGE)
            for k, sid in enumerate(role):
                nat = nats[0] if len(nats) == 1 else nats[k]
                old = links.get(sid.lower())
                if old is not None and not _same(old.resource_id, nat):
                    raise AttachError(f"subnet {_name(sid)} is the subnet of zone slots {old.slot} and {k + 1}, whose "
                                      "NAT gateways differ; one subnet takes one NAT gateway", EXIT_USAGE)
                links.setdefault(sid.lower(), Link(sid, NAT_GATEWAY, nat, "appliance", k + 1))
    if options.route_table_subnets:
        rts = template_resource_ids(template, values, subscription, resource_group, RESOURCE_TYPE[ROUTE_TABLE])
        if owned:
            # the appliance subnets' own route table of a greenfield VNet is not the workload route table
            own_tables = _route_tables_of(template, values, subscription, resource_group)
            rts = [r for r in rts if r.lower() not in own_tables]
        if len(rts) != 1:
            raise AttachError(f"the template creates {len(rts)} route tables; --route-table needs exactly one "
                              "(the workload route table)", EXIT_USAGE)
        workload = []
        for sid in options.route_table_subnets:
            sub, rg, vnet, name = parse_subnet_id(sid)
            workload.append(f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/"
                            f"virtualNetworks/{vnet}/subnets/{name}")
        for sid in workload:
            vnet_of = sid.lower().rsplit("/subnets/", 1)[0]
            if any(vnet_of == v.lower() for v in owned):
                raise AttachError(f"refusing to attach the workload route table to {subnet_label(sid)}: that subnet's "
                                  "virtual network is the deployment's own, whose template sets its associations "
                                  "(build with --workload-subnet for a workload subnet there)", EXIT_BLOCKED)
            if sid.lower() in appliance:
                raise AttachError(f"refusing to attach the workload route table {_name(rts[0])} to {subnet_label(sid)}: "
                                  "it is an appliance subnet, and its 0.0.0.0/0 route to the appliances would loop "
                                  "their own traffic back to them", EXIT_BLOCKED)
            links.setdefault(sid.lower(), Link(sid, ROUTE_TABLE, rts[0], "workload"))
    if not links:
        raise AttachError("nothing to attach: no NAT gateway and no --route-table --subnet", EXIT_USAGE)
    return list(links.values()), appliance


# ---------------------------------------------------------------- Resource Manager access


class _Network:
    """GET (keeping the etag) and conditional PUT of resources by id, through the generic
    resources client of azure-mgmt-resource with the pinned Microsoft.Network api-version."""

    def __init__(self, target: AzureTarget):
        self.client = target.resources_client()

    def close(self) -> None:
        self.client.close()

    def get(self, rid: str) -> tuple[dict[str, Any] | None, str | None]:
        """``(body, etag)``; ``(None, None)`` for a 404. The etag is the body's ``etag`` (where
        Microsoft.Network puts it), else the ``ETag`` header."""
        from azure.core.exceptions import ResourceNotFoundError

        def raw(pipeline_response: Any, _deserialized: Any, _headers: Any) -> tuple[Any, str | None]:
            resp = pipeline_response.http_response
            return resp.json(), resp.headers.get("ETag")

        try:
            body, header = self.client.resources.get_by_id(rid, api_version=NETWORK_API_VERSION, cls=raw)
        except ResourceNotFoundError:
            return None, None
        if not isinstance(body, dict):
            raise AzureFailure(f"Resource Manager answered a GET of {rid} with a body that is not a JSON object", EXIT_AZURE)
        etag = body.get("etag") if isinstance(body.get("etag"), str) and body.get("etag") else header
        return body, etag

    def put(self, rid: str, body: dict[str, Any], etag: str) -> None:
        """PUT ``body`` with ``If-Match: etag`` and follow the operation to its end (ARM poller).
        A 412 raises ``azure.core.exceptions.ResourceModifiedError``."""
        from azure.core.exceptions import ResourceModifiedError

        poller = self.client.resources.begin_create_or_update_by_id(
            rid, body, api_version=NETWORK_API_VERSION, headers={"If-Match": etag},
            error_map={412: ResourceModifiedError})
        poller.result()


def _with_prop(doc: dict[str, Any], prop: str, resource_id: str | None) -> dict[str, Any]:
    """The subnet body to PUT: ``doc`` as read, ``properties.<prop>`` set (or removed)."""
    body = copy.deepcopy(doc)
    props = body.setdefault("properties", {})
    if resource_id is None:
        props.pop(prop, None)
    else:
        props[prop] = {"id": resource_id}
    return body


def _short(value: Any, limit: int = 400) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _dotted(parts: list[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def verify(before: dict[str, Any], after: dict[str, Any] | None, prop: str,
           want: str | None) -> tuple[list[str], list[str]]:
    """``(differences, notes)`` between the body a PUT was based on and the subnet after it.

    A difference is anything but ``properties.<prop>`` becoming ``{"id": want}`` (``want`` None:
    absent), the :data:`IGNORED_PATHS` and the :data:`BACK_REFERENCES` (those are notes).
    """
    from deepdiff import DeepDiff

    if after is None:
        return ["the subnet is gone after the update"], []
    differences: list[str] = []
    notes: list[str] = []
    final = _ref(after.get("properties") or {}, prop)
    if want is None and (after.get("properties") or {}).get(prop) is not None:
        differences.append(f"properties.{prop} is still {_short((after.get('properties') or {}).get(prop))}")
    elif want is not None and not _same(final, want):
        differences.append(f"properties.{prop}.id is {final!r}, expected {want!r}")
    excluded = {"root" + "".join(f"[{p!r}]" for p in path.split(".")) for path in IGNORED_PATHS}
    diff = DeepDiff(before, after, view="tree", exclude_paths=excluded)
    found: list[tuple[list[Any], str]] = []
    for report_type, levels in diff.items():
        for level in levels:
            parts = level.path(output_format="list")
            if parts[:2] == ["properties", prop]:
                continue  # judged above, case-insensitively
            where = _dotted(parts)
            if report_type.endswith("_added"):
                found.append((parts, f"{where}: added {_short(level.t2)}"))
            elif report_type.endswith("_removed"):
                found.append((parts, f"{where}: removed (was {_short(level.t1)})"))
            else:
                found.append((parts, f"{where}: {_short(level.t1)} -> {_short(level.t2)}"))
    for parts, what in sorted(found, key=lambda f: [str(p).zfill(8) if isinstance(p, int) else str(p) for p in f[0]]):
        if len(parts) > 1 and parts[0] == "properties" and parts[1] in BACK_REFERENCES:
            notes.append(what + " (read-only, changed by another resource)")
        else:
            differences.append(what)
    return differences, notes


# ---------------------------------------------------------------- the run


def run_attach(target: AzureTarget, resource_group: str, template: dict[str, Any], values: dict[str, Any],
               options: AttachOptions | None = None, report: Report | None = None,
               show_what_if: ShowWhatIf | None = None) -> AttachResult:
    """Attach (or detach) for one target; see the module docstring. ``values`` are the plain
    parameter values (:func:`armgen.azure.whatif.parameter_values`). ``report`` gets progress
    lines, ``show_what_if`` each what-if result with its gate findings."""
    opts = options or AttachOptions()
    say = report or (lambda _line: None)
    result = AttachResult("detach" if opts.detach else "attach")
    try:
        check_resource_group(resource_group)
        links, appliance = plan_links(target.subscription, resource_group, template, values, opts)
    except (AttachError, AzureFailure) as exc:
        return result.fail(exc.message, exc.exit_code)
    except InputError as exc:
        return result.fail(str(exc), EXIT_USAGE)
    result.outcomes = [SubnetOutcome(link) for link in links]
    try:
        net = _Network(target)
    except AzureFailure as exc:
        return result.fail(exc.message, exc.exit_code)
    try:
        return _run(target, net, result, appliance, opts, say, show_what_if)
    except AttachError as exc:
        return result.fail(exc.message, exc.exit_code)
    except AzureFailure as exc:
        return result.fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        writing = [o for o in result.outcomes if o.state == "interrupted"]
        if writing:
            result.fail(f"interrupted while {subnet_label(writing[0].link.subnet_id)} was being written; the update "
                        f"may still complete: run 'armgen {result.action}' again to finish and verify it", EXIT_INTERRUPTED)
        else:
            result.fail(f"{result.action} cancelled before any subnet was written", EXIT_INTERRUPTED)
        raise AttachInterrupted(result) from None
    finally:
        net.close()


def _run(target: AzureTarget, net: _Network, result: AttachResult, appliance: list[str], opts: AttachOptions,
         say: Report, show_what_if: ShowWhatIf | None) -> AttachResult:
    docs = _read_all(target, net, result, appliance, opts, say)
    pending = [o for o in result.outcomes if o.state == "pending"]
    conflicts = [o for o in result.outcomes if o.state == "conflict"]
    if conflicts:
        what = "; ".join(f"{subnet_label(o.link.subnet_id)} already has {KIND[o.link.prop]} {_name(o.previous or '')}"
                         for o in conflicts)
        return result.fail(f"blocked: {what} (armgen replaces it only with --replace)", EXIT_BLOCKED)
    if not pending:
        say(f"Nothing to {result.action}: every subnet is already as asked.")
        return result
    if opts.what_if:
        blocked = _what_if(target, result, pending, docs, opts, say, show_what_if)
        if blocked:
            return result.fail(f"blocked: the what-if shows {len(blocked)} change(s) beyond "
                               f"{'the NAT gateway / route table property' if not opts.detach else 'its removal'} "
                               "(see above); nothing was written", EXIT_BLOCKED)
    for o in pending:
        doc, etag = docs[o.link.subnet_id.lower()]
        _apply(target, net, o, doc, etag, opts, say)
        if o.state == "failed":
            done = [x for x in result.outcomes if x.state in ("attached", "replaced", "detached")]
            rest = "; subnets done before it stay done" if done else ""
            return result.fail(f"{subnet_label(o.link.subnet_id)}: " + "; ".join(o.differences) + rest, EXIT_BLOCKED)
    verb = "detached" if opts.detach else "attached"
    say(f"{result.action.title()}: {result.count('attached', 'replaced', 'detached')} subnet(s) {verb}, "
        f"{result.count('unchanged', 'absent', 'foreign')} left as they were.")
    return result


def _read_all(target: AzureTarget, net: _Network, result: AttachResult, appliance: list[str], opts: AttachOptions,
              say: Report) -> dict[str, tuple[dict[str, Any], str | None]]:
    """Read every resource involved, check regions and loops, classify each subnet. No writes."""
    refs: dict[str, dict[str, Any]] = {}
    vnets: dict[str, dict[str, Any]] = {}
    docs: dict[str, tuple[dict[str, Any], str | None]] = {}
    with azure_errors(target, READ_ACTION):
        for o in result.outcomes:
            link = o.link
            key = link.resource_id.lower()
            if key not in refs:
                doc, _ = net.get(link.resource_id)
                if doc is None:
                    raise AttachError(f"{KIND[link.prop]} {link.resource_id} not found: deploy the template into "
                                      "this resource group first (or check -g and the parameters)", EXIT_USAGE)
                refs[key] = doc
            sub_doc, etag = net.get(link.subnet_id)
            if sub_doc is None:
                raise AttachError(f"unknown subnet {link.subnet_id}", EXIT_USAGE)
            if not isinstance(sub_doc.get("properties", {}), dict):
                raise AttachError(f"Resource Manager returned subnet {link.subnet_id} without a properties object", EXIT_AZURE)
            state = str((sub_doc.get("properties") or {}).get("provisioningState") or "Succeeded")
            if state.lower() not in TERMINAL_STATES:
                raise AttachError(f"subnet {subnet_label(link.subnet_id)} is being changed by an operation still running "
                                  f"(provisioningState {state}); run again when it has finished", EXIT_BLOCKED)
            docs[link.subnet_id.lower()] = (sub_doc, etag)
            vnet_id = link.subnet_id.rsplit("/subnets/", 1)[0]
            if vnet_id.lower() not in vnets:
                vnets[vnet_id.lower()] = net.get(vnet_id)[0] or {}  # subnets have no region; their VNet has
            here, there = vnets[vnet_id.lower()].get("location"), refs[key].get("location")
            if here and there and _region(here) != _region(there):
                raise AttachError(f"subnet {subnet_label(link.subnet_id)} is in {here} (its virtual network's region), "
                                  f"{KIND[link.prop]} {_name(link.resource_id)} in {there}: they must share a region",
                                  EXIT_USAGE)
            if link.prop == ROUTE_TABLE:
                _check_loop(link, sub_doc, refs[key])
    for o in result.outcomes:
        props = docs[o.link.subnet_id.lower()][0].get("properties") or {}
        current = _ref(props, o.link.prop)
        if opts.detach:
            o.state = "pending" if _same(current, o.link.resource_id) else ("foreign" if current else "absent")
            o.previous = current
        elif _same(current, o.link.resource_id):
            o.state = "unchanged"
        elif current and not opts.replace:
            o.state, o.previous = "conflict", current
        else:
            o.previous = current
        say(_plan_line(o, opts))
    return docs


def _plan_line(o: SubnetOutcome, opts: AttachOptions) -> str:
    link = o.link
    where = f"zone slot {link.slot}" if link.slot else "workload"
    head = f"  {subnet_label(link.subnet_id)} ({where}) {KIND[link.prop]} {_name(link.resource_id)}: "
    text = {
        "pending": ("to remove" if opts.detach else
                    f"to attach (replacing {_name(o.previous)})" if o.previous else "to attach"),
        "unchanged": "already attached",
        "conflict": f"has {KIND[link.prop]} {o.previous}",
        "foreign": f"points at {o.previous}, not armgen's: left alone",
        "absent": f"no {KIND[link.prop]} attached: nothing to remove",
    }[o.state]
    return head + text


def _check_loop(link: Link, subnet: dict[str, Any], route_table: dict[str, Any]) -> None:
    """A route of the workload route table whose next hop lies inside this subnet would send the
    subnet's traffic to itself through the appliances: refuse."""
    import ipaddress

    props = subnet.get("properties") or {}
    prefixes = props.get("addressPrefixes") or ([props["addressPrefix"]] if props.get("addressPrefix") else [])
    nets = []
    for p in prefixes:
        try:
            nets.append(ipaddress.ip_network(p, strict=False))
        except (ValueError, TypeError):
            continue
    for route in (route_table.get("properties") or {}).get("routes") or []:
        hop = (route.get("properties") or {}).get("nextHopIpAddress")
        try:
            addr = ipaddress.ip_address(hop)
        except (ValueError, TypeError):
            continue
        if any(addr in n for n in nets):
            raise AttachError(f"refusing to attach route table {_name(link.resource_id)} to {subnet_label(link.subnet_id)}: "
                              f"its route {route.get('name')} sends traffic to {hop}, inside this subnet (the "
                              "appliances' own subnet): a routing loop", EXIT_BLOCKED)


def _what_if(target: AzureTarget, result: AttachResult, pending: list[SubnetOutcome],
             docs: dict[str, tuple[dict[str, Any], str | None]], opts: AttachOptions, say: Report,
             show_what_if: ShowWhatIf | None) -> list[GateFinding]:
    """A what-if of exactly the subnet bodies to be PUT, per resource group, through the gate."""
    from armgen.azure.whatif import WhatIfFailed, run_what_if

    groups: dict[tuple[str, str], list[SubnetOutcome]] = {}
    for o in pending:
        sub, rg, *_ = parse_subnet_id(o.link.subnet_id)
        groups.setdefault((sub.lower(), rg.lower()), []).append(o)
    blocked: list[GateFinding] = []
    for items in groups.values():
        sub, rg, _, _ = parse_subnet_id(items[0].link.subnet_id)
        resources = []
        allowed = []
        for o in items:
            _, _, vnet, name = parse_subnet_id(o.link.subnet_id)
            doc = docs[o.link.subnet_id.lower()][0]
            body = _with_prop(doc, o.link.prop, None if opts.detach else o.link.resource_id)
            resources.append({"type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": NETWORK_API_VERSION,
                              "name": f"{vnet}/{name}", "properties": body.get("properties") or {}})
            allowed.append(AllowedChange(o.link.subnet_id, o.link.prop, o.link.resource_id, remove=opts.detach))
        tmpl = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0", "resources": resources}
        scope_target = target if sub.lower() == target.subscription.lower() else dataclasses.replace(target, subscription=sub)
        say(f"What-if of the subnet bodies in {rg}:")
        try:
            wi = run_what_if(scope_target, rg, tmpl, {}, deployment_name=WHATIF_DEPLOYMENT)
        except WhatIfFailed as exc:
            raise AttachError(f"what-if failed: {exc.code}: {exc.message}", EXIT_AZURE) from None
        findings = check_attach_gate(wi, allowed)
        result.what_if.append(wi)
        result.findings.extend(findings)
        if show_what_if is not None:
            show_what_if(wi, findings)
        blocked.extend(f for f in findings if f.verdict == "blocked")
    return blocked


def _apply(target: AzureTarget, net: _Network, o: SubnetOutcome, doc: dict[str, Any], etag: str | None,
           opts: AttachOptions, say: Report) -> None:
    """GET-modify-PUT one subnet with If-Match, retrying on 412, then verify.

    Each attempt reads the subnet right before its PUT and works from that body and etag: the
    what-if (and other subnets) ran since the first read, and should a resource provider ever
    ignore If-Match, the window a concurrent change could be lost in shrinks to one round trip.
    """
    from azure.core.exceptions import ResourceModifiedError

    link = o.link
    want = None if opts.detach else link.resource_id
    label = subnet_label(link.subnet_id)
    based_on: dict[str, Any] | None = None  # the body the last PUT was built from
    for attempt in range(max(opts.attempts, 1)):
        with azure_errors(target, READ_ACTION):
            fresh, fresh_etag = net.get(link.subnet_id)
        if fresh is None:
            o.state = "failed"
            o.differences.append("the subnet was deleted meanwhile; nothing written")
            return
        if attempt == 0 and fresh_etag != etag:
            say(f"{label}: changed since it was first read (etag {etag} -> {fresh_etag}); working from the current subnet")
        doc, etag = fresh, fresh_etag
        props = doc.get("properties") or {}
        current = _ref(props, link.prop)
        done = _same(current, link.resource_id) if not opts.detach else current is None
        if done and based_on is not None:
            # a 412 on a retried PUT whose first try went through but whose answer was lost (the
            # retry policy resends it): the subnet is as asked; prove it against what was PUT
            say(f"{label}: already as asked after a 412 (an earlier try went through, its answer was lost)")
            _verified(o, based_on, doc, want, opts, say)
            return
        if opts.detach and not _same(current, link.resource_id):
            o.state, o.previous = ("foreign" if current else "absent"), current
            say(f"{label}: changed meanwhile, now {'points at ' + current if current else 'has none'}; left alone")
            return
        if not opts.detach and done:
            o.state = "unchanged"
            say(f"{label}: attached meanwhile by someone else; nothing to write")
            return
        if not opts.detach and current and not _same(current, o.previous) and not opts.replace:
            o.state, o.previous = "failed", current
            o.differences.append(f"{KIND[link.prop]} {current} was attached meanwhile (armgen replaces it only "
                                 "with --replace); nothing written")
            return
        if not etag:
            raise AttachError(f"{label}: Resource Manager returned no etag, so the write could not be made conditional; "
                              "nothing written", EXIT_AZURE)
        body = _with_prop(doc, link.prop, want)
        based_on = doc
        say(f"{label}: PUT with If-Match {etag}")
        o.state = "interrupted"  # until the operation is known to have ended
        modified = False
        try:
            with azure_errors(target, WRITE_ACTION):
                o.puts += 1
                try:
                    net.put(link.subnet_id, body, etag)
                except ResourceModifiedError:  # 412: inside, before azure_errors makes it a failure
                    modified = True
        except AzureFailure as exc:
            o.state = "failed"
            raise AzureFailure(f"{label}: {exc.message}", exc.exit_code) from None
        if modified:
            o.state = "pending"
            o.precondition_failures += 1
            say(f"{label}: 412 Precondition Failed: the subnet changed since it was read; reading it again")
            continue
        with azure_errors(target, READ_ACTION):
            after, _ = net.get(link.subnet_id)
        _verified(o, doc, after, want, opts, say)
        return
    o.state = "failed"
    raise AttachError(f"{label}: the subnet kept changing under armgen ({o.precondition_failures} x 412 Precondition "
                      "Failed); nothing was written to it, try again later", EXIT_AZURE)


def _verified(o: SubnetOutcome, before: dict[str, Any], after: dict[str, Any] | None, want: str | None,
              opts: AttachOptions, say: Report) -> None:
    """Judge the subnet after a write against the body the write was built from (sets ``o.state``)."""
    label = subnet_label(o.link.subnet_id)
    differences, notes = verify(before, after, o.link.prop, want)
    o.notes.extend(notes)
    for n in notes:
        say(f"{label}: note: {n}")
    if differences:
        o.state = "failed"
        o.differences.extend(differences)
        for d in differences:
            say(f"{label}: DIFFERS {d}")
        return
    o.state = "detached" if opts.detach else ("replaced" if o.previous else "attached")
    say(f"{label}: verified: only properties.{o.link.prop} changed (ignored: {', '.join(IGNORED_PATHS)})")
