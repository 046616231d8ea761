"""Small helpers shared by rule modules (text searches arm-ttk does right-to-left)."""

from __future__ import annotations

import functools
import re
from typing import Any

import regex

from armgen.lint import lazy, ps
from armgen.lint.model import Context

_BACK = lazy.compile(r'"(?<PropertyName>[^"]{1,})"\s{0,}:', regex.REVERSE)


@functools.lru_cache(maxsize=64)
def back_pattern(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    return lazy.regex_compile(pattern, flags | regex.REVERSE)


def search_back(pattern: str, text: str, end: int, flags: int = 0) -> regex.Match[str] | None:
    """.NET ``Regex(pattern, RightToLeft).Match(text, end)``: the match nearest before ``end``."""
    return back_pattern(pattern, flags).search(text, 0, max(0, min(end, len(text))))


def char_before(text: str, end: int, chars: str = r"\[\"") -> str:
    """The nearest unescaped character of ``chars`` (a regex class body) before ``end`` ('' if none).

    The right-to-left search for ``(?<!\\)[chars]``, done with ``str.rfind``: the most common
    character (``"``) first, then the others only between its occurrence and ``end``.
    """
    pos = max(0, min(end, len(text)))
    wanted = _class_chars(chars)
    while True:
        at = -1
        for c in wanted:
            i = text.rfind(c, at + 1, pos)
            if i > at:
                at = i
        if at < 0:
            return ""
        if at == 0 or text[at - 1] != "\\":
            return text[at]
        pos = at  # escaped: look further left


@functools.lru_cache(maxsize=16)
def _class_chars(chars: str) -> tuple[str, ...]:
    """The characters a simple regex class body like ``\\[\\"@`` stands for, ``"`` first."""
    return tuple(sorted(re.sub(r"\\(.)", r"\1", chars), key=lambda c: c != '"'))


def property_before(text: str, end: int) -> str | None:
    """The name of the nearest ``"name":`` before ``end`` (arm-ttk's "nearby context")."""
    m = _BACK.search(text, 0, max(0, end))
    return m.group("PropertyName") if m else None


# the ``regex`` package's (and .NET's) ``\s`` for the stdlib ``re``, whose ``\s`` also takes
# \x1c-\x1f; ``re`` scans whole texts several times faster than ``regex``. Written as "whitespace but
# not \x1c-\x1f" rather than as the list of characters: ``re`` compiles a class of non-ASCII ranges
# slowly, and the blank patterns hold a dozen of them (1.9 ms of every lint run, now 0.2 ms)
WS = r"[^\S\x1c-\x1f]"


def blank_pattern(blanks: tuple[str, ...]) -> re.Pattern[str]:
    r"""arm-ttk's ``(?<=:)\s*<blank>`` searches, one per blank, as one regex: ``:(?:(\s*b1)|(\s*b2)...)``.

    Each blank starts with its own character after the spaces, so at most one alternative matches
    at a colon and no match can hide another: one pass finds what the separate passes found.
    """
    return re.compile(":(?:" + "|".join("(" + rf"\s*{b}".replace(r"\s", WS) + ")" for b in blanks) + ")")


def find_blanks(rx: re.Pattern[str], text: str) -> list[tuple[int, str]]:
    """(offset, matched blank) of each match of a :func:`blank_pattern`, listed blank by blank
    (in the order the blanks were given), as the separate searches would list them."""
    found = []
    for m in rx.finditer(text):
        kind = m.lastindex or 0  # the one alternative (capture group) that matched
        found.append((kind, m.start(kind), m.group(kind)))
    found.sort(key=lambda f: f[0])  # stable: offsets stay in text order within each blank
    return [(start, blank) for _kind, start, blank in found]


def template(ctx: Context) -> Any:
    return ctx.template.data if ctx.template is not None else None


def text(ctx: Context) -> str:
    return ctx.template.text if ctx.template is not None else ""


def params(tpl: Any) -> list[tuple[str, Any]]:
    p = ps.get(tpl, "parameters")
    return list(p.items()) if isinstance(p, dict) else []


def is_bicep(ctx: Context) -> bool:
    meta = ps.get(template(ctx), "metadata")
    return ps.eq(ps.dig(meta, "_generator", "name"), "bicep")


def resources_items(tpl: Any) -> list[tuple[Any, Any]]:
    """``$TemplateObject.resources`` as (key, resource) pairs (arrays and symbolic-name objects)."""
    res = ps.get(tpl, "resources")
    key = (
        next((k for k in tpl if k.lower() == "resources"), "resources")
        if isinstance(tpl, dict)
        else "resources"
    )
    if isinstance(res, list):
        return [((key, i), r) for i, r in enumerate(res)]
    if isinstance(res, dict):
        return [((key,), res)]
    return []


def dotted(path: tuple[str | int, ...]) -> str:
    """A path in arm-ttk's dotted form (``resources[0].properties.x``), which some rules compare
    against or report, as PowerShell's Find-JsonContent writes it."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out
