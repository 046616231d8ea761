"""Canonical forms of ARM JSON values and of Bicep expressions, to compare the two renderings.

Both sides are reduced to the same small tuple language, independently of armgen's renderers: ARM
expression strings are parsed here with a little parser, Bicep text is read through tree-sitter.
Forms that differ only in spelling become equal: ``concat``/``format``/interpolation become one
list of string pieces, operators become ARM's function names, ``createObject`` and ``{...}``
become the same object. Anything naming a resource is reduced to ``("resource",)``, since ARM
writes ``resourceId(...)`` where Bicep writes a symbol; callers skip comparing those.
"""

from __future__ import annotations

import json
import re
from typing import Any

from armgen.checks import bicep_syntax as bc

_BICEP_OPS = {
    "==": "equals", "!=": "notequals", "<": "less", "<=": "lessorequals", ">": "greater",
    ">=": "greaterorequals", "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod",
    "&&": "and", "||": "or",
}
RESOURCE = ("resource",)
_ID_FUNCS = {"resourceid", "reference", "extensionresourceid", "subscriptionresourceid", "tenantresourceid"}


def var_key(name: str) -> str:
    """A variable's name as Bicep must spell it (non-identifier characters replaced)."""
    key = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return "_" + key if key[:1].isdigit() else key


def _str(pieces: list[Any]) -> Any:
    merged: list[Any] = []
    for p in pieces:
        if isinstance(p, tuple) and p[0] == "str":
            items = list(p[1])
        elif isinstance(p, tuple) and p[0] == "lit" and isinstance(p[1], str | int) and not isinstance(p[1], bool):
            items = [str(p[1])]
        else:
            items = [p]
        for item in items:
            if isinstance(item, str) and merged and isinstance(merged[-1], str):
                merged[-1] += item
            elif item != "":
                merged.append(item)
    if len(merged) == 1 and not isinstance(merged[0], str):
        return merged[0]
    if all(isinstance(m, str) for m in merged):
        return ("lit", "".join(merged))
    return ("str", tuple(merged))


def _call(name: str, args: list[Any]) -> Any:
    name = name.lower()
    if name in ("and", "or"):
        flat: list[Any] = []
        for a in args:
            flat += list(a[2]) if a[:2] == ("call", name) else [a]
        return ("call", name, tuple(flat))
    if name == "concat" and any(_is_stringy(a) for a in args) and not any(_is_listy(a) for a in args):
        return _str(args)
    if name == "concat" and len(args) == 1:
        return args[0]
    if name == "format" and args and args[0][0] == "lit":
        pieces = _format(args[0][1], args[1:])
        if pieces is not None:
            return _str(pieces)
    if name in ("true", "false") and not args:
        return ("lit", name == "true")
    if name == "null" and not args:
        return ("lit", None)
    if name == "json" and len(args) == 1 and args[0][0] == "lit":
        return ("lit", json.loads(args[0][1]))
    if name == "createarray":
        return ("arr", tuple(args))
    if name == "createobject":
        pairs = [(k[1] if k[0] == "lit" else k, v) for k, v in zip(args[::2], args[1::2], strict=True)]
        return ("obj", tuple(sorted(pairs, key=repr)))
    if name in _ID_FUNCS or any(a == RESOURCE for a in args):
        return RESOURCE
    return ("call", name, tuple(args))


#: Value kinds of names, for telling a string ``concat`` from an array one; set by the caller
#: (:func:`known_kinds`) from the template's parameter types.
KINDS: dict[Any, str] = {}
_STRING_FUNCS = {"format", "string", "tolower", "toupper", "uniquestring", "guid", "substring", "replace",
                 "trim", "base64", "padleft", "uri"}
_CONTEXT_PROPS = {"location", "name", "id", "subscriptionId", "tenantId", "type"}


def known_kinds(kinds: dict[Any, str]) -> None:
    KINDS.clear()
    KINDS.update(kinds)


def _is_stringy(a: Any) -> bool:
    if (a[0] == "lit" and isinstance(a[1], str)) or a[0] == "str" or KINDS.get(a) == "string":
        return True
    if a[0] == "call" and a[1] in _STRING_FUNCS:
        return True
    return (
        a[0] == "prop" and a[2] in _CONTEXT_PROPS and a[1][0] == "call"
        and a[1][1] in ("resourcegroup", "subscription", "deployment")
    )


def _is_listy(a: Any) -> bool:
    return a[0] == "arr" or KINDS.get(a) in ("array", "object")


def _format(fmt: str, args: list[Any]) -> list[Any] | None:
    out: list[Any] = []
    for m in re.finditer(r"\{\{|\}\}|\{(\d+)\}|\{[^}]*\}|[^{}]+|[{}]", fmt):
        tok = m.group(0)
        if tok in ("{{", "}}"):
            out.append(tok[0])
        elif m.group(1) is not None:
            out.append(args[int(m.group(1))])
        elif tok.startswith("{") or tok in "{}":
            return None
        else:
            out.append(tok)
    return out


# --- ARM ---------------------------------------------------------------------------------------


def arm_value(v: Any, var_map: dict[str, str] | None = None) -> Any:
    """Canonical form of an ARM JSON value (expression strings parsed).

    ``var_map`` maps lower-cased ARM variable names to the Bicep names (where Bicep renamed one).
    """
    if isinstance(v, str):
        if v.startswith("[[") or not (v.startswith("[") and v.endswith("]")):
            return ("lit", v[1:] if v.startswith("[[") else v)
        parser = _ArmParser(v[1:-1], var_map or {})
        out = parser.expr()
        if parser.pos != len(parser.s):
            raise ValueError(f"trailing text in {v!r}")
        return out
    if isinstance(v, dict):
        return ("obj", tuple(sorted(((k, arm_value(x, var_map)) for k, x in v.items()), key=repr)))
    if isinstance(v, list):
        return ("arr", tuple(arm_value(x, var_map) for x in v))
    return ("lit", v)


class _ArmParser:
    def __init__(self, s: str, var_map: dict[str, str]) -> None:
        self.s, self.pos, self.var_map = s, 0, var_map

    def ws(self) -> None:
        while self.pos < len(self.s) and self.s[self.pos] == " ":
            self.pos += 1

    def expr(self) -> Any:
        self.ws()
        s = self.s
        if s[self.pos] == "'":
            end, buf = self.pos + 1, []
            while True:
                if s[end] == "'" and s[end + 1 : end + 2] == "'":
                    buf.append("'")
                    end += 2
                elif s[end] == "'":
                    break
                else:
                    buf.append(s[end])
                    end += 1
            self.pos = end + 1
            node: Any = ("lit", "".join(buf))
        else:
            m = re.compile(r"-?\d+|[A-Za-z_][A-Za-z0-9_.]*").match(s, self.pos)
            if not m:
                raise ValueError(f"cannot parse ARM expression at {s[self.pos:]!r}")
            self.pos = m.end()
            tok = m.group(0)
            if tok.lstrip("-").isdigit():
                node = ("lit", int(tok))
            else:
                self.ws()
                assert s[self.pos] == "(", s
                self.pos += 1
                args: list[Any] = []
                self.ws()
                while s[self.pos] != ")":
                    args.append(self.expr())
                    self.ws()
                    if s[self.pos] == ",":
                        self.pos += 1
                self.pos += 1
                node = self.special(tok, args)
        while self.pos < len(s) and s[self.pos] in ".[":
            if s[self.pos] == ".":
                m = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*").match(s, self.pos + 1)
                assert m
                self.pos = m.end()
                node = ("prop", node, m.group(0))
            else:
                self.pos += 1
                key = self.expr()
                self.ws()
                self.pos += 1
                node = ("prop", node, key[1]) if key[0] == "lit" and isinstance(key[1], str) else ("idx", node, key)
            if RESOURCE in node:
                node = RESOURCE
        return node

    def special(self, name: str, args: list[Any]) -> Any:
        low = name.lower()
        if low == "parameters":
            return ("param", args[0][1].lower())
        if low == "variables":
            return ("var", self.var_map.get(args[0][1].lower(), var_key(args[0][1])))
        if low == "copyindex":
            offset = next((a[1] for a in args if isinstance(a[1], int)), 0)
            return ("call", "add", (("copyindex",), ("lit", offset))) if offset else ("copyindex",)
        return _call(name, args)


# --- Bicep -------------------------------------------------------------------------------------


class BicepCanon:
    """Canonical forms of Bicep expression nodes; names resolve against the file's declarations."""

    def __init__(self, decls: list[bc.Decl]) -> None:
        self.kinds = {d.name: d.kind for d in decls if d.kind in ("param", "var", "resource")}

    def node(self, n: Any, loop_vars: frozenset[str] = frozenset()) -> Any:
        t = n.type
        kids = [c for c in n.children if c.is_named and c.type != "comment"]
        rec = lambda x: self.node(x, loop_vars)  # noqa: E731
        if t in ("number", "boolean", "null"):
            return ("lit", bc.literal(n))
        if t == "string":
            pieces: list[Any] = []
            raw, base = n.text, n.start_byte  # bytes: tree-sitter offsets count bytes
            cursor = base + 1
            for k in kids:
                if k.type == "interpolation":
                    pieces.append(_unescape(raw[cursor - base : k.start_byte - base].decode()))
                    pieces.append(rec(next(c for c in k.children if c.is_named)))
                    cursor = k.end_byte
            pieces.append(_unescape(raw[cursor - base : len(raw) - 1].decode()))
            return _str(pieces)
        if t == "identifier":
            name = bc.text(n)
            if name in loop_vars:
                return ("copyindex",)
            kind = self.kinds.get(name)
            if kind == "param":
                return ("param", name.lower())
            if kind == "var":
                return ("var", name)
            if kind == "resource":
                return RESOURCE
            raise ValueError(f"unknown identifier {name}")
        if t == "parenthesized_expression":
            return rec(kids[0])
        if t == "unary_expression":
            inner = rec(kids[0])
            if bc.text(n).startswith("-") and inner[0] == "lit":
                return ("lit", -inner[1])
            return _call("not", [inner])
        if t == "binary_expression":
            op = bc.text(n)[kids[0].end_byte - n.start_byte : kids[1].start_byte - n.start_byte].strip()
            return _call(_BICEP_OPS[op], [rec(kids[0]), rec(kids[1])])
        if t == "ternary_expression":
            return _call("if", [rec(k) for k in kids])
        if t == "call_expression":
            fn = bc.text(kids[0]).split(".")[-1]
            args = [rec(a) for a in kids[1].children if a.is_named]
            return _call(fn, args)
        if t == "member_expression":
            obj = rec(kids[0])
            return RESOURCE if obj == RESOURCE else ("prop", obj, bc.text(kids[1]))
        if t == "subscript_expression":
            obj, key = rec(kids[0]), rec(kids[1])
            if obj == RESOURCE:
                return RESOURCE
            return ("prop", obj, key[1]) if key[0] == "lit" and isinstance(key[1], str) else ("idx", obj, key)
        if t == "array":
            return ("arr", tuple(rec(item) for item in bc.array_items(n)))
        if t == "object":
            items = []
            for prop in kids:
                pk = [c for c in prop.children if c.is_named]
                key = rec(pk[0]) if pk[0].type == "string" else ("lit", bc.text(pk[0]))
                items.append((key[1] if key[0] == "lit" else key, rec(pk[-1])))
            return ("obj", tuple(sorted(items, key=repr)))
        if t == "for_statement":
            var = bc.text(kids[0])
            return ("for", self.node(kids[-1], loop_vars | {var}))
        raise ValueError(f"no canonical form for {t}: {bc.text(n)[:40]}")


def _unescape(raw: str) -> str:
    return re.sub(r"\\(u\{[0-9A-Fa-f]+\}|.)", lambda m: bc.unescape(m.group(0)), raw)


def mentions_resource(form: Any) -> bool:
    if form == RESOURCE:
        return True
    return isinstance(form, tuple) and any(isinstance(x, tuple) and mentions_resource(x) for x in form)
