"""SVG and Mermaid output: well formed, every resource drawn once, byte-identical on a rerun."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from armgen.diagram import mermaid, svg
from armgen.diagram import text as T
from armgen.diagram.source import from_offer
from armgen.diagram.topology import topology
from tests.diagram.test_topology import VARIANTS

NS = "{http://www.w3.org/2000/svg}"


def drawn(doc: str) -> dict[str, ET.Element]:
    root = ET.fromstring(doc)
    out: dict[str, ET.Element] = {}
    for g in root.iter(f"{NS}g"):
        key = g.get("data-key")
        if key is not None:
            assert key not in out, f"{key} drawn twice"
            out[key] = g
    return out


def label_of(g: ET.Element) -> str:
    return "".join(t.text or "" for t in g.findall(f"{NS}text") if t.get("class") == "label")


#: The offer's other deployment shapes (issue 17): an owned VNet, ZPA's resolver and ruleset, a management host.
SHAPES = [{"network": "new", "workloadSubnet": True, "bastion": True, "zpa": True},
          {"network": "new", "variant": "standalone", "zones": [], "zpa": True},
          {"zpa": True, "byoNatGateway": True}]


@pytest.mark.parametrize("options", VARIANTS[::3] + SHAPES, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_every_resource_is_drawn_once_with_its_name(options: dict) -> None:
    src = from_offer("cloud-connector", options)
    topo = topology(src.template, title=src.title, subtitle=src.subtitle)
    doc = svg.render(topo)
    groups = drawn(doc)
    assert set(groups) == set(topo.nodes)
    for key, node in topo.nodes.items():
        assert label_of(groups[key]) == node.name
        assert groups[key].get("class", "").split()[1] == node.ownership
    assert svg.render(topo) == doc
    root = ET.fromstring(doc)
    w, h = int(root.get("width", 0)), int(root.get("height", 0))
    for r in root.iter(f"{NS}rect"):
        assert 0 <= int(r.get("x", 0)) and int(r.get("x", 0)) + int(r.get("width", 0)) <= w
        assert 0 <= int(r.get("y", 0)) and int(r.get("y", 0)) + int(r.get("height", 0)) <= h


def test_route_next_hop_is_an_arrow_to_the_load_balancer() -> None:
    src = from_offer("cloud-connector", {})
    topo = topology(src.template)
    doc = svg.render(topo)
    lb = topo.of_type("Microsoft.Network/loadBalancers")[0]
    rt = topo.of_type("Microsoft.Network/routeTables")[0]
    arrows = re.findall(r'<path class="edge" data-from="([^"]+)" data-to="([^"]+)"', doc)
    assert arrows == [(rt.key, lb.key)]


def test_greenfield_route_arrow_reaches_the_frontend_by_its_fixed_address() -> None:
    src = from_offer("cloud-connector", {"network": "new", "zpa": True})
    topo = topology(src.template)
    doc = svg.render(topo)
    lb = topo.of_type("Microsoft.Network/loadBalancers")[0]
    rt = next(r for r in topo.of_type("Microsoft.Network/routeTables") if "workload" in r.name)
    assert re.findall(r'<path class="edge" data-from="([^"]+)" data-to="([^"]+)"', doc) == [(rt.key, lb.key)]
    rule = topo.of_type("Microsoft.Network/dnsForwardingRulesets/forwardingRules")[0]
    assert f"forwards to Load balancer {lb.name}" in doc.split(f'data-key="{rule.key}"')[1].split("</g>")[0]
    assert "forwards DNS to" in mermaid.render(topo)


def test_long_names_wrap_and_fit() -> None:
    name = "pid-6a357855-14c7-4d01-8297-0bb7ebb133a1-partnercenter"
    lines = T.split_name(name, 260, 12)
    assert "".join(lines) == name and len(lines) == 2
    assert all(T.width(line, 12, True) <= 260 for line in lines)
    assert T.fit("x" * 200, 100, 10).endswith("…")
    assert T.width(T.fit("x" * 200, 100, 10), 10) <= 100


def test_mermaid_flowchart() -> None:
    src = from_offer("cloud-connector", {"variant": "ha"})
    topo = topology(src.template)
    text = mermaid.render(topo)
    assert text.startswith("flowchart TB\n") and text == mermaid.render(topo)
    lines = text.splitlines()
    assert sum(1 for x in lines if x.strip() == "end") == sum(1 for x in lines if x.strip().startswith("subgraph "))
    ids = {m.group(1): m.group(2) for m in re.finditer(r'(n\d+)\["[^"]*<br/>([^"]*)"\]', text)}
    assert sorted(ids.values()) == sorted(n.name for n in topo.nodes.values())
    assert re.search(r"n\d+ -->\|next hop\| n\d+", text)
    assert "classDef existing" in text and "stroke-dasharray" in text
