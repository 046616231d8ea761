"""The checked-in artifacts of the built-in offers, and how to regenerate them.

``createUiDefinition/<offer>/`` holds each built-in offer's mainTemplate.json and
createUiDefinition.json, ``bicep/<offer>/`` its main.bicep, all built with default options; the
named variants of :data:`VARIANTS` (the cloud-connector offer's other deployment shapes) sit
beside them as ``<offer>-<variant>``. ``docs/<name>.svg`` and ``.mmd`` are the topology diagrams
(``armgen diagram``) of the default offer and of the variants in :data:`DIAGRAMS`.
Reviewers see every change to what armgen emits as a diff of these files, and a test fails when
a fresh build differs from them. ``make golden`` (``python -m armgen.golden``) rewrites them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: Named builds beside the defaults: folder name -> (offer, build options).
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "cloud-connector-greenfield": ("cloud-connector", {"network": "new", "workloadSubnet": True, "bastion": True}),
    "cloud-connector-zpa": ("cloud-connector", {"zpa": True}),
    "cloud-connector-greenfield-zpa": ("cloud-connector", {"network": "new", "zpa": True, "variant": "standalone"}),
    "cloud-connector-byo-nat": ("cloud-connector", {"byoNatGateway": True}),
}
#: Variants drawn under docs/ besides the default offer.
DIAGRAMS = ("cloud-connector-greenfield", "cloud-connector-zpa")

#: file name in a build -> folder it is checked in under
LAYOUT = {
    "mainTemplate.json": "createUiDefinition",
    "createUiDefinition.json": "createUiDefinition",
    "main.bicep": "bicep",
}


def golden_files(root: Path = ROOT) -> dict[Path, str]:
    """Every golden file's path and its freshly built content."""
    from armgen.build import build_files
    from armgen.offers import OFFERS

    out: dict[Path, str] = {}
    builds: dict[str, tuple[str, dict[str, Any]]] = {name: (name, {}) for name in sorted(OFFERS)}
    builds.update(VARIANTS)
    for folder, (offer, options) in builds.items():
        for fname, text in build_files(offer, options).items():
            if fname in LAYOUT:
                out[root / LAYOUT[fname] / folder / fname] = text
    out.update(diagram_files(root))
    return out


def diagram_files(root: Path = ROOT) -> dict[Path, str]:
    """The diagrams, as SVG and as Mermaid, under docs/: the default offer's and the variants'."""
    from armgen.build import DEFAULT_OFFER
    from armgen.diagram import mermaid, svg
    from armgen.diagram.source import from_offer
    from armgen.diagram.topology import topology

    out: dict[Path, str] = {}
    for name, (offer, options) in [(DEFAULT_OFFER, (DEFAULT_OFFER, {})), *((d, VARIANTS[d]) for d in DIAGRAMS)]:
        src = from_offer(offer, options)
        topo = topology(src.template, title=src.title, subtitle=src.subtitle)
        out[root / "docs" / f"{name}.svg"] = svg.render(topo)
        out[root / "docs" / f"{name}.mmd"] = mermaid.render(topo)
    return out


def main() -> int:
    from armgen.jsonio import write_atomic

    for path, text in golden_files().items():
        write_atomic(path, text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
