"""Validate templates, createUiDefinitions, parameter and option files against armgen's own schemas.

Azure's official schemas never close their objects, so a misspelled property passes them; ours
(in ``schemas/``, Draft 2020-12) are closed at every level armgen writes. This module loads them
once, offline (a ``referencing.Registry`` built from the files, never the network), and turns
jsonschema's error trees into one line per problem that names the JSON path to fix, e.g.
``mainTemplate.json: $.resources[3].properties.ipConfigurations[0].properties.subnett: unknown
property 'subnett' (did you mean 'subnet'?)``.

Where a value may be a literal or an ARM expression (``anyOf``), the error comes from the branch
the value was evidently meant for, never a dump of every branch.

Speed (issue 18), without a second source of truth:

* **Dispatch in Python.** A schema's if/then chain that picks a resource's schema by ``type`` and
  ``apiVersion`` (``template.schema.json#/$defs/resource``) or an element's by ``type``
  (``createUiDefinition.schema.json#/$defs/element``) is read off the schema files into a table
  (:func:`dispatch_tables`) and replaced, in memory, by one look-up: about a dozen ``if``
  evaluations per resource become one dictionary access. Where the chain does not have the
  expected shape it is left as written (correct, only slower).
* **A compiled check first.** Most documents are valid. Each of the four document kinds is
  compiled by fastjsonschema into Python code that answers only "valid or not"; a document it
  passes has no problems. Any other answer (invalid, or a schema keyword the compiled check does
  not treat exactly as jsonschema does) goes to jsonschema, which finds and explains every
  problem as before, so messages never change. The compiled code is cached on disk
  (:mod:`armgen.checks.diskcache`) under a hash of the schema files, fastjsonschema's version and
  Python's bytecode tag, so it is never stale and a run only loads it.
* **Once per document per run.** Results are kept for the run by the hash of the document's
  bytes (:func:`validate_text`), so ``armgen package`` does not validate again, in its gate, the
  files its build has just validated.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from armgen.errors import InputError, json_path
from armgen.jsonio import json_type, load_json_bytes, read_bytes
from armgen.records import FrozenRecord

__all__ = [
    "KINDS",
    "Problem",
    "detect_kind",
    "dispatch_tables",
    "schema_dir",
    "validate_document",
    "validate_folder",
    "validate_text",
]

#: the document kinds with a top-level schema, and the schema file each uses
KINDS: dict[str, str] = {
    "template": "template.schema.json",
    "createUiDefinition": "createUiDefinition.schema.json",
    "parameters": "deploymentParameters.schema.json",
    "options": "options.schema.json",
}

_MAX_MESSAGE = 240
_EXPRESSION_RE = re.compile(r"^\[(?!\[)[\s\S]*\]\Z")


class Problem(FrozenRecord):
    """One schema violation: the file, the JSON path inside it, and what is wrong."""

    __slots__ = __match_args__ = ("file", "path", "message")
    file: str
    path: str
    message: str

    def __init__(self, file: str, path: str, message: str) -> None:
        s = object.__setattr__
        s(self, "file", file)
        s(self, "path", path)
        s(self, "message", message)

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


# --------------------------------------------------------------------------------------------
# Loading


def schema_dir() -> Path:
    """Where the schemas are: inside the installed package if shipped there, else the checkout.

    An installed wheel carries them as package data under ``armgen/_schemas`` (mapped from the
    top-level ``schemas/`` folder, no symlink); a source checkout reads ``schemas/`` beside
    ``armgen/`` directly.
    """
    here = Path(__file__).resolve()
    package = here.parents[1]
    if (package / "_schemas").is_dir():  # a wheel installed as files: no importlib.resources needed
        return package / "_schemas"
    if here.is_file():  # armgen is files on disk: importlib.resources would name the folder just tried
        return package.parent / "schemas"
    try:
        from importlib import resources as importlib_resources

        packaged = importlib_resources.files("armgen") / "_schemas"
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - exotic loaders
        pass
    return package.parent / "schemas"


def _schema_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json") if p.is_file())


@functools.lru_cache(maxsize=1)
def _schema_docs() -> tuple[dict[str, Any], dict[str, str]]:
    """Every schema file by its ``$id`` (as written), and a map from kind aliases to ``$id``.

    Read once per process; no jsonschema import (the compiled check does not need it).
    """
    root = schema_dir()
    if not (root / KINDS["template"]).is_file():
        raise RuntimeError(
            f"armgen's schemas are missing (looked in {root}); reinstall armgen or run from a checkout"
        )
    docs: dict[str, Any] = {}
    aliases: dict[str, str] = {}
    for path in _schema_files(root):
        with path.open(encoding="utf-8") as fh:
            doc = json.load(fh)
        uri = doc.get("$id")
        if not isinstance(uri, str):
            raise RuntimeError(f"schema {path} has no $id")
        docs[uri] = doc
        rel = path.relative_to(root).as_posix()
        stem = path.name.removesuffix(".json").removesuffix(".schema")
        for alias in (rel, path.name, stem, _drop_version(stem), _type_alias(stem)):
            if alias:
                aliases.setdefault(alias, uri)
    for kind, filename in KINDS.items():
        aliases[kind] = aliases[filename]
    return docs, aliases


@functools.lru_cache(maxsize=4)
def _registry(for_validation: bool = False, dispatch: bool = True) -> tuple[Any, dict[str, str]]:
    """Every schema file registered under its ``$id``; also a map from kind aliases to ``$id``.

    ``for_validation=False``: the files as written (for tools and tests that read the schemas'
    structure). ``True``: as validation uses them, with their if/then dispatch chains replaced by
    :data:`DISPATCH_KEYWORD` and without ``$schema``: jsonschema picks the validator class of a
    schema by its ``$schema`` whenever a ``$ref`` enters a file, which would drop
    :func:`strict_validator_class` (its ECMA ``pattern`` and the dispatch keyword) for every
    schema reached through a ``$ref``. All our schemas are Draft 2020-12, so the class is fixed.
    (``dispatch=False`` keeps the chains, to compare the two.) Built once per process. Imports of
    jsonschema/referencing stay inside so that importing armgen.checks.schemas is cheap for
    commands that never validate.
    """
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    docs, aliases = _schema_docs()
    if for_validation:
        docs = {uri: {k: v for k, v in doc.items() if k != "$schema"}
                for uri, doc in (_with_dispatch(docs) if dispatch else docs).items()}
    pairs = [(uri, DRAFT202012.create_resource(doc)) for uri, doc in docs.items()]
    return Registry().with_resources(pairs).crawl(), aliases


def _drop_version(stem: str) -> str | None:
    """``Microsoft.Network.loadBalancers.2025-07-01`` -> ``Microsoft.Network.loadBalancers``."""
    m = re.fullmatch(r"(.*)\.\d{4}-\d{2}-\d{2}", stem)
    return m.group(1) if m else None


def _type_alias(stem: str) -> str | None:
    """``Microsoft.Network.virtualNetworks.subnets.2025-07-01`` -> ``Microsoft.Network/virtualNetworks/subnets``."""
    base = _drop_version(stem)
    if not base or not base.startswith("Microsoft."):
        return None
    parts = base.split(".")
    if len(parts) < 3:
        return None
    return ".".join(parts[:2]) + "/" + "/".join(parts[2:])


def ecma_pattern(pattern: str, *, escape_class_dollar: bool = False) -> str:
    """A JSON Schema ``pattern`` (ECMA-262) as a Python regex with the same meaning of ``$``.

    In ECMA-262 (no ``m`` flag) ``$`` matches only at the end of the input; in Python it also
    matches before a final newline, so ``^[a-z]+$`` would accept ``"abc\\n"`` and a name with a
    newline would pass our schemas. Each ``$`` outside a character class becomes ``\\Z``.
    ``escape_class_dollar`` also writes a ``$`` inside a class as ``\\$`` (the same character
    there), for fastjsonschema, which rewrites every unescaped ``$`` it sees.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        elif ch == "$":
            ch = "\\$" if in_class and escape_class_dollar else ch if in_class else r"\Z"
        out.append(ch)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_pattern(pattern))


def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def strict_validator_class() -> Any:
    """Draft 2020-12 with ECMA-262's ``$`` in ``pattern`` (see :func:`ecma_pattern`): the validator
    every schema check in armgen uses, so a trailing newline never passes a pattern. It also
    knows :data:`DISPATCH_KEYWORD`, which only :func:`_with_dispatch` writes (in memory)."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"pattern": _pattern_keyword, DISPATCH_KEYWORD: _dispatch_keyword})


@functools.cache
def _validator(kind: str, dispatch: bool = True) -> Any:
    registry, aliases = _registry(for_validation=True, dispatch=dispatch)
    uri = _uri(kind, aliases)
    schema = registry.contents(uri)
    return strict_validator_class()(schema, registry=registry)


def _uri(kind: str, aliases: dict[str, str]) -> str:
    uri = aliases.get(kind)
    if uri is None:
        known = ", ".join(sorted(k for k in aliases if "/" not in k and not k.endswith(".json")))
        raise ValueError(f"unknown schema kind {kind!r}; known: {known}")
    return uri


# --------------------------------------------------------------------------------------------
# Dispatch tables: the schema of a resource (or UI element) picked in Python, not by if/then

#: The in-memory keyword that replaces an if/then dispatch chain: {"on": [instance keys],
#: "table": {json.dumps([key values]): [schema URIs]}, "default": [schema URIs for an object
#: not in the table], "fallback": {the chain as written, for a value that is not an object}}
DISPATCH_KEYWORD = "armgenDispatch"


def _key(values: Iterable[Any]) -> str:
    return json.dumps(list(values))


def _const_props(schema: Any, allowed: tuple[str, ...], required: bool) -> dict[str, str] | None:
    """``{prop: const}`` when ``schema`` is exactly ``{"required": [...], "properties": {p: {"const":
    "..."}}}`` over ``allowed`` properties (``required`` naming all of them when asked); else None."""
    if not isinstance(schema, dict) or set(schema) - {"required", "properties"}:
        return None
    props = schema.get("properties")
    if not isinstance(props, dict) or not props or set(props) - set(allowed):
        return None
    out: dict[str, str] = {}
    for name, sub in props.items():
        if not (isinstance(sub, dict) and set(sub) == {"const"} and isinstance(sub["const"], str)):
            return None
        out[name] = sub["const"]
    need = schema.get("required", [])
    if not isinstance(need, list) or (required and set(need) != set(props)) or set(need) - set(props):
        return None
    return out


def _ref_of(schema: Any, base: str) -> str | None:
    if isinstance(schema, dict) and set(schema) == {"$ref"} and isinstance(schema["$ref"], str):
        return urljoin(base, schema["$ref"])
    return None


def _resolve_local(ref: str, docs: dict[str, Any]) -> Any:
    uri, _, pointer = ref.partition("#")
    node = docs.get(uri)
    for part in [p for p in pointer.split("/") if p]:
        if not isinstance(node, dict):
            return None
        node = node.get(part.replace("~1", "/").replace("~0", "~"))
    return node


def _chain_dispatch(defn: dict[str, Any], base: str, docs: dict[str, Any]) -> dict[str, Any] | None:
    """The dispatch an if/then chain makes, or None when ``defn`` is not one of the two shapes.

    Shape 1 (resources): ``if: {$ref: M}``, ``then: {allOf: [{if: {properties: {type: {const: T}}},
    then: {$ref: R}}...]}``, ``else: {$ref: G}`` where M is an ``anyOf`` of ``{required: [type,
    apiVersion], properties: {type: {const}, apiVersion: {const}}}``. For an object the if/then
    semantics are exactly: (type, apiVersion) among M's pairs -> every R whose ``if`` matches
    them; otherwise G. Shape 2 (elements): ``allOf: [{if: {required: [type], properties: {type:
    {const: T}}}, then: {$ref: R}}...]`` (nothing else in the ``allOf``): type T -> every such R.
    A value that is not an object passes every such ``if`` (they only constrain objects), so it
    keeps the chain as written (``fallback``).
    """
    on = ("type", "apiVersion")
    if set(defn) >= {"if", "then", "else"}:
        modeled_ref = _ref_of(defn["if"], base)
        default = _ref_of(defn["else"], base)
        modeled = _resolve_local(modeled_ref, docs) if modeled_ref else None
        branches = (defn["then"] or {}).get("allOf") if isinstance(defn["then"], dict) else None
        if not (default and isinstance(modeled, dict) and set(modeled) - {"description"} == {"anyOf"}
                and isinstance(branches, list) and set(defn["then"]) == {"allOf"}):
            return None
        pairs = [_const_props(b, on, required=True) for b in modeled["anyOf"]]
        rules = [(_const_props(b.get("if"), on, required=False), _ref_of(b.get("then"), base))
                 if isinstance(b, dict) and set(b) == {"if", "then"} else (None, None) for b in branches]
        if any(p is None or len(p) != 2 for p in pairs) or any(c is None or r is None for c, r in rules):
            return None
        table = {}
        for pair in pairs:
            refs = [r for c, r in rules if all(pair[k] == v for k, v in c.items())]  # type: ignore[union-attr]
            table[_key(pair[k] for k in on)] = refs  # type: ignore[index]
        return {"on": list(on), "table": table, "default": [default],
                "fallback": {k: defn[k] for k in ("if", "then", "else")}}
    if "allOf" in defn and "if" not in defn:
        branches = defn["allOf"]
        if not isinstance(branches, list) or not branches:
            return None
        rules = [(_const_props(b.get("if"), ("type",), required=True), _ref_of(b.get("then"), base))
                 if isinstance(b, dict) and set(b) == {"if", "then"} else (None, None) for b in branches]
        if any(c is None or r is None for c, r in rules):
            return None
        table: dict[str, list[str]] = {}
        for c, r in rules:
            table.setdefault(_key([c["type"]]), []).append(r)  # type: ignore[index,arg-type]
        return {"on": ["type"], "table": table, "default": [], "fallback": {"allOf": branches}}
    return None


def _absolute_refs(node: Any, base: str) -> Any:
    """``node`` with every ``$ref`` made absolute against ``base`` (so it resolves anywhere)."""
    if isinstance(node, dict):
        return {k: (urljoin(base, v) if k == "$ref" and isinstance(v, str) else _absolute_refs(v, base))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(v, base) for v in node]
    return node


def _with_dispatch(docs: dict[str, Any]) -> dict[str, Any]:
    """The schema documents with each ``$defs`` entry that is a dispatch chain replaced by
    :data:`DISPATCH_KEYWORD` (new dicts; the originals are not changed)."""
    out: dict[str, Any] = {}
    for uri, doc in docs.items():
        defs = doc.get("$defs") if isinstance(doc, dict) else None
        if not isinstance(defs, dict):
            out[uri] = doc
            continue
        new_defs = dict(defs)
        for name, defn in defs.items():
            spec = _chain_dispatch(defn, uri, docs) if isinstance(defn, dict) else None
            if spec is not None:
                spec["fallback"] = _absolute_refs(spec["fallback"], uri)
                keep = {k: v for k, v in defn.items() if k not in spec["fallback"]}
                new_defs[name] = {**keep, DISPATCH_KEYWORD: spec}
        out[uri] = {**doc, "$defs": new_defs}
    return out


def dispatch_tables() -> dict[str, dict[str, Any]]:
    """``{"<schema $id>#/$defs/<name>": dispatch}`` for every dispatch chain in the schema files:
    which schemas an object is checked against, by ``on`` (e.g. ``["type", "apiVersion"]``)."""
    docs, _ = _schema_docs()
    found = {}
    for uri, doc in _with_dispatch(docs).items():
        for name, defn in (doc.get("$defs") or {}).items():
            if isinstance(defn, dict) and DISPATCH_KEYWORD in defn:
                found[f"{uri}#/$defs/{name}"] = defn[DISPATCH_KEYWORD]
    return found


def _dispatch_keyword(validator: Any, spec: dict[str, Any], instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(instance, dict):
        yield from validator.descend(instance, spec["fallback"])
        return
    values = [instance.get(k) for k in spec["on"]]
    refs = spec["table"].get(_key(values)) if all(isinstance(v, str) for v in values) else None
    for ref in spec["default"] if refs is None else refs:
        yield from validator.descend(instance, {"$ref": ref})


# --------------------------------------------------------------------------------------------
# The compiled check: fastjsonschema code that tells valid from not, cached on disk

#: Changes whenever the way schemas are prepared for fastjsonschema changes (part of the cache key)
_FAST_FORMAT = 4
_ANNOTATIONS = frozenset({"$comment", "title", "description", "examples", "default", "deprecated",
                          "readOnly", "writeOnly"})


def _fast_prepare(node: Any) -> Any:
    """A schema node as fastjsonschema must read it to mean what Draft 2020-12 means.

    ``$ref`` beside other keywords: 2020-12 applies both, draft 7 only the ``$ref``, so the ref
    goes into an ``allOf``. ``pattern``: ECMA's ``$`` as for jsonschema (:func:`ecma_pattern`).
    (What cannot be made to mean the same is refused by :mod:`armgen.checks.compiled`.)
    """
    if isinstance(node, list):
        return [_fast_prepare(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k in ("enum", "const") or k in _ANNOTATIONS:
            out[k] = v
        elif k == "pattern" and isinstance(v, str):
            out[k] = ecma_pattern(v, escape_class_dollar=True)
        elif k in ("properties", "patternProperties", "$defs") and isinstance(v, dict):
            out[k] = {name: _fast_prepare(sub) for name, sub in v.items()}
        else:
            out[k] = _fast_prepare(v)
    if "$ref" in out and set(out) - {"$ref"} - _ANNOTATIONS:
        ref = out.pop("$ref")
        out["allOf"] = [{"$ref": ref}, *out.get("allOf", [])]
    return out


@functools.cache
def _fast_digest(root: Path) -> str:
    """The cache key: the schema files (names and bytes), the compiler
    (:func:`armgen.checks.compiled.compiler_digest`) and how schemas are prepared for it."""
    from armgen.checks import diskcache
    from armgen.checks.compiled import compiler_digest, compiler_files

    files = _schema_files(root)

    def digest() -> str:
        h = hashlib.sha256(f"{_FAST_FORMAT}|".encode() + compiler_digest())
        for p in files:
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
        return h.hexdigest()

    # the files' digest only changes with the files: while their stat is the same, none is read
    return diskcache.stat_memo("schemas", [*compiler_files(), *files], f"{_FAST_FORMAT}|{root}", digest)


def _fast_source(kind: str) -> str:
    """Python source of a module whose ``validate(doc)`` raises when ``doc`` is not valid."""
    from armgen.checks import compiled

    docs, aliases = _schema_docs()
    prepared = {uri: _fast_prepare(doc) for uri, doc in _with_dispatch(docs).items()}

    def fetch(uri: str) -> Any:  # every $ref resolves among our files; never the network
        found = prepared.get(uri)
        if found is None:
            raise compiled.Unsupported(f"$ref outside the schema files: {uri}")
        return found

    return compiled.source(prepared[_uri(kind, aliases)], fetch, draft=compiled.DRAFT2020,
                           dispatch_keyword=DISPATCH_KEYWORD)


@functools.cache
def _fast_validator(kind: str) -> Callable[[Any], Any] | None:
    """The compiled check of ``kind`` (one of :data:`KINDS`), from the disk cache when it is there;
    None where the schemas use what the compiled check cannot judge, or fastjsonschema is missing."""
    from armgen.checks import compiled, diskcache

    if kind not in KINDS:
        return None
    try:
        digest = _fast_digest(schema_dir())
    except Exception:  # fastjsonschema not installed, or the schema files unreadable: jsonschema decides
        return None
    entry = diskcache.user_cache_dir() / "schemas" / digest / f"{kind}.marshal"
    return compiled.load(entry, lambda: _fast_source(kind), kind)


def _proven_valid(doc: Any, kind: str) -> bool:
    """Whether the compiled check proves ``doc`` valid; False also when it cannot tell."""
    from armgen.checks.compiled import passes

    return passes(_fast_validator(kind), doc)


# --------------------------------------------------------------------------------------------
# Public API


#: validation results of this run: (kind, sha256 of the document's bytes) -> [(path, message)]
_RESULTS: dict[tuple[str, str], list[tuple[str, str]]] = {}


def validate_text(text: str | bytes, kind: str, file: str = "<memory>", doc: Any = None) -> list[Problem]:
    """Problems of the JSON document ``text`` (its parsed form ``doc`` when the caller has it),
    validated at most once per run: the result is kept by the hash of the bytes, so the same
    file validated again (the package gate after the build) costs a hash. Unparsable text is
    an :class:`InputError`."""
    # surrogatepass: text holding a lone surrogate still has a key (writing it is refused later)
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    key = (kind, hashlib.sha256(raw).hexdigest())
    found = _RESULTS.get(key)
    if found is None:
        if doc is None:
            doc = load_json_bytes(raw, file)
        found = [(p.path, p.message) for p in validate_document(doc, kind, file)]
        _RESULTS[key] = found
    return [Problem(file, path, message) for path, message in found]


def validate_document(doc: Any, kind: str, file: str = "<memory>") -> list[Problem]:
    """Problems of ``doc`` against the schema for ``kind`` (empty list: valid).

    ``kind`` is one of ``template``, ``createUiDefinition``, ``parameters``, ``options``, or any
    schema file stem (``Microsoft.Network.loadBalancers.2025-07-01``, also without the version or
    as ``Microsoft.Network/loadBalancers``) to check a single resource.
    """
    if _proven_valid(doc, kind):
        return []
    return _explained(doc, kind, file)


def _explained(doc: Any, kind: str, file: str, *, dispatch: bool = True) -> list[Problem]:
    """Every problem jsonschema finds, one line each (``dispatch=False``: through the schemas'
    if/then chains as written, to show the dispatch tables change nothing)."""
    validator = _validator(kind, dispatch)
    found: dict[tuple[str, str], tuple[int, ...]] = {}
    for err in validator.iter_errors(doc):
        for parts, message in _explain(err):
            key = (json_path(parts), message)
            if key not in found:
                found[key] = _document_order(doc, parts)
    # jsonschema walks some keywords in set order; sort so output is deterministic, in the
    # order a reader meets the problems in the file
    ordered = sorted(found.items(), key=lambda item: (item[1], item[0][1]))
    return [Problem(file, path, message) for (path, message), _ in ordered]


def _document_order(doc: Any, parts: list[Any]) -> tuple[int, ...]:
    """Position of a path in document order: list indexes, and key positions within objects."""
    out: list[int] = []
    node = doc
    for part in parts:
        if isinstance(node, dict) and part in node:
            out.append(list(node).index(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        else:
            out.append(1 << 30)
            node = None
    return tuple(out)


def detect_kind(doc: Any, filename: str) -> str | None:
    """Which schema applies to a JSON document, from its ``$schema`` first, then its file name.

    Returns None for JSON files that are none of ours (they are skipped, not failed).
    """
    name = os.path.basename(filename)
    lower = name.lower()
    if isinstance(doc, dict):
        schema = doc.get("$schema")
        if isinstance(schema, str):
            s = schema.lower()
            if "deploymenttemplate.json" in s:
                return "template"
            if "deploymentparameters.json" in s:
                return "parameters"
            if "createuidefinition" in s:
                return "createUiDefinition"
            if s.rstrip("#").endswith("options.schema.json"):
                return "options"
        if doc.get("handler") in ("Microsoft.Azure.CreateUIDef", "Microsoft.Compute.MultiVm"):
            return "createUiDefinition"
    if lower == "createuidefinition.json":
        return "createUiDefinition"
    if name == "mainTemplate.json" or lower in ("maintemplate.json", "azuredeploy.json"):
        return "template"
    if lower.endswith(".parameters.json"):
        return "parameters"
    if lower.endswith(".options.json") or lower == "armgen-options.json":
        return "options"
    return None


def validate_folder(path: str | os.PathLike[str], checked: list[str] | None = None) -> list[Problem]:
    """Validate every JSON file under ``path`` whose kind :func:`detect_kind` recognises.

    Files are visited in sorted order (deterministic output). A file with a recognised name that
    is not valid JSON is a problem; an unrecognised file is ignored. ``path`` may also be one file.
    ``checked``, when given, collects the files that were judged (so a caller can tell "no
    problems" from "nothing to check").
    """
    base = Path(path)
    files = [base] if base.is_file() else sorted(_json_files(base))
    problems: list[Problem] = []
    for f in files:
        shown = str(f)
        try:
            raw = read_bytes(f)
            doc = load_json_bytes(raw, shown)
        except InputError as exc:
            if detect_kind(None, f.name):
                problems.append(Problem(shown, exc.path or "$", exc.message))
                if checked is not None:
                    checked.append(shown)
            continue
        kind = detect_kind(doc, f.name)
        if kind is not None:
            problems.extend(validate_text(raw, kind, shown, doc))
            if checked is not None:
                checked.append(shown)
    return problems


def _json_files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        for name in filenames:
            if name.lower().endswith(".json"):
                yield Path(dirpath) / name


# --------------------------------------------------------------------------------------------
# Turning jsonschema errors into one useful line each


def _explain(err: Any) -> Iterable[tuple[list[Any], str]]:
    """(path parts, message) pairs for one top-level error, descending through anyOf/oneOf to the
    branch the instance was meant for."""
    if err.validator in ("anyOf", "oneOf") and err.context:
        branch = _pick_branch(err)
        if branch is not None:
            for sub in branch:
                yield from _explain(sub)
            return
    yield from _describe(err)


def _is_expression_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("$ref", "").endswith("/$defs/expression")
        or schema.get("$ref", "").endswith("#/$defs/expr")
        or (schema.get("type") == "string" and schema.get("pattern", "").startswith("^\\[(?!\\["))
    )


def _pick_branch(err: Any) -> list[Any] | None:
    """The errors of the one branch worth reporting, or None to report the anyOf itself.

    A branch is a poor explanation when it failed at the value itself on a type/pattern/const
    check (the value was plainly not meant for it), or when it is the ARM-expression branch. Of
    the remaining branches, the one whose errors reach deepest into the document wins.
    """
    if all(e.validator == "required" and not e.relative_path for e in err.context):
        return None  # alternatives that differ only in which key is present: "needs one of"
    branches: dict[int, list[Any]] = {}
    for sub in err.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    options = err.validator_value if isinstance(err.validator_value, list) else []

    def shallow_miss(errs: list[Any]) -> bool:
        return all(
            (not e.relative_path and e.validator in ("type", "pattern", "const"))
            or (list(e.relative_path) == ["type"] and e.validator in ("const", "enum"))
            for e in errs
        )

    candidates = []
    for idx, errs in branches.items():
        schema = options[idx] if idx < len(options) else None
        if _is_expression_schema(schema):
            continue
        candidates.append((idx, errs))
    if not candidates:
        return None
    meaningful = [(i, e) for i, e in candidates if not shallow_miss(e)]
    pool = meaningful or candidates
    if len(pool) > 1 and not meaningful:
        return None  # several plausible literal shapes, none clearly meant: report the anyOf
    idx, errs = max(pool, key=lambda ie: (max(_depth(x) for x in ie[1]), -len(ie[1]), -ie[0]))
    expr_allowed = any(_is_expression_schema(s) for s in options)
    if expr_allowed:
        return [_Annotated(e, " (or an ARM expression '[...]')") for e in errs]
    return errs


def _depth(err: Any) -> int:
    best = len(err.absolute_path)
    for sub in err.context or ():
        best = max(best, _depth(sub))
    return best


class _Annotated:
    """A jsonschema error with a suffix for the message when the error is at the value itself."""

    def __init__(self, err: Any, suffix: str) -> None:
        self._err = err
        self._suffix = suffix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._err, name)

    @property
    def suffix(self) -> str:
        return self._suffix if self._err.validator in ("type", "enum") else ""


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _list(values: Iterable[Any], limit: int = 12) -> str:
    items = [_short(v, 40) for v in values]
    if len(items) > limit:
        items = [*items[:limit], f"... {len(items) - limit} more"]
    return ", ".join(items)



def _allowed_keys(schema: dict[str, Any]) -> list[str]:
    return sorted(schema.get("properties", {}))


def _describe(err: Any) -> Iterable[tuple[list[Any], str]]:
    parts = list(err.absolute_path)
    path = parts
    inst = err.instance
    v = err.validator
    suffix = getattr(err, "suffix", "")
    if v in ("additionalProperties", "unevaluatedProperties") and isinstance(inst, dict):
        schema = err.schema if isinstance(err.schema, dict) else {}
        allowed = _allowed_keys(schema)
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        extras = [k for k in inst if k not in allowed and not any(p.search(k) for p in patterns)]
        import difflib  # only when explaining a problem

        for key in extras:
            hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            tip = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(allowed)})" if allowed else ""
            yield [*parts, key], _clip(f"unknown property '{key}'{tip}")
        if extras:
            return
    if v == "required":
        missing = [k for k in err.validator_value if isinstance(inst, dict) and k not in inst]
        for key in missing or err.validator_value:
            yield path, f"missing required property '{key}'"
        return
    if v == "enum":
        yield path, _clip(f"{_short(inst)} is not one of: {_list(err.validator_value)}{suffix}")
        return
    if v == "const":
        yield path, _clip(f"{_short(inst)} must be {_short(err.validator_value)}")
        return
    if v == "type":
        want = err.validator_value
        want_s = " or ".join(want) if isinstance(want, list) else want
        yield path, f"expected {want_s}{suffix}, got {json_type(inst)} {_short(inst, 40)}"
        return
    if v == "pattern":
        yield path, _clip(f"{_short(inst)} does not match the pattern {err.validator_value}")
        return
    if v in ("anyOf", "oneOf") and not err.context:
        yield path, _clip(f"must match exactly one alternative of {err.validator}, but matches several")
        return
    if v in ("anyOf", "oneOf"):
        reqs = [
            e.validator_value[0]
            for e in err.context
            if e.validator == "required" and len(e.validator_value) == 1 and not e.relative_path
        ]
        if reqs and len(reqs) == len(err.context):
            yield path, _clip("needs one of: " + ", ".join(f"'{r}'" for r in reqs))
            return
        yield path, _clip(f"{_short(inst)} matches none of the allowed forms")
        return
    if v == "not":
        yield path, _clip(f"this combination is not allowed: {_short(err.validator_value, 120)}")
        return
    yield path, _clip(err.message + suffix)


def _clip(message: str) -> str:
    one_line = " ".join(message.split())
    return one_line if len(one_line) <= _MAX_MESSAGE else one_line[: _MAX_MESSAGE - 3] + "..."
