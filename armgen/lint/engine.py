"""Which arm-ttk tests run on which file, and turning their reports into findings.

This mirrors arm-ttk's ``Test-AzTemplate``/``Expand-AzTemplate``:

* a folder (or zip) is tested as a package: its main template (``azuredeploy.json``,
  ``mainTemplate.json`` or ``prereq.azuredeploy.json``), its ``createUiDefinition.json`` and every
  ``.json``/``.jsonc`` below it; a single file is tested alone (with its folder's main template
  and createUiDefinition as context, like arm-ttk's harness run with ``-File``);
* a file's ``$schema`` picks the rule groups (deploymentTemplate, CreateUIDefinition,
  deploymentParameters); without one, its name does (or a ``resources`` property);
* inner-scope nested templates are cut out of their parent (replaced by ``{}``) and tested as
  templates of their own.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path as FsPath
from typing import Any

import regex

from armgen.errors import InputError
from armgen.lint import lazy, ps
from armgen.lint.model import (
    ALL_FILES,
    CREATE_UI,
    PARAMETERS,
    TEMPLATE,
    Context,
    Finding,
    LintReport,
    Rule,
    Unit,
    normalize_test_name,
    render_path,
)
from armgen.lint.reader import Document, Path, decode_text
from armgen.records import Record

MAIN_NAMES = ("azuredeploy.json", "maintemplate.json", "prereq.azuredeploy.json")
_GROUP_SCHEMA = {
    TEMPLATE: lazy.compile("deploymentTemplate", regex.I),
    CREATE_UI: lazy.compile("CreateUIDefinition", regex.I),
    PARAMETERS: lazy.compile("deploymentParameters", regex.I),
}


class SourceFile(Record):
    """One JSON file of the input: its name relative to the package root, text and parse."""

    __slots__ = __match_args__ = ("rel", "raw", "doc", "error", "units")

    def __init__(self, rel: str, raw: bytes, doc: Document | None = None, error: str | None = None,
                 units: list[Unit] | None = None) -> None:
        self.rel = rel
        self.raw = raw
        self.doc = doc
        self.error = error
        self.units: list[Unit] = [] if units is None else units

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def data(self) -> Any:
        return self.doc.data if self.doc else None

    @property
    def schema(self) -> Any:
        return ps.get(self.data, "$schema")


def _is_json_name(name: str) -> bool:
    low = name.lower()
    return low.endswith(".json") or low.endswith(".jsonc")


def _read_folder(root: FsPath, exclude: tuple[str, ...] = ()) -> list[SourceFile]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = FsPath(dirpath).relative_to(root).as_posix()  # once per folder, not per file
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(
            d for d in dirnames if d.lower() != "__macosx" and (prefix + d) not in exclude
        )
        for fn in sorted(filenames):
            if _is_json_name(fn):
                with open(os.path.join(dirpath, fn), "rb") as fh:
                    raw = fh.read()
                out.append(SourceFile(fn if rel_dir == "." else f"{rel_dir}/{fn}", raw))
    return out


def is_zip(path: FsPath) -> bool:
    """Whether ``path`` is a zip (:func:`armgen.zipio.is_zip`), importing zipio (and its zipfile,
    lzma, hashlib) only for a path that is not a folder: a folder run, the common case, never
    needs it."""
    from armgen import zipio

    return zipio.is_zip(path)


def _read_zip(path: FsPath) -> list[SourceFile]:
    """The JSON entries of a zip, read in memory through :mod:`armgen.zipio` (nothing is
    extracted; bombs, unsafe or duplicate names and damage are one InputError naming the zip)."""
    from armgen import zipio

    with zipio.open_zip(path, str(path)) as z:
        entries = [e for e in z.entries if _is_json_name(e.name)]
        entries = [e for e in entries if "__macosx" not in e.name.lower().split("/")]
        # the package root is the shallowest folder holding a main template (usually the zip root)
        roots = sorted(
            (e.name.rsplit("/", 1)[0] if "/" in e.name else "")
            for e in entries
            if e.name.rsplit("/", 1)[-1].lower() in MAIN_NAMES
        )
        root = min(roots, key=lambda r: (r.count("/") + (1 if r else 0), r)) if roots else ""
        prefix = root + "/" if root else ""
        return [SourceFile(e.name[len(prefix) :], z.read(e))
                for e in sorted(entries, key=lambda e: e.name) if e.name.startswith(prefix)]


def _parse(sf: SourceFile, display: str) -> None:
    try:
        sf.doc = Document.parse(sf.raw, file=display)
    except InputError as exc:
        sf.error = f"{exc.message} at {exc.path}" if exc.path else exc.message


def _copy_replacing(data: Any, paths: list[Path]) -> Any:
    """A copy of ``data`` in which the value at each path is ``{}`` (copying only along paths)."""

    def rec(node: Any, todo: list[Path]) -> Any:
        if any(len(p) == 0 for p in todo):
            return {}
        heads: dict[Any, list[Path]] = {}
        for p in todo:
            heads.setdefault(p[0], []).append(p[1:])
        if isinstance(node, dict):
            new = dict(node)
            for k, rest in heads.items():
                if k in new:
                    new[k] = rec(new[k], rest)
            return new
        if isinstance(node, list):
            new_list = list(node)
            for k, rest in heads.items():
                if isinstance(k, int) and k < len(new_list):
                    new_list[k] = rec(new_list[k], rest)
            return new_list
        return node

    return rec(data, paths)


def _inner_template_paths(data: Any, base: Path = ()) -> list[Path]:
    """Paths (relative to ``data``) of inner-scope nested templates, outermost only."""
    found = []
    for f in ps.find(data, "template"):
        tpl = f.value
        if not isinstance(tpl, dict):
            continue
        scope = ps.dig(f.obj, "expressionEvaluationOptions", "scope")
        dotted = ".".join(str(p) for p in f.path)
        if ps.eq(scope, "inner") or ps.like(dotted, "*.policyRule.*"):
            found.append(f.path)
    found.sort()
    outer: list[Path] = []
    for p in found:
        if not any(p[: len(o)] == o for o in outer):
            outer.append(p)
    return outer


def build_units(sf: SourceFile, is_main: bool) -> list[Unit]:
    """The file's template plus each inner-scope nested template, as arm-ttk tests them."""
    assert sf.doc is not None
    doc = sf.doc
    units: list[Unit] = []

    def make(data: Any, base: Path, text: str, text_offset: int, is_inner: bool) -> None:
        inner = _inner_template_paths(data) if '"template"' in text or "'template'" in text else []
        unit = Unit(
            data=data,
            text=text,
            original=doc.data,
            doc=doc,
            base=base,
            text_offset=text_offset,
            is_inner=is_inner,
            is_main=is_main,
            file_name=sf.name,
        )
        units.append(unit)
        if not inner:
            return
        cuts = []
        for p in inner:
            node = doc.node(base + p)
            if node is None:
                continue
            ks = node.key_start if node.key_start >= 0 else node.start
            cuts.append((ks - text_offset, node.end - text_offset, node, p))
        cuts.sort(key=lambda c: c[0])
        pieces, last = [], 0
        for start, end, _node, _p in cuts:
            pieces.append(text[last:start])
            pieces.append('"template": {}')
            last = end
        pieces.append(text[last:])
        unit.text = "".join(pieces)
        unit.cuts = [(s, e, len('"template": {}')) for s, e, _n, _p in cuts]
        unit.data = _copy_replacing(data, [c[3] for c in cuts])
        for _s, _e, node, p in cuts:
            sub = data
            for part in p:
                sub = sub[part]
            make(sub, base + p, doc.text[node.start : node.end], node.start, True)

    make(doc.data, (), doc.text, 0, False)
    for unit in units:  # one walk per template serves every rule's finds
        ps.prime(unit.original)
        ps.prime(unit.data)
    return units


def groups_for(sf: SourceFile) -> list[str]:
    """arm-ttk's Test-FileList: the rule groups that run on one file."""
    groups = []
    schema = sf.schema
    if ps.truthy(schema):
        s = ps.to_str(schema)
        groups = [g for g, rx in _GROUP_SCHEMA.items() if rx.search(s)]
    else:
        low = sf.name.lower()
        if low.endswith(".json"):
            fn = sf.name[:-5]
            if _GROUP_SCHEMA[CREATE_UI].search(fn):
                groups.append(CREATE_UI)
            elif ps.like(fn, "*.parameters"):
                groups.append(PARAMETERS)
            elif fn.lower() in ("maintemplate", "azuredeploy", "prereq.azuredeploy"):
                groups.append(TEMPLATE)
            elif ps.truthy(ps.get(sf.data, "resources")):
                groups.append(TEMPLATE)
    return groups


class Engine:
    """One lint run over one input path."""

    def __init__(
        self,
        rules: list[Rule],
        *,
        marketplace: bool,
        api_cache: dict[str, list[str]] | None,
        test_date: _dt.date,
        exclude: tuple[str, ...] = (),
    ):
        self.exclude = exclude
        self.rules = rules
        self.marketplace = marketplace
        self.api_cache = api_cache
        self.test_date = test_date
        self.report = LintReport()

    # ---- input ------------------------------------------------------------------------------
    def load(self, path: FsPath) -> tuple[list[SourceFile], SourceFile | None, SourceFile | None, str]:
        """Files to test, the main template, createUiDefinition (context), and a display prefix."""
        if not path.exists():
            raise InputError("no such file or folder", file=str(path))
        if path.is_dir():
            files = _read_folder(path, self.exclude)
            prefix = str(path)
            tested = files
            self.report.kind = "folder"
        elif is_zip(path):
            files = _read_zip(path)
            prefix = str(path) + "!"
            tested = files
            self.report.kind = "zip"
        else:
            folder = path.parent
            siblings = [
                SourceFile(p.name, p.read_bytes())
                for p in sorted(folder.iterdir())
                if p.is_file() and _is_json_name(p.name) and p.name != path.name
            ]
            target = SourceFile(path.name, path.read_bytes())
            files = [target, *siblings]
            prefix = str(folder)
            tested = [target]
            self.report.kind = "file"
        if not files:
            raise InputError("no .json or .jsonc file to lint", file=str(path))
        for sf in files:
            _parse(sf, self.display(prefix, sf))
        if not path.is_dir() and not is_zip(path) and tested[0].error:
            raise InputError(tested[0].error, file=str(path))
        top = [sf for sf in files if "/" not in sf.rel]
        main = None
        for want in MAIN_NAMES:
            main = next((sf for sf in top if sf.name.lower() == want and sf.doc), None)
            if main:
                break
        cuid = next((sf for sf in top if sf.name.lower() == "createuidefinition.json" and sf.doc), None)
        if path.is_file() and not is_zip(path):
            target = tested[0]
            if target.doc and ps.like(ps.get(target.data, "$schema"), "*CreateUIDefinition*"):
                cuid, main = target, None
            elif target.name.lower().endswith(".parameters.json") or target.name.lower() not in MAIN_NAMES:
                main = None
            else:
                main = target
        # createUiDefinition goes first, as arm-ttk sorts it
        tested = sorted(tested, key=lambda sf: 0 if sf.name.lower() == "createuidefinition.json" else 1)
        return tested, main, cuid, prefix

    @staticmethod
    def display(prefix: str, sf: SourceFile) -> str:
        if prefix.endswith("!"):
            return prefix + sf.rel
        return os.path.join(prefix, sf.rel) if prefix else sf.rel

    # ---- running ----------------------------------------------------------------------------
    def run(self, path: FsPath) -> LintReport:
        try:
            return self._run(path)
        finally:
            ps.clear_index_cache()

    def _run(self, path: FsPath) -> LintReport:
        self.report.target = str(path)
        tested, main, cuid, prefix = self.load(path)
        self.report.files = [self.display(prefix, sf) for sf in tested]
        main_unit = None
        main_params = None
        if main is not None and main.doc is not None and isinstance(main.data, dict):
            main.units = build_units(main, True)
            main_unit = main.units[0]
            params = ps.get(main.data, "parameters")
            main_params = dict(params) if isinstance(params, dict) else {}
        by_group: dict[str, list[Rule]] = {}
        for r in self.rules:
            by_group.setdefault(r.group, []).append(r)
        if tested:
            for rule in by_group.get(ALL_FILES, []):
                ctx = self._ctx(rule, self.display(prefix, tested[0]), tested[0].doc)
                ctx.folder_files = [(self.display(prefix, sf), sf) for sf in tested]
                self._invoke(rule, ctx)
        for sf in tested:
            if sf.doc is None:
                continue
            shown = self.display(prefix, sf)
            for group in groups_for(sf):
                for rule in by_group.get(group, []):
                    self._run_rule(rule, group, sf, shown, main, main_unit, main_params, cuid, prefix)
        return self.report

    def _ctx(self, rule: Rule, shown: str, doc: Document | None) -> Context:
        return Context(rule=rule, file=shown, doc=doc, api_cache=self.api_cache, test_date=self.test_date)

    def _run_rule(
        self,
        rule: Rule,
        group: str,
        sf: SourceFile,
        shown: str,
        main: SourceFile | None,
        main_unit: Unit | None,
        main_params: dict[str, Any] | None,
        cuid: SourceFile | None,
        prefix: str,
    ) -> None:
        if group == CREATE_UI:
            ctx = self._ctx(rule, shown, sf.doc)
            ctx.cuid, ctx.cuid_text, ctx.cuid_doc = sf.data, sf.doc.text if sf.doc else None, sf.doc
            ctx.template = main_unit
            ctx.main_template = main_unit
            ctx.main_parameters = main_params
            self._invoke(rule, ctx)
        elif group == PARAMETERS:
            ctx = self._ctx(rule, shown, sf.doc)
            ctx.parameter_object = sf.data
            self._invoke(rule, ctx)
        elif group == TEMPLATE:
            if not sf.units:
                if not isinstance(sf.data, dict):
                    ctx = self._ctx(rule, shown, sf.doc)
                    self._invoke(rule, ctx)
                    return
                is_main = sf is main or (main is None and sf.name.lower() in MAIN_NAMES)
                sf.units = build_units(sf, is_main)
            units = sf.units if rule.inner_templates else sf.units[:1]
            for unit in units:
                ctx = self._ctx(rule, shown, sf.doc)
                ctx.template = unit
                ctx.main_parameters = main_params
                ctx.main_template = main_unit
                if cuid is not None and cuid.doc is not None:
                    ctx.cuid, ctx.cuid_text, ctx.cuid_doc = cuid.data, cuid.doc.text, cuid.doc
                self._invoke(rule, ctx, count=unit is units[0])

    @staticmethod
    def _available(name: str, ctx: Context) -> bool:
        t = ctx.template
        if name == "TemplateObject":
            return t is not None and ps.truthy(t.data)
        if name == "TemplateText":
            return t is not None and ps.truthy(t.text)
        if name == "TemplateFileName":
            return t is not None
        if name == "CreateUIDefinitionObject":
            return ctx.cuid is not None
        if name == "CreateUIDefinitionText":
            return ps.truthy(ctx.cuid_text)
        if name == "MainTemplateParameters":
            return ctx.main_parameters is not None
        if name == "ParameterObject":
            return ctx.parameter_object is not None
        if name == "AllAzureResources":
            return ctx.api_cache is not None
        return True  # TemplateMetadata and anything else

    def _invoke(self, rule: Rule, ctx: Context, count: bool = True) -> None:
        if count:
            self.report.ran[rule.name] = self.report.ran.get(rule.name, 0) + 1
        if not all(self._available(r, ctx) for r in rule.requires):
            return
        rule.check(ctx)
        severity_override = "warning" if (self.marketplace and rule.marketplace_warning) else None
        for kind, id_, message, path, offset, file in ctx.issues:
            sev = severity_override or kind
            self.report.findings.append(self._finding(rule, ctx, sev, id_, message, path, offset, file))

    def _finding(
        self,
        rule: Rule,
        ctx: Context,
        sev: str,
        id_: str,
        message: str,
        path: Path,
        offset: int | None,
        file: str | None,
    ) -> Finding:
        unit = ctx.template if rule.group == TEMPLATE else None
        doc = ctx.doc
        line: int | None = None
        full: Path = path
        if file is not None:
            return Finding(rule.name, id_, sev, file, render_path(path), None, message)
        if doc is not None:
            if offset is not None:
                fo = unit.file_offset(offset) if unit is not None else offset
                line = doc.line_at(fo)
                full = doc.path_at(fo)
            else:
                full = (unit.base if unit is not None else ()) + tuple(path)
                line = doc.line_of(full) if full else None
        return Finding(rule.name, id_, sev, ctx.file, render_path(full), line, message)

def select_rules(rules: list[Rule], tests: list[str] | None, skip: list[str] | None) -> list[Rule]:
    """``-Test``/``-Skip``: names compared ignoring case, with ``-``, ``_`` and spaces alike."""
    chosen = rules
    if tests:
        want = {normalize_test_name(t) for t in tests}
        unknown = want - {r.key for r in rules}
        if unknown:
            raise InputError(f"unknown test name(s): {', '.join(sorted(unknown))}")
        chosen = [r for r in rules if r.key in want]
    if skip:
        drop = {normalize_test_name(t) for t in skip}
        chosen = [r for r in chosen if r.key not in drop]
    return chosen


def read_text(path: FsPath) -> str:
    return decode_text(path.read_bytes())
