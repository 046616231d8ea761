"""Validation against Azure's *official* JSON schemas, offline, from a local copy.

Why a second schema check beside ours: Azure publishes schemas for templates, parameter files,
every resource type/apiVersion and createUiDefinition. They catch wrong literal types and enum
values, missing required properties and unknown top-level template keys, straight from the
source of truth. They do not close resource objects, so misspelled resource properties slip
through (our own schemas in :mod:`armgen.checks.schemas` catch those).

How it is made usable:

* Every file of DIR (laid out like ``https://schema.management.azure.com/schemas/``) is
  registered eagerly as a Draft 4 resource under its URL; nothing is fetched, and a ``$ref``
  that points outside DIR fails loudly instead of hanging on the network.
* A template is not validated as one blob (a single mistake would surface as one ``oneOf``
  error with hundreds of nested ones). Its top level is checked with ``resources`` emptied, then
  each resource against the one definition that matches its type and apiVersion. Types and
  apiVersions DIR does not hold are reported as notes ("not covered"), never as errors.
* Remaining ``oneOf``/``anyOf`` errors are unfolded: the branch that matches the object's
  ``type``/``apiVersion`` (or else the one failing deepest) is followed down to its leaves, and
  each leaf becomes one line with its JSON path.
* Compiled validators are cached in-process per DIR content (sha256 of its files); the parsed
  schemas and the type index are also cached on disk under the user cache dir.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import pickle
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from armgen.errors import InputError, json_path
from armgen.jsonio import json_type, load_json, parse_json

BASE_URL = "https://schema.management.azure.com/schemas/"
TEMPLATE_URL = BASE_URL + "2019-04-01/deploymentTemplate.json"
PARAMETERS_URL = BASE_URL + "2019-04-01/deploymentParameters.json"
CUID_URL = BASE_URL + "0.1.2-preview/CreateUIDefinition.MultiVm.json"
RESOURCE_BASE_REF = BASE_URL + "common/definitions.json#/definitions/resourceBase"
EXPRESSION_REF_SUFFIX = "/definitions/expression"
_RESOURCE_SECTIONS = (
    "resourceDefinitions",
    "subscription_resourceDefinitions",
    "managementGroup_resourceDefinitions",
    "tenant_resourceDefinitions",
    "extension_resourceDefinitions",
)
_CACHE_FORMAT = 1
_CHECK_FORMAT = 4  # how DIR's schemas are prepared for the compiled checks (part of their cache key)
NOT_ALLOWED = "property not allowed here"


@dataclass(frozen=True)
class OfficialProblem:
    """One finding: ``severity`` is ``error`` (the file is wrong) or ``note`` (not checked)."""

    file: str
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


# ----------------------------------------------------------------------------------------------
# Loading and caching the schema set


def _user_cache_dir() -> Path:
    """Where the on-disk cache lives (see :mod:`armgen.checks.diskcache`)."""
    from armgen.checks.diskcache import user_cache_dir

    return user_cache_dir()


def _schema_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*.json")
        if p.name != "MANIFEST.json" and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def _url_for(root: Path, path: Path, doc: Any) -> str:
    """The URL a schema file is served under: its own ``id`` when it names one, else its place in DIR."""
    ident = doc.get("id") if isinstance(doc, dict) else None
    if isinstance(ident, str) and ident.startswith(BASE_URL):
        return ident.split("#", 1)[0]
    return BASE_URL + path.relative_to(root).as_posix()


def _patch_patterns(node: Any) -> None:
    """Rewrite JavaScript-only regex syntax that Python rejects; drop what still does not compile."""
    if isinstance(node, dict):
        pat = node.get("pattern")
        if isinstance(pat, str):
            try:
                re.compile(pat)
            except re.error:
                fixed = pat.replace(r"\w-.", r"\w\-.").replace("\\0", "\\x00")
                try:
                    re.compile(fixed)
                    node["pattern"] = fixed
                except re.error:
                    del node["pattern"]
        for value in node.values():
            _patch_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _patch_patterns(value)


def _build_index(docs: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(lower-case type, apiVersion) -> ``URL#/section/name`` for every resource definition in DIR."""
    index: dict[tuple[str, str], str] = {}
    for url, doc in sorted(docs.items()):
        if not isinstance(doc, dict):
            continue
        for section in _RESOURCE_SECTIONS:  # resourceDefinitions first: it wins on a clash
            for name, schema in (doc.get(section) or {}).items():
                props = schema.get("properties", {}) if isinstance(schema, dict) else {}
                types = (props.get("type") or {}).get("enum") or []
                versions = (props.get("apiVersion") or {}).get("enum") or []
                for t in types:
                    for v in versions:
                        index.setdefault((str(t).lower(), str(v)), f"{url}#/{section}/{name}")
    return index


def _digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


class SchemaSet:
    """The official schemas of one DIR: type index, jsonschema validators and compiled checks.

    Each (resource type, control, document) schema is first tried as a compiled check
    (:mod:`armgen.checks.compiled`, cached on disk under DIR's digest): a value it passes has
    no problems, and only the others are walked by jsonschema, which explains them. So the
    registry and jsonschema are only built and imported when something is wrong.
    """

    def __init__(self, root: Path, docs: dict[str, Any], index: dict[tuple[str, str], str], digest: str):
        self.root = root
        self.digest = digest
        self.docs = docs
        self.index = index
        self._validators: dict[str, Any] = {}
        self._checks: dict[str, Any] = {}
        self._registry: Any = None
        self._prepared: dict[str, Any] | None = None
        self._ref_list: list[tuple[str, str]] | None = None

    @property
    def registry(self) -> Any:
        if self._registry is None:
            from referencing import Registry
            from referencing.jsonschema import DRAFT4

            self._registry = Registry().with_resources(
                (url, DRAFT4.create_resource(doc)) for url, doc in self.docs.items()
            )
        return self._registry

    def has(self, url: str) -> bool:
        return url.split("#", 1)[0] in self.docs

    @staticmethod
    def schema_for(ref: str | tuple[str, ...]) -> dict[str, Any]:
        """``{"$ref": ref}``, or an ``allOf`` of several refs."""
        return {"$ref": ref} if isinstance(ref, str) else {"allOf": [{"$ref": r} for r in ref]}

    def validator(self, ref: str | tuple[str, ...]) -> Any:
        """A Draft 4 validator for ``{"$ref": ref}`` (or an ``allOf`` of several refs), cached."""
        key = ref if isinstance(ref, str) else "|".join(ref)
        return self._validator(key, self.schema_for(ref))

    def _validator(self, key: str, schema: dict[str, Any]) -> Any:
        from jsonschema import Draft4Validator

        v = self._validators.get(key)
        if v is None:
            v = self._validators[key] = Draft4Validator(schema, registry=self.registry)
        return v

    def iter_errors(self, ref: str | tuple[str, ...], instance: Any) -> Iterable[Any]:
        """jsonschema's errors of ``instance`` against ``ref``; none, without jsonschema, when the
        compiled check passes it."""
        key = ref if isinstance(ref, str) else "|".join(ref)
        return self.iter_errors_of(key, self.schema_for(ref), instance)

    def iter_errors_of(self, key: str, schema: dict[str, Any], instance: Any) -> Iterable[Any]:
        """:meth:`iter_errors` for any root ``schema`` (made of absolute refs), cached as ``key``."""
        from armgen.checks.compiled import passes

        if passes(self._check(key, schema), instance):
            return ()
        return self._validator(key, schema).iter_errors(instance)

    def iter_errors_top(self, url: str, top: Any) -> Iterable[Any]:
        """:meth:`iter_errors` of a template's top level against the template schema ``url``,
        ``top`` holding its ``resources`` emptied (each resource is checked on its own). The
        compiled check is made with ``resources`` accepting exactly the empty values the schema
        accepts, so it is not made for every resource type DIR holds (the schema names them all:
        seconds of code generation on a first run, for nothing)."""
        from armgen.checks.compiled import passes

        if passes(self._check("top:" + url, {"$ref": url}, top_of=url), top):
            return ()
        return self._validator(url, self.schema_for(url)).iter_errors(top)

    def _check(self, key: str, schema: dict[str, Any], top_of: str | None = None) -> Any:
        if key not in self._checks:
            self._checks[key] = self._compile(key, schema, top_of)
        return self._checks[key]

    def _empty_resources(self, url: str) -> dict[str, Any]:
        """A schema that accepts exactly the empty ``resources`` values (``[]``, ``{}``) that the
        template schema at ``url`` accepts, and nothing else: as strict as a compiled check may be
        (jsonschema answers once, when the check is made, never on a run that has it cached)."""
        pointer = f"{url}#/properties/resources"
        accepts = self._validator(pointer, {"$ref": pointer}).is_valid
        shapes = [shape for empty, shape in (([], {"type": "array", "maxItems": 0}),
                                             ({}, {"type": "object", "maxProperties": 0})) if accepts(empty)]
        return {"anyOf": shapes} if shapes else {"not": {}}

    def _compile(self, key: str, schema: dict[str, Any], top_of: str | None = None) -> Any:
        from armgen.checks import compiled

        try:
            stamp = hashlib.sha256(f"{_CHECK_FORMAT}|{self.digest}|".encode() + compiled.compiler_digest())
        except ModuleNotFoundError:
            return None
        entry = (_user_cache_dir() / "official" / stamp.hexdigest()[:32]
                 / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.marshal")

        def make() -> str:
            prepared = self._prepared_docs()
            template = prepared.get(top_of or "")
            if isinstance(template, dict) and isinstance(template.get("properties"), dict) \
                    and "resources" in template["properties"]:
                properties = {**template["properties"], "resources": self._empty_resources(top_of or "")}
                prepared = {**prepared, top_of or "": {**template, "properties": properties}}

            def fetch(uri: str) -> Any:  # only DIR's files; never the network
                # a schema DIR does not hold fails every value (the template schema names every
                # resource type; jsonschema would fail to resolve it): sound, as a check must be
                return prepared[uri] if uri in prepared else self._absent(uri)

            return compiled.source(schema, fetch, draft=compiled.DRAFT4, expression_types=True)

        return compiled.load(entry, make, key)

    def _absent(self, uri: str) -> dict[str, Any]:
        """A stand-in for a schema document DIR does not hold: every place DIR's ``$ref`` point
        to in it is a schema no value passes (``{"not": {}}``)."""
        doc: dict[str, Any] = {"not": {}}
        if self._ref_list is None:
            self._ref_list = list(_refs(self.docs))
        for base, node in self._ref_list:
            target, _, pointer = urljoin(base, node).partition("#")
            if target != uri:
                continue
            here = doc
            for part in [p for p in pointer.split("/") if p]:
                here = here.setdefault(part.replace("~1", "/").replace("~0", "~"), {"not": {}})
        return doc

    def _prepared_docs(self) -> dict[str, Any]:
        """DIR's documents with each ``$`` inside a pattern's character class escaped (the same
        character there): fastjsonschema rewrites every unescaped ``$`` as ``\\Z``, which is
        stricter than jsonschema outside a class and breaks the pattern inside one."""
        if self._prepared is None:
            from armgen.checks.schemas import ecma_pattern

            def prep(node: Any) -> Any:
                if isinstance(node, dict):
                    return {k: (ecma_pattern(v, escape_class_dollar=True) if k == "pattern" and isinstance(v, str)
                                else prep(v)) for k, v in node.items()}
                if isinstance(node, list):
                    return [prep(v) for v in node]
                return node

            self._prepared = {url: prep(doc) for url, doc in self.docs.items()}
        return self._prepared


def _refs(docs: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(base URL, ``$ref``) of every string ``$ref`` in ``docs`` (by their URL; an ``id`` at a
    document's root is its base, as the official schemas use it)."""
    for url, doc in docs.items():
        base = doc.get("id") if isinstance(doc, dict) and isinstance(doc.get("id"), str) else url
        stack = [doc]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    yield base, ref
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


_SETS: dict[tuple[str, str], SchemaSet] = {}


def load_schemas(directory: str | os.PathLike[str], *, disk_cache: bool = True) -> SchemaSet:
    """Load DIR once per process (and once per content on disk); raises InputError if unusable."""
    root = Path(directory).resolve()
    if not root.is_dir():
        raise InputError("not a folder of official schemas", file=str(directory))
    files = _schema_files(root)
    digest = _digest(files)
    key = (str(root), digest)
    if key in _SETS:
        return _SETS[key]
    cache_file = _user_cache_dir() / "official" / f"{digest}.pickle"
    loaded: tuple[dict[str, Any], dict[tuple[str, str], str]] | None = None
    if disk_cache and cache_file.is_file():
        try:
            fmt, docs, index = pickle.loads(cache_file.read_bytes())
            if fmt == _CACHE_FORMAT:
                loaded = (docs, index)
        except Exception:  # a damaged cache file is simply rebuilt
            loaded = None
    if loaded is None:
        docs = {}
        for p in files:
            try:
                doc = load_json(p)
            except InputError as exc:
                raise InputError(f"schema file: {exc.message}", file=str(p)) from None
            _patch_patterns(doc)
            docs[_url_for(root, p, doc)] = doc
        index = _build_index(docs)
        loaded = (docs, index)
        if disk_cache:
            _store_cache(cache_file, (_CACHE_FORMAT, docs, index))
    for needed in (TEMPLATE_URL, RESOURCE_BASE_REF.split("#")[0]):
        if needed not in loaded[0]:
            raise InputError(f"official schemas incomplete: {needed} not found", file=str(directory))
    ss = _SETS[key] = SchemaSet(root, loaded[0], loaded[1], digest)
    return ss


def _store_cache(path: Path, payload: Any) -> None:
    """Best effort: a cache that cannot be written only costs speed."""
    from armgen.checks.diskcache import store

    store(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


# ----------------------------------------------------------------------------------------------
# Turning jsonschema's error trees into one line per real problem


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."



def _is_expression(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value.startswith("[")
        and value.endswith("]")
        and not value.startswith("[[")
    )


def _is_expression_branch(schema: Any) -> bool:
    return isinstance(schema, dict) and str(schema.get("$ref", "")).endswith(EXPRESSION_REF_SUFFIX)


@dataclass(frozen=True)
class _Leaf:
    path: tuple[str | int, ...]
    message: str
    note: bool = False


def _rel(err: Any, parent: Any) -> list[Any]:
    return list(err.absolute_path)[len(parent.absolute_path) :]


def _resource_like(instance: Any) -> bool:
    """An object told apart by its ``type`` (a resource or a UI control), so branches can be matched."""
    if not isinstance(instance, dict):
        return False
    t = instance.get("type")
    return "apiVersion" in instance or (isinstance(t, str) and "." in t)


def _mismatched(errors: list[Any], parent: Any) -> bool:
    """Whether a branch fails because it is for another type/apiVersion (so it is irrelevant)."""
    for e in errors:
        rel = _rel(e, parent)
        if rel in (["type"], ["apiVersion"]) and e.validator in ("enum", "const"):
            return True
        if not rel and e.validator in ("oneOf", "anyOf") and e.context and _all_mismatched(e):
            return True
    return False


def _branches(err: Any) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for e in err.context:
        groups[e.relative_schema_path[0]].append(e)
    return groups


def _all_mismatched(err: Any) -> bool:
    if not _resource_like(err.instance):
        return False
    groups = _branches(err)
    real = [errs for i, errs in groups.items() if not _is_expression_branch(err.validator_value[i])]
    return bool(real) and all(_mismatched(errs, err) for errs in real)


def _depth(errors: list[Any]) -> int:
    return max((len(e.absolute_path) + (_depth(e.context) if e.context else 0) for e in errors), default=0)


def _leaves(err: Any) -> Iterator[_Leaf]:
    """Unfold one jsonschema error into the few leaf problems a person has to fix."""
    path = tuple(err.absolute_path)
    if err.validator in ("oneOf", "anyOf") and err.context:
        groups = _branches(err)
        branch_schemas = err.validator_value
        had_expression = any(_is_expression_branch(branch_schemas[i]) for i in groups)
        real = {i: errs for i, errs in groups.items() if not _is_expression_branch(branch_schemas[i])}
        if _resource_like(err.instance):
            matching = {i: errs for i, errs in real.items() if not _mismatched(errs, err)}
            if real and not matching:
                inst = err.instance
                what = f"type {inst.get('type')!r}" + (
                    f" apiVersion {inst['apiVersion']!r}" if "apiVersion" in inst else ""
                )
                yield _Leaf(path, f"{what} is not covered by the schemas", note=True)
                return
            real = matching
        if not real:
            yield _Leaf(path, _message(err))
            return
        # every remaining branch rejects the value's JSON type outright: say what was expected
        if all(all(not _rel(e, err) and e.validator == "type" for e in errs) for errs in real.values()):
            if _is_expression(err.instance):
                return  # evaluated at deployment time; the schema cannot judge it
            wanted: list[str] = []
            for errs in real.values():
                for e in errs:
                    vs = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
                    wanted += [v for v in vs if v not in wanted]
            alt = " or an ARM expression" if had_expression else ""
            yield _Leaf(
                path,
                f"expected {' or '.join(wanted)}{alt}, got {json_type(err.instance)} {_short(err.instance)}",
            )
            return
        best = max(
            real,
            key=lambda i: (
                any(_rel(e, err) or e.validator != "type" for e in real[i]),
                _depth(real[i]),
                -len(real[i]),
            ),
        )
        for e in real[best]:
            yield from _leaves(e)
        return
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set((err.schema.get("properties") or {}).keys())
        patterns = list((err.schema.get("patternProperties") or {}).keys())
        extras = [k for k in err.instance if k not in allowed and not any(re.search(p, k) for p in patterns)]
        for k in extras:
            near = difflib.get_close_matches(k, sorted(allowed), n=1, cutoff=0.75)
            yield _Leaf((*path, k), NOT_ALLOWED + (f" (did you mean {near[0]!r}?)" if near else " (misspelled or unsupported?)"))
        if extras:
            return
    if err.validator == "oneOf" and not err.context:
        yield _Leaf(
            path,
            "matches more than one alternative of the (ambiguous) official schema: not checked",
            note=True,
        )
        return
    if err.validator == "type" and _is_expression(err.instance):
        return  # an expression where the schema wants a literal (e.g. ``tags``): a known false positive
    if err.validator == "enum" and isinstance(err.instance, str):
        same = [o for o in err.validator_value if isinstance(o, str) and o.lower() == err.instance.lower()]
        if same:
            yield _Leaf(
                path,
                f"{_short(err.instance)} differs only in case from {_short(same[0])} (the schema compares case-sensitively)",
                note=True,
            )
            return
    yield _Leaf(path, _message(err))


def _message(err: Any) -> str:
    v, inst, val = err.validator, err.instance, err.validator_value
    if v == "required":
        missing = [r for r in val if isinstance(inst, dict) and r not in inst] or list(val)
        msg = "missing required property " + ", ".join(repr(m) for m in missing)
        if isinstance(inst, dict):
            spare = [k for k in inst if k not in val]
            near = [m for r in missing for m in difflib.get_close_matches(r, spare, n=1, cutoff=0.75)]
            if near:
                msg += f" (found {', '.join(repr(n) for n in near)}: misspelled?)"
        return msg
    if v == "type":
        vs = val if isinstance(val, list) else [val]
        return f"expected {' or '.join(vs)}, got {json_type(inst)} {_short(inst)}"
    if v == "enum":
        opts = ", ".join(_short(o, 40) for o in val[:8]) + (", ..." if len(val) > 8 else "")
        return f"{_short(inst)} is not one of [{opts}]"
    if v == "pattern":
        return f"{_short(inst)} does not match pattern {val!r}"
    if v in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum"):
        return f"{_short(inst)} violates {v} {val}"
    msg = err.message
    return msg if len(msg) <= 160 else msg[:157] + "..."


def _to_problems(
    errors: Iterable[Any], file: str, prefix: tuple[str | int, ...], notes_ok: bool = True
) -> list[OfficialProblem]:
    out: list[OfficialProblem] = []
    for err in errors:
        for leaf in _leaves(err):
            sev = "note" if leaf.note and notes_ok else "error"
            out.append(OfficialProblem(file, json_path((*prefix, *leaf.path)), leaf.message, sev))
    return out


# ----------------------------------------------------------------------------------------------
# Documents


def _schema_url(doc: Any, default: str, ss: SchemaSet) -> str:
    declared = doc.get("$schema") if isinstance(doc, dict) else None
    if isinstance(declared, str):
        url = declared.split("#", 1)[0]
        if ss.has(url) and url.endswith(default.rsplit("/", 1)[1]):
            return url
    return default


def validate_template(
    doc: Any, file: str, ss: SchemaSet, prefix: tuple[str | int, ...] = ()
) -> list[OfficialProblem]:
    """Top level with ``resources`` emptied, then each resource against its own definition."""
    if not isinstance(doc, dict):
        return [OfficialProblem(file, json_path(prefix), "a template must be a JSON object")]
    resources = doc.get("resources")
    top = dict(doc)
    if isinstance(resources, list):
        top["resources"] = []
        items: Iterable[tuple[str | int, Any]] = enumerate(resources)
    elif isinstance(resources, dict):
        top["resources"] = {}
        items = resources.items()
    else:
        items = ()
    problems = _to_problems(ss.iter_errors_top(_schema_url(doc, TEMPLATE_URL, ss), top), file, prefix)
    for key, res in items:
        problems += validate_resource(res, file, ss, (*prefix, "resources", key))
    return problems


def validate_resource(
    res: Any, file: str, ss: SchemaSet, prefix: tuple[str | int, ...]
) -> list[OfficialProblem]:
    """One top-level resource against the definition of its exact type and apiVersion."""
    where = json_path(prefix)
    if not isinstance(res, dict):
        return [OfficialProblem(file, where, f"a resource must be an object, got {json_type(res)}")]
    if res.get("existing") is True:
        return []  # a reference to an existing resource (languageVersion 2.0): nothing is deployed
    rtype, api = res.get("type"), res.get("apiVersion")
    known = (
        isinstance(rtype, str)
        and isinstance(api, str)
        and not _is_expression(rtype)
        and not _is_expression(api)
    )
    ref = ss.index.get((rtype.lower(), api)) if known else None  # type: ignore[union-attr]
    if ref is not None:
        found = _to_problems(ss.iter_errors((RESOURCE_BASE_REF, ref), res), file, prefix)
        return [_soften(p, where) for p in found] + _nested(res, file, ss, prefix)
    problems = _to_problems(ss.iter_errors(RESOURCE_BASE_REF, res), file, prefix)
    if known:
        problems.append(
            OfficialProblem(file, where, f"{rtype}@{api} is not covered by the schemas in {ss.root}", "note")
        )
    elif isinstance(rtype, str) and isinstance(api, str):
        problems.append(
            OfficialProblem(file, where, "type or apiVersion is an expression: not checked", "note")
        )
    return problems + _nested(res, file, ss, prefix)


def _soften(p: OfficialProblem, where: str) -> OfficialProblem:
    """Some official resource schemas require ``properties`` where Resource Manager does not."""
    if p.path == where and p.message == "missing required property 'properties'":
        msg = p.message + " by the official schema; Resource Manager accepts its absence for many types"
        return OfficialProblem(p.file, p.path, msg, "note")
    return p


def _nested(
    res: dict[str, Any], file: str, ss: SchemaSet, prefix: tuple[str | int, ...]
) -> list[OfficialProblem]:
    """An inline nested deployment carries a whole template: validate it as one."""
    rtype = res.get("type")
    props = res.get("properties")
    if (
        isinstance(rtype, str)
        and rtype.lower() == "microsoft.resources/deployments"
        and isinstance(props, dict)
    ):
        if isinstance(props.get("template"), dict):
            return validate_template(props["template"], file, ss, (*prefix, "properties", "template"))
    return []


def validate_parameters(doc: Any, file: str, ss: SchemaSet) -> list[OfficialProblem]:
    if not ss.has(PARAMETERS_URL):
        return [
            OfficialProblem(file, "$", f"no deploymentParameters schema in {ss.root}: not checked", "note")
        ]
    return _to_problems(ss.iter_errors(_schema_url(doc, PARAMETERS_URL, ss), doc), file, ())


_COMMON = "CreateUIDefinition.CommonControl.json"
_PROVIDER = "CreateUIDefinition.ProviderControl.json"


def _control_index(ss: SchemaSet) -> dict[str, dict[str, list[str]]]:
    """control type -> definition refs, for ``basics`` (common controls) and ``steps`` (provider)."""
    cached = getattr(ss, "_control_index", None)
    if cached is not None:
        return cached
    out: dict[str, dict[str, list[str]]] = {"common": defaultdict(list), "provider": defaultdict(list)}
    for fname, contexts in ((_COMMON, ("common", "provider")), (_PROVIDER, ("provider",))):
        url = BASE_URL + "0.1.2-preview/" + fname
        for name, schema in ((ss.docs.get(url) or {}).get("definitions") or {}).items():
            types = ((schema.get("properties") or {}).get("type") or {}).get("enum") or []
            for ctx in contexts:
                if (
                    ctx == "provider"
                    and fname == _COMMON
                    and name.endswith(("Section-common", "Selector-common"))
                ):
                    continue
                for t in types:
                    out[ctx][t].append(f"{url}#/definitions/{name}")
    ss._control_index = out  # type: ignore[attr-defined]
    return out


def _validate_control(
    el: Any, ctx: str, file: str, ss: SchemaSet, prefix: tuple[str | int, ...]
) -> list[OfficialProblem]:
    """One UI element against the definition of its control type; sections are walked by hand."""
    if not isinstance(el, dict):
        return [
            OfficialProblem(file, json_path(prefix), f"an element must be an object, got {json_type(el)}")
        ]
    index = _control_index(ss)
    ctype = el.get("type")
    children = el.get("elements") if isinstance(el.get("elements"), list) else None
    problems: list[OfficialProblem] = []
    refs = index[ctx].get(ctype) if isinstance(ctype, str) else None
    if refs:
        inst = {**el, "elements": []} if children else el
        key = "oneOf:" + "|".join(refs)
        schema = {"$ref": refs[0]} if len(refs) == 1 else {"oneOf": [{"$ref": r} for r in refs]}
        for p in _to_problems(ss.iter_errors_of(key, schema, inst), file, prefix):
            if not (children and p.path == json_path((*prefix, "elements")) and "minItems" in p.message):
                problems.append(p)
    elif isinstance(ctype, str):
        where = (
            "in basics (the official schema allows only common controls there)"
            if ctype in index["provider"]
            else "in the official (2020) createUiDefinition schema"
        )
        problems.append(
            OfficialProblem(
                file, json_path(prefix), f"control type {ctype!r} is not covered {where}: not checked", "note"
            )
        )
    for i, child in enumerate(children or []):
        problems += _validate_control(child, ctx, file, ss, (*prefix, "elements", i))
    return problems


def _parent(path: str) -> str:
    """``$.a.b[2]`` -> ``$.a.b``; ``$.a.b`` -> ``$.a``."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else "$"


def validate_uidef(doc: Any, file: str, ss: SchemaSet) -> list[OfficialProblem]:
    """Loose check: the 2020 schema lacks today's controls, properties and versions; those become notes."""
    if not ss.has(CUID_URL):
        return [OfficialProblem(file, "$", f"no createUiDefinition schema in {ss.root}: not checked", "note")]
    if not isinstance(doc, dict):
        return [OfficialProblem(file, "$", "createUiDefinition must be a JSON object")]
    params = doc.get("parameters")
    top = doc
    elements: list[tuple[str, tuple[str | int, ...], Any]] = []
    if isinstance(params, dict):
        top_params = dict(params)
        if isinstance(params.get("basics"), list):
            elements += [("common", ("parameters", "basics", i), el) for i, el in enumerate(params["basics"])]
            top_params["basics"] = []
        if isinstance(params.get("steps"), list):
            steps = []
            for i, step in enumerate(params["steps"]):
                if isinstance(step, dict) and isinstance(step.get("elements"), list):
                    elements += [
                        ("provider", ("parameters", "steps", i, "elements", j), el)
                        for j, el in enumerate(step["elements"])
                    ]
                    step = {**step, "elements": []}
                steps.append(step)
            top_params["steps"] = steps
        top = {**doc, "parameters": top_params}
    raw = _to_problems(ss.iter_errors(CUID_URL, top), file, ())
    for ctx, prefix, el in elements:
        raw += _validate_control(el, ctx, file, ss, prefix)
    # objects with properties the 2020 schema does not know use a newer shape: do not fail on them
    newer = {_parent(p.path) for p in raw if p.message.startswith(NOT_ALLOWED)}
    problems = []
    for p in raw:
        if p.severity == "error" and p.message.startswith(NOT_ALLOWED):
            p = OfficialProblem(
                p.file, p.path, "property not in the official (2020) createUiDefinition schema", "note"
            )
        elif p.severity == "error" and (p.path in newer or _parent(p.path) in newer):
            p = OfficialProblem(
                p.file,
                p.path,
                p.message + " (the object uses a shape newer than the official schema)",
                "note",
            )
        elif p.severity == "error" and p.path in ("$.version", "$['$schema']"):
            p = OfficialProblem(
                p.file, p.path, p.message + ": the official schema knows 0.1.2-preview only", "note"
            )
        problems.append(p)
    return problems


def classify(doc: Any, name: str) -> str | None:
    """``template``, ``parameters``, ``uidef`` or None (not an ARM file), by ``$schema`` then by name."""
    schema = doc.get("$schema", "") if isinstance(doc, dict) else ""
    schema = schema.lower() if isinstance(schema, str) else ""
    lname = name.lower()
    if "deploymenttemplate.json" in schema:
        return "template"
    if "deploymentparameters.json" in schema:
        return "parameters"
    if "createuidefinition" in schema or lname == "createuidefinition.json":
        return "uidef"
    if isinstance(doc, dict) and "resources" in doc and "contentVersion" in doc:
        return "template"
    if lname.endswith(".parameters.json") and isinstance(doc, dict) and "parameters" in doc:
        return "parameters"
    return None


def validate_document(doc: Any, file: str, ss: SchemaSet, kind: str | None = None) -> list[OfficialProblem]:
    kind = kind or classify(doc, Path(file).name)
    if kind == "template":
        return validate_template(doc, file, ss)
    if kind == "parameters":
        return validate_parameters(doc, file, ss)
    if kind == "uidef":
        return validate_uidef(doc, file, ss)
    return []


def validate_texts(files: dict[str, str], schema_dir: str | os.PathLike[str]) -> list[OfficialProblem]:
    """Validate in-memory files (relative name -> text), e.g. the contents of a package."""
    ss = load_schemas(schema_dir)
    problems: list[OfficialProblem] = []
    for name in sorted(files):
        if not name.lower().endswith(".json"):
            continue
        try:
            doc = parse_json(files[name].lstrip("\ufeff"), name)
        except InputError as exc:
            problems.append(OfficialProblem(name, "$", exc.message))
            continue
        problems += validate_document(doc, name, ss)
    return _dedupe(problems)


def json_files(path: str | os.PathLike[str]) -> list[Path]:
    """The JSON files under a folder (hidden folders skipped), or the single file given."""
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise InputError("no such file or folder", file=str(path))
    return sorted(
        f for f in p.rglob("*.json") if not any(part.startswith(".") for part in f.relative_to(p).parts)
    )


def validate_path(path: str | os.PathLike[str], schema_dir: str | os.PathLike[str]) -> list[OfficialProblem]:
    """Validate every ARM file under PATH (a folder or one file) against the official schemas."""
    ss = load_schemas(schema_dir)
    problems: list[OfficialProblem] = []
    for f in json_files(path):
        try:
            doc = load_json(f)
        except InputError as exc:
            problems.append(OfficialProblem(str(f), "$", exc.message))
            continue
        problems += validate_document(doc, str(f), ss)
    return _dedupe(problems)


def _dedupe(problems: list[OfficialProblem]) -> list[OfficialProblem]:
    seen: set[OfficialProblem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
