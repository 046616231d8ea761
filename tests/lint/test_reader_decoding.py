"""How the lint reader turns bytes into text (as .NET's ReadAllText does) and what it refuses.

Regression for issue 12: a UTF-16 byte-order mark on a file with an odd number of bytes raised
"truncated data" (a traceback); a lone surrogate escape was read and crashed the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armgen.cli import main
from armgen.errors import InputError
from armgen.lint.reader import Document, decode_text


def test_utf16_with_an_odd_number_of_bytes_ends_in_a_replacement_character() -> None:
    raw = b"\xff\xfe" + '{"a": 1}'.encode("utf-16-le") + b"\x00"
    assert decode_text(raw) == '{"a": 1}\ufffd'


def test_lint_of_an_odd_utf16_file_is_one_line_not_a_traceback(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mainTemplate.json"
    f.write_bytes(b"\xff\xfe" + "{}".encode("utf-16-le") + b"}")
    assert main(["lint", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"armgen: {f}: not JSON"), err


def test_a_lone_surrogate_is_refused_naming_the_path() -> None:
    with pytest.raises(InputError, match=r"not JSON text at \$\.a\[0\]: an unpaired UTF-16 surrogate \(U\+D800\)"):
        Document.parse(b'{"a": ["\\ud800"]}', "x.json")
    with pytest.raises(InputError, match=r"\$\.b"):
        Document.parse(b"{b: '\\udc00', }", "x.json")  # the tolerant parser too
    assert Document.parse(b'{"a": "\\ud83d\\ude00"}').data == {"a": "\U0001f600"}
