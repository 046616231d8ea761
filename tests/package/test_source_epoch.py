"""SOURCE_DATE_EPOCH: a whole number of seconds within what a zip can carry, or one line, exit 2.

Regression for issue 12: a value too large overflowed ``time.gmtime`` (a traceback).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armgen.cli import main
from armgen.errors import InputError
from armgen.package import DEFAULT_EPOCH, ZIP_MAX_EPOCH, source_epoch


@pytest.mark.parametrize(("raw", "needle"), [
    ("99999999999999999999", "after 2107-12-31"),
    (str(ZIP_MAX_EPOCH + 1), "after 2107-12-31"),
    ("-1", "whole number of seconds"),
    ("nan", "whole number of seconds"),
    ("1e9", "whole number of seconds"),
    ("1_000", "whole number of seconds"),
    ("١٧٠٠٠٠٠٠٠٠", "whole number of seconds"),
    ("1700000000.5", "whole number of seconds"),
])
def test_a_malformed_or_out_of_range_value_is_refused(raw: str, needle: str) -> None:
    with pytest.raises(InputError) as err:
        source_epoch({"SOURCE_DATE_EPOCH": raw})
    assert err.value.file == "SOURCE_DATE_EPOCH" and needle in err.value.message


@pytest.mark.parametrize(("raw", "expected"), [("", DEFAULT_EPOCH), ("0", DEFAULT_EPOCH), (" 1700000000 ", 1700000000),
                                               (str(ZIP_MAX_EPOCH), ZIP_MAX_EPOCH)])
def test_good_values(raw: str, expected: int) -> None:
    assert source_epoch({"SOURCE_DATE_EPOCH": raw}) == expected


def test_package_with_a_huge_epoch_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999999")
    assert main(["package", "--version", "1.0.0", "--out", str(tmp_path / "dist")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("armgen: SOURCE_DATE_EPOCH: ") and err.count("\n") == 1
    assert not (tmp_path / "dist").exists()
