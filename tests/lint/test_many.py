"""``armgen lint PATH...``: folders searched for packages, each package linted on its own, worker
processes, per-package summaries; and the apiVersions cache shipped with armgen used by default."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from armgen.cli import main
from armgen.lint import apicache, lint_path, lint_targets

TEMPLATE = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
CUID = "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#"


@pytest.fixture(autouse=True)
def _no_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def write_package(folder: Path, param: str) -> Path:
    """A template with one parameter and a createUiDefinition whose output names that parameter."""
    folder.mkdir(parents=True)
    tpl = {
        "$schema": TEMPLATE,
        "contentVersion": "1.0.0.0",
        "parameters": {param: {"type": "string"}, "location": {"type": "string"}},
        "resources": [],
        "outputs": {"o": {"type": "string", "value": f"[concat(parameters('{param}'), parameters('location'))]"}},
    }
    cuid = {
        "$schema": CUID,
        "handler": "Microsoft.Azure.CreateUIDef",
        "version": "0.1.2-preview",
        "parameters": {"basics": [], "steps": [], "outputs": {param: "x", "location": "[location()]"}},
    }
    (folder / "mainTemplate.json").write_text(json.dumps(tpl, indent=2), encoding="utf-8")
    (folder / "createUiDefinition.json").write_text(json.dumps(cuid, indent=2), encoding="utf-8")
    return folder


def test_a_folder_of_packages_pairs_each_template_with_its_own_ui(tmp_path: Path) -> None:
    write_package(tmp_path / "repo" / "alpha", "alphaName")
    write_package(tmp_path / "repo" / "beta", "betaName")
    targets = lint_targets([tmp_path / "repo"])
    assert [t.path.name for t in targets] == ["alpha", "beta"]
    for t in targets:  # each createUiDefinition output is its own template's parameter
        report = lint_path(t, tests=["Outputs-Must-Be-Present-In-Template-Parameters"])
        assert report.ran and report.errors == []
    # beta's UI against alpha's template: the pairing is what the test checks
    (tmp_path / "repo" / "beta" / "mainTemplate.json").unlink()
    (tmp_path / "repo" / "beta" / "mainTemplate.json").write_text(
        (tmp_path / "repo" / "alpha" / "mainTemplate.json").read_text(), encoding="utf-8"
    )
    [beta] = [t for t in lint_targets([tmp_path / "repo"]) if t.path.name == "beta"]
    report = lint_path(beta, tests=["Outputs-Must-Be-Present-In-Template-Parameters"])
    assert [f.message for f in report.errors] and "betaName" in report.errors[0].message


def test_a_nested_package_is_linted_on_its_own_not_as_part_of_its_parent(tmp_path: Path) -> None:
    write_package(tmp_path / "repo" / "appliance", "a")
    (tmp_path / "repo" / "appliance" / "legacy").mkdir()
    write_package(tmp_path / "repo" / "appliance" / "legacy" / "v1", "b")
    targets = lint_targets([tmp_path / "repo"])
    assert [(t.path.name, t.exclude) for t in targets] == [("appliance", ("legacy/v1",)), ("v1", ())]
    parent = lint_path(targets[0])
    assert not any("legacy" in f for f in parent.files)
    # given directly, a package folder is everything below it, as arm-ttk tests it
    assert any("legacy" in f for f in lint_path(tmp_path / "repo" / "appliance").files)


def test_several_paths_summary_per_package_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_package(tmp_path / "good", "name")
    bad = write_package(tmp_path / "bad", "name")
    (bad / "createUiDefinition.json").write_text(
        (bad / "createUiDefinition.json").read_text().replace('"location": "[location()]"', '"where": "x"'),
        encoding="utf-8",
    )
    assert main(["lint", str(good), str(bad), "--test", "Location-Should-Be-In-Outputs"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f"{good}: 0 errors, 0 warnings in 2 files (1 tests run)" in lines
    assert any(line.startswith(f"{bad}: 1 error,") for line in lines)
    assert "total: 2 packages (1 with errors), 1 error, 0 warnings" in lines


def test_worker_processes_print_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a", "b", "c"):
        write_package(tmp_path / "repo" / name, f"{name}Param")
    outputs = []
    for jobs in ("1", "2"):
        for fmt in ("text", "json", "sarif"):
            main(["lint", str(tmp_path / "repo"), "--jobs", jobs, "--format", fmt, "--sarif-root", str(tmp_path)])
            outputs.append(capsys.readouterr().out)
    assert outputs[:3] == outputs[3:]
    doc = json.loads(outputs[1])
    assert [p["path"] for p in doc["packages"]] == [str(tmp_path / "repo" / n) for n in ("a", "b", "c")]
    assert len(json.loads(outputs[2])["runs"]) == 1


def test_a_folder_without_packages_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.json").write_text("{}", encoding="utf-8")
    assert main(["lint", str(tmp_path / "docs")]) == 2
    assert "no package here" in capsys.readouterr().err


def test_the_bundled_cache_is_used_by_default_and_dates_the_run(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    doc = {
        "$schema": TEMPLATE,
        "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2015-06-15", "name": "v"}],
    }
    (pkg / "mainTemplate.json").write_text(json.dumps(doc), encoding="utf-8")
    report = lint_path(pkg, tests=["apiVersions-Should-Be-Recent"])
    assert [f.id for f in report.errors] == ["ApiVersion.OutOfDate"]
    shipped = apicache.bundled_date()
    assert shipped is not None and report.api_cache == f"bundled cache, judged as of {shipped.isoformat()}"
    age = (shipped - dt.date(2015, 6, 15)).days
    assert f"is {age} days old" in report.errors[0].message
    # judged on another day, by request
    early = lint_path(pkg, tests=["apiVersions-Should-Be-Recent"], test_date=dt.date(2016, 1, 1))
    assert early.errors == []


def test_the_bundled_cache_is_arm_ttk_shaped_and_deterministic() -> None:
    import gzip

    raw = apicache.BUNDLED.read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip mtime 0: the same bytes from every build
    doc = json.loads(gzip.decompress(raw))
    entry = doc["Microsoft.Network/virtualNetworks"][0]
    assert entry["resourceType"] == "Microsoft.Network/virtualNetworks"
    assert entry["apiVersions"] == sorted(entry["apiVersions"], reverse=True)
    meta = json.loads(apicache.PROVENANCE.read_text(encoding="utf-8"))
    assert meta["date"] == apicache.bundled_date().isoformat() and meta["wheels"]


def test_package_refuses_to_gate_without_a_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(apicache, "BUNDLED", tmp_path / "not-installed.json.gz")
    src = write_package(tmp_path / "src", "name")
    assert main(["package", str(src), "--version", "1.0.0", "--out", str(tmp_path / "dist")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no apiVersions cache" in err[0] and "--refresh-api-versions" in err[0]
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
