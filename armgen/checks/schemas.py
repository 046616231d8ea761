"""Validate templates, createUiDefinitions, parameter and option files against armgen's own schemas.

Azure's official schemas never close their objects, so a misspelled property passes them; ours
(in ``schemas/``, Draft 2020-12) are closed at every level armgen writes. This module loads them
once, offline (a ``referencing.Registry`` built from the files, never the network), and turns
jsonschema's error trees into one line per problem that names the JSON path to fix, e.g.
``mainTemplate.json: $.resources[3].properties.ipConfigurations[0].properties.subnett: unknown
property 'subnett' (did you mean 'subnet'?)``.

Where a value may be a literal or an ARM expression (``anyOf``), the error comes from the branch
the value was evidently meant for, never a dump of every branch.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from armgen.errors import InputError, json_path
from armgen.jsonio import json_type, load_json

__all__ = [
    "KINDS",
    "Problem",
    "detect_kind",
    "schema_dir",
    "validate_document",
    "validate_folder",
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


@dataclass(frozen=True)
class Problem:
    """One schema violation: the file, the JSON path inside it, and what is wrong."""

    file: str
    path: str
    message: str

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
    try:
        packaged = importlib_resources.files("armgen") / "_schemas"
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - exotic loaders
        pass
    return Path(__file__).resolve().parents[2] / "schemas"


def _schema_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json") if p.is_file())


@functools.lru_cache(maxsize=1)
def _registry() -> tuple[Any, dict[str, str]]:
    """Every schema file registered under its ``$id``; also a map from kind aliases to ``$id``.

    Built once per process. Imports of jsonschema/referencing stay inside so that importing
    armgen.checks.schemas is cheap for commands that never validate.
    """
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    root = schema_dir()
    if not (root / KINDS["template"]).is_file():
        raise RuntimeError(
            f"armgen's schemas are missing (looked in {root}); reinstall armgen or run from a checkout"
        )
    pairs = []
    aliases: dict[str, str] = {}
    for path in _schema_files(root):
        with path.open(encoding="utf-8") as fh:
            doc = json.load(fh)
        uri = doc.get("$id")
        if not isinstance(uri, str):
            raise RuntimeError(f"schema {path} has no $id")
        pairs.append((uri, DRAFT202012.create_resource(doc)))
        rel = path.relative_to(root).as_posix()
        stem = path.name.removesuffix(".json").removesuffix(".schema")
        for alias in (rel, path.name, stem, _drop_version(stem), _type_alias(stem)):
            if alias:
                aliases.setdefault(alias, uri)
    for kind, filename in KINDS.items():
        aliases[kind] = aliases[filename]
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


def ecma_pattern(pattern: str) -> str:
    """A JSON Schema ``pattern`` (ECMA-262) as a Python regex with the same meaning of ``$``.

    In ECMA-262 (no ``m`` flag) ``$`` matches only at the end of the input; in Python it also
    matches before a final newline, so ``^[a-z]+$`` would accept ``"abc\\n"`` and a name with a
    newline would pass our schemas. Each ``$`` outside a character class becomes ``\\Z``.
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
        elif ch == "$" and not in_class:
            ch = r"\Z"
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
    every schema check in armgen uses, so a trailing newline never passes a pattern."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"pattern": _pattern_keyword})


@functools.cache
def _validator(kind: str) -> Any:
    registry, aliases = _registry()
    uri = aliases.get(kind)
    if uri is None:
        known = ", ".join(sorted(k for k in aliases if "/" not in k and not k.endswith(".json")))
        raise ValueError(f"unknown schema kind {kind!r}; known: {known}")
    schema = registry.contents(uri)
    return strict_validator_class()(schema, registry=registry)


# --------------------------------------------------------------------------------------------
# Public API


def validate_document(doc: Any, kind: str, file: str = "<memory>") -> list[Problem]:
    """Problems of ``doc`` against the schema for ``kind`` (empty list: valid).

    ``kind`` is one of ``template``, ``createUiDefinition``, ``parameters``, ``options``, or any
    schema file stem (``Microsoft.Network.loadBalancers.2025-07-01``, also without the version or
    as ``Microsoft.Network/loadBalancers``) to check a single resource.
    """
    validator = _validator(kind)
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
            doc = load_json(f)
        except InputError as exc:
            if detect_kind(None, f.name):
                problems.append(Problem(shown, exc.path or "$", exc.message))
                if checked is not None:
                    checked.append(shown)
            continue
        kind = detect_kind(doc, f.name)
        if kind is not None:
            problems.extend(validate_document(doc, kind, file=shown))
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
