"""``armgen lint --help`` reads as a user would type the options."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from armgen.cli import cli


def test_test_date_placeholder_is_yyyy_mm_dd() -> None:
    result = CliRunner().invoke(cli, ["lint", "--help"])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if "--test-date" in ln)
    assert "--test-date YYYY-MM-DD" in line
    assert "%Y" not in result.output


def test_test_date_still_parses_that_format(tmp_path: Path) -> None:
    from armgen.cli import main

    (tmp_path / "mainTemplate.json").write_text("{}", encoding="utf-8")
    assert (
        main(["lint", str(tmp_path), "--test-date", "2023-11-13", "--test", "JSONFiles-Should-Be-Valid"]) == 0
    )
    assert main(["lint", str(tmp_path), "--test-date", "13/11/2023"]) == 2
