"""Hostile or odd input: lint reads it as arm-ttk would, or says in one line why it cannot.

The rule: a file inside a package that cannot be read is a JSONFiles-Should-Be-Valid finding (as
arm-ttk reports it); the top-level input being unreadable is an InputError (one line, exit 2).
Never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.cli import main
from armgen.errors import InputError
from armgen.lint import lint_path
from armgen.lint.reader import Document, load_tolerant

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
HUGE = "1" + "0" * 5000  # beyond Python's int-from-string digit limit (4300)


@pytest.fixture(autouse=True)
def _no_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _template_text(extra: str = "") -> str:
    return (
        '{"$schema": "' + SCHEMA + '", "contentVersion": "1.0.0.0", "parameters": {"n": {"type": "int", '
        '"minValue": 1, "maxValue": ' + HUGE + "}}, " + extra + '"resources": []}'
    )


@pytest.mark.parametrize("text", [_template_text(), _template_text("// a comment\n")])
def test_a_number_with_thousands_of_digits_is_read_as_arm_ttk_reads_it(text: str) -> None:
    """ConvertFrom-Json reads such a number (as a BigInteger/double), so lint must read it too:
    strict and tolerant (commented) text alike, and the number is no longer an int or long."""
    data = load_tolerant(text)
    value = data["parameters"]["n"]["maxValue"]
    assert isinstance(value, float) and not isinstance(value, bool)
    doc = Document.parse(text)
    assert doc.line_of(("parameters", "n", "maxValue")) == 1
    assert doc.path_at(text.index(HUGE) + 10) == ("parameters", "n", "maxValue")


def test_a_package_with_a_huge_number_is_linted_not_crashed(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mainTemplate.json").write_text(_template_text(), encoding="utf-8")
    report = lint_path(pkg, tests=["JSONFiles-Should-Be-Valid", "Min-And-Max-Value-Are-Numbers"])
    # arm-ttk: readable JSON, and a BigInteger maxValue is "-isnot [int] -and -isnot [long]"
    assert [f.id for f in report.errors] == ["Parameter.Max.Not.Int"]
    assert report.errors[0].path == "$.parameters.n.maxValue"


def test_cli_on_a_single_file_with_a_huge_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mainTemplate.json"
    f.write_text(_template_text(), encoding="utf-8")
    assert main(["lint", str(f), "--test", "Min-And-Max-Value-Are-Numbers"]) == 1
    assert "Parameter.Max.Not.Int" in capsys.readouterr().out


def test_nan_and_infinity_literals_are_read_as_numbers(tmp_path: Path) -> None:
    """Newtonsoft (ConvertFrom-Json) accepts NaN, Infinity and -Infinity; so does lint, with or
    without comments in the file."""
    for text in ('{"a": NaN, "b": Infinity, "c": -Infinity}', '{"a": NaN, "b": Infinity, "c": -Infinity, }'):
        data = load_tolerant(text)
        assert data["a"] != data["a"] and data["b"] == float("inf") and data["c"] == float("-inf")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mainTemplate.json").write_text(
        '{"$schema": "' + SCHEMA + '", "contentVersion": "1.0.0.0", "variables": {"x": NaN, "y": -Infinity},'
        ' "resources": [], // tolerant\n}',
        encoding="utf-8",
    )
    report = lint_path(pkg)
    assert not [f for f in report.findings if f.test == "JSONFiles-Should-Be-Valid"]


@pytest.mark.parametrize(
    ("raw", "expect"),
    [
        (b"[" * 100_000, "nested too deeply"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"", "empty document"),
        (b"  \n\t", "empty document"),
        (b"\xef\xbb\xbf", "empty document"),
    ],
)
def test_unreadable_top_level_file_is_one_line_exit_2(
    raw: bytes, expect: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "mainTemplate.json"
    f.write_bytes(raw)
    assert main(["lint", str(f)]) == 2
    err = capsys.readouterr().err
    assert expect in err and len(err.strip().splitlines()) == 1, err
    # the same file inside a package is arm-ttk's Invalid.JSON finding
    report = lint_path(tmp_path, tests=["JSONFiles-Should-Be-Valid"])
    assert [(f.id, f.file.rsplit("/", 1)[-1]) for f in report.errors] == [
        ("Invalid.JSON", "mainTemplate.json")
    ]
    assert expect in report.errors[0].message


def test_nesting_just_under_the_parser_limit_does_not_crash_the_rules(tmp_path: Path) -> None:
    """Depth the C parser still accepts must not overflow the rules' own walks."""
    for depth in (500, 900, 990, 2000):
        pkg = tmp_path / f"pkg{depth}"
        pkg.mkdir()
        deep = "[" * depth + "]" * depth
        (pkg / "mainTemplate.json").write_text(
            '{"$schema": "' + SCHEMA + '", "contentVersion": "1.0.0.0", "variables": {"d": ' + deep + "},"
            ' "resources": [{"type": "a/b", "name": "n", "location": "westus", "properties": {"x": '
            + deep
            + "}}]}",
            encoding="utf-8",
        )
        report = lint_path(pkg)  # a report, whatever it says (an unreadable file is a finding)
        assert report.files


def test_invalid_utf8_is_read_with_replacement_characters_as_dotnet_does(tmp_path: Path) -> None:
    """.NET's ReadAllText turns invalid UTF-8 into U+FFFD rather than failing."""
    assert load_tolerant(b'{"a": "x\xff\xfey"}') == {"a": "x\ufffd\ufffdy"}
    f = tmp_path / "mainTemplate.json"
    f.write_bytes(
        b'{"$schema": "' + SCHEMA.encode() + b'", "contentVersion": "1.0.0.0", "resources": [], "v": "\xff"}'
    )
    report = lint_path(f)
    assert report.files


def test_a_folder_without_json_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "readme.txt").write_text("x", encoding="utf-8")
    assert main(["lint", str(tmp_path / "pkg")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    with pytest.raises(InputError, match=r"no \.json"):
        lint_path(tmp_path / "pkg")


def test_json_report_of_odd_numbers_is_valid_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mainTemplate.json"
    f.write_text(_template_text(), encoding="utf-8")
    main(["lint", str(f), "--format", "json"])
    json.loads(capsys.readouterr().out)
