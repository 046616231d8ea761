"""Render a :class:`~armgen.template.Template` to idiomatic Bicep (``main.bicep``, ``.bicepparam``).

The Bicep comes from the same model as the ARM JSON, so it can never drift from it. Because the
model keeps expressions as trees and resources as objects, the output is what a person would
write, not a decompilation: symbolic references (``nic.id``, ``lb.properties.x``) instead of
``resourceId()``/``reference()``, string interpolation instead of ``concat``/``format``,
operators instead of ``equals``/``and``/``if``, loops as ``[for i in range(0, n): ...]`` and no
``dependsOn`` that a symbolic reference already implies. That is what keeps Bicep's own linter
quiet (no-unnecessary-dependson, prefer-interpolation, use-resource-symbol-reference...).

Layout follows ``bicep format``: two-space indent, one object property / array item per line,
a blank line between declarations, loops with an object body opened on their own line.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from armgen import expr as E
from armgen.errors import InputError
from armgen.expr import Expr
from armgen.template import ModelError, Output, Parameter, Resource, Template

INDENT = "  "
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
#: Keywords that the Bicep lexer never reads as a property name.
_KEYWORD_KEYS = {"true", "false", "null"}

# Operator precedence, highest binds tightest. Ternaries are always parenthesised (PRIMARY).
PRIMARY, UNARY, MUL, ADD, CMP, EQ, AND, OR = 100, 90, 80, 70, 60, 50, 40, 30

_BINARY = {
    "equals": ("==", EQ),
    "less": ("<", CMP),
    "lessorequals": ("<=", CMP),
    "greater": (">", CMP),
    "greaterorequals": (">=", CMP),
    "add": ("+", ADD),
    "sub": ("-", ADD),
    "mul": ("*", MUL),
    "div": ("/", MUL),
    "mod": ("%", MUL),
    "and": ("&&", AND),
    "or": ("||", OR),
}

#: ARM function names as Bicep spells them (Bicep is case-sensitive, ARM is not).
_FUNCTIONS = {
    n.lower(): n
    for n in (
        "resourceGroup subscription deployment tenant managementGroup environment pickZones "
        "resourceId subscriptionResourceId tenantResourceId extensionResourceId reference providers "
        "uniqueString guid newGuid utcNow concat format string int bool json base64 base64ToString "
        "base64ToJson toLower toUpper trim substring replace split join take skip first last length "
        "empty contains union intersection coalesce min max range array startsWith endsWith indexOf "
        "lastIndexOf padLeft uri uriComponent uriComponentToString dataUri dataUriToString items "
        "listKeys"
    ).split()
}
#: Functions of the ``az`` namespace (the rest are ``sys``), used when a declaration shadows one.
_AZ_FUNCTIONS = {
    "resourceGroup", "subscription", "deployment", "tenant", "managementGroup", "environment",
    "pickZones", "resourceId", "subscriptionResourceId", "tenantResourceId", "extensionResourceId",
    "reference", "providers", "listKeys",
}
_STRING_FUNCTIONS = {
    "format", "string", "tolower", "toupper", "uniquestring", "guid", "newguid", "substring", "replace",
    "trim", "base64", "base64tostring", "padleft", "utcnow", "uri", "uricomponent",
    "uricomponenttostring", "datauri", "datauritostring", "join", "resourceid",
    "subscriptionresourceid", "tenantresourceid", "extensionresourceid",
}
_INT_FUNCTIONS = {"add", "sub", "mul", "div", "mod", "length", "int", "indexof", "lastindexof"}
_BOOL_FUNCTIONS = {
    "equals", "not", "and", "or", "contains", "empty", "less", "lessorequals", "greater",
    "greaterorequals", "startswith", "endswith", "bool",
}
_STRING_PROPS = {"location", "name", "id", "subscriptionId", "tenantId", "displayName", "type"}

_PARAM_TYPES = {
    "string": ("string", False),
    "securestring": ("string", True),
    "int": ("int", False),
    "bool": ("bool", False),
    "object": ("object", False),
    "secureobject": ("object", True),
    "array": ("array", False),
}
_EMPTY = {"string": "''", "int": "0", "bool": "false", "object": "{}", "array": "[]"}


def bicep_string(s: str) -> str:
    """A single-quoted Bicep string literal for ``s``."""
    return "'" + escape_string(s) + "'"


_NEEDS_ESCAPE = re.compile(r"[\\'\x00-\x1f]|\$\{")


def escape_string(s: str) -> str:
    """The inside of a Bicep string: ``\\``, ``'``, ``${`` and control characters escaped."""
    if not _NEEDS_ESCAPE.search(s):  # most strings: nothing to escape, no loop over characters
        return s
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "$" and s[i + 1 : i + 2] == "{":
            out.append("\\$")
        elif ord(ch) < 0x20:
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return "".join(out)


def property_key(key: str) -> str:
    """An object key: bare when it is an identifier (prefer-unquoted-property-names), else quoted."""
    if _IDENT.match(key) and key not in _KEYWORD_KEYS:
        return key
    return bicep_string(key)


def plain_value(v: Any, ind: int) -> str:
    """A JSON value (no expressions) as Bicep, e.g. a parameter value in a ``.bicepparam`` file."""
    if isinstance(v, dict):
        if not v:
            return "{}"
        pad = INDENT * (ind + 1)
        body = "".join(f"{pad}{property_key(str(k))}: {plain_value(x, ind + 1)}\n" for k, x in v.items())
        return "{\n" + body + INDENT * ind + "}"
    if isinstance(v, list | tuple):
        if not v:
            return "[]"
        pad = INDENT * (ind + 1)
        return "[\n" + "".join(f"{pad}{plain_value(x, ind + 1)}\n" for x in v) + INDENT * ind + "]"
    return BicepRenderer.scalar(v)


def _format_pieces(fmt: str, args: tuple[Expr, ...]) -> list[Any] | None:
    """``format()``'s pattern as interpolation pieces; None when it uses alignment/format specs."""
    pieces: list[Any] = []
    text: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if fmt.startswith("{{", i) or fmt.startswith("}}", i):
            text.append(ch)
            i += 2
            continue
        if ch == "{":
            m = re.match(r"\{(\d+)\}", fmt[i:])
            if not m or int(m.group(1)) >= len(args):
                return None
            if text:
                pieces.append("".join(text))
                text = []
            pieces.append(args[int(m.group(1))])
            i += m.end()
            continue
        if ch == "}":
            return None
        text.append(ch)
        i += 1
    if text:
        pieces.append("".join(text))
    return pieces


@dataclasses.dataclass
class _Scope:
    """Where an expression is rendered: the resource it belongs to and the loop it sits in."""

    resource: Resource | None = None
    loop_var: str | None = None
    loop_name: str | None = None
    #: Resources this declaration refers to by symbol (each such reference implies dependsOn).
    refs: list[Resource] = dataclasses.field(default_factory=list)

    def note(self, r: Resource | None) -> None:
        """Record a symbolic reference; through an ``existing`` child it reaches its parents too."""
        while r is not None:
            if all(x is not r for x in self.refs):
                self.refs.append(r)
            r = r.parent


class BicepRenderer:
    """Renders one template; holds the name tables that map model names to Bicep identifiers."""

    def __init__(self, t: Template) -> None:
        self.t = t
        self.params: dict[str, Parameter] = {k.lower(): p for k, p in t.parameters.items()}
        self.var_names: dict[str, str] = {}
        self.symbols: dict[int, str] = {}
        taken: set[str] = {"az", "sys"}
        for name in t.parameters:
            if not _IDENT.match(name):
                raise ModelError(f"parameter {name!r} is not a valid Bicep identifier")
            taken.add(name)
        for name in t.outputs:
            if not _IDENT.match(name):
                raise ModelError(f"output {name!r} is not a valid Bicep identifier")
            if name in taken:
                raise ModelError(f"output {name!r} has the name of a parameter; Bicep needs them distinct")
            taken.add(name)
        for name in t.variables:
            self.var_names[name.lower()] = self._claim(name, taken)
        for r in t.resources:
            self.symbols[id(r)] = self._claim(r.symbol, taken)
        self.taken = taken
        self.loop_var = next(
            n for n in ("i", "j", "k", "idx", *(f"i{n}" for n in range(1, 100))) if n not in taken
        )
        self._var_values = {k.lower(): v.value for k, v in t.variables.items()}
        self._id_index = self._index_resource_ids()

    @staticmethod
    def _claim(name: str, taken: set[str]) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "_"
        if base[0].isdigit():
            base = "_" + base
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}{n}", n + 1
        taken.add(candidate)
        return candidate

    def _index_resource_ids(self) -> dict[str, Resource]:
        """ARM ``resourceId(...)`` text of each non-looped resource, to turn hand-built ids into symbols."""
        out: dict[str, Resource] = {}
        for r in self.t.resources:
            if r.copy is None:
                out.setdefault(r.resource_id_call().arm().lower(), r)
        return out

    def symbol(self, r: Resource) -> str:
        try:
            return self.symbols[id(r)]
        except KeyError:
            raise ModelError(f"a reference to {r.symbol}, which is not in the template") from None

    # --- values --------------------------------------------------------------------------------

    def value(self, v: Any, ind: int, sc: _Scope) -> str:
        """A value tree (dicts, lists, scalars, expressions) as Bicep text at indent level ``ind``."""
        if isinstance(v, Expr):
            return self.expr(v, ind, sc)[0]
        if hasattr(v, "expr") and callable(v.expr):
            return self.expr(v.expr(), ind, sc)[0]
        if isinstance(v, dict):
            return self.obj([(str(k), x) for k, x in v.items()], ind, sc)
        if isinstance(v, list | tuple):
            return self.arr(list(v), ind, sc)
        return self.scalar(v)

    @staticmethod
    def scalar(v: Any) -> str:
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            return f"json({bicep_string(repr(v))})"
        if isinstance(v, str):
            return bicep_string(v)
        raise ModelError(f"cannot render {type(v).__name__} to Bicep")

    def obj(self, items: list[tuple[str | Expr, Any]], ind: int, sc: _Scope) -> str:
        """An object literal; a computed key (``createObject(id, ...)``) becomes ``'${id}'``."""
        if not items:
            return "{}"
        pad = INDENT * (ind + 1)
        body = "".join(f"{pad}{self.key(k, ind + 1, sc)}: {self.value(x, ind + 1, sc)}\n" for k, x in items)
        return "{\n" + body + INDENT * ind + "}"

    def key(self, k: str | Expr, ind: int, sc: _Scope) -> str:
        if isinstance(k, str):
            return property_key(k)
        text, _ = self.interpolate([k], ind, sc, lone_needs_string=True)
        return text if text.startswith("'") else f"'${{{text}}}'"

    def arr(self, items: list[Any], ind: int, sc: _Scope) -> str:
        if not items:
            return "[]"
        pad = INDENT * (ind + 1)
        body = "".join(f"{pad}{self.item(x, ind + 1, sc)}\n" for x in items)
        return "[\n" + body + INDENT * ind + "]"

    def item(self, x: Any, ind: int, sc: _Scope) -> str:
        """An array item; a ternary goes bare: tree-sitter-bicep reads ``prev`` + ``(c ? a : b)`` as a call."""
        text = self.value(x, ind, sc)
        if isinstance(x, E.Call) and x.name.lower() == "if" and text.startswith("(") and text.endswith(")"):
            return text[1:-1]
        return text

    # --- expressions ---------------------------------------------------------------------------

    def expr(self, e: Expr, ind: int, sc: _Scope) -> tuple[str, int]:
        """Bicep text of an expression and its precedence (for minimal parentheses)."""
        if isinstance(e, E.Lit):
            text = self.scalar(e.value)
            return text, UNARY if text.startswith("-") else PRIMARY
        if isinstance(e, E.ParamRef):
            return self.param_name(e.name), PRIMARY
        if isinstance(e, E.VarRef):
            return self.var_name(e.name), PRIMARY
        if isinstance(e, E.CopyIndex):
            var = self.loop_of(e.loop, sc)
            if e.offset > 0:
                return f"{var} + {e.offset}", ADD
            if e.offset < 0:
                return f"{var} - {-e.offset}", ADD
            return var, PRIMARY
        if isinstance(e, E.ResourceIdRef):
            return self.resource_ref(e.resource, e.index, ".id", ind, sc)
        if isinstance(e, E.ReferenceRef):
            return self.resource_ref(e.resource, e.index, "" if e.full else ".properties", ind, sc)
        if isinstance(e, E.Prop):
            obj = self.operand(e.obj, PRIMARY, ind, sc)
            if _IDENT.match(e.name):
                return f"{obj}.{e.name}", PRIMARY
            return f"{obj}[{bicep_string(e.name)}]", PRIMARY
        if isinstance(e, E.Index):
            obj = self.operand(e.obj, PRIMARY, ind, sc)
            return f"{obj}[{self.expr(e.key, ind, sc)[0]}]", PRIMARY
        if isinstance(e, E.Call):
            return self.call(e, ind, sc)
        raise ModelError(f"cannot render {type(e).__name__} to Bicep")

    def operand(self, e: Expr, min_prec: int, ind: int, sc: _Scope) -> str:
        text, prec = self.expr(e, ind, sc)
        return text if prec >= min_prec else f"({text})"

    def param_name(self, name: str) -> str:
        p = self.params.get(name.lower())
        if p is None:
            raise ModelError(f"reference to undeclared parameter {name!r}")
        return p.name

    def var_name(self, name: str) -> str:
        v = self.var_names.get(name.lower())
        if v is None:
            raise ModelError(f"reference to undeclared variable {name!r}")
        return v

    def loop_of(self, loop: str | None, sc: _Scope) -> str:
        if sc.loop_var is None:
            raise ModelError("copyIndex() outside a copy loop")
        if loop is not None and loop != sc.loop_name:
            raise ModelError(f"copyIndex({loop!r}) names a loop that does not enclose it")
        return sc.loop_var

    def resource_ref(self, r: Resource, index: Expr | None, tail: str, ind: int, sc: _Scope) -> tuple[str, int]:
        if _own(r, sc):
            rid = r.resource_id_call(index)
            if tail == ".id":
                return self.call(rid, ind, sc, symbolic=False)
            args: list[Expr] = [rid, E.Lit(r.api_version)]
            if not tail:
                args.append(E.Lit("Full"))
            return self.call(E.Call("reference", tuple(args)), ind, sc, symbolic=False)
        sym = self.symbol(r)
        sc.note(r)
        if r.copy is not None and not r.existing:
            if index is None:
                # As in ARM: the whole loop's resource inside another loop is the same instance.
                index_text = self.loop_of(None, sc)
            else:
                index_text = self.expr(index, ind, sc)[0]
            sym = f"{sym}[{index_text}]"
        return sym + tail, PRIMARY

    def call(self, e: E.Call, ind: int, sc: _Scope, symbolic: bool = True) -> tuple[str, int]:
        name = e.name.lower()
        args = e.args
        if name in ("parameters", "variables") and len(args) == 1 and isinstance(args[0], E.Lit):
            ref = self.param_name if name == "parameters" else self.var_name
            return ref(str(args[0].value)), PRIMARY
        if name in ("true", "false", "null") and not args:
            return name, PRIMARY
        if name == "if" and len(args) == 3:
            c, a, b = (self.expr(x, ind, sc)[0] for x in args)
            return f"({c} ? {a} : {b})", PRIMARY
        if name == "not" and len(args) == 1:
            return "!" + self.operand(args[0], UNARY, ind, sc), UNARY
        if name in _BINARY and len(args) >= 2 and (len(args) == 2 or name in ("and", "or")):
            op, prec = _BINARY[name]
            parts = [self.operand(args[0], prec, ind, sc)]
            parts += [self.operand(a, prec + 1, ind, sc) for a in args[1:]]
            return f" {op} ".join(parts), prec
        if name == "createarray":
            return self.arr(list(args), ind, sc), PRIMARY
        if name == "createobject" and len(args) % 2 == 0:
            keys = [k.value if isinstance(k, E.Lit) and isinstance(k.value, str) else k for k in args[::2]]
            return self.obj(list(zip(keys, args[1::2], strict=True)), ind, sc), PRIMARY
        if name == "concat" and args and self.is_string_concat(args):
            return self.interpolate(self.concat_pieces(args), ind, sc)
        if name == "format" and args and isinstance(args[0], E.Lit) and isinstance(args[0].value, str):
            pieces = _format_pieces(args[0].value, args[1:])
            if pieces is not None:
                return self.interpolate(pieces, ind, sc, lone_needs_string=True)
        if symbolic and name in ("resourceid", "reference") and args:
            sym = self.symbolic(e, ind, sc)
            if sym is not None:
                return sym
        fname = _FUNCTIONS.get(name, e.name)
        if fname in self.taken:
            fname = ("az." if fname in _AZ_FUNCTIONS else "sys.") + fname
        return f"{fname}({', '.join(self.expr(a, ind, sc)[0] for a in args)})", PRIMARY

    def symbolic(self, e: E.Call, ind: int, sc: _Scope) -> tuple[str, int] | None:
        """A hand-built ``resourceId(...)``/``reference(resourceId(...))`` of a model resource as its symbol."""
        if e.name.lower() == "resourceid":
            r = self._id_index.get(e.arm().lower())
            if r is None or _own(r, sc):
                return None
            return self.resource_ref(r, None, ".id", ind, sc)
        target, rest = e.args[0], e.args[1:]
        if not isinstance(target, E.Call) or target.name.lower() != "resourceid":
            return None
        r = self._id_index.get(target.arm().lower())
        if r is None or _own(r, sc):
            return None
        lits = [a.value if isinstance(a, E.Lit) else object() for a in rest]
        if lits and lits[0] != r.api_version:
            return None
        if lits[1:] not in ([], ["Full"], ["full"]):
            return None
        return self.resource_ref(r, None, "" if lits[1:] else ".properties", ind, sc)

    # --- strings -------------------------------------------------------------------------------

    def concat_pieces(self, args: Iterable[Expr]) -> list[Any]:
        pieces: list[Any] = []
        for a in args:
            if isinstance(a, E.Call) and a.name.lower() == "concat" and a.args and self.is_string_concat(a.args):
                pieces += self.concat_pieces(a.args)
            elif isinstance(a, E.Lit) and isinstance(a.value, str):
                pieces.append(a.value)
            elif isinstance(a, E.Lit) and isinstance(a.value, int) and not isinstance(a.value, bool):
                pieces.append(str(a.value))
            else:
                pieces.append(a)
        return pieces

    def interpolate(
        self, pieces: list[Any], ind: int, sc: _Scope, lone_needs_string: bool = False
    ) -> tuple[str, int]:
        """``'${a}-${b}'`` from literal text and expressions; a lone string expression stays bare."""
        merged: list[Any] = []
        for p in self.flatten(pieces):
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            elif not (isinstance(p, str) and p == ""):
                merged.append(p)
        if not merged:
            return "''", PRIMARY
        if len(merged) == 1 and isinstance(merged[0], Expr):
            only = merged[0]
            if not lone_needs_string or self.kind(only) == "string":
                return self.expr(only, ind, sc)
        out = []
        for p in merged:
            out.append(escape_string(p) if isinstance(p, str) else "${" + self.expr(p, ind, sc)[0] + "}")
        return "'" + "".join(out) + "'", PRIMARY

    def flatten(self, pieces: Iterable[Any]) -> Iterable[Any]:
        """Pieces with nested string concat/format and literals spliced in (no ``'${'${a}'}'``)."""
        for p in pieces:
            if isinstance(p, E.Lit) and isinstance(p.value, str):
                yield p.value
            elif isinstance(p, E.Lit) and isinstance(p.value, int) and not isinstance(p.value, bool):
                yield str(p.value)
            elif isinstance(p, E.Call) and p.name.lower() == "concat" and p.args and self.is_string_concat(p.args):
                yield from self.flatten(self.concat_pieces(p.args))
            elif (
                isinstance(p, E.Call) and p.name.lower() == "format" and p.args
                and isinstance(p.args[0], E.Lit) and isinstance(p.args[0].value, str)
                and (sub := _format_pieces(p.args[0].value, p.args[1:])) is not None
            ):
                yield from self.flatten(sub)
            else:
                yield p

    def is_string_concat(self, args: Iterable[Expr]) -> bool:
        kinds = [self.kind(a) for a in args]
        return "array" not in kinds and "object" not in kinds and "string" in kinds

    def kind(self, e: Any, depth: int = 0) -> str | None:
        """The value type of an expression where it is evident ('string', 'array', ...), else None."""
        if depth > 20:
            return None
        if isinstance(e, E.Lit):
            e = e.value
        if isinstance(e, bool):
            return "bool"
        if isinstance(e, int):
            return "int"
        if isinstance(e, str):
            return "string"
        if isinstance(e, list | tuple):
            return "array"
        if isinstance(e, dict):
            return "object"
        if isinstance(e, E.ParamRef):
            p = self.params.get(e.name.lower())
            return _PARAM_TYPES[p.type.lower()][0] if p is not None else None
        if isinstance(e, E.VarRef):
            key = e.name.lower()
            return self.kind(self._var_values[key], depth + 1) if key in self._var_values else None
        if isinstance(e, E.CopyIndex):
            return "int"
        if isinstance(e, E.ResourceIdRef):
            return "string"
        if isinstance(e, E.Prop):
            if isinstance(e.obj, E.Call) and e.obj.name.lower() in ("resourcegroup", "subscription", "deployment"):
                return "string" if e.name in _STRING_PROPS else None
            return None
        if isinstance(e, E.Call):
            name = e.name.lower()
            kinds = [self.kind(a, depth + 1) for a in e.args]
            if name == "concat":
                return "array" if "array" in kinds else ("string" if "string" in kinds else None)
            if name in ("parameters", "variables") and len(e.args) == 1 and isinstance(e.args[0], E.Lit):
                ref = E.ParamRef if name == "parameters" else E.VarRef
                return self.kind(ref(str(e.args[0].value)), depth + 1)
            if name in _STRING_FUNCTIONS:
                return "string"
            if name in _INT_FUNCTIONS:
                return "int"
            if name in _BOOL_FUNCTIONS:
                return "bool"
            if name in ("createarray", "split", "pickzones", "range"):
                return "array"
            if name == "createobject":
                return "object"
            if name in ("take", "skip", "union", "intersection") and kinds:
                return kinds[0]
            if name == "if" and len(kinds) == 3 and kinds[1] == kinds[2]:
                return kinds[1]
            if name == "coalesce":
                return next((k for k in kinds if k is not None), None)
        return None

    # --- declarations --------------------------------------------------------------------------

    def parameter(self, p: Parameter) -> str:
        btype, secure = _PARAM_TYPES[p.type.lower()]
        sc = _Scope()
        lines: list[str] = []
        if p.description:
            lines.append(f"@description({bicep_string(p.description)})")
        if secure:
            lines.append("@secure()")
        if p.allowed_values is not None:
            lines.append(f"@allowed({self.arr(list(p.allowed_values), 0, sc)})")
        for deco, val in (
            ("minLength", p.min_length),
            ("maxLength", p.max_length),
            ("minValue", p.min_value),
            ("maxValue", p.max_value),
        ):
            if val is not None:
                lines.append(f"@{deco}({self.scalar(val)})")
        decl = f"param {p.name} {btype}"
        if p.has_default:
            decl += " = " + self.value(E.lift(p.default), 0, sc)
        lines.append(decl)
        return "\n".join(lines)

    def variable(self, name: str, value: Any) -> str:
        return f"var {self.var_name(name)} = {self.value(value, 0, _Scope())}"

    def resource(self, r: Resource) -> str:
        sym = self.symbol(r)
        loop = r.copy is not None and not r.existing
        sc = _Scope(resource=r, loop_var=self.loop_var if loop else None, loop_name=r.copy.name if loop else None)
        ind = 2 if loop else 1
        items: list[tuple[str, str]] = []
        if r.parent is not None:
            if not r.existing and r.parent.existing and any(x is not None for x in r.parent.scope()):
                raise ModelError(
                    f"{r.symbol}: a new child of an existing resource in another resource group "
                    "needs a Bicep module (BCP165)"
                )
            items.append(("parent", self.parent_ref(r, sc)))
        # With ``parent:`` the name is the resource's own segment only.
        items.append(("name", self.value(r.name, ind, sc)))
        if r.existing and r.parent is None:
            sub, rg = r.subscription_id, r.resource_group
            if rg is not None:
                args = [a for a in (sub, rg) if a is not None]
                scope_args = ", ".join(self.value(a, ind, sc) for a in args)
                fname = "az.resourceGroup" if "resourceGroup" in self.taken else "resourceGroup"
                items.append(("scope", f"{fname}({scope_args})"))
        if not r.existing:
            for key, v in [*r.envelope(), ("properties", r.properties)]:
                if v is not None:
                    items.append((key, self.value(v, ind, sc)))
            cond = self.value(r.condition, ind, sc) if r.condition is not None else None
            count = self.value(r.copy.count, ind, sc) if loop and r.copy is not None else None
            deps = self.explicit_depends_on(r, sc)
            if deps:
                pad = INDENT * (ind + 1)
                items.append(("dependsOn", "[\n" + "".join(f"{pad}{d}\n" for d in deps) + INDENT * ind + "]"))
        else:
            cond = count = None
        pad = INDENT * ind
        body = "{\n" + "".join(f"{pad}{k}: {v}\n" for k, v in items) + INDENT * (ind - 1) + "}"
        if cond is not None:
            body = f"if ({cond}) {body}"
        head: list[str] = []
        if r.comments:
            head += [f"// {line}".rstrip() for line in r.comments.splitlines()]
        if loop and r.copy is not None:
            batch = r.copy.batch_size
            if batch is None and r.copy.mode.lower() == "serial":
                batch = 1
            if batch is not None:
                head.append(f"@batchSize({batch})")
            body = f"[\n{INDENT}for {self.loop_var} in range(0, {count}): {body}\n]"
        decl = f"resource {sym} {bicep_string(r.type + '@' + r.api_version)} {'existing ' if r.existing else ''}= {body}"
        return "\n".join([*head, decl])

    def parent_ref(self, r: Resource, sc: _Scope) -> str:
        parent = r.parent
        assert parent is not None
        sc.note(parent)
        sym = self.symbol(parent)
        if parent.copy is not None and not parent.existing:
            if sc.loop_var is None:
                raise ModelError(f"{r.symbol}: a child of a looped parent needs its own loop")
            sym = f"{sym}[{sc.loop_var}]"
        return sym

    def explicit_depends_on(self, r: Resource, sc: _Scope) -> list[str]:
        """Only the ordering a symbolic reference does not already imply (no-unnecessary-dependson)."""
        out: list[str] = []
        for d in r.depends_on:
            while d.existing and d.parent is not None:
                d = d.parent  # an existing child stands for its deployed parent, as in the ARM JSON
            if d is r or d.existing or any(x is d for x in sc.refs):
                continue
            if d not in self.t.resources:
                raise ModelError(f"{r.symbol} depends on {d.symbol}, which is not in the template")
            sym = self.symbol(d)
            if sym not in out:
                out.append(sym)
        return out

    def output(self, o: Output) -> str:
        otype, secure = _PARAM_TYPES.get(o.type.lower(), (o.type, False))
        lines: list[str] = []
        if o.description:
            lines.append(f"@description({bicep_string(o.description)})")
        if secure:
            lines.append("@secure()")
        if o.copy_count is not None:
            count_expr = o.copy_count
            if o.condition is not None:
                count_expr = E.if_(o.condition, o.copy_count, 0)
            count = self.value(count_expr, 1, _Scope())
            sc = _Scope(loop_var=self.loop_var)
            one_line = self.value(o.value, 0, sc)
            if "\n" not in one_line:
                value = f"[for {self.loop_var} in range(0, {count}): {one_line}]"
            else:
                value = f"[\n{INDENT}for {self.loop_var} in range(0, {count}): {self.value(o.value, 1, sc)}\n]"
        else:
            sc = _Scope()
            value = self.value(o.value, 0, sc)
            if o.condition is not None:
                # Bicep has no conditional output; the empty value of the type stands for "absent".
                cond = self.value(o.condition, 0, sc)
                value = f"({cond} ? {value} : {_EMPTY.get(otype, 'null')})"
        lines.append(f"output {o.name} {otype} = {value}")
        return "\n".join(lines)

    def render(self) -> str:
        blocks: list[str] = []
        if self.t.description:
            blocks.append(f"metadata description = {bicep_string(self.t.description)}")
        blocks += [self.parameter(p) for p in self.t.parameters.values()]
        blocks += [self.variable(name, v.value) for name, v in self.t.variables.items()]
        blocks += [self.resource(r) for r in self.t.resources]
        blocks += [self.output(o) for o in self.t.outputs.values()]
        return "\n\n".join(blocks) + "\n"


def _own(r: Resource, sc: _Scope) -> bool:
    """Whether ``r`` is the resource being declared or an ``existing`` child of it.

    Bicep refuses both as symbols inside the declaration (BCP079 self-reference, BCP080 cycle),
    so their ids are spelled out with ``resourceId()``.
    """
    if r is sc.resource:
        return True
    p = r.parent if r.existing else None
    while p is not None:
        if p is sc.resource:
            return True
        p = p.parent
    return False


def render(t: Template) -> str:
    """``main.bicep`` for the template (checked for dangling or unused names first)."""
    t.check()
    return BicepRenderer(t).render()


_KEYVAULT_ID = re.compile(
    r"^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.KeyVault/vaults/([^/]+)\Z", re.I
)


def _param_value(p: Parameter, v: Any, file: str | None, path: str) -> str:
    if isinstance(v, dict) and set(v) == {"reference"} and isinstance(v["reference"], dict):
        ref = v["reference"]
        kv_id = (ref.get("keyVault") or {}).get("id", "")
        m = _KEYVAULT_ID.match(kv_id) if isinstance(kv_id, str) else None
        if not m or not isinstance(ref.get("secretName"), str):
            raise InputError("a Key Vault reference needs keyVault.id and secretName", file=file, path=path)
        args = [*m.groups(), ref["secretName"]]
        if isinstance(ref.get("secretVersion"), str):
            args.append(ref["secretVersion"])
        return f"az.getSecret({', '.join(bicep_string(a) for a in args)})"
    if p.secure:
        raise InputError(
            f"secure parameter {p.name} has a plain value; armgen never writes secrets to a file "
            "(use a Key Vault reference)",
            file=file,
            path=path,
        )
    return plain_value(v, 0)


def render_params(
    t: Template, values: dict[str, Any], template_file: str = "main.bicep", *, file: str | None = None
) -> str:
    """A ``.bicepparam`` file: ``using 'main.bicep'`` and one ``param x = value`` per value.

    ``values`` maps parameter names to plain JSON values; an ARM parameters file (with a
    ``parameters`` section of ``{"value": ...}`` / Key Vault ``{"reference": ...}`` entries) is
    accepted as is. Key Vault references become ``az.getSecret(...)``. Names are matched
    case-insensitively (as ARM does) and written as the template declares them; ``file`` names the
    source in errors.
    """
    entries: list[tuple[str, Any, str]] = []
    if isinstance(values.get("parameters"), dict) and ("$schema" in values or "contentVersion" in values):
        for name, entry in values["parameters"].items():
            path = f"$.parameters.{name}"
            if not isinstance(entry, dict) or not ({"value"} <= set(entry) or {"reference"} <= set(entry)):
                raise InputError("expected {\"value\": ...} or {\"reference\": ...}", file=file, path=path)
            v = entry["value"] if "value" in entry else {"reference": entry["reference"]}
            entries.append((name, v, path))
    else:
        entries = [(name, v, f"$.{name}") for name, v in values.items()]
    declared = {k.lower(): p for k, p in t.parameters.items()}
    lines = [f"using {bicep_string(template_file)}", ""]
    seen: set[str] = set()
    for name, v, path in entries:
        p = declared.get(name.lower())
        if p is None:
            raise InputError(f"parameter {name!r} is not declared in the template", file=file, path=path)
        if p.name in seen:
            raise InputError(f"parameter {name!r} is given twice", file=file, path=path)
        seen.add(p.name)
        lines.append(f"param {p.name} = {_param_value(p, v, file, path)}")
    return "\n".join(lines) + "\n"
