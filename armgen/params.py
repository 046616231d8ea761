"""Deployment parameter values: reading them as ``az deployment group`` does, and one checker.

Why one module: the same values reach Resource Manager from four places (``build --values`` and
``--set``, ``what-if``/``preflight``/``attach -p``, and a rollout inventory's per-target
``parameters``). Each used to check them its own way, so a size outside ``allowedValues`` or a
misspelled name passed one door and not another. Here there is one reader and one checker, and
every value remembers where it came from (:class:`Origin`), so every error is one line naming
the file and JSON path (or line), the ``-p name=value`` or the ``--set`` the user has to fix.

Reading (:func:`read_args`, :func:`read_file`, :func:`from_mapping`):

- ``@file.json`` or ``file.json``: a deploymentParameters document (``{"parameters": {name:
  {"value": ...}}}``), the bare ``{name: {"value": ...}}`` object az also takes, or a plain
  ``{name: value}`` object;
- ``file.bicepparam``: ``using ...`` and ``param name = <literal>`` (strings, numbers, booleans,
  null, arrays, objects, multi-line strings; ``az.getSecret(...)`` is a Key Vault reference).
  Anything that needs evaluating (variables, functions, operators, interpolation) is refused in
  one line naming the line: armgen cannot compile Bicep and will not guess;
- ``name=value``: typed by the template's declared type, as az does (``int``, ``bool``, ``array``
  and ``object`` parameters parse the text, ``string`` parameters take it as is); a name the
  template does not declare is tried as JSON, else taken as a string;
- ``{...}``: an inline JSON parameters object.

Later values override earlier ones, names ignoring case (as ARM does), as in az.

Checking (:func:`check`): unknown names (with "did you mean"), JSON types, ``allowedValues``,
``minValue``/``maxValue``, ``minLength``/``maxLength``, required parameters, and Key Vault
references (their shape; secure parameters must use one wherever armgen writes values to a file).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from armgen import jsonio
from armgen.errors import InputError, json_path

PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
SECURE_TYPES = ("securestring", "secureobject")
KEYVAULT_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.KeyVault/vaults/[^/]+$", re.IGNORECASE)
_INT64 = (-(2**63), 2**63 - 1)
_NAME_VALUE = re.compile(r"^(?P<name>[A-Za-z_$][\w$.-]*)=(?P<value>.*)$", re.DOTALL)
_SHOWN = 40  # characters of a name=value text shown in an error


# ---------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Origin:
    """Where a value came from: ``file`` (a path, ``-p`` or ``--set``) and ``path`` (a JSON
    path, ``line N``, or nothing). An error built from it reads ``armgen: FILE: PATH: msg``."""

    file: str
    path: str | None = None

    def error(self, message: str) -> InputError:
        return InputError(message, file=self.file, path=self.path)

    def __str__(self) -> str:
        return ": ".join(w for w in (self.file, self.path) if w)


@dataclass(frozen=True)
class Given:
    """One parameter value as the user gave it.

    ``text`` is True for ``name=value``: the value is still the raw text, typed at check time by
    the parameter's declared type. ``origin`` for such a value shows the text; ``redacted`` is
    the origin to use when the parameter turns out to be secure, so a secret is never echoed.
    """

    name: str
    value: Any
    origin: Origin
    text: bool = False
    redacted: Origin | None = None

    def where(self, secure: bool) -> Origin:
        return self.redacted if secure and self.redacted is not None else self.origin


@dataclass
class ParameterValues:
    """Parameter values in the order given; a later value replaces an earlier one of the same
    name (ignoring case), as ``az deployment group -p a -p b`` does.

    ``using`` is the template a ``.bicepparam`` file named (resolved against its folder), if any.
    """

    items: dict[str, Given] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    using: str | None = None

    def add(self, given: Given) -> None:
        self.items.pop(given.name.lower(), None)  # re-inserted last: the order shows what overrode what
        self.items[given.name.lower()] = given

    def update(self, other: ParameterValues) -> None:
        for g in other:
            self.add(g)
        self.sources += other.sources
        self.using = other.using or self.using

    def __iter__(self) -> Iterator[Given]:
        return iter(list(self.items.values()))

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self.items

    def label(self, default: str = "-p") -> str:
        """What to blame for a value that is missing: the files (and flags) given, in order."""
        return ", ".join(dict.fromkeys(self.sources)) or default


def _add_unique(out: ParameterValues, given: Given) -> None:
    """Within one file a name given twice (in any case) is a mistake, not an override."""
    old = out.items.get(given.name.lower())
    if old is not None:
        raise given.origin.error(f"parameter {given.name!r} is given twice in this file (also as {old.name!r} "
                                 f"at {old.origin.path}; ARM parameter names ignore case)")
    out.add(given)


def is_reference(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"reference"}


def _entry(name: str, entry: Any, file: str, base: tuple[str | int, ...]) -> Given | None:
    """A deploymentParameters entry ``{"value": ...}`` / ``{"reference": ...}`` (``metadata`` allowed)."""
    where = json_path([*base, name])
    if not isinstance(entry, dict) or not (("value" in entry) ^ ("reference" in entry)) \
            or set(entry) - {"value", "reference", "metadata"}:
        raise InputError('expected {"value": ...} or {"reference": ...}', file=file, path=where)
    if "reference" in entry:
        return Given(name, {"reference": entry["reference"]}, Origin(file, where + ".reference"))
    return Given(name, entry["value"], Origin(file, where + ".value"))


def _looks_like_entry(v: Any) -> bool:
    return isinstance(v, dict) and bool(v) and (("value" in v) ^ ("reference" in v)) \
        and not set(v) - {"value", "reference", "metadata"}


def from_document(doc: Any, file: str) -> ParameterValues:
    """Values from a parsed JSON parameters document (any of the three shapes in the module doc)."""
    out = ParameterValues(sources=[file])
    if not isinstance(doc, dict):
        raise InputError("a parameters file holds a JSON object", file=file, path="$")
    if "parameters" in doc and (len(doc) == 1 or "$schema" in doc or "contentVersion" in doc):
        params = doc["parameters"]
        if not isinstance(params, dict):
            raise InputError("parameters must be an object", file=file, path="$.parameters")
        for name, entry in params.items():
            g = _entry(name, entry, file, ("parameters",))
            if g is not None:
                _add_unique(out, g)
        return out
    if "$schema" in doc:
        raise InputError("a deploymentParameters file keeps its values under 'parameters'", file=file, path="$")
    wrapped = bool(doc) and all(_looks_like_entry(v) for v in doc.values())
    for name, v in doc.items():
        if wrapped:
            g = _entry(name, v, file, ())
            if g is not None:
                _add_unique(out, g)
        else:
            _add_unique(out, Given(name, v, Origin(file, json_path([name]))))
    return out


def from_mapping(values: Mapping[str, Any], file: str, base: Sequence[str | int] = ()) -> ParameterValues:
    """Plain ``{name: value}`` values found at JSON path ``base`` of ``file`` (e.g. an inventory's
    ``$.targets[0].parameters``); ``{"reference": ...}`` values stay references."""
    out = ParameterValues(sources=[file])
    for name, v in values.items():
        out.add(Given(name, v, Origin(file, json_path([*base, name]))))
    return out


def read_file(path: str | Path, *, label: str | None = None) -> ParameterValues:
    """A parameters file: ``.bicepparam`` by its suffix, else JSON. ``label`` names it in errors."""
    p = Path(path)
    file = label or str(path)
    if p.suffix.lower() == ".bicepparam":
        try:
            text = jsonio.decode_text(p.read_bytes(), file)
        except FileNotFoundError:
            raise InputError("no such file", file=file) from None
        except IsADirectoryError:
            raise InputError("is a folder, not a file", file=file) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=file) from None
        out = parse_bicepparam(text, file)
        if out.using and out.using.lower() != "none":
            out.using = str(p.parent / out.using)
        return out
    return from_document(jsonio.load_json(p), file)


def read_arg(arg: str, flag: str = "-p") -> ParameterValues:
    """One ``-p`` argument, as az reads it: ``@file``, an existing file, inline JSON, ``name=value``."""
    if arg.startswith("@"):
        return read_file(arg[1:])
    if Path(arg).is_file():
        return read_file(arg)
    if arg.lstrip().startswith("{"):
        return from_document(jsonio.parse_json(arg, f"{flag} {{...}}"), f"{flag} {{...}}")
    nv = name_value(arg, flag)
    if nv is not None:
        return nv
    if arg.lower().endswith((".json", ".jsonc", ".bicepparam")) or "/" in arg or "\\" in arg:
        raise InputError("no such file", file=arg)
    raise InputError(f"expected @FILE, FILE (.json or .bicepparam) or NAME=VALUE, got {arg[:_SHOWN]!r}", file=flag)


def name_value(arg: str, flag: str) -> ParameterValues | None:
    """``NAME=VALUE`` (the value still text, typed at check time); None when ``arg`` is not one."""
    m = _NAME_VALUE.match(arg)
    if not m:
        return None
    name, text = m.group("name"), m.group("value")
    shown = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
    out = ParameterValues(sources=[flag])
    out.add(Given(name, text, Origin(f"{flag} {name}={shown}"), text=True, redacted=Origin(f"{flag} {name}=***")))
    return out


def read_args(args: Iterable[str], flag: str = "-p") -> ParameterValues:
    """Every ``-p`` argument in order; later values override earlier ones."""
    out = ParameterValues()
    for arg in args:
        out.update(read_arg(arg, flag))
    return out


# ---------------------------------------------------------------------------------- .bicepparam


class _Tok:
    __slots__ = ("kind", "line", "value")

    def __init__(self, kind: str, value: Any, line: int):
        self.kind = kind  # str | int | name | nl | eof | punct | multi
        self.value = value
        self.line = line


_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}
_PUNCT = set("=[]{}:,().-+*/%!?<>&|@")


def _tokens(text: str, file: str) -> list[_Tok]:
    """Bicep's lexical rules for the literal subset; an interpolation is refused right here."""
    toks: list[_Tok] = []
    i, line, n = 0, 1, len(text)

    def fail(msg: str) -> InputError:
        return InputError(msg, file=file, path=f"line {line}")

    while i < n:
        ch = text[i]
        if ch == "\n":
            toks.append(_Tok("nl", None, line))
            line += 1
            i += 1
        elif ch in " \t\r":
            i += 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise fail("unterminated /* comment")
            line += text.count("\n", i, end)
            i = end + 2
        elif text.startswith("'''", i):
            end = text.find("'''", i + 3)
            if end < 0:
                raise fail("unterminated ''' string")
            body = text[i + 3 : end]
            if body.startswith("\r\n"):
                body = body[2:]
            elif body.startswith("\n"):
                body = body[1:]
            toks.append(_Tok("str", body, line))
            line += text.count("\n", i, end)
            i = end + 3
        elif ch == "'":
            start_line = line
            out: list[str] = []
            i += 1
            while True:
                if i >= n or text[i] == "\n":
                    raise fail("unterminated string")
                c = text[i]
                if c == "'":
                    i += 1
                    break
                if c == "\\":
                    esc = text[i + 1 : i + 2]
                    if esc in _ESCAPES:
                        out.append(_ESCAPES[esc])
                        i += 2
                    elif esc == "u":
                        m = re.match(r"\\u\{([0-9a-fA-F]{1,6})\}", text[i:])
                        if not m or int(m.group(1), 16) > 0x10FFFF:
                            raise fail("bad \\u{...} escape in a string")
                        out.append(chr(int(m.group(1), 16)))
                        i += m.end()
                    else:
                        raise fail(f"unknown escape \\{esc} in a string")
                    continue
                if c == "$" and text[i + 1 : i + 2] == "{":
                    raise fail("string interpolation ${...} is an expression; armgen takes literal values only "
                               "(write the value out, or pass it with -p NAME=VALUE)")
                out.append(c)
                i += 1
            toks.append(_Tok("str", "".join(out), start_line))
        elif ch.isdigit():
            m = re.match(r"\d+", text[i:])
            assert m is not None
            if text[i + m.end() : i + m.end() + 1] == "." and text[i + m.end() + 1 : i + m.end() + 2].isdigit():
                raise fail("Bicep has no decimal numbers (a string or an integer is needed)")
            toks.append(_Tok("int", int(m.group()), line))
            i += m.end()
        elif ch.isalpha() or ch == "_":
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i:])
            assert m is not None
            toks.append(_Tok("name", m.group(), line))
            i += m.end()
        elif ch in _PUNCT:
            toks.append(_Tok("punct", ch, line))
            i += 1
        else:
            raise fail(f"unexpected character {ch!r}")
    toks.append(_Tok("eof", None, line))
    return toks


class _BicepParams:
    """Recursive descent over the literal subset of the ``.bicepparam`` grammar."""

    def __init__(self, text: str, file: str):
        self.file = file
        self.toks = _tokens(text, file)
        self.i = 0
        self.param = ""  # the parameter being read, for error messages

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, tok: _Tok, message: str) -> InputError:
        prefix = f"param {self.param}: " if self.param else ""
        return InputError(prefix + message, file=self.file, path=f"line {tok.line}")

    def skip_nl(self) -> None:
        while self.peek().kind == "nl":
            self.i += 1

    def expect(self, kind: str, value: Any = None) -> _Tok:
        tok = self.take()
        if tok.kind != kind or (value is not None and tok.value != value):
            raise self.fail(tok, f"expected {value or kind}, found {self.show(tok)}")
        return tok

    @staticmethod
    def show(tok: _Tok) -> str:
        if tok.kind == "eof":
            return "the end of the file"
        if tok.kind == "nl":
            return "the end of the line"
        return repr(tok.value) if tok.kind != "str" else "a string"

    def end_of_statement(self) -> None:
        tok = self.peek()
        if tok.kind not in ("nl", "eof"):
            raise self.fail(tok, f"{self.show(tok)} after the value: expressions are not supported, "
                                 "only literal values (strings, numbers, true/false, null, arrays, objects)")

    def parse(self) -> ParameterValues:
        out = ParameterValues(sources=[self.file])
        seen_using = False
        while True:
            self.skip_nl()
            tok = self.take()
            if tok.kind == "eof":
                return out
            self.param = ""
            if tok.kind == "name" and tok.value == "using":
                if seen_using:
                    raise self.fail(tok, "a second 'using'")
                seen_using = True
                target = self.take()
                if target.kind == "str":
                    out.using = target.value
                elif not (target.kind == "name" and target.value == "none"):
                    raise self.fail(target, "'using' takes a string (the template's path) or none")
                self.end_of_statement()
            elif tok.kind == "name" and tok.value == "param":
                name = self.expect("name")
                self.param = name.value
                self.expect("punct", "=")
                self.skip_nl()
                start = self.peek()
                value = self.value()
                self.end_of_statement()
                _add_unique(out, Given(name.value, value, Origin(self.file, f"line {start.line}")))
            elif tok.kind == "name" and tok.value in ("var", "import", "extends", "type", "func", "metadata"):
                raise self.fail(tok, f"'{tok.value}' is not supported: armgen reads 'using' and "
                                     "'param NAME = <literal value>' only")
            elif tok.kind == "punct" and tok.value == "@":
                raise self.fail(tok, "decorators are not supported: armgen reads 'using' and "
                                     "'param NAME = <literal value>' only")
            else:
                raise self.fail(tok, f"unexpected {self.show(tok)}: armgen reads 'using' and "
                                     "'param NAME = <literal value>' only")

    def value(self) -> Any:
        tok = self.take()
        if tok.kind in ("str", "int"):
            return tok.value
        if tok.kind == "punct" and tok.value == "-" and self.peek().kind == "int":
            return -self.take().value
        if tok.kind == "punct" and tok.value == "[":
            return self.array()
        if tok.kind == "punct" and tok.value == "{":
            return self.object()
        if tok.kind == "name":
            if tok.value in ("true", "false"):
                return tok.value == "true"
            if tok.value == "null":
                return None
            if tok.value == "getSecret" or (tok.value == "az" and self.peek().value == "." and
                                            self.toks[self.i + 1].value == "getSecret"):
                return self.get_secret(tok)
            raise self.fail(tok, f"{tok.value!r} is an expression (a variable, parameter or function); "
                                 "armgen takes literal values only")
        raise self.fail(tok, f"expected a literal value, found {self.show(tok)}")

    def separator(self, close: str) -> bool:
        """After an item: a comma or newline(s); True when the closing bracket follows."""
        tok = self.peek()
        if tok.kind == "punct" and tok.value == ",":
            self.i += 1
        elif tok.kind == "nl":
            pass
        elif not (tok.kind == "punct" and tok.value == close):
            raise self.fail(tok, f"{self.show(tok)} inside a literal: expressions are not supported")
        self.skip_nl()
        if self.peek().kind == "punct" and self.peek().value == close:
            self.i += 1
            return True
        return False

    def array(self) -> list[Any]:
        items: list[Any] = []
        self.skip_nl()
        if self.peek().kind == "punct" and self.peek().value == "]":
            self.i += 1
            return items
        while True:
            items.append(self.value())
            if self.separator("]"):
                return items

    def object(self) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        self.skip_nl()
        if self.peek().kind == "punct" and self.peek().value == "}":
            self.i += 1
            return obj
        while True:
            key = self.take()
            if key.kind not in ("name", "str"):
                raise self.fail(key, f"expected a property name, found {self.show(key)}")
            if key.value in obj:
                raise self.fail(key, f"property {key.value!r} is given twice")
            self.expect("punct", ":")
            self.skip_nl()
            obj[key.value] = self.value()
            if self.separator("}"):
                return obj

    def get_secret(self, tok: _Tok) -> dict[str, Any]:
        """``az.getSecret(subscriptionId, resourceGroup, vaultName, secretName[, version])``: a Key
        Vault reference, the one function a parameters file may use for a secure value."""
        if tok.value == "az":
            self.i += 2
        self.expect("punct", "(")
        args: list[str] = []
        while True:
            self.skip_nl()
            arg = self.take()
            if arg.kind != "str":
                raise self.fail(arg, "getSecret() takes string literals only")
            args.append(arg.value)
            self.skip_nl()
            sep = self.take()
            if sep.kind == "punct" and sep.value == ")":
                break
            if not (sep.kind == "punct" and sep.value == ","):
                raise self.fail(sep, f"expected ',' or ')' in getSecret(), found {self.show(sep)}")
        if len(args) not in (4, 5):
            raise self.fail(tok, "getSecret() takes subscription id, resource group, vault name, secret name "
                                 "and optionally a version")
        ref: dict[str, Any] = {
            "keyVault": {"id": f"/subscriptions/{args[0]}/resourceGroups/{args[1]}/providers/"
                               f"Microsoft.KeyVault/vaults/{args[2]}"},
            "secretName": args[3]}
        if len(args) == 5:
            ref["secretVersion"] = args[4]
        return {"reference": ref}


def parse_bicepparam(text: str, file: str) -> ParameterValues:
    """The values of a ``.bicepparam`` file of literal values (see the module docstring)."""
    return _BicepParams(text, file).parse()


# ---------------------------------------------------------------------------------- checking

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "securestring": (str,), "int": (int,), "bool": (bool,),
    "object": (dict,), "secureobject": (dict,), "array": (list,),
}
_ARM_TYPE_NAMES = {"string": "string", "securestring": "string", "int": "integer", "bool": "boolean",
                   "object": "object", "secureobject": "object", "array": "array"}


def _coerce_text(given: Given, ptype: str, secure: bool) -> Any:
    """``name=value`` typed as az types it: by the parameter's declared type."""
    text: str = given.value
    where = given.where(secure)
    if ptype in ("string", "securestring"):
        return text
    if ptype == "int":
        if not re.fullmatch(r"[+-]?\d+", text.strip()):
            raise where.error("expected an integer")
        if len(text.strip().lstrip("+-")) > 20:  # past every 64-bit integer (and int() refuses 4,300+ digits)
            raise where.error(f"{text.strip()[:20]}... is outside the 64-bit integers ARM takes")
        return int(text.strip())
    if ptype == "bool":
        if text.strip().lower() not in ("true", "false"):
            raise where.error("expected true or false")
        return text.strip().lower() == "true"
    known = ptype in ("object", "secureobject", "array")
    try:  # a type armgen does not know (or none): JSON when it is JSON, else the text
        return jsonio.parse_json(text, where.file)
    except InputError as exc:
        if exc.path:  # JSON, but holding what no file can (an unpaired surrogate): never a value
            raise where.error(f"{exc.path}: {exc.message}") from None
        if known:
            raise where.error(f"expected a JSON {_ARM_TYPE_NAMES[ptype]}") from None
        return text


def check_reference(value: Any, where: Origin) -> None:
    """A Key Vault reference as Resource Manager takes it."""
    ref = value.get("reference") if isinstance(value, dict) else None
    kv = ref.get("keyVault") if isinstance(ref, dict) else None
    shape = '{"reference": {"keyVault": {"id": "/subscriptions/.../providers/Microsoft.KeyVault/vaults/NAME"}, ' \
            '"secretName": "..."}}'
    if not (isinstance(kv, dict) and isinstance(kv.get("id"), str) and isinstance(ref.get("secretName"), str)
            and ref["secretName"]):
        raise where.error(f"a Key Vault reference is {shape}")
    if not KEYVAULT_ID.match(kv["id"]):
        raise where.error(f"keyVault.id {kv['id']!r} is not a Key Vault resource id "
                          "(/subscriptions/ID/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/NAME)")
    extra = set(ref) - {"keyVault", "secretName", "secretVersion"}
    if extra or ("secretVersion" in ref and not isinstance(ref["secretVersion"], str)):
        raise where.error(f"a Key Vault reference is {shape} (and optionally \"secretVersion\")")


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    by_lower = {c.lower(): c for c in choices}
    hit = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[hit[0]] if hit else None


def check_value(name: str, spec: Mapping[str, Any], value: Any, where: Origin) -> None:
    """One plain value against its declaration: type, allowedValues, value and length bounds."""
    ptype = str(spec.get("type", "")).lower()
    secure = ptype in SECURE_TYPES
    if value is None and spec.get("nullable") is True:
        return
    expected = _JSON_TYPES.get(ptype)
    if expected is not None and (not isinstance(value, expected) or (ptype == "int" and isinstance(value, bool))):
        raise where.error(f"expected {_ARM_TYPE_NAMES[ptype]}, got {jsonio.json_type(value)}")
    if ptype == "int" and not _INT64[0] <= value <= _INT64[1]:
        raise where.error(f"{value} is outside the 64-bit integers ARM takes")
    allowed = spec.get("allowedValues")
    if isinstance(allowed, list):
        items = value if ptype == "array" and isinstance(value, list) else [value]
        for item in items:
            if item not in allowed:
                shown = "the value" if secure else _show(item)
                hint = ""
                if isinstance(item, str) and not secure:
                    near = _suggest(item, [a for a in allowed if isinstance(a, str)])
                    hint = f" (did you mean {near!r}?)" if near else ""
                listed = ", ".join(_show(a) for a in allowed[:12]) + (", ..." if len(allowed) > 12 else "")
                raise where.error(f"{shown} is not allowed for {name}{hint}; allowed: {listed}")
    if isinstance(value, int) and not isinstance(value, bool):
        for key, ok, word in (("minValue", lambda v, m: v >= m, "less than"), ("maxValue", lambda v, m: v <= m, "more than")):
            bound = spec.get(key)
            if isinstance(bound, int) and not ok(value, bound):
                raise where.error(f"{value} is {word} {key} {bound}")
    if isinstance(value, str | list):
        what = "characters" if isinstance(value, str) else "items"
        lo, hi = spec.get("minLength"), spec.get("maxLength")
        if isinstance(lo, int) and len(value) < lo:
            raise where.error(f"{len(value)} {what}, fewer than minLength {lo}")
        if isinstance(hi, int) and len(value) > hi:
            raise where.error(f"{len(value)} {what}, more than maxLength {hi}")


def check(template: Mapping[str, Any], values: ParameterValues, *,
          secrets: Literal["reference", "allow"] = "reference", require: bool = True,
          missing: Origin | None = None) -> dict[str, Any]:
    """The values checked against ``template``'s parameters: ``{declared name: value}`` in the
    template's order, a Key Vault reference kept as ``{"reference": ...}``.

    ``secrets="reference"`` (wherever values are written to a file: build, rollout) refuses a
    plain value for a secure parameter; ``"allow"`` (what-if and preflight send it to Resource
    Manager and nowhere else) takes it. ``require`` reports required parameters left without a
    value, blamed on ``missing`` (default: the sources the values came from).
    """
    declared: Mapping[str, Any] = template.get("parameters") or {}
    by_lower = {k.lower(): k for k in declared}
    out: dict[str, Any] = {}
    for given in values:
        real = by_lower.get(given.name.lower())
        if real is None:
            near = _suggest(given.name, declared)
            if near:
                hint = f"did you mean {near!r}?"
            else:
                names = sorted(declared)
                hint = "known: " + (", ".join(names[:20]) + (", ..." if len(names) > 20 else "") if names
                                    else "the template takes no parameters")
            raise given.origin.error(f"unknown parameter {given.name!r} ({hint})")
        spec = declared[real] if isinstance(declared[real], Mapping) else {}
        ptype = str(spec.get("type", "")).lower()
        secure = ptype in SECURE_TYPES
        where = given.where(secure)
        value = _coerce_text(given, ptype, secure) if given.text else given.value
        if is_reference(value):
            check_reference(value, where)
            out[real] = value
            continue
        if secure and secrets == "reference":
            raise where.error("secure parameter: give a Key Vault reference "
                              '({"reference": {"keyVault": {"id": ...}, "secretName": ...}}, or az.getSecret(...) '
                              "in a .bicepparam), not a value: armgen never writes a secret to a file")
        check_value(real, spec, value, where)
        out[real] = value
    if require:
        lacking = [n for n, s in declared.items() if n not in out
                   and not (isinstance(s, Mapping) and ("defaultValue" in s or s.get("nullable") is True))]
        if lacking:
            blame = missing or Origin(values.label())
            raise blame.error(f"missing required parameter{'s' if len(lacking) > 1 else ''}: {', '.join(lacking)}")
    return {n: out[n] for n in declared if n in out}


def arm_parameters(checked: Mapping[str, Any]) -> dict[str, Any]:
    """The ``parameters`` object of a deployment: ``{name: {"value": v}}`` or ``{name: {"reference": r}}``."""
    return {k: (v if is_reference(v) else {"value": v}) for k, v in checked.items()}


def parameters_document(checked: Mapping[str, Any]) -> dict[str, Any]:
    """A deploymentParameters (2019-04-01) document of checked values."""
    return {"$schema": PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0", "parameters": arm_parameters(checked)}


def plain_values(checked: Mapping[str, Any]) -> dict[str, Any]:
    """The values a reader can use as they are (Key Vault references are unknown until deployment)."""
    return {k: v for k, v in checked.items() if not is_reference(v)}
