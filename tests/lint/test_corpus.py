"""``armgen lint`` on every package of the shared corpus: no crash, findings well formed."""

from __future__ import annotations

from pathlib import Path

import pytest

from armgen.errors import InputError
from armgen.lint import lint_many, lint_path
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


def test_worker_processes_give_the_same_reports(shared: Path) -> None:
    root = shared / "corpus"
    packages = sorted({p.parent for p in root.rglob("*.json") if p.name.lower() in MAIN_NAMES})[::10]
    cache = shared / "armttk" / "AllAzureResources.cache.json"
    serial = [r.to_json() for r in lint_many(packages, api_versions=cache, marketplace=True)]
    parallel = [r.to_json() for r in lint_many(packages, jobs=2, api_versions=cache, marketplace=True)]
    assert parallel == serial
    assert sum(len(r["findings"]) for r in serial) > 0


def test_worker_processes_report_unreadable_input(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "mainTemplate.json").write_text('{"resources": []}')
    with pytest.raises(InputError) as err:
        lint_many([good, tmp_path / "missing"], jobs=2)
    assert err.value.file == str(tmp_path / "missing")
