"""``armgen package``: deterministic bytes, the gate, atomic output, the CLI."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

import armgen.package as pkgmod
from armgen.cli import main
from armgen.errors import InputError
from armgen.package import GateError, build_package, read_zip, select_files, source_epoch, zip_bytes
from tests.package import sample


def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def test_same_inputs_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = build_package(sample.files(), "demo", "1.0.0", out_dir=tmp_path / "a")
    # same files given in another order: still the same bytes
    b = build_package(dict(reversed(list(sample.files().items()))), "demo", "1.0.0", out_dir=tmp_path / "b")
    assert a.path is not None and b.path is not None
    assert a.path.name == "demo-1.0.0.zip"
    assert hashlib.sha256(a.path.read_bytes()).hexdigest() == hashlib.sha256(b.path.read_bytes()).hexdigest() == a.sha256


def test_zip_layout_timestamps_and_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"mainTemplate.json": b"{}", "scripts/b.sh": b"b", "createUiDefinition.json": b"{}", "nestedtemplates/a.json": b"{}"}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = zip_bytes(files)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(files)
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000002")
    assert zip_bytes(files) != data  # the timestamp really comes from SOURCE_DATE_EPOCH
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with zipfile.ZipFile(io.BytesIO(zip_bytes(files))) as zf:
        assert zf.infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)


def test_source_date_epoch_is_validated_and_clamped() -> None:
    assert source_epoch({"SOURCE_DATE_EPOCH": "0"}) == pkgmod.ZIP_MIN_EPOCH
    assert source_epoch({}) == pkgmod.DEFAULT_EPOCH
    with pytest.raises(InputError):
        source_epoch({"SOURCE_DATE_EPOCH": "yesterday"})


def test_bicep_and_parameters_files_stay_out() -> None:
    files = {**sample.files(), "main.bicep": b"", "mainTemplate.parameters.json": b"{}", ".git/x": b"", "scripts/s.sh": b""}
    keep, skipped = select_files(files)
    assert sorted(keep) == ["createUiDefinition.json", "mainTemplate.json", "scripts/s.sh"]
    assert skipped == [".git/x", "main.bicep", "mainTemplate.parameters.json"]


def broken(change: Any) -> dict[str, bytes]:
    doc = sample.main_template()
    change(doc)
    return {**sample.files(), "mainTemplate.json": sample.dump(doc)}


def test_gate_blocks_a_marketplace_rule_error(tmp_path: Path) -> None:
    files = broken(lambda d: d["resources"][0].update(name="[variables('pid')]"))
    with pytest.raises(GateError) as exc:
        build_package(files, "demo", "1.0.0", out_dir=tmp_path)
    assert [c.rule for c in exc.value.report.errors] == ["MP-pid"]
    assert list(tmp_path.iterdir()) == []


def test_gate_blocks_a_schema_error(tmp_path: Path) -> None:
    files = broken(lambda d: d["resources"][2].update(propertes={}))
    with pytest.raises(GateError) as exc:
        build_package(files, "demo", "1.0.0", out_dir=tmp_path)
    errors = exc.value.report.errors
    assert any(c.source == "schema" and c.file == "mainTemplate.json" and "propertes" in c.path for c in errors)
    assert not (tmp_path / "demo-1.0.0.zip").exists()


def test_gate_blocks_a_lint_error_and_shows_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate obeys lint's verdict: an error blocks, a warning is reported and lets it through."""
    seen: list[Path] = []

    def fake_lint(root: Path, severity: str) -> list[pkgmod.Check]:
        seen.append(root)
        assert (root / "mainTemplate.json").is_file()  # lint runs on the zip's unpacked contents
        return [pkgmod.Check("lint", severity, "mainTemplate.json", "$.parameters", "made up", "Some-Test")]

    monkeypatch.setattr(pkgmod, "_lint_checks", lambda root: fake_lint(root, "error"))
    with pytest.raises(GateError):
        build_package(sample.files(), "demo", "1.0.0", out_dir=tmp_path)
    assert not any(tmp_path.iterdir())
    monkeypatch.setattr(pkgmod, "_lint_checks", lambda root: fake_lint(root, "warning"))
    result = build_package(sample.files(), "demo", "1.0.0", out_dir=tmp_path)
    assert [str(w) for w in result.report.warnings] == ["warning [lint:Some-Test] mainTemplate.json: $.parameters: made up"]
    assert len(seen) == 2 and not seen[0].exists()  # the staging folder is gone


def test_gate_runs_official_schemas_when_asked(tmp_path: Path, schemas: Path) -> None:
    files = broken(lambda d: d["resources"][2]["properties"].update(enableAcceleratedNetworking="yes"))
    with pytest.raises(GateError) as exc:
        build_package(files, "demo", "1.0.0", out_dir=tmp_path, official_dir=schemas)
    official = [c for c in exc.value.report.errors if c.source == "official"]
    assert [c.path for c in official] == ["$.resources[2].properties.enableAcceleratedNetworking"]


def test_bad_version_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        build_package(sample.files(), "demo", "1.0", out_dir=tmp_path)


def test_cli_package_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_folder(tmp_path / "myoffer", {**sample.files(), "main.bicep": b"// source"})
    out = tmp_path / "dist"
    assert main(["package", str(src), "--version", "2.1.0", "--out", str(out)]) == 0
    zpath = out / "myoffer-2.1.0.zip"
    assert sorted(read_zip(zpath.read_bytes(), "z")) == ["createUiDefinition.json", "mainTemplate.json"]
    assert hashlib.sha256(zpath.read_bytes()).hexdigest() in capsys.readouterr().out
    first = zpath.read_bytes()
    assert main(["package", str(src), "--version", "2.1.0", "--out", str(out)]) == 0
    assert zpath.read_bytes() == first


def test_cli_package_blocked_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_folder(tmp_path / "bad", broken(lambda d: d["resources"].pop(0) and _nested(d)))
    assert main(["package", str(src), "--version", "1.0.0", "--out", str(tmp_path / "dist")]) == 1
    out = capsys.readouterr()
    assert "error [marketplace:MP-pid] mainTemplate.json: $.resources[" in out.out
    assert "package not written" in out.err
    assert not (tmp_path / "dist").exists()


def _nested(doc: dict[str, Any]) -> None:
    doc["resources"].append({"type": "Microsoft.Resources/deployments", "apiVersion": "2025-04-01", "name": "inner",
                             "properties": {"mode": "Incremental", "template": {
                                 "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                                 "contentVersion": "1.0.0.0", "resources": []}}})


def test_cli_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_folder(tmp_path / "o", sample.files())
    assert main(["package", str(src), "--version", "1.0", "--out", str(tmp_path)]) == 2
    assert main(["package", str(tmp_path / "empty-dir-missing"), "--version", "1.0.0"]) == 2
    (tmp_path / "nomain").mkdir()
    assert main(["package", str(tmp_path / "nomain"), "--version", "1.0.0"]) == 2
    assert "armgen:" in capsys.readouterr().err


def _default_offer_files() -> tuple[str, dict[str, bytes]]:
    """The default offer's files; skips while the offer (written by another helper) cannot build."""
    from armgen.template import ModelError

    try:
        return pkgmod.offer_files(None)
    except (ImportError, InputError, KeyError, ModelError) as exc:
        pytest.skip(f"the default offer cannot be built yet: {type(exc).__name__}: {exc}")


def test_default_offer_packages_twice_to_the_same_sha(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    offer, files = _default_offer_files()
    a = build_package(files, offer, "1.0.0", out_dir=tmp_path / "a")
    b = build_package(pkgmod.offer_files(None)[1], offer, "1.0.0", out_dir=tmp_path / "b")
    assert a.sha256 == b.sha256
    names = sorted(read_zip(a.data, "z"))
    assert "mainTemplate.json" in names and "createUiDefinition.json" in names


def test_default_offer_zip_unpacked_and_linted_again_is_clean(tmp_path: Path, real_lint: None) -> None:
    from armgen.lint import lint_path

    offer, files = _default_offer_files()
    result = build_package(files, offer, "1.0.0", out_dir=tmp_path)
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        zf.extractall(unpacked)
    report = lint_path(unpacked, marketplace=True)
    assert [str(f.message) for f in report.errors] == []
    from armgen.checks.schemas import validate_folder

    assert validate_folder(unpacked) == []


def test_sample_zip_unpacked_and_linted_again_is_clean(tmp_path: Path, real_lint: None) -> None:
    from armgen.lint import lint_path

    result = build_package(sample.files(), "demo", "1.0.0")
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        zf.extractall(tmp_path)
    assert [f.message for f in lint_path(tmp_path, marketplace=True).errors] == []
    assert json.loads((tmp_path / "mainTemplate.json").read_text()) == sample.main_template()


def test_folder_with_artifacts_keeps_its_layout(tmp_path: Path, schemas: Path) -> None:
    doc = sample.main_template()
    doc["parameters"]["_artifactsLocation"] = {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]",
                                               "metadata": {"description": "Base URI of the package's artifacts."}}
    doc["parameters"]["_artifactsLocationSasToken"] = {"type": "securestring", "defaultValue": "",
                                                       "metadata": {"description": "SAS token for the artifacts."}}
    nested = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
              "contentVersion": "1.0.0.0", "parameters": {}, "resources": []}
    src = write_folder(tmp_path / "withart", {**sample.files(), "mainTemplate.json": sample.dump(doc),
                                              "nestedtemplates/empty.json": sample.dump(nested), "scripts/setup.sh": b"#!/bin/sh\necho ok\n"})
    result = build_package(read_folder_files(src), "withart", "1.2.3", official_dir=schemas)
    assert sorted(read_zip(result.data, "z")) == ["createUiDefinition.json", "mainTemplate.json", "nestedtemplates/empty.json", "scripts/setup.sh"]
    assert result.report.errors == []


def read_folder_files(src: Path) -> dict[str, bytes]:
    from armgen.package import read_folder

    return read_folder(src)


def test_gate_blocks_a_real_lint_error(tmp_path: Path, real_lint: None) -> None:
    """arm-ttk's Min-And-Max-Value-Are-Numbers: an int parameter with a minValue needs a maxValue."""

    def half_bounded(doc: dict[str, Any]) -> None:
        doc["parameters"]["count"] = {"type": "int", "defaultValue": 2, "minValue": 1,
                                      "metadata": {"description": "How many."}}
        doc["outputs"]["count"] = {"type": "int", "value": "[parameters('count')]"}

    with pytest.raises(GateError) as exc:
        build_package(broken(half_bounded), "demo", "1.0.0", out_dir=tmp_path)
    lint_errors = [c for c in exc.value.report.errors if c.source == "lint"]
    assert [(c.rule, c.path) for c in lint_errors] == [("Min-And-Max-Value-Are-Numbers", "$.parameters.count")]
    assert not any(tmp_path.iterdir())


def test_cli_package_built_in_offer_with_option_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _default_offer_files()  # skips while the offer cannot build
    good = tmp_path / "opts.json"
    good.write_text('{"variant": "standalone"}')
    assert main(["package", "--version", "1.0.0", "--out", str(tmp_path / "d"), "--option-file", str(good)]) == 0
    [zpath] = list((tmp_path / "d").glob("*-1.0.0.zip"))
    assert "main.bicep" not in read_zip(zpath.read_bytes(), "z")
    bad = tmp_path / "bad.json"
    bad.write_text('{"varient": "standalone"}')
    capsys.readouterr()
    assert main(["package", "--version", "1.0.0", "--out", str(tmp_path / "e"), "--option-file", str(bad)]) == 2
    assert capsys.readouterr().err.startswith(f"armgen: {bad}: $.varient: ")
    assert main(["package", "no-such-offer", "--version", "1.0.0", "--out", str(tmp_path / "e")]) == 2
    assert not (tmp_path / "e").exists()


@pytest.mark.parametrize("name", ["mainTemplate.json", "offer-1.0.0.zip"])
def test_cli_package_of_a_file_says_it_wants_a_folder(name: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A file is neither a folder nor a built-in offer: say so, instead of 'unknown offer'."""
    f = tmp_path / name
    f.write_text("{}")
    assert main(["package", str(f), "--version", "1.0.0", "--out", str(tmp_path / "dist")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"armgen: {f}: ") and "folder" in err and "unknown offer" not in err, err
    assert not (tmp_path / "dist").exists()


def test_cli_package_takes_the_offer_from_the_option_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As 'armgen build --options' does: without an OFFER argument the options file's offer counts."""
    opts = tmp_path / "opts.json"
    opts.write_text('{"offer": "two-nic-appliance"}')
    assert main(["package", "--version", "1.0.0", "--out", str(tmp_path / "dist"), "--option-file", str(opts)]) == 0
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["two-nic-appliance-1.0.0.zip"]
