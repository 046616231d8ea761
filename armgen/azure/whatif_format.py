"""Render a what-if result the way ``az deployment group what-if`` does.

Works on the REST JSON of a ``WhatIfOperationResult`` (``result.as_dict()``), so it needs no SDK
import and renders unknown future change types as plain text. Layout (re-implemented from the
documented structure of azure-cli's formatter, not copied): noise note, legend of the symbols
present, resources grouped by scope (sorted case-insensitively), sorted by change weight then
relative id, full JSON for creates/deletes, aligned property deltas for modifies, the
``Resource changes:`` summary, potential changes and diagnostics. Colour (xterm-256) only when
asked, i.e. when stdout is a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

RESET = "\033[0m"
_C = {
    "green": "\033[38;5;77m", "orange": "\033[38;5;208m", "purple": "\033[38;5;141m",
    "blue": "\033[38;5;39m", "gray": "\033[38;5;246m", "red": "\033[38;5;203m",
    "yellow": "\033[38;5;136m", "reset": RESET,
}

# change type -> (symbol, colour, resource weight)
CHANGE_STYLE: dict[str, tuple[str, str, int]] = {
    "Delete": ("-", "orange", 0),
    "Create": ("+", "green", 1),
    "Deploy": ("!", "blue", 2),
    "Modify": ("~", "purple", 3),
    "NoChange": ("=", "reset", 4),
    "Unsupported": ("x", "gray", 5),
    "Ignore": ("*", "gray", 6),
    "NoEffect": ("x", "gray", 7),
}
# property change type -> weight when sorting a delta
PROPERTY_WEIGHT = {"Delete": 0, "Create": 1, "Modify": 2, "Array": 2, "NoEffect": 3}
SUMMARY_WORDS = {
    "Delete": "to delete", "Create": "to create", "Deploy": "to deploy", "Modify": "to modify",
    "NoChange": "no change", "Unsupported": "unsupported", "Ignore": "to ignore",
}
NOISE_NOTE = ("Note: The result may contain false positive predictions (noise).\n"
              "You can help us improve the accuracy of the result by opening an issue here: "
              "https://aka.ms/WhatIfIssues")


def _val(x: Any) -> str:
    """Enum or plain string -> its value (SDK enums print as ``ChangeType.CREATE`` otherwise)."""
    return str(getattr(x, "value", x) or "")


class _Out:
    def __init__(self, color: bool):
        self.color = color
        self.lines: list[str] = []

    def c(self, name: str, text: str) -> str:
        if not self.color or name == "reset" or not text:
            return text
        return f"{_C[name]}{text}{RESET}"

    def line(self, text: str = "") -> None:
        self.lines.append(text.rstrip() if not self.color else text)


def split_scope(resource_id: str) -> tuple[str, str]:
    """``(scope, relative id)``: ``/subscriptions/s/resourceGroups/rg`` + ``Microsoft.X/t/n``."""
    parts = [p for p in resource_id.split("/") if p]
    low = [p.lower() for p in parts]
    if "providers" in low:
        i = len(low) - 1 - low[::-1].index("providers")
        # extension resources (scope/providers/...) keep everything before the last /providers/
        return "/" + "/".join(parts[:i]), "/".join(parts[i + 1 :])
    if len(parts) >= 4 and low[2] == "resourcegroups":
        return "/" + "/".join(parts[:2]), "/".join(parts[2:4])
    return "/" + "/".join(parts[:-2]) if len(parts) > 2 else "/", "/".join(parts[-2:])


def _scalar(v: Any) -> str:
    if isinstance(v, dict) and not v:
        return "{}"
    if isinstance(v, list) and not v:
        return "[]"
    return json.dumps(v, ensure_ascii=False)


def _is_leaf(v: Any) -> bool:
    return not isinstance(v, (dict, list)) or not v


def _flatten(obj: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Object -> dotted paths down to leaves or non-empty arrays."""
    out: list[tuple[str, Any]] = []
    for k, v in obj.items():
        p = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict) and v:
            out.extend(_flatten(v, p))
        else:
            out.append((p, v))
    return out


def _json_lines(o: _Out, value: Any, indent: int, color: str) -> None:
    """A non-leaf JSON value as az prints it: aligned dotted paths, arrays as ``[`` i: v ``]``."""
    pad = " " * indent
    if isinstance(value, list):
        width = len(str(len(value) - 1))
        for i, item in enumerate(value):
            _kv(o, pad, str(i), item, width, indent, color)
        return
    pairs = _flatten(value)
    width = max((len(p) for p, v in pairs if _is_leaf(v)), default=0)
    for p, v in pairs:
        _kv(o, pad, p, v, width, indent, color)


def _kv(o: _Out, pad: str, key: str, v: Any, width: int, indent: int, color: str) -> None:
    if _is_leaf(v):
        o.line(f"{pad}{key}:{' ' * (max(width - len(key), 0) + 1)}{o.c(color, _scalar(v))}")
    elif isinstance(v, list):
        o.line(f"{pad}{key}: [")
        _json_lines(o, v, indent + 2, color)
        o.line(f"{pad}]")
    else:  # object inside an array
        o.line(f"{pad}{key}:")
        o.line()
        _json_lines(o, v, indent + 2, color)
        o.line()


def _prop_changes(o: _Out, changes: Iterable[dict[str, Any]], indent: int, sort: bool = True) -> None:
    items = list(changes)
    if sort:
        items.sort(key=lambda d: (PROPERTY_WEIGHT.get(_val(d.get("propertyChangeType")), 9), str(d.get("path") or "")))
    width = max((len(str(d.get("path") or "")) for d in items
                 if _val(d.get("propertyChangeType")) != "Array" and not d.get("children")), default=0)
    pad = " " * indent
    for d in items:
        kind = _val(d.get("propertyChangeType"))
        sym, color, _ = CHANGE_STYLE.get("Modify" if kind == "Array" else kind, ("?", "reset", 9))
        path = str(d.get("path") or "")
        head = f"{pad}{o.c(color, sym)} {path}:" if path else f"{pad}{o.c(color, sym)}"
        before, after, children = d.get("before"), d.get("after"), d.get("children")
        if kind == "Array" and children is not None:
            o.line(f"{head} [")
            _prop_changes(o, children, indent + 2, sort=False)
            o.line(f"{pad}  ]")
        elif children:
            o.line(head)
            o.line()
            _prop_changes(o, children, indent + 4)
            o.line()
        elif kind == "Modify":
            gap = " " * (max(width - len(path), 0) + 1)
            if _is_leaf(before) and _is_leaf(after):
                o.line(f"{head}{gap}{o.c('orange', _scalar(before))} => {o.c('green', _scalar(after))}")
            else:
                o.line(head)
                _value_block(o, before, indent + 4, "orange")
                o.line(f"{pad}  =>")
                _value_block(o, after, indent + 4, "green")
        else:
            v = before if kind == "Delete" else after
            gap = " " * (max(width - len(path), 0) + 1)
            if _is_leaf(v):
                o.line(f"{head}{gap}{o.c(color, _scalar(v))}")
            else:
                _value_open(o, head, v, indent, color)


def _value_block(o: _Out, v: Any, indent: int, color: str) -> None:
    if _is_leaf(v):
        o.line(" " * indent + o.c(color, _scalar(v)))
    else:
        o.line()
        _json_lines(o, v, indent, color)
        o.line()


def _value_open(o: _Out, head: str, v: Any, indent: int, color: str) -> None:
    if isinstance(v, list):
        o.line(f"{head} [")
        _json_lines(o, v, indent + 4, color)
        o.line(" " * (indent + 2) + "]")
    else:
        o.line(head)
        o.line()
        _json_lines(o, v, indent + 4, color)
        o.line()


def _api_version(ch: dict[str, Any]) -> str | None:
    for side in ("after", "before"):
        doc = ch.get(side)
        if isinstance(doc, dict) and doc.get("apiVersion"):
            return str(doc["apiVersion"])
    return None


def _changes_block(o: _Out, changes: list[dict[str, Any]], heading: str) -> None:
    by_scope: dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]] = {}
    for ch in changes:
        scope, rel = split_scope(str(ch.get("resourceId") or ""))
        key = scope.lower()
        by_scope.setdefault(key, (scope, []))[1].append((rel, ch))
    o.line(heading.replace("{s}", "scope" if len(by_scope) == 1 else "scopes"))
    for key in sorted(by_scope):
        scope, items = by_scope[key]
        if o.lines and o.lines[-1] != "":
            o.line()
        o.line(f"Scope: {scope}")
        items.sort(key=lambda t: (CHANGE_STYLE.get(_val(t[1].get("changeType")), ("", "", 9))[2], t[0].lower()))
        o.line()
        for i, (rel, ch) in enumerate(items):
            kind = _val(ch.get("changeType"))
            sym, color, _ = CHANGE_STYLE.get(kind, ("?", "reset", 9))
            api = _api_version(ch)
            o.line(f"  {o.c(color, sym + ' ' + rel)}" + (f" [{api}]" if api else ""))
            body = ch.get("after") if kind == "Create" else ch.get("before") if kind == "Delete" else None
            if isinstance(body, dict) and body:
                o.line()
                _json_lines(o, body, 6, color)
                o.line()
            elif ch.get("delta"):
                _prop_changes(o, ch["delta"], 4)
                if i < len(items) - 1:
                    o.line()
        if o.lines and o.lines[-1] != "":
            o.line()


def _summary(label: str, changes: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for ch in changes:
        kind = _val(ch.get("changeType"))
        counts[kind] = counts.get(kind, 0) + 1
    parts = [f"{n} {SUMMARY_WORDS.get(k, k)}" for k, n in
             sorted(counts.items(), key=lambda kv: CHANGE_STYLE.get(kv[0], ("", "", 9))[2])]
    return f"{label}: {', '.join(parts) if parts else 'no change'}."


def format_what_if(result: dict[str, Any], color: bool = False) -> str:
    """The whole what-if report as text (REST JSON in, text out, deterministic)."""
    props = result.get("properties") or {}
    changes = list(props.get("changes") or [])
    potential = list(props.get("potentialChanges") or [])
    diagnostics = list(props.get("diagnostics") or [])
    o = _Out(color)
    o.line(NOISE_NOTE)
    o.line()
    kinds: set[str] = set()

    def collect(deltas: Iterable[dict[str, Any]]) -> None:
        for d in deltas:
            k = _val(d.get("propertyChangeType"))
            kinds.add("Modify" if k == "Array" else k)
            collect(d.get("children") or [])

    for ch in changes + potential:
        kinds.add(_val(ch.get("changeType")))
        collect(ch.get("delta") or [])
    known = sorted((k for k in kinds if k in CHANGE_STYLE), key=lambda k: CHANGE_STYLE[k][2])
    if known:
        o.line("Resource and property changes are indicated with " + ("these symbols:" if len(known) > 1 else "this symbol:"))
        for k in known:
            sym, col, _ = CHANGE_STYLE[k]
            o.line(f"  {o.c(col, sym)} {k.title()}")
        o.line()
    if changes:
        _changes_block(o, changes, "The deployment will update the following {s}:")
    o.line(_summary("Resource changes", changes))
    if potential:
        o.line()
        _changes_block(o, potential, "The following change MAY OR MAY NOT be deployed to the following {s}:")
        o.line(_summary("Potential changes", potential))
    unsupported = [ch for ch in changes if _val(ch.get("changeType")) == "Unsupported"]
    if unsupported or diagnostics:
        o.line()
        o.line(f"Diagnostics ({len(unsupported) + len(diagnostics)}): ")
        for ch in unsupported:
            rel = split_scope(str(ch.get("resourceId") or ""))[1]
            o.line(o.c("yellow", f"{rel} (Unsupported) {ch.get('unsupportedReason') or ''}".rstrip()))
        for d in diagnostics:
            col = {"error": "red", "warning": "yellow"}.get(_val(d.get("level")).lower(), "reset")
            o.line(o.c(col, f"{d.get('target') or ''} ({d.get('code') or ''}) {d.get('message') or ''}".strip()))
    return "\n".join(o.lines).rstrip("\n") + "\n"
