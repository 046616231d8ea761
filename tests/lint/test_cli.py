"""``armgen lint`` on the command line: formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.cli import main

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


@pytest.fixture(autouse=True)
def _no_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def package(tmp_path: Path, location: str = "[parameters('location')]") -> Path:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    tpl = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {"location": {"type": "string", "defaultValue": "[resourceGroup().location]"}},
        "resources": [
            {
                "type": "Microsoft.Network/virtualNetworks",
                "apiVersion": "2025-07-01",
                "name": "v",
                "location": location,
            }
        ],
    }
    (pkg / "mainTemplate.json").write_text(json.dumps(tpl, indent=2), encoding="utf-8")
    return pkg


def test_clean_package_exits_0_and_names_the_cache_it_judged_against(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(package(tmp_path)), "--skip", "apiVersions-Should-Be-Recent"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 errors, 0 warnings in 1 file")
    assert "apiVersions: bundled cache, judged as of " in out


def test_errors_exit_1_with_file_line_test_and_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(package(tmp_path, "westus"))]) == 1
    out = capsys.readouterr().out
    assert "mainTemplate.json:" in out and "Location-Should-Not-Be-Hardcoded [Location.Hardcoded]" in out
    assert "$.resources[0].location" in out


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(package(tmp_path, "westus")), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["errors"] >= 1
    f = doc["findings"][0]
    assert set(f) == {"test", "id", "severity", "file", "path", "line", "message"}


def test_sarif_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "lint",
                str(package(tmp_path, "westus")),
                "--format",
                "sarif",
                "--test",
                "location-should-not-be-hardcoded",
            ]
        )
        == 1
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "Location-Should-Not-Be-Hardcoded"
    result = run["results"][0]
    assert result["level"] == "error" and result["properties"]["errorId"] == "Location.Hardcoded"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] > 1


def test_marketplace_warnings_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = package(tmp_path)
    tpl = json.loads((pkg / "mainTemplate.json").read_text())
    tpl["variables"] = {"unused": "x"}
    (pkg / "mainTemplate.json").write_text(json.dumps(tpl), encoding="utf-8")
    assert main(["lint", str(pkg)]) == 1
    assert main(["lint", str(pkg), "--marketplace"]) == 0
    assert "warning: Variables-Must-Be-Referenced" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ["lint"],
        ["lint", "does-not-exist"],
        ["lint", "PKG", "--test", "nope"],
        ["lint", "PKG", "--test-date", "2023-13-45"],
        ["lint", "PKG", "--api-versions", "missing.json"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    pkg = str(package(tmp_path))
    assert main([pkg if a == "PKG" else a for a in args]) == 2


def test_unreadable_json_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "mainTemplate.json"
    bad.write_text("{ not json", encoding="utf-8")
    assert main(["lint", str(bad)]) == 2
    assert "line 1 column" in capsys.readouterr().err


def test_folder_without_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["lint", str(tmp_path / "empty")]) == 2
    assert "no package here" in capsys.readouterr().err


def test_output_json_is_the_format_json_bytes_and_none_keeps_the_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = str(package(tmp_path, "westus"))
    texts = {}
    for args in (["--format", "json"], ["-o", "json"], ["--output", "jsonc"], ["--format", "sarif"], ["-o", "sarif"],
                 ["-o", "table"], ["--format", "text"], ["-o", "none"]):
        assert main(["lint", pkg, *args]) == 1, args
        texts[" ".join(args)] = capsys.readouterr().out
    assert texts["-o json"] == texts["--format json"] == texts["--output jsonc"]  # jsonc: not a terminal, plain
    assert json.loads(texts["-o json"])["summary"]["errors"] >= 1
    assert texts["-o sarif"] == texts["--format sarif"] and json.loads(texts["-o sarif"])["version"] == "2.1.0"
    assert texts["-o table"] == texts["--format text"] and "Location-Should-Not-Be-Hardcoded" in texts["-o table"]
    assert texts["-o none"] == ""
