"""What lint produces (Finding, LintReport) and what a rule module declares (Rule, Context).

A rule module holds one arm-ttk test: its arm-ttk name, the file kind (arm-ttk's test group) it
applies to, the inputs it requires (arm-ttk skips a test whose mandatory input is missing) and a
``check(ctx)`` function that reports through ``ctx.error``/``ctx.warn``. The engine decides which
files a rule sees, so a rule never needs to know about folders, zips or inner templates.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any

from armgen.errors import json_path
from armgen.lint.reader import Document, Path
from armgen.records import FrozenRecord, Record

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


class Finding(FrozenRecord):
    """One reported problem: arm-ttk test name, error id, severity, file, JSON path, line."""

    __slots__ = __match_args__ = ("test", "id", "severity", "file", "path", "line", "message")
    test: str
    id: str
    severity: str  # "error" or "warning"
    file: str
    path: str
    line: int | None
    message: str

    def __init__(self, test: str, id: str, severity: str, file: str, path: str, line: int | None,
                 message: str) -> None:
        s = object.__setattr__
        s(self, "test", test)
        s(self, "id", id)
        s(self, "severity", severity)
        s(self, "file", file)
        s(self, "path", path)
        s(self, "line", line)
        s(self, "message", message)

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


class Rule:
    """One arm-ttk test, as declared by its module in ``armgen.lint.rules``.

    A plain class rather than a dataclass: a rule is made once and never compared, and making
    the dataclass machinery for it (and the model's other classes) was time every lint run paid
    at import.
    """

    def __init__(
        self,
        name: str,  # arm-ttk test name, e.g. "Location-Should-Not-Be-Hardcoded"
        group: str,  # ALL_FILES, CREATE_UI, PARAMETERS or TEMPLATE
        description: str,
        check: Callable[[Context], None],
        requires: tuple[str, ...] = (),  # mandatory inputs (see Context.available)
        error_ids: tuple[str, ...] = (),  # ids this rule can report (documentation)
        marketplace_warning: bool = False,  # Test-AzMarketplacePackage demotes errors to warnings
        inner_templates: bool = True,  # TEMPLATE rules: also run on each inner-scope nested template
        needs_api_cache: bool = False,
    ) -> None:
        self.name = name
        self.group = group
        self.description = description
        self.check = check
        self.requires = requires
        self.error_ids = error_ids
        self.marketplace_warning = marketplace_warning
        self.inner_templates = inner_templates
        self.needs_api_cache = needs_api_cache

    @property
    def key(self) -> str:
        return normalize_test_name(self.name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class Unit(Record):
    """A template as one rule run sees it: the file's template or one inner-scope nested template."""

    __slots__ = __match_args__ = ("data", "text", "original", "doc", "base", "text_offset", "cuts", "is_inner",
                                  "is_main", "file_name")

    def __init__(
        self,
        data: Any,  # the template object (inner-scope nested templates replaced by {})
        text: str,  # its text (same replacement)
        original: Any,  # the whole file's object, nested templates still inline
        doc: Document,  # the file
        base: Path = (),  # where this template sits in the file
        text_offset: int = 0,  # where ``text`` starts in the file's text
        cuts: list[tuple[int, int, int]] | None = None,  # (old_start, old_end, new_len)
        is_inner: bool = False,
        is_main: bool = False,
        file_name: str = "",
    ) -> None:
        self.data = data
        self.text = text
        self.original = original
        self.doc = doc
        self.base = base
        self.text_offset = text_offset
        self.cuts = [] if cuts is None else cuts
        self.is_inner = is_inner
        self.is_main = is_main
        self.file_name = file_name

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


class Context(Record):
    """Everything one rule run may read, plus the sinks it reports into."""

    __slots__ = __match_args__ = ("rule", "file", "doc", "template", "cuid", "cuid_text", "cuid_doc",
                                  "main_parameters", "main_template", "parameter_object", "folder_files",
                                  "api_cache", "test_date", "issues", "stop")

    def __init__(
        self,
        rule: Rule,
        file: str,  # display name of the file under test
        doc: Document | None,
        template: Unit | None = None,
        cuid: Any = None,
        cuid_text: str | None = None,
        cuid_doc: Document | None = None,
        main_parameters: dict[str, Any] | None = None,
        main_template: Unit | None = None,
        parameter_object: Any = None,
        folder_files: list[Any] | None = None,  # (shown name, SourceFile with .rel)
        api_cache: Mapping[str, list[str]] | None = None,
        test_date: _dt.date | None = None,  # None: today
        issues: list[tuple[str, str, str, Path, int | None, str | None]] | None = None,
        stop: bool = False,
    ) -> None:
        self.rule = rule
        self.file = file
        self.doc = doc
        self.template = template
        self.cuid = cuid
        self.cuid_text = cuid_text
        self.cuid_doc = cuid_doc
        self.main_parameters = main_parameters
        self.main_template = main_template
        self.parameter_object = parameter_object
        self.folder_files = [] if folder_files is None else folder_files
        self.api_cache = api_cache
        self.test_date = _dt.date.today() if test_date is None else test_date
        self.issues = [] if issues is None else issues
        self.stop = stop

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


class LintReport(Record):
    """Every finding of one lint run, plus which tests ran (arm-ttk's "results")."""

    __slots__ = __match_args__ = ("findings", "ran", "notes", "files", "target", "kind", "api_cache")

    def __init__(
        self,
        findings: list[Finding] | None = None,
        ran: dict[str, int] | None = None,  # arm-ttk test name -> runs (results)
        notes: list[str] | None = None,
        files: list[str] | None = None,
        target: str = "",  # the path linted (folder, zip or file), as given
        kind: str = "",  # "folder", "zip" or "file": how finding files map back to disk
        api_cache: str = "",  # which apiVersions cache judged this run, and as of which day
    ) -> None:
        self.findings = [] if findings is None else findings
        self.ran = {} if ran is None else ran
        self.notes = [] if notes is None else notes
        self.files = [] if files is None else files
        self.target = target
        self.kind = kind
        self.api_cache = api_cache

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
