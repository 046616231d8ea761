"""``armgen diagram`` on every template of the shared corpus: no error, every resource drawn."""

from __future__ import annotations

import csv
from pathlib import Path

from armgen.diagram import mermaid, svg
from armgen.diagram.source import from_path
from armgen.diagram.topology import topology
from tests.diagram.test_render import drawn


def test_every_corpus_template(shared: Path) -> None:
    root = shared / "corpus"
    with (root / "INDEX.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 100
    kinds: set[str] = set()
    for row in rows:
        src = from_path(str(root / row["corpus_dir"]))
        topo = topology(src.template, title=src.title, subtitle=src.subtitle)
        assert set(drawn(svg.render(topo))) == set(topo.nodes), row["corpus_dir"]
        assert mermaid.render(topo).startswith("flowchart TB")
        kinds |= {n.ownership for n in topo.nodes.values()}
    assert kinds == {"owned", "existing", "reference"}
