"""Damaged and hostile zips: one line naming the zip and the entry, exit 2; never a traceback,
never a file written outside the zip (lint reads entries in memory)."""

from __future__ import annotations

import json
import os
import warnings
import zipfile
from pathlib import Path

import pytest

from armgen.cli import main
from armgen.errors import InputError
from armgen.lint import lint_path

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
TEMPLATE = json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": []}, indent=2)


@pytest.fixture(autouse=True)
def _no_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _damaged(tmp_path: Path, compression: int) -> Path:
    """A zip whose mainTemplate.json entry has its data bytes flipped (bad CRC / bad deflate)."""
    z = tmp_path / "pkg.zip"
    with zipfile.ZipFile(z, "w", compression) as zf:
        zf.writestr("createUiDefinition.json", "{}")
        zf.writestr("mainTemplate.json", TEMPLATE + " " * 4000)
    data = bytearray(z.read_bytes())
    with zipfile.ZipFile(z) as zf:
        info = zf.getinfo("mainTemplate.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 1, start + 9):
        data[k] ^= 0x5A
    z.write_bytes(bytes(data))
    return z


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_damaged_entry_is_one_line_naming_zip_and_entry(
    compression: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    z = _damaged(tmp_path, compression)
    with pytest.raises(InputError) as err:
        lint_path(z)
    assert err.value.file is not None and str(z) in err.value.file
    assert "mainTemplate.json" in str(err.value)
    assert main(["lint", str(z)]) == 2
    captured = capsys.readouterr()
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert "mainTemplate.json" in captured.err and "Traceback" not in captured.err


@pytest.mark.parametrize(("entries", "needle"), [
    ([("mainTemplate.json", TEMPLATE), ("mainTemplate.json", '{"resources": [], }')], "appears 2 times"),
    ([("mainTemplate.json", TEMPLATE), ("../evil.json", "{}")], "'..'"),
    ([("mainTemplate.json", TEMPLATE), ("sub/../../evil3.json", "{}")], "'..'"),
    ([("mainTemplate.json", TEMPLATE), ("/abs-evil.json", "{}")], "absolute path"),
])
def test_duplicate_and_path_traversal_entries_are_refused_before_anything_is_read(
    entries: list[tuple[str, str]], needle: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    work = tmp_path / "deep" / "cwd"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    z = tmp_path / "deep" / "pkg.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(z, "w") as zf:
            for name, text in entries:
                zf.writestr(name, text)
    before = sorted(p for p in tmp_path.rglob("*"))
    assert main(["lint", str(z)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"armgen: {z}: entry ") and needle in err, err
    assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing extracted anywhere
    assert not Path(os.sep, "abs-evil.json").exists()
