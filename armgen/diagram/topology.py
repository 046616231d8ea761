"""A deployment's topology, read from a rendered ARM template by static evaluation.

The input is the template JSON (a built-in offer's comes from its model through
:func:`armgen.render.arm_json.render`; any other from its file), evaluated with
:mod:`armgen.armeval` — the evaluator the what-if gate uses — in *placeholder* mode: a parameter
without a value shows as ``‹name›``, and ids built from the same parameters come out equal, so
the load balancer's frontend subnet and the NICs' subnet are recognised as one subnet without
knowing its name.

What comes out is a view, not a second template: :class:`Node` per resource instance (copy
loops with a known count expanded), plus the resources the template only *refers to* — the
customer's VNet and subnets (``existing``), the managed identity and Key Vault (``reference``) —
and :class:`Edge` per reference one resource's properties make to another (NIC -> subnet,
VM -> NIC, route -> next hop...). Layouts (:mod:`armgen.diagram.svg`, :mod:`armgen.diagram.mermaid`)
draw it. Unknown resource types are nodes like any other; nothing here raises on odd input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from armgen.armeval import UNKNOWN, Hole, Partial, Ref, Scope, build_id

#: Instances drawn per copy loop; a longer loop is one node marked with its count.
MAX_INSTANCES = 32

SUBSCRIPTION = Hole.named("subscription")
RESOURCE_GROUP = Hole.named("resource group")
LOCATION = Hole.named("location")

#: Types drawn as references (used, not attached to the network), when the template does not create them.
REFERENCE_TYPES = ("microsoft.managedidentity/userassignedidentities", "microsoft.keyvault/vaults")

#: Friendly titles of common types (the type's last segment otherwise).
TITLES = {
    "microsoft.compute/virtualmachines": "VM",
    "microsoft.compute/virtualmachinescalesets": "VM scale set",
    "microsoft.compute/availabilitysets": "Availability set",
    "microsoft.compute/disks": "Managed disk",
    "microsoft.compute/virtualmachines/extensions": "VM extension",
    "microsoft.network/networkinterfaces": "NIC",
    "microsoft.network/loadbalancers": "Load balancer",
    "microsoft.network/natgateways": "NAT gateway",
    "microsoft.network/publicipaddresses": "Public IP",
    "microsoft.network/publicipprefixes": "Public IP prefix",
    "microsoft.network/routetables": "Route table",
    "microsoft.network/networksecuritygroups": "NSG",
    "microsoft.network/virtualnetworks": "VNet",
    "microsoft.network/virtualnetworks/subnets": "Subnet",
    "microsoft.network/applicationgateways": "Application gateway",
    "microsoft.network/bastionhosts": "Bastion",
    "microsoft.network/privateendpoints": "Private endpoint",
    "microsoft.network/ddosprotectionplans": "DDoS protection plan",
    "microsoft.network/dnsresolvers": "DNS resolver",
    "microsoft.network/dnsresolvers/outboundendpoints": "DNS outbound endpoint",
    "microsoft.network/dnsresolvers/inboundendpoints": "DNS inbound endpoint",
    "microsoft.network/dnsforwardingrulesets": "DNS forwarding ruleset",
    "microsoft.network/dnsforwardingrulesets/forwardingrules": "Forwarding rule",
    "microsoft.network/dnsforwardingrulesets/virtualnetworklinks": "Ruleset VNet link",
    "microsoft.managedidentity/userassignedidentities": "Managed identity",
    "microsoft.keyvault/vaults": "Key Vault",
    "microsoft.keyvault/vaults/secrets": "Key Vault secret",
    "microsoft.resources/deployments": "Deployment",
    "microsoft.resources/deploymentscripts": "Deployment script",
    "microsoft.storage/storageaccounts": "Storage account",
    "microsoft.authorization/roleassignments": "Role assignment",
    "microsoft.web/sites": "Web app",
    "microsoft.web/serverfarms": "App Service plan",
    "microsoft.operationalinsights/workspaces": "Log Analytics workspace",
    "microsoft.insights/components": "Application Insights",
}

#: Property names that say what a reference means (the innermost one on the path wins).
RELATIONS = {
    "subnet": "subnet", "subnetid": "subnet", "vnetsubnetid": "subnet", "subnets": "subnet",
    "networksecuritygroup": "nsg",
    "loadbalancerbackendaddresspools": "lb-backend", "backendaddresspool": "lb-backend",
    "loadbalancerinboundnatrules": "lb-nat-rule",
    "networkinterfaces": "nic",
    "publicipaddress": "public-ip", "publicipaddresses": "public-ip", "publicipprefixes": "public-ip",
    "natgateway": "nat-gateway",
    "routetable": "route-table",
    "availabilityset": "availability-set",
    "userassignedidentities": "identity",
    "nexthopipaddress": "next-hop",
    "remotevirtualnetwork": "peering",
    "virtualnetwork": "vnet",
    "ddosprotectionplan": "ddos",
    "keyvault": "key-vault", "sourcevault": "key-vault",
    "dnsresolveroutboundendpoints": "outbound-endpoint",
    "targetdnsservers": "dns-target",
}

#: Properties holding a plain IP address that names another resource's address (a route's next hop,
#: a forwarding rule's DNS server): drawn as an edge to whatever holds that static address.
ADDRESS_KEYS = {"nexthopipaddress": "next-hop", "ipaddress": "dns-target"}

_ID = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/(?P<rest>.+)$", re.I)
_SUB_ID = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/providers/(?P<rest>.+)$", re.I)
_VAULT_PARAM = re.compile(r"key_?vault|vault_?(url|uri|name)", re.I)
_VAULT_URL = re.compile(r"^https://(?P<name>[A-Za-z0-9-]+)\.vault\.", re.I)


@dataclass
class Node:
    """One resource (instance) of the diagram."""

    key: str
    type: str
    name: str
    ownership: str  # "owned" | "existing" | "reference"
    where: str = ""
    conditional: str | None = None  # the condition's text, when it cannot be decided statically
    zones: tuple[str, ...] | None = None
    count: str | None = None  # "×N" when a loop is drawn as one node
    index: int | None = None
    parent: str | None = None  # the node this one is a child of (subnet -> VNet, extension -> VM)
    resource_group: str | None = None  # when it differs from the deployment's
    details: list[str] = field(default_factory=list)
    properties: Any = None
    rid: ResourceId | None = None

    @property
    def title(self) -> str:
        low = self.type.lower()
        if low in TITLES:
            return TITLES[low]
        return self.type.rsplit("/", 1)[-1] or "resource"

    @property
    def lower_type(self) -> str:
        return self.type.lower()


@dataclass(frozen=True)
class Edge:
    """``src`` refers to ``dst``; ``kind`` from the property that holds the reference."""

    src: str
    dst: str
    kind: str
    part: str = ""  # the referenced child, e.g. "backendAddressPools/cc-lb-backend"


@dataclass
class Topology:
    title: str
    subtitle: str = ""
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, node: Node) -> Node:
        return self.nodes.setdefault(node.key, node)

    def out(self, key: str, kind: str | None = None) -> list[Edge]:
        return [e for e in self.edges if e.src == key and (kind is None or e.kind == kind)]

    def into(self, key: str, kind: str | None = None) -> list[Edge]:
        return [e for e in self.edges if e.dst == key and (kind is None or e.kind == kind)]

    def of_type(self, rtype: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.lower_type == rtype.lower()]


# ------------------------------------------------------------------ ids


def show(value: Any) -> str:
    """A value as text for a label: wildcards of a partial name as ``…``, unknown as ``?``."""
    if isinstance(value, Partial):
        return value.display()
    if isinstance(value, str):
        return value
    if value is UNKNOWN or isinstance(value, Ref) or value is None:
        return "?"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, separators=(",", ":"), default=str)[:60]


@dataclass(frozen=True)
class ResourceId:
    """A parsed resource id: scope, full type and one name per type segment."""

    sub: str
    rg: str | None
    type: str
    names: tuple[str, ...]

    @property
    def key(self) -> str:
        rg = f"/resourcegroups/{self.rg}" if self.rg is not None else ""
        ns, *types = self.type.split("/")
        tail = "".join(f"/{t}/{n}" for t, n in zip(types, self.names, strict=False))
        return f"/subscriptions/{self.sub}{rg}/providers/{ns}{tail}".lower()

    def parent(self) -> ResourceId | None:
        if len(self.names) < 2:
            return None
        return ResourceId(self.sub, self.rg, self.type.rsplit("/", 1)[0], self.names[:-1])

    def ancestors(self) -> list[ResourceId]:
        out: list[ResourceId] = []
        p = self.parent()
        while p is not None:
            out.append(p)
            p = p.parent()
        return out


def parse_id(value: Any) -> ResourceId | None:
    """A resource id (string or partial string) parsed, or None when it is not one."""
    if isinstance(value, Partial):
        text = value.display()
    elif isinstance(value, str):
        text = value
    else:
        return None
    m = _ID.match(text)
    rg: str | None = None
    if m:
        rg = m.group("rg")
    else:
        m = _SUB_ID.match(text)
        if not m:
            return None
    parts = m.group("rest").split("/")
    if len(parts) < 3 or len(parts) % 2 == 0 or any(p == "" for p in parts):
        return None
    ns, rest = parts[0], parts[1:]
    rtype = "/".join([ns, *rest[0::2]])
    return ResourceId(m.group("sub"), rg, rtype, tuple(rest[1::2]))


# ------------------------------------------------------------------ reading the template


@dataclass
class _Ctx:
    topo: Topology
    deploy_rg: str
    pending: list[tuple[str, Any, Any, str]] = field(default_factory=list)  # (src key, value, path...)
    #: (src key, address, relation): plain addresses a resource points at (next hops, DNS targets)
    addressed: list[tuple[str, str, str]] = field(default_factory=list)
    #: static private address -> the node holding it (a load balancer frontend, a NIC)
    owners: dict[str, str] = field(default_factory=dict)


def topology(template: dict[str, Any], values: dict[str, Any] | None = None, *, title: str = "",
             subtitle: str = "") -> Topology:
    """The topology of ``template`` deployed with parameter ``values`` (unknown ones as placeholders)."""
    values = dict(values or {})
    vault_refs = _vault_references(values)
    for name in vault_refs:
        values[name] = Hole.named(name)
    scope = Scope(values, template, SUBSCRIPTION, RESOURCE_GROUP, LOCATION, placeholders=True, assume_zones=True)
    topo = Topology(title=title or "ARM template", subtitle=subtitle)
    ctx = _Ctx(topo, RESOURCE_GROUP)
    resources = template.get("resources")
    _walk(ctx, resources, scope, SUBSCRIPTION, RESOURCE_GROUP, None, None, "$.resources")
    _resolve_edges(ctx)
    _vault_nodes(ctx, template, vault_refs, scope)
    _describe(topo)
    if any(n.zones for n in topo.nodes.values()) and _uses_pick_zones(template):
        topo.notes.append("zones as in a region with availability zones")
    return topo


def _uses_pick_zones(template: dict[str, Any]) -> bool:
    return "pickzones(" in json.dumps(template.get("variables") or {}).lower() + json.dumps(
        template.get("resources") or []).lower()


def _items(resources: Any) -> list[tuple[Any, Any]]:
    if isinstance(resources, dict):
        return list(resources.items())
    if isinstance(resources, list):
        return list(enumerate(resources))
    return []


def _walk(ctx: _Ctx, resources: Any, scope: Scope, sub: Any, rg: Any, parent_type: str | None,
          parent_names: list[Any] | None, where: str) -> None:
    for key, r in _items(resources):
        if not isinstance(r, dict):
            continue
        here = f"{where}[{key!r}]" if isinstance(key, str) else f"{where}[{key}]"
        copy = r.get("copy") if isinstance(r.get("copy"), dict) else None
        if copy is None:
            _declare(ctx, r, scope, sub, rg, parent_type, parent_names, here, None, None)
            continue
        count = scope.value(copy.get("count"))
        loop = str(copy.get("name", ""))
        if isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= MAX_INSTANCES:
            for i in range(count):
                _declare(ctx, r, scope.at(loop, i, own=True), sub, rg, parent_type, parent_names, here, i, None)
        else:
            label = f"×{count}" if isinstance(count, int) and not isinstance(count, bool) else "×?"
            _declare(ctx, r, scope, sub, rg, parent_type, parent_names, here, None, label)


def _split_name(name: Any) -> list[str]:
    text = show(name) if name is not UNKNOWN else "…"
    return text.split("/") if text else ["?"]


def _declare(ctx: _Ctx, r: dict[str, Any], scope: Scope, sub: Any, rg: Any, parent_type: str | None,
             parent_names: list[Any] | None, where: str, index: int | None, count: str | None) -> None:
    topo = ctx.topo
    cond = scope.value(r["condition"]) if "condition" in r else True
    if cond is not True and "condition" in r and scope.assume_zones:
        # false only because the region is assumed to have zones (an availability set's
        # condition): still part of the template, drawn as conditional
        plain = scope.without_assumptions().value(r["condition"])
        cond = UNKNOWN if plain is not False and plain is not None else cond
    if cond is False or cond is None:
        return
    rtype = scope.value(r.get("type", ""))
    rtype = rtype if isinstance(rtype, str) and "/" in rtype else (parent_type and rtype) or "unknown/resource"
    own = _split_name(scope.value(r.get("name", "")))
    if parent_type and "/" not in rtype:
        full_type, names = f"{parent_type}/{rtype}", [*(parent_names or []), *own]
    else:
        full_type, names = rtype, own
    depth = len(full_type.split("/")) - 1
    if len(names) != depth:
        names = [*names, *["?"] * depth][:depth] if depth > 0 else names
    r_sub = scope.value(r["subscriptionId"]) if "subscriptionId" in r else sub
    r_rg = scope.value(r["resourceGroup"]) if "resourceGroup" in r else rg
    rid = parse_id(build_id(r_sub if r_sub is not UNKNOWN else "?", r_rg if r_rg is not UNKNOWN else "?",
                            full_type, names))
    key = rid.key if rid is not None else f"{where}#{index}"
    existing = r.get("existing") is True
    low = full_type.lower()
    node = Node(
        key=key, type=full_type, name=names[-1] if names else "?",
        ownership=("reference" if low in REFERENCE_TYPES else "existing") if existing else "owned",
        where=where, index=index, count=count,
        conditional=None if cond is True else str(r.get("condition"))[:200],
        resource_group=show(r_rg) if show(r_rg) != show(ctx.deploy_rg) else None, rid=rid,
    )
    if rid is not None and rid.parent() is not None:
        node.parent = rid.parent().key  # type: ignore[union-attr]
    if node.key in topo.nodes and topo.nodes[node.key].ownership != "owned" and node.ownership == "owned":
        del topo.nodes[node.key]  # a declaration wins over an earlier reference
    node = topo.add(node)
    if existing:
        return
    props = scope.value(r.get("properties"))
    node.properties = props if isinstance(props, dict) else {}
    node.zones = _zones(scope.value(r.get("zones")))
    sku = scope.value(r.get("sku"))
    if isinstance(sku, dict) and isinstance(sku.get("name"), str):
        node.details.append(f"sku {sku['name']}")
    own_props = {k: v for k, v in props.items() if k != "subnets"} if (
        low == "microsoft.network/virtualnetworks" and isinstance(props, dict)) else props  # subnets speak for themselves
    for path, value in _references(own_props, ()):
        ctx.pending.append((key, value, path, "props"))
    _addresses(ctx, key, props)
    identity = scope.value(r.get("identity"))
    for path, value in _references(identity, ("identity",)):
        ctx.pending.append((key, value, path, "identity"))
    if low == "microsoft.network/virtualnetworks" and isinstance(props, dict):
        _inline_subnets(ctx, node, rid, props)
    if low == "microsoft.resources/deployments":
        _nested(ctx, r, scope, r_sub, r_rg, where, node)
    if r.get("resources"):
        _walk(ctx, r["resources"], scope, sub, rg, full_type, names, f"{where}.resources")


def _zones(z: Any) -> tuple[str, ...] | None:
    if isinstance(z, list) and z and all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in z):
        return tuple(str(x) for x in z)
    return None


def _inline_subnets(ctx: _Ctx, vnet: Node, rid: ResourceId | None, props: dict[str, Any]) -> None:
    """Subnets written inside an owned VNet's properties: nodes of their own, in the VNet."""
    subnets = props.get("subnets")
    if rid is None or not isinstance(subnets, list):
        return
    for i, s in enumerate(subnets):
        if not isinstance(s, dict):
            continue
        sid = ResourceId(rid.sub, rid.rg, rid.type + "/subnets", (*rid.names, show(s.get("name"))))
        node = ctx.topo.add(Node(key=sid.key, type=sid.type, name=show(s.get("name")), ownership=vnet.ownership,
                                 where=f"{vnet.where}.properties.subnets[{i}]", parent=vnet.key,
                                 conditional=vnet.conditional, rid=sid))
        sp = s.get("properties")
        node.properties = sp if isinstance(sp, dict) else {}
        for path, value in _references(sp, ()):
            ctx.pending.append((sid.key, value, path, "props"))


def _nested(ctx: _Ctx, r: dict[str, Any], scope: Scope, sub: Any, rg: Any, where: str, node: Node) -> None:
    props = r.get("properties") if isinstance(r.get("properties"), dict) else {}
    inner = props.get("template")
    if not isinstance(inner, dict):
        if isinstance(props.get("templateLink"), dict):
            node.details.append("linked template (not read)")
        return
    mode = str(((props.get("expressionEvaluationOptions") or {}).get("scope")) or "outer").lower()
    n_sub = sub if isinstance(sub, str) else SUBSCRIPTION
    n_rg = rg if isinstance(rg, str) else RESOURCE_GROUP
    if mode == "inner":
        given = props.get("parameters") if isinstance(props.get("parameters"), dict) else {}
        values = {k: scope.value(v.get("value")) for k, v in given.items() if isinstance(v, dict) and "value" in v}
        nested = Scope(values, inner, n_sub, n_rg, LOCATION, placeholders=True, assume_zones=True)
    else:
        nested = scope
    count = len(_items(inner.get("resources")))
    node.details.append(f"nested template: {count} resource{'s' if count != 1 else ''}")
    _walk(ctx, inner.get("resources"), nested, n_sub, n_rg, None, None, f"{where}.properties.template.resources")


def _references(value: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in an evaluated value that may name another resource."""
    out: list[tuple[tuple[Any, ...], Any]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and k.startswith("/"):
                out.append(((*path, k), k))  # userAssignedIdentities: {id: {}}
            out += _references(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _references(v, (*path, i))
    elif isinstance(value, Ref) or (isinstance(value, (str, Partial)) and show(value).startswith("/")):
        out.append((path, value))
    return out


_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def _addresses(ctx: _Ctx, key: str, props: Any) -> None:
    """Record the static private addresses ``props`` holds (a frontend's, a NIC's) and the plain
    addresses it points at (a next hop, a DNS forwarding target)."""
    def walk(v: Any, path: tuple[Any, ...]) -> None:
        if isinstance(v, dict):
            for k, sub in v.items():
                low = k.lower() if isinstance(k, str) else ""
                if low == "privateipaddress" and isinstance(sub, str) and _IPV4.match(sub):
                    ctx.owners.setdefault(sub, key)
                elif low in ADDRESS_KEYS and isinstance(sub, str) and _IPV4.match(sub) and (
                        low != "ipaddress" or any(isinstance(p, str) and p.lower() == "targetdnsservers" for p in path)):
                    ctx.addressed.append((key, sub, ADDRESS_KEYS[low]))
                walk(sub, (*path, k))
        elif isinstance(v, list):
            for i, sub in enumerate(v):
                walk(sub, (*path, i))

    walk(props, ())


def _relation(path: tuple[Any, ...]) -> str:
    keys = [k.lower() for k in path if isinstance(k, str) and not k.startswith("/")]
    for k in reversed(keys):
        if k in RELATIONS:
            return RELATIONS[k]
    return "uses"


def _resolve_edges(ctx: _Ctx) -> None:
    """Turn the references collected while reading into edges, adding the nodes referred to."""
    topo = ctx.topo
    for node in list(topo.nodes.values()):  # a declared child of something the template does not declare
        if node.parent is not None and node.parent not in topo.nodes and node.rid is not None:
            parent_id = node.rid.parent()
            if parent_id is not None:
                _target(topo, parent_id)
    seen: set[Edge] = set()
    for src, value, path, _origin in ctx.pending:
        if isinstance(value, Ref):
            rid = parse_id(value.id)
            part = ".".join(str(p) for p in value.path[:2])
        else:
            rid = parse_id(value)
            part = ""
        if rid is None:
            continue
        target, sub_part = _target(topo, rid)
        if target == src:
            continue
        edge = Edge(src, target, _relation(path), sub_part or part)
        if edge not in seen:
            seen.add(edge)
            topo.edges.append(edge)
    for src, address, kind in ctx.addressed:
        owner = ctx.owners.get(address)
        if owner is not None and owner != src:
            edge = Edge(src, owner, kind, address)
            if edge not in seen:
                seen.add(edge)
                topo.edges.append(edge)


def _target(topo: Topology, rid: ResourceId) -> tuple[str, str]:
    """The node an id refers to (its nearest declared ancestor for a child like a backend pool),
    creating existing/reference nodes for what the template does not declare."""
    if rid.key in topo.nodes:
        return rid.key, ""
    for anc in rid.ancestors():
        if anc.key in topo.nodes and topo.nodes[anc.key].ownership == "owned" \
                and anc.type.lower() != "microsoft.network/virtualnetworks":
            tail = rid.type.split("/")[len(anc.type.split("/")):]
            return anc.key, "/".join(f"{t}/{n}" for t, n in zip(tail, rid.names[len(anc.names):], strict=False))
    chain = [*reversed(rid.ancestors()), rid]
    parent: str | None = None
    for link in chain:
        if link.key not in topo.nodes:
            low = link.type.lower()
            topo.add(Node(
                key=link.key, type=link.type, name=link.names[-1],
                ownership="reference" if any(low.startswith(t) for t in REFERENCE_TYPES) else "existing",
                parent=parent, rid=link,
                resource_group=link.rg if link.rg is not None and link.rg != show(RESOURCE_GROUP) else None,
            ))
        parent = link.key
    return rid.key, ""


# ------------------------------------------------------------------ Key Vault


def _vault_references(values: dict[str, Any]) -> dict[str, str]:
    """Parameters given as Key Vault references in a parameters file: name -> vault id."""
    out: dict[str, str] = {}
    for name, v in values.items():
        if isinstance(v, dict) and set(v) == {"reference"} and isinstance(v["reference"], dict):
            kv = v["reference"].get("keyVault")
            if isinstance(kv, dict) and isinstance(kv.get("id"), str):
                out[name] = kv["id"]
    return out


def _uses(raw: str, names: set[str], kind: str) -> bool:
    return any(re.search(rf"{kind}\(\s*'{re.escape(n)}'\s*\)", raw, re.I) for n in names)


def _vault_nodes(ctx: _Ctx, template: dict[str, Any], vault_refs: dict[str, str], scope: Scope) -> None:
    """The Key Vault a deployment reads, as a reference: from parameters given as Key Vault
    references, or from a parameter named like a vault (``keyVaultUrl``) that resources use —
    unless the template itself creates or refers to a vault by id."""
    topo = ctx.topo
    params = template.get("parameters") if isinstance(template.get("parameters"), dict) else {}
    wanted: dict[str, str] = {}  # parameter -> vault node key
    for name, vid in vault_refs.items():
        rid = parse_id(vid)
        if rid is not None:
            wanted[name] = _target(topo, rid)[0]
    if not topo.of_type("microsoft.keyvault/vaults"):
        for name in params:
            if _VAULT_PARAM.search(name) and name not in wanted:
                value = scope.param(name)
                text = show(value)
                m = _VAULT_URL.match(text)
                key = f"param:{name.lower()}"
                topo.add(Node(key=key, type="Microsoft.KeyVault/vaults", name=m.group("name") if m else text,
                              ownership="reference", details=[f"from parameter {name}"]))
                wanted[name] = key
    if not wanted:
        return
    variables = template.get("variables") if isinstance(template.get("variables"), dict) else {}
    resources = [r for _k, r in _items(template.get("resources")) if isinstance(r, dict)]
    for pname, vkey in wanted.items():
        # variables that carry the parameter, transitively
        names, var_names = {pname}, set()
        changed = True
        while changed:
            changed = False
            for vn, vv in variables.items():
                raw = json.dumps(vv)
                if vn not in var_names and (_uses(raw, names, "parameters") or _uses(raw, var_names, "variables")):
                    var_names.add(vn)
                    changed = True
        for r in resources:
            raw = json.dumps({k: v for k, v in r.items() if k not in ("dependsOn",)})
            if not (_uses(raw, names, "parameters") or _uses(raw, var_names, "variables")):
                continue
            for node in topo.nodes.values():
                if node.where.startswith(_where_of(template, r)) and node.ownership == "owned":
                    edge = Edge(node.key, vkey, "key-vault")
                    if edge not in topo.edges:
                        topo.edges.append(edge)


def _where_of(template: dict[str, Any], r: dict[str, Any]) -> str:
    for key, other in _items(template.get("resources")):
        if other is r:
            return f"$.resources[{key!r}]" if isinstance(key, str) else f"$.resources[{key}]"
    return "\0"


# ------------------------------------------------------------------ facts for labels


def _get(d: Any, *path: Any) -> Any:
    for p in path:
        if isinstance(d, dict) and isinstance(p, str):
            d = {k.lower(): v for k, v in d.items()}.get(p.lower())
        elif isinstance(d, list) and isinstance(p, int) and 0 <= p < len(d):
            d = d[p]
        else:
            return None
    return d


def _describe(topo: Topology) -> None:
    """Short facts per node (size, SKU, rules...) from its evaluated properties."""
    for n in topo.nodes.values():
        p = n.properties if isinstance(n.properties, dict) else {}
        low = n.lower_type
        facts: list[str] = []
        if low == "microsoft.compute/virtualmachines":
            size = _get(p, "hardwareProfile", "vmSize")
            if size is not None:
                facts.append(show(size))
        elif low == "microsoft.network/networkinterfaces":
            if _get(p, "enableIPForwarding") is True:
                facts.append("IP forwarding")
            if _get(p, "enableAcceleratedNetworking") is True:
                facts.append("accelerated")
        elif low == "microsoft.network/loadbalancers":
            fe = [f for f in _get(p, "frontendIPConfigurations") or [] if isinstance(f, dict)]
            internal = any(_get(f, "properties", "subnet") for f in fe)
            facts.append("internal" if internal else "public")
            for f in fe[:2]:
                zones = _zones(_get(f, "zones"))
                where = (" zone-redundant" if zones and len(zones) > 1 else f" zone {zones[0]}") if zones else ""
                facts.append(f"frontend {show(_get(f, 'name'))}{where}")
            rules = _get(p, "loadBalancingRules") or []
            if any(show(_get(r, "properties", "protocol")).lower() == "all"
                   and _get(r, "properties", "frontendPort") == 0 for r in rules if isinstance(r, dict)):
                facts.append("HA ports")
            elif rules:
                facts.append(f"{len(rules)} rule{'s' if len(rules) != 1 else ''}")
            for probe in (_get(p, "probes") or [])[:1]:
                proto, port = _get(probe, "properties", "protocol"), _get(probe, "properties", "port")
                path = _get(probe, "properties", "requestPath")
                facts.append(f"probe {show(proto)}:{show(port)}{show(path) if isinstance(path, str) else ''}")
        elif low == "microsoft.network/routetables":
            for route in (_get(p, "routes") or [])[:3]:
                prefix = show(_get(route, "properties", "addressPrefix"))
                hop = show(_get(route, "properties", "nextHopType"))
                facts.append(f"{prefix} → {hop}")
        elif low == "microsoft.network/networksecuritygroups":
            rules = _get(p, "securityRules")
            if isinstance(rules, list):
                facts.append(f"{len(rules)} rule{'s' if len(rules) != 1 else ''}")
        elif low == "microsoft.network/publicipaddresses":
            alloc = _get(p, "publicIPAllocationMethod")
            if isinstance(alloc, str):
                facts.append(alloc.lower())
        elif low == "microsoft.network/dnsforwardingrulesets/forwardingrules":
            domain = _get(p, "domainName")
            if domain is not None:
                facts.append(show(domain))
            targets = _get(p, "targetDnsServers")
            if isinstance(targets, list):
                facts.append("→ " + ", ".join(f"{show(_get(x, 'ipAddress'))}:{show(_get(x, 'port') or 53)}"
                                                for x in targets[:3]))
        elif low in ("microsoft.network/virtualnetworks", "microsoft.network/virtualnetworks/subnets"):
            prefixes = _get(p, "addressSpace", "addressPrefixes") or _get(p, "addressPrefixes") or (
                [_get(p, "addressPrefix")] if _get(p, "addressPrefix") is not None else [])
            if isinstance(prefixes, list) and prefixes:
                facts.append(", ".join(show(x) for x in prefixes[:3]))
            for d in (_get(p, "delegations") or [])[:2]:
                service = _get(d, "properties", "serviceName")
                if service is not None:
                    facts.append(f"delegated to {show(service)}")
        n.details = facts + n.details
