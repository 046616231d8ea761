"""The apiVersions cache read through armgen's disk cache (armgen.lint.apicache): the next run reads
what the first one parsed, and gets the same versions."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from armgen.lint import apicache


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARMGEN_CACHE_DIR", str(tmp_path / "cache"))
    apicache._load.cache_clear()
    apicache._recorded_date.cache_clear()
    yield tmp_path / "cache"
    apicache._load.cache_clear()
    apicache._recorded_date.cache_clear()


def _write(path: Path, doc: object, gz: bool = False) -> Path:
    raw = json.dumps(doc).encode()
    path.write_bytes(gzip.compress(raw, mtime=0) if gz else raw)
    return path


DOC = {
    "Microsoft.Network/virtualNetworks": [{"resourceType": "virtualNetworks",
                                           "apiVersions": ["2019-01-01", "2024-05-01", "2023-02-01-preview"]}],
    "microsoft.network/VIRTUALNETWORKS": [{"apiversions": ["2020-01-01"]}],  # the same type spelled otherwise
    "Microsoft.Empty/things": [{"apiVersions": []}],
    "Microsoft.Blank/things": [{"apiVersions": [""]}],
    "Microsoft.Odd/things": [{"apiVersions": ["2020-01-01\nx", 7, "2021-01-01"]}],
}


def test_parsed_once_then_read_from_the_disk_cache(cache_dir: Path, tmp_path: Path, monkeypatch) -> None:
    path = _write(tmp_path / "cache.json.gz", DOC, gz=True)
    first = apicache.load_cache(path)
    assert list((cache_dir / "apiversions").glob("*.marshal"))
    expected = apicache._parse(path.read_bytes(), str(path))
    assert dict(first) == expected
    assert first["microsoft.network/virtualnetworks"] == ["2024-05-01", "2023-02-01-preview", "2020-01-01",
                                                         "2019-01-01"]
    assert first["microsoft.empty/things"] == [] and first["microsoft.blank/things"] == [""]
    assert first["microsoft.odd/things"] == ["2021-01-01", "2020-01-01\nx"]
    apicache._load.cache_clear()
    monkeypatch.setattr(apicache, "_parse", lambda raw, path: pytest.fail("parsed again"))
    again = apicache.load_cache(path)
    assert dict(again) == expected and len(again) == len(expected)
    assert again["microsoft.network/virtualnetworks"] is again["microsoft.network/virtualnetworks"]
    assert apicache.versions_for(again, "MICROSOFT.NETWORK/virtualNetworks")[0] == "2024-05-01"
    assert apicache.versions_for(again, "Microsoft.Unknown/x") == [] and "microsoft.empty/things" in again


def test_other_bytes_are_another_entry_and_a_damaged_entry_is_parsed_again(cache_dir: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "c.json", DOC)
    apicache.load_cache(path)
    _write(path, {"Microsoft.Web/sites": [{"apiVersions": ["2022-03-01"]}]})
    apicache._load.cache_clear()
    assert dict(apicache.load_cache(path)) == {"microsoft.web/sites": ["2022-03-01"]}
    entries = sorted((cache_dir / "apiversions").glob("*.marshal"))
    assert len(entries) == 2
    for e in entries:
        e.write_bytes(b"\x00damaged")
    apicache._load.cache_clear()
    assert dict(apicache.load_cache(path)) == {"microsoft.web/sites": ["2022-03-01"]}


def test_bad_files_are_still_one_input_error(cache_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(b"\x1f\x8bnot gzip at all")
    with pytest.raises(apicache.InputError, match="cannot read apiVersions cache"):
        apicache.load_cache(bad)
    with pytest.raises(apicache.InputError, match="must be an object"):
        apicache.load_cache(_write(tmp_path / "list.json", [1, 2]))


def test_the_bundled_date_is_kept_and_read_back(cache_dir: Path, monkeypatch) -> None:
    day = apicache.bundled_date()
    assert day is not None and list((cache_dir / "apiversions").glob("*.date"))
    apicache._recorded_date.cache_clear()
    monkeypatch.setattr(apicache.json, "loads", lambda *a, **k: pytest.fail("parsed again"))
    assert apicache.bundled_date() == day
