"""The checked-in artifacts of the built-in offers, and how to regenerate them.

``createUiDefinition/<offer>/`` holds each built-in offer's mainTemplate.json and
createUiDefinition.json, ``bicep/<offer>/`` its main.bicep, all built with default options;
``docs/<default offer>.svg`` and ``.mmd`` the default offer's topology diagram (``armgen diagram``).
Reviewers see every change to what armgen emits as a diff of these files, and a test fails when
a fresh build differs from them. ``make golden`` (``python -m armgen.golden``) rewrites them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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
    for name in sorted(OFFERS):
        for fname, text in build_files(name).items():
            if fname in LAYOUT:
                out[root / LAYOUT[fname] / name / fname] = text
    out.update(diagram_files(root))
    return out


def diagram_files(root: Path = ROOT) -> dict[Path, str]:
    """The default offer's diagram, as SVG and as Mermaid, under docs/."""
    from armgen.build import DEFAULT_OFFER
    from armgen.diagram import mermaid, svg
    from armgen.diagram.source import from_offer
    from armgen.diagram.topology import topology

    src = from_offer(DEFAULT_OFFER, {})
    topo = topology(src.template, title=src.title, subtitle=src.subtitle)
    return {root / "docs" / f"{DEFAULT_OFFER}.svg": svg.render(topo),
            root / "docs" / f"{DEFAULT_OFFER}.mmd": mermaid.render(topo)}


def main() -> int:
    from armgen.jsonio import write_atomic

    for path, text in golden_files().items():
        write_atomic(path, text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
