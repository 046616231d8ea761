"""``armgen lint`` on every package of the shared corpus: no crash, findings well formed."""

from __future__ import annotations

from pathlib import Path

from armgen.lint import lint_path
from armgen.lint.engine import MAIN_NAMES


def test_lint_every_corpus_package(shared: Path) -> None:
    root = shared / "corpus"
    packages = sorted({p.parent for p in root.rglob("*.json") if p.name.lower() in MAIN_NAMES})
    assert len(packages) > 100
    cache = shared / "armttk" / "AllAzureResources.cache.json"
    total = 0
    for pkg in packages:
        report = lint_path(pkg, api_versions=cache, marketplace=True)
        assert report.ran, pkg
        for f in report.findings:
            assert f.severity in ("error", "warning")
            assert f.path.startswith("$")
            assert f.line is None or f.line >= 1
        total += len(report.findings)
    assert total > 0
