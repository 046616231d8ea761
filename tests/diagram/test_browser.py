"""The diagram in a real headless Chromium: every resource labelled, every label visible, inside the
canvas and its box, none overlapping another (the layout's text widths are estimates; this is
the proof they hold in a browser's real font)."""

from __future__ import annotations

from pathlib import Path

import pytest

from armgen.diagram import svg
from armgen.diagram.source import from_offer, from_path
from armgen.diagram.topology import Topology, topology
from tests.diagram.geometry import READ_TEXTS, problems

CASES = [
    ("cloud-connector", {}),
    ("cloud-connector", {"variant": "standalone", "zones": [], "natGateway": False}),
    ("cloud-connector", {"zones": ["1", "2", "3"], "appliancesPerZone": 1}),
    ("cloud-connector", {"zones": ["1"], "appliancesPerZone": 3}),
    ("cloud-connector", {"network": "new", "workloadSubnet": True, "bastion": True, "zpa": True}),
    ("cloud-connector", {"zpa": True, "variant": "standalone", "byoNatGateway": True}),
    ("two-nic-appliance", {}),
]
CORPUS = [
    "fortinet+azure-templates/FortiGate/Active-Passive-ELB-ILB",
    "Azure+azure-managedapp-samples/Managed Application Sample Packages/201-managed-app-using-existing-vnet",
    "IBM+azure-marketplace-arm-templates/sterling/2024-03/plan-files/sip-on-aks",
]


def load(browser, topo: Topology, tmp_path: Path) -> dict:
    doc = svg.render(topo)
    page = tmp_path / "diagram.svg"
    page.write_text(doc, encoding="utf-8")
    browser.open(page)
    return browser.js(READ_TEXTS)


@pytest.mark.parametrize(("offer", "options"), CASES, ids=lambda x: x if isinstance(x, str) else
                         "-".join(f"{k}={v}" for k, v in x.items()) or "defaults")
def test_offer_diagram_renders_every_resource_labelled(browser, tmp_path: Path, offer: str, options: dict) -> None:
    src = from_offer(offer, options)
    topo = topology(src.template, title=src.title, subtitle=src.subtitle)
    page = load(browser, topo, tmp_path)
    labelled = {g["key"]: g["label"] for g in page["groups"]}
    assert labelled == {k: n.name for k, n in topo.nodes.items()}  # every resource, its whole name
    assert problems(page) == []
    shot = browser.screenshot_full(tmp_path / "diagram.png", int(page["width"]), int(page["height"]))
    assert shot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("package", CORPUS, ids=lambda p: p.split("/")[-1])
def test_corpus_diagram_renders_every_resource_labelled(browser, shared: Path, tmp_path: Path, package: str) -> None:
    src = from_path(str(shared / "corpus" / package))
    topo = topology(src.template, title=src.title, subtitle=src.subtitle)
    page = load(browser, topo, tmp_path)
    labelled = {g["key"]: g["label"] for g in page["groups"]}
    assert set(labelled) == set(topo.nodes)
    for key, node in topo.nodes.items():  # a name too long for two lines ends in an ellipsis
        got = labelled[key]
        assert got == node.name or (got.endswith("…") and node.name.startswith(got[:-1])), (got, node.name)
    assert problems(page) == []


def test_the_checks_catch_overlap_and_overflow(browser, tmp_path: Path) -> None:
    page = tmp_path / "bad.svg"
    page.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                    '<text x="10" y="20" font-size="12">first label</text>'
                    '<text x="14" y="22" font-size="12">second label</text>'
                    '<text x="150" y="60" font-size="12">runs off the edge</text>'
                    '<text x="10" y="80" font-size="12" visibility="hidden">hidden</text></svg>', encoding="utf-8")
    browser.open(page)
    found = problems(browser.js(READ_TEXTS))
    assert "'first label' overlaps 'second label'" in found
    assert "'runs off the edge' (None) is outside the canvas" in found
    assert "'hidden' (None) is not visible" in found
