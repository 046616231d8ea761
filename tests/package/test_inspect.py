"""``armgen inspect`` on packages armgen did not build: real corpus pairs, zipped on the fly."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from armgen.cli import main
from armgen.package import inspect_zip, zip_bytes
from tests.package import sample


def corpus_pairs(shared: Path, step: int = 9) -> list[dict[str, str]]:
    """Every ``step``-th pair of the corpus index: a spread of vendors, old and new, kept fast."""
    with (shared / "corpus" / "INDEX.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rows[::step]


def zip_pair(shared: Path, row: dict[str, str], dest: Path) -> tuple[Path, bytes]:
    """The pair as Partner Center would get it: the template renamed to mainTemplate.json."""
    folder = shared / "corpus" / row["corpus_dir"]
    base = Path(row["main"]).name
    # a template kept outside the pair's folder is stored as e.g. PARENTDIR__mainTemplate.json
    [main_file] = [p for p in folder.iterdir() if p.name == base] or [p for p in folder.iterdir() if p.name.endswith("__" + base)]
    main_bytes = main_file.read_bytes()
    files = {"mainTemplate.json": main_bytes, "createUiDefinition.json": (folder / Path(row["cuid"]).name).read_bytes()}
    dest.write_bytes(zip_bytes(files))
    return dest, main_bytes


def test_inspect_corpus_pairs(shared: Path, tmp_path: Path) -> None:
    rows = corpus_pairs(shared)
    assert len(rows) >= 10
    pid_rule_fired = 0
    for i, row in enumerate(rows):
        zpath, main_bytes = zip_pair(shared, row, tmp_path / f"pair{i}-1.0.0.zip")
        entries, report = inspect_zip(zpath)
        listed = {e.name: e for e in entries}
        assert listed["mainTemplate.json"].sha256 == hashlib.sha256(main_bytes).hexdigest()
        assert listed["mainTemplate.json"].size == len(main_bytes)
        assert all(c.severity in ("error", "warning", "note") for c in report.checks)
        assert not any(c.rule == "MP-version" for c in report.checks)  # 1.0.0 read from the name
        pid_errors = [c for c in report.errors if c.rule == "MP-pid"]
        if pid_errors:
            pid_rule_fired += 1
            if row["has_pid_deployment"] == "True":  # it has one, but not in a shape Partner Center takes
                assert all(c.path.endswith(".name") for c in pid_errors), [str(c) for c in pid_errors]
    # nobody certified the corpus: at least one pair has nested deployments but no tracking ID
    assert pid_rule_fired >= 1 or all(r["has_pid_deployment"] == "True" for r in rows)


def test_inspect_cli_lists_and_exits_by_errors(shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "demo-1.0.0.zip"
    clean.write_bytes(zip_bytes(sample.files()))
    assert main(["inspect", str(clean)]) == 0
    out = capsys.readouterr().out
    digest = hashlib.sha256(sample.files()["mainTemplate.json"]).hexdigest()
    assert "mainTemplate.json  " in out and digest in out
    assert "2 file(s), 0 error(s)" in out
    # the folder zipped instead of its contents: the classic upload mistake
    wrapped = tmp_path / "wrapped.zip"
    wrapped.write_bytes(zip_bytes({f"offer/{k}": v for k, v in sample.files().items()}))
    assert main(["inspect", str(wrapped), "--version", "1.0"]) == 1
    out = capsys.readouterr().out
    assert "must be in the root of the zip" in out and "MP-version" in out


def test_inspect_with_official_schemas(shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = sample.main_template()
    doc["resources"][2]["properties"]["enableAcceleratedNetworking"] = "yes"
    zpath = tmp_path / "demo-1.0.0.zip"
    zpath.write_bytes(zip_bytes({**sample.files(), "mainTemplate.json": sample.dump(doc)}))
    _entries, report = inspect_zip(zpath, official_dir=shared / "arm-schemas")
    assert [c.path for c in report.errors if c.source == "official"] == ["$.resources[2].properties.enableAcceleratedNetworking"]
    assert main(["inspect", str(zpath), "--official", str(shared / "arm-schemas")]) == 1


def test_inspect_rejects_a_non_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"not a zip")
    assert main(["inspect", str(bad)]) == 2
    assert "not a zip file" in capsys.readouterr().err
    assert main(["inspect", str(tmp_path / "missing.zip")]) == 2


def test_inspect_refuses_an_entry_that_climbs_out_and_extracts_nothing(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in sample.files().items():
            zf.writestr(name, data)
        zf.writestr("../escaped.txt", b"x")
    zpath = tmp_path / "inner" / "evil-1.0.0.zip"
    zpath.parent.mkdir()
    zpath.write_bytes(buf.getvalue())
    assert main(["inspect", str(zpath)]) == 2
    err = capsys.readouterr().err
    assert err == f"armgen: {zpath}: entry '../escaped.txt' climbs out of the package with '..'\n"
    assert not (tmp_path / "escaped.txt").exists()


def test_inspect_judges_an_oversized_entry_by_its_declared_size(tmp_path: Path) -> None:
    from armgen.checks import marketplace as mp

    zpath = tmp_path / "big-1.0.0.zip"
    zpath.write_bytes(zip_bytes({**sample.files(), "scripts/blob.bin": b"\0" * 5000}))
    _, report = inspect_zip(zpath, limits=mp.Limits(file_bytes=4096))
    [err] = [c for c in report.errors if c.rule == "MP-size"]
    assert err.file == "scripts/blob.bin" and "5000 bytes uncompressed" in err.message


def _zip_entries(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    import warnings

    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as zf:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we mean to write
        for name, data in entries:
            zf.writestr(name, data)
    return path


def test_inspect_refuses_duplicate_entry_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = sample.files()
    entries = [*files.items(), ("mainTemplate.json", b'{"resources": []}')]
    z = _zip_entries(tmp_path / "offer-1.0.0.zip", entries)
    assert main(["inspect", str(z)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"armgen: {z}: entry mainTemplate.json appears 2 times in the zip") and err.count("\n") == 1


def test_what_if_refuses_a_package_with_two_main_templates(tmp_path: Path) -> None:
    from armgen.azure.whatif import load_template
    from armgen.errors import InputError

    z = _zip_entries(tmp_path / "offer.zip", [("mainTemplate.json", b"{}"), ("mainTemplate.json", b'{"a": 1}')])
    with pytest.raises(InputError, match="appears 2 times"):
        load_template(str(z))


def test_inspect_reports_no_temporary_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Findings name entries of the zip, never the scratch folder the checks unpack it into."""
    empty = _zip_entries(tmp_path / "empty-1.0.0.zip", [])
    broken = _zip_entries(tmp_path / "broken-1.0.0.zip", [("mainTemplate.json", b"garbage"),
                                                          ("createUiDefinition.json", b"{}")])
    for z in (empty, broken):
        code = main(["inspect", str(z)])
        out, err = capsys.readouterr()
        assert code == 1, (out, err)
        assert "armgen-package-" not in out + err and "/tmp" not in out + err, out + err


@pytest.mark.parametrize("main_json", [
    b"[" * 100_000,
    b'{"a": 1' + b"0" * 5000 + b"}",
])
def test_inspect_judges_malformed_json_as_findings(main_json: bytes, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    z = _zip_entries(tmp_path / "offer-1.0.0.zip", [("mainTemplate.json", main_json),
                                                     ("createUiDefinition.json", sample.files()["createUiDefinition.json"])])
    code = main(["inspect", str(z)])
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    assert "error [schema] mainTemplate.json: $: not usable JSON" in out
