"""The three ways ``armgen lint`` reports: readable text, one JSON object, SARIF 2.1.0.

Each takes the reports of one run (one per package linted). SARIF is written for GitHub code
scanning: one run for every package, every result with a ``region.startLine`` (1 when the
finding has no better line), artifact URIs relative to a root folder (``--sarif-root``) under
the ``%SRCROOT%`` base id, a zip's entries mapped back to the folder it was packaged from when
the caller knows it, the tool's version, and per rule a short and a full description and a
link to that arm-ttk test's documentation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from armgen.lint.model import Finding, LintReport, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ARM_TTK_URL = "https://github.com/Azure/arm-ttk"
SRCROOT = "%SRCROOT%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def summary_line(report: LintReport) -> str:
    return (
        f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')} "
        f"in {_plural(len(report.files), 'file')} ({len(report.ran)} tests run)"
    )


def render_text(reports: LintReport | Sequence[LintReport]) -> str:
    """Findings, then one summary line per package (``PATH: ...`` when several), then notes."""
    many = [reports] if isinstance(reports, LintReport) else list(reports)
    lines = []
    for report in many:
        for f in report.findings:
            where = f"{f.file}:{f.line}" if f.line else f.file
            lines.append(f"{where}: {f.severity}: {f.test} [{f.id}] {f.path}: {f.message}")
    if len(many) == 1:
        lines.append(summary_line(many[0]))
    else:
        lines.extend(f"{r.target}: {summary_line(r)}" for r in many)
        errors = sum(len(r.errors) for r in many)
        warnings = sum(len(r.warnings) for r in many)
        failed = sum(1 for r in many if r.errors)
        lines.append(
            f"total: {_plural(len(many), 'package')} ({failed} with errors), "
            f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        )
    notes = dict.fromkeys(n for r in many for n in r.notes)
    lines.extend(f"note: {n}" for n in notes)
    lines.extend(f"apiVersions: {c}" for c in dict.fromkeys(r.api_cache for r in many if r.api_cache))
    return "\n".join(lines) + "\n"


def render_json(reports: LintReport | Sequence[LintReport]) -> str:
    """One report's object; for several, ``{"packages": [{"path", findings, summary}], "summary"}``."""
    from armgen.jsonio import dumps  # here, not at import: text runs do not need it

    if isinstance(reports, LintReport):
        return dumps(reports.to_json())
    many = list(reports)
    if len(many) == 1:
        return dumps(many[0].to_json())
    packages = [{"path": r.target, **r.to_json()} for r in many]
    return dumps(
        {
            "packages": packages,
            "summary": {
                "packages": len(many),
                "errors": sum(len(r.errors) for r in many),
                "warnings": sum(len(r.warnings) for r in many),
            },
        }
    )


class _Locator:
    """Where a finding's file is, as a URI relative to the SARIF root (``/``-separated,
    percent-encoded), and the entry name when it could only be placed on a zip."""

    def __init__(self, root: Path, zip_sources: Mapping[str, Path]):
        self.root = Path(os.path.abspath(root))
        self.zip_sources = {os.path.abspath(k): Path(v) for k, v in zip_sources.items()}

    def uri(self, disk_path: str) -> str:
        rel = os.path.relpath(os.path.abspath(disk_path), self.root)
        return quote(rel.replace(os.sep, "/"), safe="/")

    def place(self, report: LintReport, f: Finding) -> tuple[str, str | None]:
        if report.kind == "zip" and f.file.startswith(report.target + "!"):
            entry = f.file[len(report.target) + 1 :]
            source = self.zip_sources.get(os.path.abspath(report.target))
            if source is not None:
                return self.uri(str(source / entry)), None
            return self.uri(report.target), entry
        return self.uri(f.file), None


def sarif_document(
    reports: LintReport | Sequence[LintReport],
    rules: Sequence[Rule],
    *,
    root: str | Path = ".",
    zip_sources: Mapping[str, Path] | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run for all reports: rules are arm-ttk tests, results carry the
    arm-ttk error id. ``zip_sources`` maps a linted zip to the folder it was packaged from."""
    from armgen import __version__
    from armgen.lint.helpdocs import help_uri

    many = [reports] if isinstance(reports, LintReport) else list(reports)
    by_name = {r.name: r for r in rules}
    used = sorted({f.test for r in many for f in r.findings}, key=str.lower)
    index = {name: i for i, name in enumerate(used)}
    where = _Locator(Path(root), zip_sources or {})
    results = []
    for report in many:
        for f in report.findings:
            uri, entry = where.place(report, f)
            region = {"startLine": f.line if f.line and entry is None else 1}
            location: dict[str, Any] = {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": SRCROOT},
                    "region": region,
                },
                "logicalLocations": [{"fullyQualifiedName": f.path, "kind": "member"}],
            }
            properties: dict[str, Any] = {"errorId": f.id}
            message = f.message
            if entry is not None:  # only the zip is on disk: name the entry (and its line)
                properties["zipEntry"] = entry
                if f.line:
                    properties["entryLine"] = f.line
                message = f"{entry}{':' + str(f.line) if f.line else ''}: {message}"
            results.append(
                {
                    "ruleId": f.test,
                    "ruleIndex": index[f.test],
                    "level": f.severity,
                    "message": {"text": message},
                    "locations": [location],
                    "properties": properties,
                }
            )
    driver_rules = []
    for name in used:
        rule = by_name.get(name)
        group = rule.group if rule is not None else "deploymentTemplate"
        full = rule.description if rule is not None else name
        driver_rules.append(
            {
                "id": name,
                "name": name.replace("-", "").replace("_", ""),
                "shortDescription": {"text": name.replace("-", " ").replace("_", " ")},
                "fullDescription": {"text": full},
                "helpUri": help_uri(name, group),
                "properties": {"group": group},
            }
        )
    notes = list(dict.fromkeys(n for r in many for n in r.notes))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "armgen lint",
                        "version": version or __version__,
                        "informationUri": ARM_TTK_URL,
                        "rules": driver_rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"description": {"text": "the --sarif-root folder"}}},
                "results": results,
                "properties": {"notes": notes, "packages": [where.uri(r.target) for r in many]},
            }
        ],
    }


def render_sarif(reports: LintReport | Sequence[LintReport], rules: Sequence[Rule], **kw: Any) -> str:
    """Compact JSON (the C encoder: a corpus run's log is megabytes), deterministic, newline-ended."""
    return json.dumps(sarif_document(reports, rules, **kw), ensure_ascii=False, separators=(",", ":")) + "\n"
