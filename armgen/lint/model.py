"""What lint produces (Finding, LintReport) and what a rule module declares (Rule, Context).

A rule module holds one arm-ttk test: its arm-ttk name, the file kind (arm-ttk's test group) it
applies to, the inputs it requires (arm-ttk skips a test whose mandatory input is missing) and a
``check(ctx)`` function that reports through ``ctx.error``/``ctx.warn``. The engine decides which
files a rule sees, so a rule never needs to know about folders, zips or inner templates.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from armgen.errors import json_path
from armgen.lint.reader import Document, Path

# arm-ttk's test groups = the file kinds a rule applies to
ALL_FILES = "AllFiles"
CREATE_UI = "CreateUIDefinition"
PARAMETERS = "deploymentParameters"
TEMPLATE = "deploymentTemplate"

# the id PowerShell gives an error written without -ErrorId
DEFAULT_ERROR_ID = "Microsoft.PowerShell.Commands.WriteErrorException"


def normalize_test_name(name: str) -> str:
    """arm-ttk compares test names ignoring case, with ``-`` and ``_`` read as spaces."""
    return " ".join(name.replace("-", " ").replace("_", " ").split()).lower()


@dataclass(frozen=True)
class Finding:
    """One reported problem: arm-ttk test name, error id, severity, file, JSON path, line."""

    test: str
    id: str
    severity: str  # "error" or "warning"
    file: str
    path: str
    line: int | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "id": self.id,
            "severity": self.severity,
            "file": self.file,
            "path": self.path,
            "line": self.line,
            "message": self.message,
        }


@dataclass(frozen=True)
class Rule:
    """One arm-ttk test, as declared by its module in ``armgen.lint.rules``."""

    name: str  # arm-ttk test name, e.g. "Location-Should-Not-Be-Hardcoded"
    group: str  # ALL_FILES, CREATE_UI, PARAMETERS or TEMPLATE
    description: str
    check: Callable[[Context], None]
    requires: tuple[str, ...] = ()  # mandatory inputs (see Context.available)
    error_ids: tuple[str, ...] = ()  # ids this rule can report (documentation)
    marketplace_warning: bool = False  # Test-AzMarketplacePackage demotes errors to warnings
    inner_templates: bool = True  # TEMPLATE rules: also run on each inner-scope nested template
    needs_api_cache: bool = False

    @property
    def key(self) -> str:
        return normalize_test_name(self.name)


@dataclass
class Unit:
    """A template as one rule run sees it: the file's template or one inner-scope nested template."""

    data: Any  # the template object (inner-scope nested templates replaced by {})
    text: str  # its text (same replacement)
    original: Any  # the whole file's object, nested templates still inline
    doc: Document  # the file
    base: Path = ()  # where this template sits in the file
    text_offset: int = 0  # where ``text`` starts in the file's text
    cuts: list[tuple[int, int, int]] = field(default_factory=list)  # (old_start, old_end, new_len)
    is_inner: bool = False
    is_main: bool = False
    file_name: str = ""

    def file_offset(self, offset: int) -> int:
        """Map an offset in ``text`` back to the file's text (undoing inner-template cut-outs)."""
        shift = 0
        for old_start, old_end, new_len in self.cuts:
            new_start = old_start - shift
            if offset < new_start:
                break
            if offset < new_start + new_len:
                return self.text_offset + old_start
            shift += (old_end - old_start) - new_len
        return self.text_offset + offset + shift


@dataclass
class Context:
    """Everything one rule run may read, plus the sinks it reports into."""

    rule: Rule
    file: str  # display name of the file under test
    doc: Document | None
    template: Unit | None = None
    cuid: Any = None
    cuid_text: str | None = None
    cuid_doc: Document | None = None
    main_parameters: dict[str, Any] | None = None
    main_template: Unit | None = None
    parameter_object: Any = None
    folder_files: list[Any] = field(default_factory=list)  # (shown name, SourceFile with .rel)
    api_cache: dict[str, list[str]] | None = None
    test_date: _dt.date = field(default_factory=_dt.date.today)
    issues: list[tuple[str, str, str, Path, int | None, str | None]] = field(default_factory=list)
    stop: bool = False

    def error(
        self,
        id: str | None,
        message: str,
        path: Path = (),
        offset: int | None = None,
        file: str | None = None,
    ) -> None:
        """arm-ttk's ``Write-Error``: ``path``/``offset`` are relative to the template under test."""
        self.issues.append(("error", id or DEFAULT_ERROR_ID, message, tuple(path), offset, file))

    def warn(self, message: str, path: Path = (), offset: int | None = None, id: str | None = None) -> None:
        """arm-ttk's ``Write-Warning``: reported, but never fails the test."""
        self.issues.append(("warning", id or "Warning", message, tuple(path), offset, None))


@dataclass
class LintReport:
    """Every finding of one lint run, plus which tests ran (arm-ttk's "results")."""

    findings: list[Finding] = field(default_factory=list)
    ran: dict[str, int] = field(default_factory=dict)  # arm-ttk test name -> runs (results)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    target: str = ""  # the path linted (folder, zip or file), as given
    kind: str = ""  # "folder", "zip" or "file": how finding files map back to disk
    api_cache: str = ""  # which apiVersions cache judged this run, and as of which day

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_json() for f in self.findings],
            "summary": {
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "files": len(self.files),
                "tests_run": len(self.ran),
                "notes": list(self.notes),
            },
        }


def render_path(parts: Path) -> str:
    return json_path(parts)
