"""Compiled validity checks: a schema turned into Python code that only says "valid" or "not".

Why: jsonschema walks a schema anew for every value, which is what it needs to explain a
problem, and slow for the common case of a document with none. fastjsonschema writes the
schema out as Python code instead (``if not isinstance(data, dict): raise ...``). armgen runs
that code first; a document it passes has no problems, and every other answer (invalid, or code
that could not be made) goes to jsonschema, which explains as it always did. So the code only
has to be *sound*: it must never pass what jsonschema refuses. Being stricter only costs time.

Soundness is kept here, not hoped for: the generator refuses (:class:`Unsupported`) any keyword
it does not judge exactly as jsonschema does for the draft at hand, tests types as jsonschema
does (a tuple is no array, ``1.0`` no Draft 4 integer), and never fetches a ``$ref`` (the
schemas are handed to it). The code is cached on disk (:mod:`armgen.checks.diskcache`), keyed by
the schemas' content, fastjsonschema's own source files and Python's bytecode format, so it is
compiled once and never stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import marshal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

DRAFT4 = "draft-04"
DRAFT2020 = "2020-12"

#: Keywords whose meaning fastjsonschema (defaults and formats off) shares with jsonschema's Draft
#: 2020-12 validator, with the schema prepared as the caller must (``$ref`` siblings in an
#: ``allOf``, ECMA ``$`` in patterns). Any other keyword: not compiled.
KEYWORDS_2020 = frozenset({
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default",
    "deprecated", "readOnly", "writeOnly", "format", "type", "enum", "const", "allOf", "anyOf", "oneOf",
    "not", "if", "then", "else", "minLength", "maxLength", "pattern", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "items",
    "minProperties", "maxProperties", "required", "properties", "patternProperties",
    "additionalProperties", "propertyNames", "dependentRequired",
})
#: Draft 4 keywords jsonschema enforces but the compiled check would judge differently (float
#: arithmetic); every other keyword means the same to both, or nothing to either.
REFUSED_DRAFT4 = frozenset({"multipleOf"})

#: JSON types as jsonschema's type checkers test them (``{v}``: the value), or more strictly.
_TYPES_2020 = {
    "null": "{v} is None",
    "boolean": "isinstance({v}, bool)",
    "string": "isinstance({v}, str)",
    "array": "isinstance({v}, list)",
    "object": "isinstance({v}, dict)",
    "number": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
    "integer": "((isinstance({v}, int) and not isinstance({v}, bool)) or (isinstance({v}, float) and {v}.is_integer()))",
}
_TYPES_DRAFT4 = {**_TYPES_2020, "integer": "(isinstance({v}, int) and not isinstance({v}, bool))"}


class Unsupported(Exception):
    """A schema the compiled check cannot judge exactly as jsonschema does."""


def compiler_digest() -> bytes:
    """What the generated code depends on besides the schemas: fastjsonschema's source files and
    Python's bytecode format. Found without importing fastjsonschema (a run whose code is cached
    never needs it); ModuleNotFoundError when it is not installed."""
    h = hashlib.sha256(importlib.util.MAGIC_NUMBER)
    for p in compiler_files():
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.digest()


def compiler_files() -> list[Path]:
    """fastjsonschema's source files (what :func:`compiler_digest` hashes), found without importing
    it; ModuleNotFoundError when it is not installed."""
    spec = importlib.util.find_spec("fastjsonschema")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("fastjsonschema")
    return sorted(Path(spec.origin).parent.glob("*.py"))


def source(root: Any, fetch: Callable[[str], Any], *, draft: str, dispatch_keyword: str | None = None,
           expression_types: bool = False) -> str:
    """Python source of a module whose ``validate(doc)`` raises when ``doc`` is not valid against
    ``root``. ``fetch(uri)`` returns the schema document at ``uri`` (and raises for any other).
    ``dispatch_keyword`` names armgen's in-memory dispatch keyword (see armgen.checks.schemas),
    compiled to a chain of tuple comparisons.

    ``expression_types``: an ARM expression (``"[...]"``, not ``"[[..."``) passes a ``type`` it
    does not have, except while a branch of ``anyOf``/``oneOf``/``not`` is tried. That is exactly
    the error armgen.checks.official drops (an expression where the official schema wants a
    literal: known only at deployment), and only where jsonschema reports it as an error of its
    own: inside a tried branch it decides which branch matches, so there the check stays
    strict. Code made inside a branch is strict as made; a function called from a branch gets
    ``__TRIAL`` in place of its (unused) ``custom_formats`` argument and is strict while it runs.
    """
    from fastjsonschema.draft04 import CodeGeneratorDraft04
    from fastjsonschema.draft2019 import CodeGeneratorDraft2019
    from fastjsonschema.ref_resolver import RefResolver

    base = CodeGeneratorDraft04 if draft == DRAFT4 else CodeGeneratorDraft2019
    types = _TYPES_DRAFT4 if draft == DRAFT4 else _TYPES_2020
    allowed = KEYWORDS_2020 | ({dispatch_keyword} if dispatch_keyword else set())

    class Offline(dict):  # a handler for every URI scheme, so fastjsonschema never opens a URL
        def __contains__(self, scheme: object) -> bool:
            return True

        def __getitem__(self, scheme: str) -> Callable[[str], Any]:
            return fetch

    class Generator(base):  # type: ignore[valid-type,misc]
        """Validity only (no messages: jsonschema explains), refusing keywords it cannot judge."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._trial_depth = 0
            if draft != DRAFT4:
                self._json_keywords_to_function["dependentRequired"] = self.generate_dependent_required
            if dispatch_keyword:
                self._json_keywords_to_function[dispatch_keyword] = self.generate_dispatch

        def _generate_func_code_block(self, definition: Any) -> Any:
            if isinstance(definition, dict):
                keys = set(definition)
                bad = keys & REFUSED_DRAFT4 if draft == DRAFT4 else keys - allowed
                if bad:
                    raise Unsupported(", ".join(sorted(bad)))
                if draft != DRAFT4 and isinstance(definition.get("items"), list):
                    raise Unsupported("items as a list")
                for key in ("enum", "const"):
                    if key not in definition:
                        continue
                    values = definition[key]
                    for value in values if key == "enum" and isinstance(values, list) else [values]:
                        if isinstance(value, dict | list):  # compared with Python's == (1 == True)
                            raise Unsupported(key)
            return super()._generate_func_code_block(definition)

        def exc(self, msg: str, *args: Any, append_to_msg: Any = None, rule: Any = None) -> None:
            self.l('raise JsonSchemaValueException("invalid")')

        def generate_type(self) -> None:
            # jsonschema's types, not fastjsonschema's wider ones (a tuple is no array there)
            declared = self._definition["type"]
            names = declared if isinstance(declared, list) else [declared]
            if not names or any(not isinstance(t, str) or t not in types for t in names):
                raise Unsupported(f"type {declared!r}")
            tests = [types[t].format(v=self._variable) for t in names]
            if expression_types and not self._trial_depth and "string" not in names:
                tests.append(f"(custom_formats is not __TRIAL and isinstance({self._variable}, str) "
                             f"and __is_expression({self._variable}))")
            with self.l("if not ({}):", " or ".join(tests)):
                self.exc("")

        @contextlib.contextmanager
        def trial_validation(self) -> Iterator[None]:
            self._trial_depth += 1
            try:
                with super().trial_validation():
                    yield
            finally:
                self._trial_depth -= 1

        def generate_ref(self) -> None:
            if not (expression_types and self._trial_depth and self._fast_fail):
                super().generate_ref()
                return
            # a call from inside a tried branch: the function runs strict (see the docstring)
            with self._resolver.in_scope(self._definition["$ref"]):
                name = self._resolver.get_scope_name()
                uri = self._resolver.get_uri()
                if uri not in self._validation_functions_done:
                    self._needed_validation_functions[uri] = name
                self.l("{}({variable}, __TRIAL, name_prefix)", name)

        def generate_dependent_required(self) -> None:
            spec = self._definition["dependentRequired"]
            if not isinstance(spec, dict) or not all(
                    isinstance(v, list) and all(isinstance(k, str) for k in v) for v in spec.values()):
                raise Unsupported("dependentRequired")
            with self.l("if isinstance({variable}, dict):"):
                self.l("pass")
                for key, needed in spec.items():
                    with self.l("if {} in {variable} and not all(k in {variable} for k in {}):", repr(key), repr(needed)):
                        self.exc("")

        def generate_dispatch(self) -> None:
            spec = self._definition[dispatch_keyword]
            var, name = self._variable, self._variable_name
            with self.l("if isinstance({variable}, dict):"):
                # a tuple of the instance's values, compared with each key's (only str equals str,
                # as only a string is a key of the table)
                self.l("{variable}_dispatch = ({},)", ", ".join(f"{var}.get({k!r})" for k in spec["on"]))
                keyword = "if"
                for key, refs in spec["table"].items():
                    with self.l(keyword + " {variable}_dispatch == {}:", repr(tuple(json.loads(key)))):
                        self.l("pass")
                        for ref in refs:
                            self.generate_func_code_block({"$ref": ref}, var, name)
                    keyword = "elif"
                if spec["default"]:
                    with self.l("else:" if keyword == "elif" else "if True:"):
                        for ref in spec["default"]:
                            self.generate_func_code_block({"$ref": ref}, var, name)
            with self.l("else:"):
                self.l("pass")
                self.generate_func_code_block(spec["fallback"], var, name)

    resolver = RefResolver.from_schema(root, handlers=Offline(), store={})
    gen = Generator(root, resolver=resolver, use_default=False, use_formats=False, detailed_exceptions=False)
    body = gen.func_code
    patterns = ",\n".join(f"    {k!r}: re.compile({v.pattern!r})" for k, v in sorted(gen._compile_regexps.items()))
    header = "\n".join([
        *_imports(gen._extra_imports_lines, body),
        "import re",
        "__TRIAL = object()",
        "def __is_expression(v):",
        "    return v.startswith('[') and v.endswith(']') and not v.startswith('[[')",
        "class JsonSchemaValueException(ValueError):",
        "    pass",
        "JsonSchemaValuesException = JsonSchemaValueException",
        f"REGEX_PATTERNS = {{\n{patterns}\n}}",
        "",
    ])
    return header + body + f"\nvalidate = {resolver.get_scope_name()}\n"


#: what the generated code names ``Decimal`` when it never builds one (see :func:`_imports`)
_DECIMAL_STAND_IN = "class Decimal:  # nothing JSON parses to\n    pass"


def _imports(lines: list[str], body: str) -> list[str]:
    """fastjsonschema's import lines for ``body``, without :mod:`decimal` where the code only names
    ``Decimal`` in its number test (``isinstance(v, (int, float, Decimal))``). Why: importing
    decimal was 1.5 ms of every run that loads a check, and a parsed JSON document never holds a
    Decimal. Were one passed in anyway, the stand-in fails the number test, the check raises, and
    jsonschema decides (see :func:`passes`)."""
    if "Decimal(" in body:  # multipleOf divides with Decimals: the real class
        return lines
    return [_DECIMAL_STAND_IN if line == "from decimal import Decimal" else line for line in lines]


def load(entry: Path, make_source: Callable[[], str], label: str,
         namespace: dict[str, Any] | None = None) -> Callable[[Any], Any] | None:
    """The check cached at ``entry``, or compiled from ``make_source()`` and cached there; None
    when it cannot be made (jsonschema then decides alone)."""
    from armgen.checks import diskcache

    code = None
    raw = diskcache.read(entry)
    if raw is not None:
        try:
            code = marshal.loads(raw)
        except (EOFError, ValueError, TypeError):  # a damaged entry is compiled again
            code = None
    if code is None:
        try:
            code = compile(make_source(), f"<armgen compiled schema: {label}>", "exec")
        except Exception:  # Unsupported, or anything fastjsonschema refuses
            return None
        diskcache.store(entry, marshal.dumps(code))
    scope: dict[str, Any] = dict(namespace or {})
    try:
        exec(code, scope)
    except Exception:
        return None
    return scope.get("validate")


def passes(check: Callable[[Any], Any] | None, doc: Any) -> bool:
    """Whether ``check`` proves ``doc`` valid; False also when it cannot tell."""
    if check is None:
        return False
    try:
        check(doc)
    except Exception:  # invalid, or something the compiled code did not expect: jsonschema decides
        return False
    return True
