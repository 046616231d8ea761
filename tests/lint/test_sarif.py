"""SARIF that GitHub code scanning accepts: schema-valid, a startLine on every result, relative
URIs under %SRCROOT%, a zip mapped back to its source folder, tool version, documented rules."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

from armgen import __version__
from armgen.cli import main

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
TEMPLATE = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def template(location: str = "westus") -> str:
    doc = {
        "$schema": TEMPLATE,
        "contentVersion": "1.0.0.0",
        "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2015-06-15",
                       "name": "v", "location": location}],
    }
    return json.dumps(doc, indent=2)


def sarif(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    main(["lint", *args, "--format", "sarif"])
    return json.loads(capsys.readouterr().out)


def results(doc: dict) -> list[dict]:
    [run] = doc["runs"]
    return run["results"]


def test_corpus_sarif_validates_and_every_result_has_a_start_line(
    shared: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shared)
    doc = sarif(capsys, "corpus", "--marketplace")
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    found = results(doc)
    assert len(found) > 1000
    for r in found:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["region"]["startLine"] >= 1
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert loc["artifactLocation"]["uri"].startswith("corpus/")
    [run] = doc["runs"]
    assert len(run["properties"]["packages"]) == 127


def test_driver_has_version_and_rules_have_descriptions_and_their_own_docs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mainTemplate.json").write_text(template(), encoding="utf-8")
    doc = sarif(capsys, str(pkg), "--sarif-root", str(tmp_path))
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["version"] == __version__
    uris = set()
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["shortDescription"]["text"] != rule["fullDescription"]["text"]
        uris.add(rule["helpUri"])
    assert len(uris) == len(driver["rules"]) > 1  # one page or section per test, not the repository
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    assert by_id["Location-Should-Not-Be-Hardcoded"]["helpUri"].endswith("template-test-cases#location-uses-parameter")
    jsonschema.Draft4Validator(SCHEMA).validate(doc)


def test_uris_are_relative_to_the_sarif_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = tmp_path / "repo" / "offers" / "my pkg"
    pkg.mkdir(parents=True)
    (pkg / "mainTemplate.json").write_text(template(), encoding="utf-8")
    doc = sarif(capsys, str(pkg), "--sarif-root", str(tmp_path / "repo"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results(doc)}
    assert uris == {"offers/my%20pkg/mainTemplate.json"}
    assert str(tmp_path) not in json.dumps(doc)  # no local absolute path leaks into the log


def test_invalid_json_still_gets_line_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mainTemplate.json").write_text(template("[parameters('l')]"), encoding="utf-8")
    (pkg / "broken.json").write_text("{ nope", encoding="utf-8")
    doc = sarif(capsys, str(pkg), "--sarif-root", str(tmp_path), "--test", "JSONFiles-Should-Be-Valid")
    [result] = results(doc)
    assert result["properties"]["errorId"] == "Invalid.JSON"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/broken.json"


def test_zip_entries_map_back_to_the_folder_it_was_packaged_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "build" / "offer"
    src.mkdir(parents=True)
    (src / "mainTemplate.json").write_text(template(), encoding="utf-8")
    z = tmp_path / "dist" / "offer-1.0.0.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(src / "mainTemplate.json", "mainTemplate.json")
    plain = sarif(capsys, str(z), "--sarif-root", str(tmp_path))
    mapped = sarif(capsys, str(z), "--sarif-root", str(tmp_path), "--zip-source", str(src))
    [plain_hit] = [r for r in results(plain) if r["ruleId"] == "Location-Should-Not-Be-Hardcoded"]
    [mapped_hit] = [r for r in results(mapped) if r["ruleId"] == "Location-Should-Not-Be-Hardcoded"]
    plain_loc = plain_hit["locations"][0]["physicalLocation"]
    mapped_loc = mapped_hit["locations"][0]["physicalLocation"]
    # unmapped: the zip itself (line 1), the entry named; mapped: the source file and its line
    assert plain_loc["artifactLocation"]["uri"] == "dist/offer-1.0.0.zip"
    assert plain_loc["region"]["startLine"] == 1 and plain_hit["properties"]["zipEntry"] == "mainTemplate.json"
    assert mapped_loc["artifactLocation"]["uri"] == "build/offer/mainTemplate.json"
    assert mapped_loc["region"]["startLine"] == 9  # the "location" line of the source file
    assert "!" not in json.dumps(mapped)
    for doc in (plain, mapped):
        jsonschema.Draft4Validator(SCHEMA).validate(doc)
