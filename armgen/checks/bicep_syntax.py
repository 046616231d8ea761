"""Check the Bicep armgen writes, without the Bicep compiler: syntax, outline and linter rules.

No Bicep compiler ships on PyPI, so the check uses tree-sitter-bicep, a full grammar for the
language. :func:`parse_errors` is the syntax check the build runs on every file it writes;
:func:`outline` reads back the declarations (so tests can compare the Bicep with the ARM JSON);
:func:`lint` applies the Bicep linter rules armgen promises to keep (no unused names, no secure
default, interpolation over concat, symbolic references, no needless dependsOn, no hard-coded
location).

tree-sitter is an optional (dev) dependency and is imported lazily: where it is missing,
:func:`parse_errors` returns None and the caller reports "not checked".
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

#: Bicep's one-line declarations of a ``.bicepparam`` file, rewritten so the ``.bicep`` grammar
#: reads them (``param x = v`` has the syntax of ``var x = v``; ``var  `` keeps the columns).
_PARAM_ASSIGN = re.compile(r"^param(?=\s)", re.M)


@functools.cache
def _parser() -> Any:
    import tree_sitter
    import tree_sitter_bicep

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bicep.language()))


def available() -> bool:
    """Whether tree-sitter-bicep is installed."""
    try:
        _parser()
    except ImportError:
        return False
    return True


def parse(text: str, kind: str = "bicep") -> Any:
    """The tree-sitter tree of a ``.bicep`` (or ``kind="bicepparam"``) text; ImportError without it."""
    if kind == "bicepparam":
        text = _PARAM_ASSIGN.sub("var  ", text)
    return _parser().parse(text.encode("utf-8"))


#: Where a top-level statement starts after a blank line: the places a file can be cut into
#: pieces that parse on their own.
_TOP_LEVEL = re.compile(r"\n\n(?=\S)")


def parse_errors(text: str, kind: str = "bicep") -> list[str] | None:
    """Syntax errors as ``"line:col ERROR near '...'"`` / ``"line:col MISSING x"``; None if unchecked.

    tree-sitter-bicep takes time quadratic in the number of member accesses (``nic.id``) in a
    file: 2 s for a template of 800 resources. So the text is first parsed in pieces, cut where
    a statement starts at the left margin after a blank line; when every piece parses cleanly,
    so does the whole (a cut inside a string, comment or object leaves a piece unterminated,
    which is an error). Otherwise the whole text is parsed, so errors carry their true places.
    """
    try:
        pieces = _TOP_LEVEL.split(text)
        if len(pieces) > 1 and not any(parse(piece, kind).root_node.has_error for piece in pieces):
            return []
        tree = parse(text, kind)
    except ImportError:
        return None
    errors: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        line, col = node.start_point[0] + 1, node.start_point[1] + 1
        if node.is_missing:
            errors.append(f"{line}:{col} MISSING {node.type}")
        elif node.type == "ERROR":
            snippet = node.text.decode("utf-8", "replace")[:40]
            errors.append(f"{line}:{col} ERROR near {snippet!r}")
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return sorted(errors, key=lambda e: tuple(int(x) for x in e.split(" ", 1)[0].split(":")))


def check_file(path: str) -> list[str] | None:
    """:func:`parse_errors` for a file, the grammar chosen by its suffix."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return parse_errors(text, "bicepparam" if path.endswith(".bicepparam") else "bicep")


# --- outline -------------------------------------------------------------------------------------


@dataclasses.dataclass
class Decl:
    """One top-level declaration read back from Bicep text."""

    kind: str  # "param", "var", "resource", "output", "metadata"
    name: str
    node: Any
    decorators: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    type: str | None = None  # param/output type, resource 'type@apiVersion'
    value: Any = None  # default / value node (for a resource: the body after loop and condition)
    existing: bool = False
    loop: Any = None  # for_statement node
    condition: Any = None  # the if_statement's condition node


def text(node: Any) -> str:
    return node.text.decode("utf-8")


def _named(node: Any) -> list[Any]:
    return [c for c in node.children if c.is_named and c.type != "comment"]


def literal(node: Any) -> Any:
    """A literal node as a Python value; raises ValueError for anything that is an expression."""
    t = node.type
    if t == "string":
        parts = _named(node)
        if any(p.type == "interpolation" for p in parts):
            raise ValueError("interpolated string")
        raw = text(node)
        if raw.startswith("'''"):
            return raw[3:-3]
        # From the raw text: the grammar keeps ``\$`` as a hidden token, not an escape_sequence.
        return re.sub(r"\\(u\{[0-9A-Fa-f]+\}|.)", lambda m: unescape(m.group(0)), raw[1:-1])
    if t == "number":
        return int(text(node))
    if t == "boolean":
        return text(node) == "true"
    if t == "null":
        return None
    if t == "array":
        return [literal(c) for c in _named(node)]
    if t == "object":
        out: dict[str, Any] = {}
        for prop in _named(node):
            key, val = _named(prop)[0], _named(prop)[-1]
            out[literal(key) if key.type == "string" else text(key)] = literal(val)
        return out
    if t == "unary_expression" and text(node).startswith("-"):
        return -literal(_named(node)[0])
    raise ValueError(f"not a literal: {t}")


def unescape(seq: str) -> str:
    simple = {"\\\\": "\\", "\\'": "'", "\\n": "\n", "\\r": "\r", "\\t": "\t", "\\$": "$"}
    if seq in simple:
        return simple[seq]
    m = re.fullmatch(r"\\u\{([0-9A-Fa-f]+)\}", seq)
    if m:
        return chr(int(m.group(1), 16))
    raise ValueError(f"unknown escape {seq}")


def outline(text_or_tree: Any) -> list[Decl]:
    """The top-level declarations, each with its decorators, type, value, loop and condition."""
    tree = parse(text_or_tree) if isinstance(text_or_tree, str) else text_or_tree
    decls: list[Decl] = []
    pending: dict[str, list[Any]] = {}
    for node in _named(tree.root_node):
        if node.type == "decorators":
            for deco in _named(node):
                call = _named(deco)[0]
                if call.type == "call_expression":
                    fn, args = _named(call)
                    pending[text(fn)] = _named(args)
                else:
                    pending[text(call)] = []
            continue
        kind = node.type.removesuffix("_declaration")
        if kind not in ("parameter", "variable", "resource", "output", "metadata"):
            continue
        kids = _named(node)
        d = Decl({"parameter": "param", "variable": "var"}.get(kind, kind), text(kids[0]), node, pending)
        pending = {}
        if d.kind in ("param", "output"):
            d.type = text(kids[1])
            d.value = kids[2] if len(kids) > 2 else None
        elif d.kind == "resource":
            d.type = literal(kids[1])
            d.existing = any(not c.is_named and c.type == "existing" for c in node.children)
            body = kids[2]
            if body.type == "for_statement":
                d.loop = body
                body = _named(body)[-1]
            if body.type == "if_statement":
                cond, body = _named(body)
                d.condition = _named(cond)[0] if cond.type == "parenthesized_expression" else cond
            d.value = body
        else:
            d.value = kids[-1]
        if d.kind == "output" and d.value is not None and d.value.type == "for_statement":
            d.loop = d.value
        decls.append(d)
    return decls


def array_items(node: Any) -> list[Any]:
    """An array node's items, with tree-sitter-bicep 1.1.0's misreadings put right.

    Inside an array the grammar splits some items in two: ``f(a)`` becomes the items ``f`` and
    ``(a)``, ``x[0]`` becomes ``x`` and ``[0]``. Bicep itself reads one expression (items are
    separated by new lines), and the pieces touch, with no space between. Touching pieces are
    joined again by parsing their text on its own, where the grammar reads it right.
    """
    items: list[Any] = []
    group: list[Any] = []
    for k in _named(node):
        if group and group[-1].end_byte != k.start_byte:
            items.append(_rejoin(group))
            group = []
        group.append(k)
    if group:
        items.append(_rejoin(group))
    return items


def _rejoin(group: list[Any]) -> Any:
    if len(group) == 1:
        return group[0]
    span = b"".join(g.text for g in group).decode("utf-8")
    decl = _named(parse("var item = " + span).root_node)[0]
    return _named(decl)[-1]


def _glued(n: Any) -> bool:
    """Whether ``n`` is an array item piece that touches the next one (see :func:`array_items`)."""
    nxt = n.next_named_sibling
    return n.parent is not None and n.parent.type == "array" and nxt is not None and n.end_byte == nxt.start_byte


def properties(obj: Any) -> dict[str, Any]:
    """An object node's properties by key (value nodes)."""
    out: dict[str, Any] = {}
    if obj is None or obj.type != "object":
        return out
    for prop in _named(obj):
        key, val = _named(prop)[0], _named(prop)[-1]
        out[literal(key) if key.type == "string" else text(key)] = val
    return out


def loop_variable(loop: Any) -> str:
    """The ``i`` of ``for i in ...`` (the item name of ``for (item, i) in ...`` is not supported)."""
    return text(_named(loop)[0])


def loop_count(loop: Any) -> Any:
    """The ``n`` of ``for i in range(0, n)`` (a node), or None for another iterable."""
    source = _named(loop)[1]
    if source.type == "call_expression":
        fn, args = _named(source)
        a = _named(args)
        if text(fn) == "range" and len(a) == 2 and text(a[0]) == "0":
            return a[1]
    return None


# --- linter rules ------------------------------------------------------------------------------


def _walk(node: Any) -> Any:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def _references(node: Any) -> list[Any]:
    """Identifier nodes that refer to a symbol (not keys, not called function names, not loop vars)."""
    out = []
    for n in _walk(node):
        if n.type != "identifier":
            continue
        parent = n.parent
        if parent.type == "object_property" and _named(parent)[0] == n:
            continue
        if parent.type == "call_expression" and _named(parent)[0] == n:
            continue
        if parent.type == "for_statement" and _named(parent)[0] == n:
            continue
        if _glued(n) and n.next_named_sibling.type == "parenthesized_expression":
            continue  # a function name, not a reference
        out.append(n)
    return out


def _call_name(node: Any) -> str:
    return _strip_ns(text(_named(node)[0]))


def _strip_ns(name: str) -> str:
    return name.split(".", 1)[1] if name.startswith(("sys.", "az.")) else name


def lint(text_in: str) -> list[str]:
    """Violations of the Bicep linter rules armgen keeps, as ``"rule: message"`` lines."""
    tree = parse(text_in)
    decls = outline(tree)
    problems: list[str] = []
    by_name = {d.name: d for d in decls if d.kind in ("param", "var", "resource")}
    secure_params = {d.name for d in decls if d.kind == "param" and "secure" in d.decorators}
    resources = [d for d in decls if d.kind == "resource"]

    used: set[str] = set()
    for d in decls:
        name_node = _named(d.node)[0]
        for ref in _references(d.node):
            if ref != name_node:
                used.add(text(ref))
        for args in d.decorators.values():
            for a in args:
                used.update(text(r) for r in _references(a))
    for d in decls:
        if d.kind == "param" and d.name not in used:
            problems.append(f"no-unused-params: parameter {d.name} is never used")
        if d.kind == "var" and d.name not in used:
            problems.append(f"no-unused-vars: variable {d.name} is never used")
        if d.kind == "resource" and d.existing and d.name not in used:
            problems.append(f"no-unused-existing-resources: existing resource {d.name} is never used")
        if d.kind == "param" and d.name in secure_params and d.value is not None:
            try:
                ok = literal(d.value) in ("", {})
            except ValueError:
                ok = text(d.value) == "newGuid()"
            if not ok:
                problems.append(f"secure-parameter-default: secure parameter {d.name} has a default")
        if d.kind == "param" and d.name.lower() == "location" and d.value is not None:
            if d.value.type == "string" and text(d.value) != "'global'":
                problems.append("no-hardcoded-location: the location parameter defaults to a literal")
        if d.kind == "output":
            refs = {text(r) for r in _references(d.node)}
            if refs & secure_params:
                problems.append(f"outputs-should-not-contain-secrets: output {d.name} uses a secure parameter")

    calls: list[tuple[Any, str, list[Any]]] = []
    for n in _walk(tree.root_node):
        if n.type == "call_expression":
            calls.append((n, _call_name(n), _named(_named(n)[1])))
        elif n.type == "array":
            for item in array_items(n):
                if item.type == "call_expression" and item.parent.type != "array":  # rejoined
                    calls.append((item, _call_name(item), _named(_named(item)[1])))
        elif n.type == "string":
            parts = _named(n)
            nested = [p for p in parts if p.type == "interpolation" and _named(p)[0].type == "string"]
            if nested and len(parts) > 1:
                problems.append(f"simplify-interpolation: a string interpolated into a string: {text(n)[:60]}")
            if len(parts) == 1 and parts[0].type == "interpolation":
                inner = _named(parts[0])[0]
                if inner.type == "string" or (inner.type == "identifier" and _is_string_decl(by_name.get(text(inner)))):
                    problems.append(f"simplify-interpolation: {text(n)[:60]}")
    for n, name, args in calls:
        if name == "concat" and any(a.type == "string" for a in args):
            problems.append(f"prefer-interpolation: {text(n)[:60]}")
        if name == "format" and args and args[0].type == "string":
            try:
                pattern = literal(args[0])
            except ValueError:
                pattern = ""
            if not re.search(r"\{\d+[,:]", pattern):
                problems.append(f"prefer-interpolation: {text(n)[:60]}")
        rid_args: list[Any] | None = args if name == "resourceId" else None
        if name == "reference" and args and args[0].type == "call_expression" and _call_name(args[0]) == "resourceId":
            rid_args = _named(_named(args[0])[1])
        if rid_args:
            owner = _declared_resource(rid_args, resources, _enclosing_decl(n))
            if owner is not None:
                problems.append(f"use-resource-symbol-reference: {text(n)[:60]} (use {owner.name})")

    for d in decls:
        if d.kind != "resource":
            continue
        props = properties(d.value)
        loc = props.get("location")
        if loc is not None and loc.type == "string":
            try:
                if literal(loc).lower() != "global":
                    problems.append(f"no-hardcoded-location: resource {d.name} has location {text(loc)}")
            except ValueError:
                pass
        deps = props.get("dependsOn")
        if deps is None:
            continue
        implied: set[str] = set()
        for key, val in props.items():
            if key != "dependsOn":
                implied.update(text(r) for r in _references(val))
        if d.condition is not None:
            implied.update(text(r) for r in _references(d.condition))
        for entry in _named(deps):
            base = entry
            while base.type in ("subscript_expression", "member_expression"):
                base = _named(base)[0]
            if text(base) in implied:
                problems.append(f"no-unnecessary-dependson: {d.name} depends on {text(base)}, already referenced")
            target = by_name.get(text(base))
            if target is not None and target.kind == "resource" and target.existing:
                problems.append(f"no-unnecessary-dependson: {d.name} depends on existing {text(base)}")
    return problems


def _declared_resource(args: list[Any], resources: list[Decl], own: Any) -> Decl | None:
    """The resource declared in the file that ``resourceId('type', ..., name)`` (its args) names."""
    strings = [i for i, a in enumerate(args) if a.type == "string" and "/" in text(a)]
    if not strings:
        return None
    try:
        rtype = str(literal(args[strings[-1]])).lower()
    except ValueError:
        return None
    last = text(args[-1])
    own_name = text(_named(own)[0]) if own.type == "resource_declaration" else None
    for d in resources:
        if d.node == own or not isinstance(d.type, str) or d.type.split("@")[0].lower() != rtype:
            continue
        props = properties(d.value)
        parent = props.get("parent")
        if d.existing and parent is not None and text(parent) == own_name:
            continue  # an existing child of the resource being declared: its symbol would be a cycle
        name = props.get("name")
        if name is not None and text(name) == last:
            return d
    return None


def _enclosing_decl(node: Any) -> Any:
    while node.parent is not None and node.parent.type != "infrastructure":
        node = node.parent
    return node


def _is_string_decl(d: Decl | None) -> bool:
    return d is not None and d.kind == "param" and d.type == "string"
