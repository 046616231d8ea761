"""The topology as an SVG network diagram: a fixed layout, deterministic to the byte.

Layout, top to bottom:

1. title, options and notes, with the legend on the right;
2. *References*: what the deployment reads but does not create (managed identity, Key Vault,
   existing NSGs or public IPs named by id), and route tables whose next hop is in a VNet;
3. each VNet (existing ones dashed) with its subnets side by side as columns, ordered by the zone
   of what they hold; in a column the load balancers, then one card per VM holding its NICs
   (management and service NICs named as such), then anything else placed in that subnet;
4. per zone, under that zone's column, the NAT gateways with their public IPs;
5. every other resource the template creates, in a grid ordered by kind and name.

A route's next hop is an arrow from the route table down the gutter left of the target's column;
other relations are written in the boxes (a NIC's NSG and backend pool, a VM's identity), which
stays readable where arrows would cross. Box widths come from :mod:`armgen.diagram.text` so every
label fits; all coordinates are integers and every list is sorted, so a rerun is byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from armgen.diagram import text as T
from armgen.diagram.topology import Node, Topology

PAD = 24
GAP = 14
NODE_MIN, NODE_MAX = 210, 300
COL_PAD = 12
VNET_PAD = 24
KIND, LABEL, DETAIL = 10, 12, 10
LINE = {KIND: 14, LABEL: 16}

STYLE = ("""
svg { background: #ffffff; }
text { font-family: FONT; fill: #1a1a1a; }
.kind { font-size: 10px; fill: #4a4a4a; }
.label { font-size: 12px; font-weight: bold; }
.detail { font-size: 10px; fill: #333333; }
.caption { font-size: 11px; font-weight: bold; fill: #4a4a4a; }
.title { font-size: 18px; font-weight: bold; }
.subtitle { font-size: 11px; fill: #333333; }
.note { font-size: 10px; fill: #8a5a00; }
.cond { fill: #a05a00; font-weight: bold; }
.owned > rect.box { fill: #eaf2fc; stroke: #1f5fa8; stroke-width: 1.5; }
.existing > rect.box { fill: #f4f4f4; stroke: #6b6b6b; stroke-width: 1.5; stroke-dasharray: 6 4; }
.reference > rect.box { fill: #f6effb; stroke: #7b3fa0; stroke-width: 1.5; stroke-dasharray: 2 3; }
.container.owned > rect.box { fill: #f5f9fe; }
.container.existing > rect.box { fill: #fbfbfb; }
.card.owned > rect.box { fill: #ffffff; }
.nic.owned > rect.box { fill: #eaf2fc; stroke-width: 1; }
.legend > rect.frame { fill: #ffffff; stroke: #c8c8c8; }
.edge { fill: none; stroke: #c05621; stroke-width: 1.6; }
.link { fill: none; stroke: #1f5fa8; stroke-width: 1.2; }
""").replace("FONT", T.FONT_FAMILY)


@dataclass
class Rect:
    x: int
    y: int
    w: int
    h: int


@dataclass
class Scene:
    parts: list[str] = field(default_factory=list)
    at: dict[str, Rect] = field(default_factory=dict)
    top: list[str] = field(default_factory=list)  # drawn last (arrows)


# ------------------------------------------------------------------ text of a node


def _zones(zones: tuple[str, ...] | None) -> str:
    if not zones:
        return ""
    return f"zone {zones[0]}" if len(zones) == 1 else f"zones {', '.join(zones)}"


def _kind_line(n: Node, title: str | None = None) -> tuple[str, str]:
    """(plain part, conditional mark) of a node's first line."""
    bits = [title or n.title]
    if n.zones:
        bits.append(_zones(n.zones))
    if n.ownership != "owned":
        bits.append(n.ownership)
    if n.count:
        bits.append(n.count)
    return " · ".join(bits), (" · conditional" if n.conditional else "")


@dataclass
class Lines:
    """The text lines of a box: (css class, text, tooltip-worthy full text)."""

    items: list[tuple[str, str]] = field(default_factory=list)
    cond: str = ""

    def height(self) -> int:
        return sum(LINE.get(_size(c), 14) for c, _ in self.items)


def _size(css: str) -> int:
    return {"kind": KIND, "label": LABEL, "detail": DETAIL}.get(css, DETAIL)


def _text_lines(n: Node, room: int, title: str | None = None, extra: list[str] | None = None) -> Lines:
    plain, cond = _kind_line(n, title)
    kind = T.fit(plain, room - T.width(cond, KIND), KIND)
    lines = Lines([("kind", kind), *(("label", part) for part in T.split_name(n.name, room, LABEL))], cond)
    details = [*n.details, *(extra or [])]
    if n.resource_group and n.parent is None:
        details.append(f"resource group {n.resource_group}")
    if details:
        for line in T.wrap(" · ".join(details), room, DETAIL, max_lines=3):
            lines.items.append(("detail", line))
    return lines


def _tooltip(n: Node) -> str:
    bits = [f"{n.type} {n.name}", n.ownership]
    if n.conditional:
        bits.append(f"condition {n.conditional}")
    bits += n.details
    return " · ".join(bits)


def _emit_box(scene: Scene, n: Node, r: Rect, lines: Lines, role: str) -> None:
    css = f"{role} {n.ownership}" + (" conditional" if n.conditional else "")
    scene.parts.append(
        f'<g class="{css}" data-key="{escape(n.key)}" data-type="{escape(n.type)}" data-name="{escape(n.name)}">'
        f"<title>{escape(_tooltip(n))}</title>"
        f'<rect class="box" x="{r.x}" y="{r.y}" width="{r.w}" height="{r.h}" rx="5"/>')
    _emit_lines(scene, r.x + 8, r.y + 6, lines)
    scene.parts.append("</g>")
    scene.at[n.key] = r


def _emit_lines(scene: Scene, x: int, y: int, lines: Lines) -> None:
    for i, (css, text) in enumerate(lines.items):
        step = LINE.get(_size(css), 14)
        base = y + step - 3
        tail = f'<tspan class="cond">{escape(lines.cond)}</tspan>' if i == 0 and lines.cond else ""
        scene.parts.append(f'<text class="{css}" x="{x}" y="{base}">{escape(text)}{tail}</text>')
        y += step


# ------------------------------------------------------------------ blocks


@dataclass
class Block:
    """Something of a known size that can be drawn at a position."""

    w: int
    h: int
    draw: Callable[[Scene, int, int], None]


def _node_block(n: Node, width: int, title: str | None = None, extra: list[str] | None = None,
                role: str = "node") -> Block:
    lines = _text_lines(n, width - 16, title, extra)
    h = lines.height() + 12

    def draw(scene: Scene, x: int, y: int) -> None:
        _emit_box(scene, n, Rect(x, y, width, h), lines, role)

    return Block(width, h, draw)


class Layout:
    """Places a :class:`Topology`'s nodes; see the module docstring for the bands."""

    def __init__(self, topo: Topology):
        self.t = topo
        self.nodes = topo.nodes
        self.placed: set[str] = set()
        self.width = self._node_width()
        self.nic_host: dict[str, str] = {}
        self.vm_nics: dict[str, list[str]] = {}
        self.subnet_of: dict[str, str] = {}
        self._place()

    # --- analysis ------------------------------------------------------------------------------

    def _node_width(self) -> int:
        need = max((T.width(n.name, LABEL, True) for n in self.nodes.values()), default=0)
        return int(min(NODE_MAX, max(NODE_MIN, need + 16 + 16 + 2)))

    def _first(self, key: str, kind: str) -> str | None:
        for e in self.t.out(key, kind):
            if e.dst in self.nodes:
                return e.dst
        return None

    def _place(self) -> None:
        t = self.t
        for vm in sorted(t.of_type("Microsoft.Compute/virtualMachines"), key=_order):
            nics = [e.dst for e in t.out(vm.key, "nic") if e.dst in self.nodes
                    and self.nodes[e.dst].lower_type == "microsoft.network/networkinterfaces"]
            nics = [k for k in dict.fromkeys(nics) if k not in self.nic_host]
            self.vm_nics[vm.key] = nics
            for k in nics:
                self.nic_host[k] = vm.key
        for n in self.nodes.values():
            if n.lower_type in ("microsoft.network/virtualnetworks", "microsoft.network/virtualnetworks/subnets"):
                continue
            if n.lower_type == "microsoft.compute/virtualmachines":
                nics = self.vm_nics.get(n.key, [])
                subnet = self._first(nics[0], "subnet") if nics else self._first(n.key, "subnet")
            else:
                subnet = self._first(n.key, "subnet")
            if subnet is not None and self.nodes[subnet].lower_type == "microsoft.network/virtualnetworks/subnets":
                self.subnet_of[n.key] = subnet

    def nic_role(self, vm: str, nic: str) -> str:
        nics = self.vm_nics.get(vm, [])
        if len(nics) == 1:
            return "NIC"
        fwd = {k: "IP forwarding" in self.nodes[k].details for k in nics}
        if any(fwd.values()) and not all(fwd.values()):
            return "service NIC" if fwd[nic] else "management NIC"
        return f"NIC {nics.index(nic) + 1}"

    def subnet_zone(self, subnet: str) -> tuple[str, ...]:
        zones: set[str] = set()
        for k, s in self.subnet_of.items():
            n = self.nodes[k]
            if s == subnet and n.lower_type == "microsoft.compute/virtualmachines" and n.zones and len(n.zones) == 1:
                zones.add(n.zones[0])
        return tuple(sorted(zones))

    # --- blocks --------------------------------------------------------------------------------

    def vm_card(self, vm: Node) -> Block:
        w = self.width
        uses: list[str] = []
        for kind, word in (("identity", "identity"), ("key-vault", "Key Vault")):
            for e in self.t.out(vm.key, kind):
                if e.dst in self.nodes:
                    uses.append(f"{word} {self.nodes[e.dst].name}")
        lines = _text_lines(vm, w - 16, extra=uses)
        nic_blocks = [self.nic_block(vm.key, self.nodes[k], w - 16) for k in self.vm_nics.get(vm.key, [])]
        h = lines.height() + 12 + sum(b.h + 6 for b in nic_blocks) + (2 if nic_blocks else 0)

        def draw(scene: Scene, x: int, y: int) -> None:
            css = f"card {vm.ownership}" + (" conditional" if vm.conditional else "")
            scene.parts.append(
                f'<g class="{css}" data-key="{escape(vm.key)}" data-type="{escape(vm.type)}" '
                f'data-name="{escape(vm.name)}"><title>{escape(_tooltip(vm))}</title>'
                f'<rect class="box" x="{x}" y="{y}" width="{w}" height="{h}" rx="6"/>')
            _emit_lines(scene, x + 8, y + 6, lines)
            scene.at[vm.key] = Rect(x, y, w, h)
            cy = y + lines.height() + 10
            for b in nic_blocks:
                b.draw(scene, x + 8, cy)
                cy += b.h + 6
            scene.parts.append("</g>")

        self.placed.add(vm.key)
        self.placed.update(self.vm_nics.get(vm.key, []))
        return Block(w, h, draw)

    def nic_block(self, vm: str, nic: Node, width: int) -> Block:
        extra: list[str] = []
        for e in self.t.out(nic.key):
            if e.dst not in self.nodes:
                continue
            target = self.nodes[e.dst]
            if e.kind == "nsg":
                extra.append(f"NSG {target.name}")
            elif e.kind == "lb-backend":
                extra.append(f"backend of {target.name}")
            elif e.kind == "public-ip":
                extra.append(f"public IP {target.name}")
            elif e.kind == "subnet" and self.subnet_of.get(vm) != e.dst:
                extra.append(f"subnet {target.name}")
        return _node_block(nic, width, title=self.nic_role(vm, nic.key), extra=extra, role="nic")

    def node(self, n: Node, width: int | None = None) -> Block:
        if n.lower_type == "microsoft.compute/virtualmachines":
            return self.vm_card(n)
        self.placed.add(n.key)
        extra: list[str] = []
        kind = _ASSOCIATED.get(n.lower_type)
        if kind and n.ownership == "owned" and not self.t.into(n.key, kind):
            extra.append("associated with no subnet")
        for e in self.t.out(n.key):
            target = self.nodes.get(e.dst)
            if target is None:
                continue
            if e.kind == "dns-target":
                extra.append(f"forwards to {target.title} {target.name}")
            elif e.kind == "outbound-endpoint":
                extra.append(f"out through {target.name}")
            elif e.kind == "vnet" and n.lower_type != "microsoft.network/virtualnetworks":
                extra.append(f"{'links' if 'link' in n.lower_type else 'in'} VNet {target.name}")
        return _node_block(n, width or self.width, extra=extra)

    def column(self, subnet: Node) -> Block:
        inner = self.width
        members = sorted((self.nodes[k] for k, s in self.subnet_of.items() if s == subnet.key
                          and k not in self.nic_host), key=_member_order)
        blocks = [self.node(m) for m in members]
        zones = self.subnet_zone(subnet.key)
        extra = [f"{_label(e.kind)} {self.nodes[e.dst].name}" for e in self.t.out(subnet.key)
                 if e.dst in self.nodes and e.kind in ("nsg", "route-table", "nat-gateway")]
        lines = _text_lines(subnet, inner + 2 * COL_PAD - 16,
                            title="Subnet" + (f" · {_zones(zones)}" if zones else ""), extra=extra)
        w = inner + 2 * COL_PAD
        h = lines.height() + 14 + sum(b.h + GAP for b in blocks) + (COL_PAD - GAP + 4 if blocks else 8)
        self.placed.add(subnet.key)

        def draw(scene: Scene, x: int, y: int) -> None:
            _open_container(scene, subnet, Rect(x, y, w, h), lines)
            cy = y + lines.height() + 14
            for b in blocks:
                b.draw(scene, x + COL_PAD, cy)
                cy += b.h + GAP

        return Block(w, h, draw)

    def vnet(self, vnet: Node, subnets: list[Node]) -> tuple[Block, list[tuple[Node, int]]]:
        cols = [(s, self.column(s)) for s in subnets]
        lines = _text_lines(vnet, max(self.width, sum(b.w for _, b in cols) + GAP * max(0, len(cols) - 1)))
        inner_w = sum(b.w for _, b in cols) + GAP * 2 * max(0, len(cols) - 1)
        w = max(inner_w, self.width) + 2 * VNET_PAD
        lines = _text_lines(vnet, w - 2 * VNET_PAD)
        head = lines.height() + 16
        h = head + max((b.h for _, b in cols), default=0) + VNET_PAD
        offsets: list[tuple[Node, int]] = []
        cx = VNET_PAD
        for s, b in cols:
            offsets.append((s, cx))
            cx += b.w + 2 * GAP
        self.placed.add(vnet.key)

        def draw(scene: Scene, x: int, y: int) -> None:
            _open_container(scene, vnet, Rect(x, y, w, h), lines, inset=VNET_PAD)
            for (_s, b), (_s2, off) in zip(cols, offsets, strict=True):
                b.draw(scene, x + off, y + head)

        return Block(w, h, draw), offsets


#: Types a subnet is associated with (the subnet refers to them); saying "no subnet" matters in brownfield.
_ASSOCIATED = {"microsoft.network/natgateways": "nat-gateway", "microsoft.network/routetables": "route-table"}


def _open_container(scene: Scene, n: Node, r: Rect, lines: Lines, inset: int = 8) -> None:
    css = f"container {n.ownership}" + (" conditional" if n.conditional else "")
    scene.parts.append(
        f'<g class="{css}" data-key="{escape(n.key)}" data-type="{escape(n.type)}" data-name="{escape(n.name)}">'
        f"<title>{escape(_tooltip(n))}</title>"
        f'<rect class="box" x="{r.x}" y="{r.y}" width="{r.w}" height="{r.h}" rx="8"/>')
    _emit_lines(scene, r.x + inset, r.y + 6, lines)
    scene.parts.append("</g>")
    scene.at[n.key] = r


def _label(kind: str) -> str:
    return {"nsg": "NSG", "route-table": "route table", "nat-gateway": "NAT gateway"}.get(kind, kind)


_MEMBER_ORDER = ("microsoft.network/loadbalancers", "microsoft.network/applicationgateways",
                 "microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets",
                 "microsoft.network/networkinterfaces")

#: Order of kinds in the grid of other resources: network first, then compute, then the rest.
_GRID_ORDER = ("microsoft.network/loadbalancers", "microsoft.network/natgateways", "microsoft.network/publicipaddresses",
               "microsoft.network/routetables", "microsoft.network/networksecuritygroups",
               "microsoft.network/dnsresolvers", "microsoft.network/dnsforwardingrulesets",
               "microsoft.network/dnsforwardingrulesets/forwardingrules",
               "microsoft.network/dnsforwardingrulesets/virtualnetworklinks",
               "microsoft.network/virtualnetworks", "microsoft.compute/virtualmachines",
               "microsoft.network/networkinterfaces", "microsoft.compute/availabilitysets")


def _order(n: Node) -> tuple[object, ...]:
    return (n.index if n.index is not None else -1, n.name.lower(), n.key)


def _member_order(n: Node) -> tuple[object, ...]:
    rank = _MEMBER_ORDER.index(n.lower_type) if n.lower_type in _MEMBER_ORDER else len(_MEMBER_ORDER)
    return (rank, *_order(n))


def _grid_order(n: Node) -> tuple[object, ...]:
    rank = _GRID_ORDER.index(n.lower_type) if n.lower_type in _GRID_ORDER else len(_GRID_ORDER)
    return (rank, n.lower_type if rank == len(_GRID_ORDER) else "", *_order(n))


# ------------------------------------------------------------------ the page


def render(topo: Topology) -> str:
    """The SVG document (text) of ``topo``."""
    lay = Layout(topo)
    nodes = topo.nodes
    scene = Scene()
    W = lay.width

    vnets = sorted((n for n in nodes.values() if n.lower_type == "microsoft.network/virtualnetworks"),
                   key=lambda n: (n.ownership != "existing", n.name.lower(), n.key))
    subnets_of: dict[str, list[Node]] = {v.key: [] for v in vnets}
    for n in nodes.values():
        if n.lower_type == "microsoft.network/virtualnetworks/subnets" and n.parent in subnets_of:
            subnets_of[n.parent].append(n)
    for v in vnets:
        subnets_of[v.key].sort(key=lambda s: (lay.subnet_zone(s.key) or ("~",), s.name.lower(), s.key))

    vnet_blocks = [(v, *lay.vnet(v, subnets_of[v.key])) for v in vnets]

    # next hops into the VNets: the route tables go to the top band
    inside = {k for k in lay.subnet_of} | set(lay.nic_host)
    routes = [e for e in topo.edges if e.kind == "next-hop" and e.dst in inside | set(lay.subnet_of.values())
              and e.src in nodes and e.src not in inside]
    route_tables = sorted({e.src for e in routes}, key=lambda k: _order(nodes[k]))
    refs = sorted((n for n in nodes.values() if n.ownership != "owned" and n.key not in lay.placed
                   and n.lower_type not in ("microsoft.network/virtualnetworks",
                                            "microsoft.network/virtualnetworks/subnets")),
                  key=lambda n: (n.ownership, n.title, *_order(n)))
    top_blocks = [lay.node(n) for n in refs]
    route_blocks = [lay.node(nodes[k]) for k in route_tables]

    # NAT gateways (and their public IPs) under the column of their zone
    columns: list[tuple[str, int]] = []  # (zone, x offset in the VNet row)
    row_x = 0
    for _v, b, offsets in vnet_blocks:
        for s, off in offsets:
            for z in lay.subnet_zone(s.key)[:1]:
                columns.append((z, row_x + off + COL_PAD))
        row_x += b.w + GAP * 2
    egress: dict[int, list[Block]] = {}
    links: list[tuple[str, str]] = []
    for nat in sorted(topo.of_type("Microsoft.Network/natGateways"), key=_order):
        if nat.key in lay.placed or not nat.zones or len(nat.zones) != 1:
            continue
        where = next((x for z, x in columns if z == nat.zones[0]), None)
        if where is None:
            continue
        stack = egress.setdefault(where, [])
        stack.append(lay.node(nat))
        for e in topo.out(nat.key, "public-ip"):
            if e.dst in nodes and e.dst not in lay.placed:
                stack.append(lay.node(nodes[e.dst]))
                links.append((nat.key, e.dst))

    rest = sorted((n for n in nodes.values() if n.key not in lay.placed and n.ownership == "owned"
                   and n.key not in lay.nic_host), key=_grid_order)
    # keep a public IP right after the resource that uses it
    in_rest = {n.key for n in rest}
    follows = {e.dst for e in topo.edges if e.kind == "public-ip" and e.src in in_rest and e.dst in in_rest
               and e.src != e.dst}
    ordered: list[Node] = []
    seen: set[str] = set()
    for n in rest:
        if n.key in follows or n.key in seen:
            continue
        ordered.append(n)
        seen.add(n.key)
        for e in topo.out(n.key, "public-ip"):
            if e.dst in follows and e.dst not in seen:
                ordered.append(nodes[e.dst])
                seen.add(e.dst)
    ordered += [n for n in rest if n.key not in seen]  # public IPs of each other only
    grid = [lay.node(n) for n in ordered]
    leftovers = [n for n in nodes.values() if n.key not in lay.placed]
    grid += [lay.node(n) for n in sorted(leftovers, key=_grid_order)]

    # --- widths ---
    vnet_row_w = sum(b.w for _v, b, _o in vnet_blocks) + GAP * 2 * max(0, len(vnet_blocks) - 1)
    title_w = int(max(T.width(topo.title, 18, True), T.width(topo.subtitle, 11),
                      *(T.width(x, 10) for x in topo.notes), 0)) + 1
    legend_w = LEGEND_W
    content_w = max(vnet_row_w, 3 * W + 2 * GAP, title_w + GAP + legend_w)
    per_row = max(1, (content_w + GAP) // (W + GAP))
    content_w = max(content_w, min(len(grid), per_row) * (W + GAP) - GAP,
                    min(len(top_blocks), per_row) * (W + GAP) - GAP)
    total_w = content_w + 2 * PAD

    # --- header ---
    y = PAD
    scene.parts.append(f'<text class="title" x="{PAD}" y="{y + 16}">{escape(topo.title)}</text>')
    y += 24
    if topo.subtitle:
        for line in T.wrap(topo.subtitle, content_w - legend_w - GAP, 11, max_lines=3):
            scene.parts.append(f'<text class="subtitle" x="{PAD}" y="{y + 11}">{escape(line)}</text>')
            y += 15
    for note in topo.notes:
        scene.parts.append(f'<text class="note" x="{PAD}" y="{y + 10}">{escape("Note: " + note)}</text>')
        y += 14
    legend_h = _legend(scene, PAD + content_w - legend_w, PAD, legend_w, bool(routes))
    y = max(y, PAD + legend_h) + 18

    def band(caption: str, blocks: list[Block], y: int) -> int:
        if not blocks:
            return y
        scene.parts.append(f'<text class="caption" x="{PAD}" y="{y + 11}">{escape(caption)}</text>')
        y += 20
        x, row_h = PAD, 0
        for b in blocks:
            if x > PAD and x + b.w > PAD + content_w:
                x, y = PAD, y + row_h + GAP
                row_h = 0
            b.draw(scene, x, y)
            x += b.w + GAP
            row_h = max(row_h, b.h)
        return y + row_h + 2 * GAP

    y = band("Referenced, not created by this template", top_blocks, y)
    y = band("Route tables whose next hop this template creates", route_blocks, y)
    lanes_top = y - GAP
    y += 8 * len(route_tables)

    if vnet_blocks:
        x = PAD
        row_h = 0
        for _v, b, _o in vnet_blocks:
            b.draw(scene, x, y)
            x += b.w + 2 * GAP
            row_h = max(row_h, b.h)
        y += row_h + 2 * GAP
    if egress:
        scene.parts.append(f'<text class="caption" x="{PAD}" y="{y + 11}">NAT gateways (egress), per zone</text>')
        y += 20
        deepest = y
        for x_off, stack in sorted(egress.items()):
            sy = y
            for b in stack:
                b.draw(scene, PAD + x_off, sy)
                sy += b.h + GAP
            deepest = max(deepest, sy)
        y = deepest + GAP
    y = band("Also created by this template", grid, y)

    for a, b in links:
        ra, rb = scene.at.get(a), scene.at.get(b)
        if ra and rb:
            cx = ra.x + 24
            scene.top.append(f'<path class="link" d="M{cx} {ra.y + ra.h} V{rb.y}"/>')
    for i, rt in enumerate(route_tables):
        _route_arrows(scene, lay, topo, rt, [e for e in routes if e.src == rt], lanes_top + 8 * i, i)

    total_h = y - GAP + PAD
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{total_h}" '
            f'viewBox="0 0 {total_w} {total_h}" role="img" aria-label="{escape(topo.title)}">'
            f"<title>{escape(topo.title)}</title><style>{STYLE}</style>"
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#c05621"/></marker></defs>'
            f'<rect x="0" y="0" width="{total_w}" height="{total_h}" fill="#ffffff"/>')
    return "\n".join([head, *scene.parts, *scene.top, "</svg>"]) + "\n"


def _route_arrows(scene: Scene, lay: Layout, topo: Topology, rt: str, edges: list, lane: int, i: int) -> None:
    src = scene.at.get(rt)
    if src is None:
        return
    for e in edges:
        dst = scene.at.get(e.dst)
        if dst is None:
            continue
        subnet = lay.subnet_of.get(e.dst) or lay.subnet_of.get(lay.nic_host.get(e.dst, ""), "")
        col = scene.at.get(subnet)
        gx = (col.x if col else dst.x) - 12 - 4 * i
        sx = src.x + src.w // 2
        ty = dst.y + min(dst.h // 2, 24)
        scene.top.append(
            f'<path class="edge" data-from="{escape(rt)}" data-to="{escape(e.dst)}" '
            f'd="M{sx} {src.y + src.h} V{lane} H{gx} V{ty} H{dst.x - 1}" marker-end="url(#arrow)"/>')


LEGEND_ROWS = (("owned", "created by this template"), ("existing", "existing: referenced, not modified"),
               ("reference", "reference: read (identity, Key Vault)"))
LEGEND_COND = ": only where its condition holds"
LEGEND_W = int(max(max(T.width(t, DETAIL) for _, t in LEGEND_ROWS) + 54,
                   T.width("conditional", DETAIL, True) + T.width(LEGEND_COND, DETAIL) + 20)) + 1


def _legend(scene: Scene, x: int, y: int, w: int, arrow: bool) -> int:
    rows = LEGEND_ROWS
    h = 10 + 22 * len(rows) + (22 if arrow else 0) + 18
    scene.parts.append(f'<g class="legend"><rect class="frame" x="{x}" y="{y}" width="{w}" height="{h}" rx="4"/>')
    cy = y + 10
    for css, text in rows:
        scene.parts.append(f'<g class="{css}"><rect class="box" x="{x + 10}" y="{cy}" width="26" height="14" rx="3"/></g>'
                           f'<text class="detail" x="{x + 44}" y="{cy + 11}">{escape(text)}</text>')
        cy += 22
    scene.parts.append(f'<text class="detail" x="{x + 10}" y="{cy + 10}"><tspan class="cond">conditional</tspan>'
                       f"{escape(LEGEND_COND)}</text>")
    cy += 18
    if arrow:
        scene.parts.append(f'<path class="edge" d="M{x + 10} {cy + 8} H{x + 34}" marker-end="url(#arrow)"/>'
                           f'<text class="detail" x="{x + 44}" y="{cy + 12}">route next hop</text>')
    scene.parts.append("</g>")
    return h
