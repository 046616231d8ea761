"""The topology as a Mermaid flowchart (text), for documentation that renders Mermaid.

VNets and subnets are subgraphs; a VM is a subgraph holding its NICs; every other resource is a
node. Owned, existing and reference resources get the same three styles as the SVG's legend.
Edges carry the relation (next hop, NSG, backend pool, public IP, identity, Key Vault); a NIC's
subnet is its place in the subgraph, not an edge. Ids are ``n1``, ``n2``... in a fixed order, so
the text is stable from run to run.
"""

from __future__ import annotations

from armgen.diagram.svg import Layout, _grid_order, _member_order, _order
from armgen.diagram.topology import Node, Topology

STYLES = {
    "owned": "fill:#eaf2fc,stroke:#1f5fa8,stroke-width:1.5px",
    "existing": "fill:#f4f4f4,stroke:#6b6b6b,stroke-width:1.5px,stroke-dasharray:6 4",
    "reference": "fill:#f6effb,stroke:#7b3fa0,stroke-width:1.5px,stroke-dasharray:2 3",
}
EDGE_LABELS = {
    "next-hop": "next hop", "nsg": "NSG", "lb-backend": "backend pool", "public-ip": "public IP",
    "identity": "identity", "key-vault": "Key Vault", "nat-gateway": "NAT gateway", "route-table": "route table",
    "availability-set": "availability set", "peering": "peering", "lb-nat-rule": "NAT rule", "vnet": "VNet",
    "ddos": "DDoS plan", "uses": "uses", "dns-target": "forwards DNS to", "outbound-endpoint": "out through",
}
#: Relations drawn as dotted lines: references to what the deployment reads.
DOTTED = ("identity", "key-vault")


def _text(s: str) -> str:
    return s.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _label(n: Node, title: str | None = None) -> str:
    head = title or n.title
    bits = [b for b in (", ".join(n.zones) and f"zone {', '.join(n.zones)}" if n.zones else "",
                        n.ownership if n.ownership != "owned" else "", n.count or "",
                        "conditional" if n.conditional else "") if b]
    first = f"{head}" + (f" ({', '.join(bits)})" if bits else "")
    return f"{_text(first)}<br/>{_text(n.name)}"


def render(topo: Topology) -> str:
    lay = Layout(topo)
    nodes = topo.nodes
    ids: dict[str, str] = {}

    def nid(key: str) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids) + 1}"
        return ids[key]

    out = ["flowchart TB"]
    done: set[str] = set()

    def emit(n: Node, indent: str) -> None:
        done.add(n.key)
        if n.lower_type == "microsoft.compute/virtualmachines" and lay.vm_nics.get(n.key):
            out.append(f'{indent}subgraph {nid(n.key)}["{_label(n)}"]')
            for k in lay.vm_nics[n.key]:
                done.add(k)
                out.append(f'{indent}  {nid(k)}["{_label(nodes[k], lay.nic_role(n.key, k))}"]')
            out.append(f"{indent}end")
        else:
            out.append(f'{indent}{nid(n.key)}["{_label(n)}"]')

    vnets = sorted((n for n in nodes.values() if n.lower_type == "microsoft.network/virtualnetworks"),
                   key=lambda n: (n.ownership != "existing", n.name.lower(), n.key))
    for v in vnets:
        out.append(f'  subgraph {nid(v.key)}["{_label(v)}"]')
        done.add(v.key)
        subnets = sorted((n for n in nodes.values() if n.parent == v.key
                          and n.lower_type == "microsoft.network/virtualnetworks/subnets"),
                         key=lambda s: (lay.subnet_zone(s.key) or ("~",), s.name.lower(), s.key))
        for s in subnets:
            zones = lay.subnet_zone(s.key)
            title = "Subnet" + (f", zone {', '.join(zones)}" if zones else "")
            out.append(f'    subgraph {nid(s.key)}["{_label(s, title)}"]')
            done.add(s.key)
            members = sorted((nodes[k] for k, sub in lay.subnet_of.items() if sub == s.key and k not in lay.nic_host),
                             key=_member_order)
            for m in members:
                emit(m, "      ")
            out.append("    end")
        out.append("  end")
    for n in sorted((n for n in nodes.values() if n.key not in done and n.key not in lay.nic_host), key=_grid_order):
        emit(n, "  ")
    for n in sorted((n for n in nodes.values() if n.key not in done), key=_order):
        emit(n, "  ")  # NICs whose VM was drawn without them

    seen: set[tuple[str, str, str]] = set()
    for e in topo.edges:
        if e.kind == "subnet" or e.src not in nodes or e.dst not in nodes:
            continue
        if e.kind == "nic" and lay.nic_host.get(e.dst) == e.src:
            continue
        key = (e.src, e.dst, e.kind)
        if key in seen:
            continue
        seen.add(key)
        label = _text(EDGE_LABELS.get(e.kind, e.kind))
        arrow = "-.->" if e.kind in DOTTED else "-->"
        out.append(f"  {nid(e.src)} {arrow}|{label}| {nid(e.dst)}")
    for css, style in STYLES.items():
        out.append(f"  classDef {css} {style}")
    for css in STYLES:
        members = [ids[k] for k, n in nodes.items() if n.ownership == css and k in ids]
        for i in range(0, len(members), 20):
            out.append(f"  class {','.join(members[i:i + 20])} {css}")
    return "\n".join(out) + "\n"
