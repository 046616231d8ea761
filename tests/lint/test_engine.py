"""Which tests run on which file, inner templates, test selection, severities, inputs."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from armgen.errors import InputError
from armgen.lint import Finding, LintReport, lint_path
from armgen.lint.model import normalize_test_name
from armgen.lint.rules import all_rules

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def template(**extra: object) -> dict:
    doc = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {"location": {"type": "string", "defaultValue": "[resourceGroup().location]"}},
        "resources": [],
    }
    doc.update(extra)
    return doc


def write(path: Path, doc: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def test_registry_has_the_53_arm_ttk_tests() -> None:
    rules = all_rules()
    assert len(rules) == 53
    assert len({r.key for r in rules}) == 53
    groups = [r.group for r in rules]
    assert (groups.count("AllFiles"), groups.count("CreateUIDefinition")) == (1, 17)
    assert (groups.count("deploymentParameters"), groups.count("deploymentTemplate")) == (4, 31)
    assert sum(r.marketplace_warning for r in rules) == 15
    assert all(r.description and r.name for r in rules)


def test_hardcoded_location_is_an_error_with_path_and_line(tmp_path: Path) -> None:
    tpl = template(
        resources=[{"type": "Microsoft.Network/virtualNetworks", "name": "v", "location": "westus"}]
    )
    write(tmp_path / "mainTemplate.json", tpl)
    report = lint_path(tmp_path, tests=["Location-Should-Not-Be-Hardcoded"])
    assert [f.id for f in report.errors] == ["Location.Hardcoded"]
    f = report.errors[0]
    assert f.path == "$.resources[0].location"
    text = (tmp_path / "mainTemplate.json").read_text().splitlines()
    assert '"location": "westus"' in text[f.line - 1]


def test_inner_scope_templates_are_tested_on_their_own(tmp_path: Path) -> None:
    inner = {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {"unused": {"type": "string"}},
        "resources": [],
    }
    nested = {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2025-04-01",
        "name": "nested",
        "properties": {
            "mode": "Incremental",
            "expressionEvaluationOptions": {"scope": "inner"},
            "template": inner,
        },
    }
    write(
        tmp_path / "mainTemplate.json",
        template(resources=[nested], outputs={"l": {"type": "string", "value": "[parameters('location')]"}}),
    )
    report = lint_path(tmp_path / "mainTemplate.json", tests=["Parameters-Must-Be-Referenced"])
    assert [(f.id, f.path) for f in report.findings] == [
        ("Parameters.Must.Be.Referenced", "$.resources[0].properties.template.parameters.unused")
    ]
    line = (tmp_path / "mainTemplate.json").read_text().splitlines()[report.findings[0].line - 1]
    assert '"unused"' in line


def test_outer_scope_nested_templates_stay_inline(tmp_path: Path) -> None:
    nested = {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2025-04-01",
        "name": "nested",
        "properties": {
            "mode": "Incremental",
            "template": {"resources": [{"location": "westus", "name": "x", "type": "t/t"}]},
        },
    }
    write(tmp_path / "mainTemplate.json", template(resources=[nested]))
    report = lint_path(tmp_path, tests=["Location-Should-Not-Be-Hardcoded"])
    assert [f.path for f in report.errors] == ["$.resources[0].properties.template.resources[0].location"]


@pytest.mark.parametrize(
    "spelling",
    [
        "location should not be hardcoded",
        "LOCATION_SHOULD_NOT_BE_HARDCODED",
        "Location-Should-Not-Be-Hardcoded",
    ],
)
def test_test_names_ignore_case_dashes_underscores_spaces(tmp_path: Path, spelling: str) -> None:
    write(
        tmp_path / "mainTemplate.json",
        template(resources=[{"type": "a/b", "name": "n", "location": "westus"}]),
    )
    report = lint_path(tmp_path, tests=[spelling])
    assert set(report.ran) == {"Location-Should-Not-Be-Hardcoded"}
    assert report.errors
    skipped = lint_path(tmp_path, skip=[spelling])
    assert "Location-Should-Not-Be-Hardcoded" not in skipped.ran
    assert normalize_test_name(spelling) == "location should not be hardcoded"


def test_unknown_test_name_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "mainTemplate.json", template())
    with pytest.raises(InputError):
        lint_path(tmp_path, tests=["No-Such-Test"])


def test_marketplace_demotes_the_15_tests_to_warnings(tmp_path: Path) -> None:
    tpl = template(
        variables={"unused": "x"}, parameters={"location": {"type": "string", "defaultValue": "westus"}}
    )
    write(tmp_path / "mainTemplate.json", tpl)
    plain = lint_path(tmp_path)
    market = lint_path(tmp_path, marketplace=True)
    by_test = {f.test: f.severity for f in plain.findings}
    assert by_test["Variables-Must-Be-Referenced"] == "error"
    assert by_test["Location-Should-Not-Be-Hardcoded"] == "error"
    by_test_m = {f.test: f.severity for f in market.findings}
    assert by_test_m["Variables-Must-Be-Referenced"] == "warning"  # one of the 15
    assert by_test_m["Location-Should-Not-Be-Hardcoded"] == "error"  # blocking


def test_files_are_classified_by_schema_then_name(tmp_path: Path) -> None:
    write(tmp_path / "mainTemplate.json", template())
    write(
        tmp_path / "nested" / "linked.json",
        template(parameters={"location": {"type": "string", "defaultValue": "westus"}}),
    )
    write(tmp_path / "azuredeploy.parameters.json", {"parameters": {}})
    write(
        tmp_path / "createUiDefinition.json",
        {"handler": "Microsoft.Azure.CreateUIDef", "parameters": {"outputs": {}}},
    )
    report = lint_path(tmp_path)
    files = {Path(f.file).name for f in report.findings}
    # the linked template is a template of its own (not main: a location default is not allowed)
    assert any(
        f.id == "Location.Parameter.DefaultValuePresent" and f.file.endswith("linked.json")
        for f in report.findings
    )
    assert "createUiDefinition.json" in files  # CreateUIDefinition tests ran on it (no $schema, no version)
    assert report.files[0].endswith("createUiDefinition.json")  # createUiDefinition is tested first


def test_a_zip_is_linted_like_its_folder(tmp_path: Path) -> None:
    tpl = template(resources=[{"type": "a/b", "name": "n", "location": "westus"}])
    with zipfile.ZipFile(tmp_path / "pkg.zip", "w") as zf:
        zf.writestr("mainTemplate.json", json.dumps(tpl))
    report = lint_path(tmp_path / "pkg.zip", tests=["Location-Should-Not-Be-Hardcoded"])
    assert [f.id for f in report.errors] == ["Location.Hardcoded"]
    assert report.errors[0].file.endswith("pkg.zip!mainTemplate.json")


def test_broken_json_in_a_package_is_a_finding_and_a_broken_single_file_is_input_error(
    tmp_path: Path,
) -> None:
    write(tmp_path / "mainTemplate.json", template())
    (tmp_path / "extra.json").write_text('{"a": 1,, }', encoding="utf-8")
    report = lint_path(tmp_path, tests=["JSONFiles-Should-Be-Valid"])
    assert [(f.id, Path(f.file).name) for f in report.errors] == [("Invalid.JSON", "extra.json")]
    assert "line 1 column" in report.errors[0].message
    with pytest.raises(InputError) as err:
        lint_path(tmp_path / "extra.json")
    assert "line 1 column" in str(err.value)


def test_report_json_shape(tmp_path: Path) -> None:
    write(tmp_path / "mainTemplate.json", template(variables={"unused": 1}))
    report = lint_path(tmp_path)
    assert isinstance(report, LintReport)
    doc = report.to_json()
    assert set(doc) == {"findings", "summary"}
    assert all(
        set(f) == {"test", "id", "severity", "file", "path", "line", "message"} for f in doc["findings"]
    )
    assert {f["severity"] for f in doc["findings"]} <= {"error", "warning"}
    assert doc["summary"]["errors"] == len(report.errors)
    assert isinstance(report.findings[0], Finding)


def test_api_versions_tests_use_the_cache_and_the_test_date(tmp_path: Path) -> None:
    cache = write(
        tmp_path / "cache.json",
        {"Microsoft.Network/virtualNetworks": [{"apiVersions": ["2025-07-01", "2019-11-01"]}]},
    )
    tpl = template(
        resources=[
            {
                "type": "Microsoft.Network/virtualNetworks",
                "apiVersion": "2019-11-01",
                "name": "v",
                "location": "[parameters('location')]",
            }
        ]
    )
    write(tmp_path / "pkg" / "mainTemplate.json", tpl)
    old = lint_path(
        tmp_path / "pkg",
        tests=["apiVersions-Should-Be-Recent"],
        api_versions=cache,
        test_date=__import__("datetime").date(2020, 1, 1),
    )
    assert not old.errors
    now = lint_path(
        tmp_path / "pkg",
        tests=["apiVersions-Should-Be-Recent"],
        api_versions=cache,
        test_date=__import__("datetime").date(2026, 1, 1),
    )
    assert [f.id for f in now.errors] == ["ApiVersion.OutOfDate"]


def test_without_a_cache_the_api_versions_tests_do_not_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a broken install has no cache at all: neither a user cache nor the bundled one."""
    from armgen.lint import apicache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(apicache, "BUNDLED", tmp_path / "not-installed.json.gz")
    write(tmp_path / "pkg" / "mainTemplate.json", template())
    report = lint_path(tmp_path / "pkg")
    assert "apiVersions-Should-Be-Recent" not in report.ran
    assert any("--refresh-api-versions" in n for n in report.notes)
