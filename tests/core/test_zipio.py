"""armgen.zipio: every reader of zips refuses hostile ones in one line, before inflating them.

Regression tests for issue 12's zip causes: a name flagged UTF-8 holding invalid bytes, a corrupt
central directory offset ("negative seek value"), a 1 GiB bomb in a 1 MB zip and a 20,000-entry
zip (31 s and 5-7 s in inspect before), plus the limits the reader enforces.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import pytest

from armgen import zipio
from armgen.cli import main
from armgen.errors import InputError
from tests.fuzz.generators import (
    _corrupt_cd_offset,
    _flag_utf8_with_bad_name,
    _stored_zip,
    _zip,
    bomb,
    many_entries,
)
from tests.package import sample

AZURE_DATA = Path(__file__).resolve().parents[1] / "azure" / "data"
TEMPLATE = (AZURE_DATA / "mainTemplate.json").read_bytes()


def bad_name_zip() -> bytes:
    return _flag_utf8_with_bad_name(_zip([("mainTemplate.json", TEMPLATE), ("abcdefgh.json", b"{}")]),
                                    b"abcdefgh", b"ab\xff\xfedefg")


def negative_seek_zip() -> bytes:
    data = _zip([("mainTemplate.json", TEMPLATE), ("createUiDefinition.json", b"{}")])
    return _corrupt_cd_offset(data, len(data) + 1000)


HOSTILE: dict[str, tuple[bytes, str]] = {
    "bad utf-8 name": (bad_name_zip(), "an entry name is flagged UTF-8 but is not UTF-8 (byte 0xff)"),
    "negative seek": (negative_seek_zip(), "negative seek value"),
    "bomb": (bomb(), "entry big.json would inflate"),
    "20,000 entries": (many_entries(20_000), "the zip holds 20000 entries, more than the 1000 armgen reads"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_zips_are_one_input_error(kind: str) -> None:
    data, needle = HOSTILE[kind]
    with pytest.raises(InputError) as err:
        zipio.read_zip(data, "pkg.zip")
    assert err.value.file == "pkg.zip" and needle in err.value.message


def test_the_bomb_is_refused_from_its_listing_before_anything_is_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(str(name))
                        or real_open(self, name, *a, **k))
    with pytest.raises(InputError, match="1073741824 bytes"):
        zipio.open_zip(bomb(), "bomb.zip")
    assert opened == []


def test_many_entries_are_refused_from_the_end_record_before_zipfile_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("zipfile parsed the central directory")

    monkeypatch.setattr(zipfile, "ZipFile", never)
    with pytest.raises(InputError, match="20000 entries"):
        zipio.open_zip(many_entries(20_000), "many.zip")


def _readers(zpath: Path, tmp: Path) -> dict[str, list[str]]:
    inv = tmp / "fleet.json"
    inv.write_text(json.dumps({"template": zpath.name, "targets": [{"name": "a"}]}))
    endpoint = ["--endpoint", "http://127.0.0.1:9"]
    sub = ["--subscription", "00000000-0000-0000-0000-000000000001"]
    return {
        "inspect": ["inspect", str(zpath)],
        "lint": ["lint", str(zpath)],
        "what-if": ["what-if", "-g", "rg", *sub, *endpoint, "-p", str(AZURE_DATA / "parameters.json"), str(zpath)],
        "preflight": ["preflight", "-g", "rg", *sub, *endpoint, "-p", str(AZURE_DATA / "parameters.json"), str(zpath)],
        "rollout plan": ["rollout", "plan", str(inv), "--out", str(tmp / "plan"), *endpoint],
    }


@pytest.mark.parametrize("reader", ["inspect", "lint", "what-if", "preflight", "rollout plan"])
@pytest.mark.parametrize("kind", ["bad utf-8 name", "negative seek"])
def test_every_reader_of_zips_reports_one_line_exit_2(reader: str, kind: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    zpath = tmp_path / "pkg.zip"
    zpath.write_bytes(HOSTILE[kind][0])
    assert main(_readers(zpath, tmp_path)[reader]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and str(zpath) in err and "Traceback" not in err, err
    assert not (tmp_path / "plan").exists()


@pytest.mark.parametrize(("name", "needle"), [
    ("../x.json", "climbs out of the package"),
    ("a/../../x.json", "climbs out of the package"),
    ("..\\x.json", "climbs out of the package"),
    ("/etc/x.json", "absolute path"),
    ("C:/x.json", "absolute path"),
    ("a\nb.json", "control character"),
])
def test_unsafe_names_are_refused(name: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        zipio.read_zip(_zip([("mainTemplate.json", b"{}"), (name, b"{}")]), "z")


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(InputError, match=r"entry a\.json appears 2 times"):
        zipio.read_zip(_zip([("a.json", b"{}"), ("a.json", b"[]")]), "z")


def test_an_entry_that_inflates_past_its_declared_size_is_stopped() -> None:
    data = zlib_zeros(4 * 1024 * 1024)
    liar = _stored_zip([("x.json", 8, data, 0, 1000)])  # declares 1,000 bytes
    with pytest.raises(InputError, match=r"x\.json"):
        zipio.read_zip(liar, "z")


def zlib_zeros(n: int) -> bytes:
    import zlib

    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b"\0" * n) + c.flush()


def test_limits_are_enforced_on_what_is_read() -> None:
    files = [(f"f{i}.json", b"x" * 1000) for i in range(5)]
    data = _zip(files, zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="more than the 3 armgen reads"):
        zipio.read_zip(data, "z", zipio.ZipLimits(entries=3))
    with pytest.raises(InputError, match="over the 999 bytes armgen reads from one entry"):
        zipio.read_zip(data, "z", zipio.ZipLimits(entry_bytes=999))
    with pytest.raises(InputError, match="more than the 4500 bytes armgen reads from one zip"):
        zipio.read_zip(data, "z", zipio.ZipLimits(total_bytes=4500))
    assert len(zipio.read_zip(data, "z")) == 5


def test_encrypted_entries_are_refused() -> None:
    data = bytearray(_zip([("a.json", b"{}")]))
    i = data.find(b"PK\x01\x02")
    data[i + 8] |= 0x01
    with pytest.raises(InputError, match="encrypted"):
        zipio.read_zip(bytes(data), "z")


def test_a_clean_package_reads_as_before() -> None:
    files = sample.files()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    assert zipio.read_zip(buf.getvalue(), "z") == files


def test_zip64_end_record_counts_are_read() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", allowZip64=True) as zf:
        for i in range(3):
            zf.writestr(f"{i}.json", b"{}")
    data = bytearray(buf.getvalue())
    at = data.rfind(b"PK\x05\x06")
    # claim zip64 in the classic record without a zip64 record: the classic counts stand
    data[at + 8:at + 12] = struct.pack("<2H", 3, 3)
    assert len(zipio.read_zip(bytes(data), "z")) == 3
