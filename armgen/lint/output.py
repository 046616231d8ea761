"""The three ways ``armgen lint`` reports: readable text, one JSON object, SARIF 2.1.0."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from armgen.jsonio import dumps
from armgen.lint.model import LintReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ARM_TTK_URL = "https://github.com/Azure/arm-ttk"


def render_text(report: LintReport) -> str:
    lines = []
    for f in report.findings:
        where = f"{f.file}:{f.line}" if f.line else f.file
        lines.append(f"{where}: {f.severity}: {f.test} [{f.id}] {f.path}: {f.message}")
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
        f"in {len(report.files)} file{'s' if len(report.files) != 1 else ''} ({len(report.ran)} tests run)"
    )
    lines.extend(f"note: {n}" for n in report.notes)
    return "\n".join(lines) + "\n"


def render_json(report: LintReport) -> str:
    return dumps(report.to_json())


def sarif_document(report: LintReport, descriptions: dict[str, str]) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: rules are arm-ttk tests, results carry the error id."""
    used = sorted({f.test for f in report.findings}, key=str.lower)
    index = {name: i for i, name in enumerate(used)}
    results = []
    for f in report.findings:
        location: dict[str, Any] = {
            "physicalLocation": {"artifactLocation": {"uri": quote(f.file.replace("\\", "/"), safe="/!:")}},
            "logicalLocations": [{"fullyQualifiedName": f.path, "kind": "member"}],
        }
        if f.line:
            location["physicalLocation"]["region"] = {"startLine": f.line}
        results.append(
            {
                "ruleId": f.test,
                "ruleIndex": index[f.test],
                "level": f.severity,
                "message": {"text": f.message},
                "locations": [location],
                "properties": {"errorId": f.id},
            }
        )
    rules = [
        {
            "id": name,
            "name": name,
            "shortDescription": {"text": descriptions.get(name, name)},
            "helpUri": ARM_TTK_URL,
        }
        for name in used
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "armgen lint", "informationUri": ARM_TTK_URL, "rules": rules}},
                "results": results,
                "properties": {"notes": list(report.notes)},
            }
        ],
    }


def render_sarif(report: LintReport, descriptions: dict[str, str]) -> str:
    return dumps(sarif_document(report, descriptions))
