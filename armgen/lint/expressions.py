"""ARM template expressions inside JSON strings, matched the way arm-ttk matches them.

arm-ttk finds functions, parameters and variables in template text with .NET regexes (its
"Irregular" patterns, built IgnoreCase + IgnorePatternWhitespace). Their balancing groups become
recursion here (the ``regex`` package), their variable-width look-behinds work unchanged, and
every pattern is compiled once (the cache below) because lint runs them over whole packages.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import regex

from armgen.lint import lazy, ps

X = regex.I | regex.X | regex.V0
# balanced parentheses (a .NET balancing group in arm-ttk)
_BAL = r"(?<_bal>\((?:[^()]++|(?&_bal))*\))"

TEMPLATE_EXPRESSION = lazy.compile(
    r"""\s*\[(?<Function>\S+)(?<Parameters>"""
    + _BAL
    + r""")
    (?<Index>\[\d+\])?
    (?<Property>\.(?<PropertyName>[^.\[\]\s]+)(?<PropertyIndex>\[\d+\])?)*
    \]\s*""",
    X | regex.M,
)

_PARAMETER_TOKEN = lazy.compile(
    r"""(
        (?<Quote>')(?<StringLiteral>(?:[^']|(?<=')'){1,})(?P=Quote)
        | (?<Boolean>true|false)
        | (?<Number>\d[\d.]+)
        | (?<Function>\S+)(?<Parameters>"""
    + _BAL
    + r""")
    )(?<Index>\[\d+\])*(?<Property>\.[^.\s]+)*\s*""",
    X | regex.M,
)

LIST_FUNCTION = lazy.compile(r"(?>\[|\(|,)\s*list\w*\s*\(", X)
API_VERSION = lazy.compile(r"(?<Year>\d{4})-(?<Month>\d{2})-(?<Day>\d{2})(?:-(?<Preview>\w+))?", X)


@functools.lru_cache(maxsize=512)
def function(names: str = r"\w+") -> regex.Pattern[str]:
    """``?<ARM_Template_Function>``: a call preceded by ``[``, ``(`` or ``,`` (names: an alternation)."""
    return lazy.regex_compile(
        r"(?<=(?>\[|\(|,)\s*)(?<FunctionName>(?>" + names + r"))\s*(?<Parameters>" + _BAL + ")", X
    )


@functools.lru_cache(maxsize=32)
def lowered(text: str) -> str:
    """``text.lower()``, made once per template text: several rules search the same template
    ignoring case (a string's hash is cached on it, so a repeated look-up costs no rescan)."""
    return text.lower()


def finditer_at_words(rx: regex.Pattern[str], text: str, words: tuple[str, ...]) -> list[regex.Match[str]]:
    """``list(rx.finditer(text))`` for a case-insensitive ``rx`` whose matches all start with one of
    ``words`` (lower case).

    A case-insensitive regex scans whole templates slowly; in ASCII text the places where a match can
    start are found with ``str.find`` on the lower-cased text, and ``rx`` is tried only there (the
    leftmost match at or after the previous match's end, as ``finditer`` goes).
    """
    if not text.isascii():
        return list(rx.finditer(text))
    low = lowered(text)
    starts = []
    for word in words:
        i = low.find(word)
        while i >= 0:
            starts.append(i)
            i = low.find(word, i + 1)
    out: list[regex.Match[str]] = []
    pos = 0
    for i in sorted(set(starts)):
        if i < pos:
            continue
        m = rx.match(text, i)
        if m is not None:
            out.append(m)
            pos = max(m.end(), i + 1)
    return out


def _raw_name(name: str, extra: tuple[str, ...] = ()) -> str:
    out = regex.sub(r"\s", r"\\s", name)
    for ch in extra:
        out = out.replace(ch, "\\" + ch)
    return out


@functools.lru_cache(maxsize=4096)
def parameter(name: str | None = None) -> regex.Pattern[str]:
    """``?<ARM_Parameter>``: ``parameters('name')``; like arm-ttk the name goes in unescaped."""
    body = ".+?" if name is None else _raw_name(name)
    pat = r"parameters\s*\(\s*'(?<ParameterName>" + body + r")'\s*\)"
    if name is None:  # the code's own pattern (kept compiled on disk), not one made from a template
        return lazy.regex_compile(pat, X)
    try:
        return regex.compile(pat, X)
    except regex.error:
        return regex.compile(
            r"parameters\s*\(\s*'(?<ParameterName>" + regex.escape(name or "") + r")'\s*\)", X
        )


@functools.lru_cache(maxsize=4096)
def variable(name: str | None = None) -> regex.Pattern[str]:
    """``?<ARM_Variable>``: ``variables('name')`` (arm-ttk escapes only whitespace, ``#`` and ``$``)."""
    body = ".+?" if name is None else _raw_name(name, ("#", "$"))
    pat = r"variables\s?\(\s*'(?<VariableName>" + body + r")'\s*\)"
    if name is None:
        return lazy.regex_compile(pat, X)
    try:
        return regex.compile(pat, X)
    except regex.error:
        return regex.compile(r"variables\s?\(\s*'(?<VariableName>" + regex.escape(name or "") + r")'\s*\)", X)


def is_expression(value: Any) -> bool:
    """``$value | ?<ARM_Template_Expression>`` found something."""
    return TEMPLATE_EXPRESSION.search(ps.to_str(value)) is not None


def expand(
    expression: Any,
    template: Any,
    *,
    exclude: tuple[str, ...] = (),
) -> tuple[Any, str | None]:
    """``Expand-AzTemplate -Expression``: resolve a top-level ``[variables('x')...]`` lookup.

    Returns (value, error). Like arm-ttk, a non-expression comes back unchanged, a function that is
    not a top-level template property comes back as the matched text, and a missing target gives
    an error (arm-ttk writes it as an error of the calling test).
    """
    text = ps.to_str(expression)
    m = TEMPLATE_EXPRESSION.search(text)
    if not m:
        return text, None
    fn = m.group("Function")
    container = ps.get(template, fn)
    if not ps.truthy(container):
        return m.group(0), None
    params_text = m.group("Parameters")[1:]
    first = _PARAMETER_TOKEN.search(params_text)
    if not first or first.group("StringLiteral") is None:
        return m.group(0), None
    if any(fn.lower() == e.lower() for e in exclude):
        return text, None
    name = first.group("StringLiteral")
    target = ps.get(container, name)
    if not ps.truthy(target):
        return None, f".{fn}.{name} not found"
    if m.group("Index"):
        idx = int(m.group("Index").strip("[]"))
        if not isinstance(target, list) or idx >= len(target) or not ps.truthy(target[idx]):
            return None, f"Index {idx} not found"
        target = target[idx]
    for cap in m.captures("Property"):
        parts = [p for p in regex.split(r"[.\[\]]", cap) if p]
        prop = parts[0]
        if not ps.truthy(ps.get(target, prop)):
            return None, f"Property {prop} not found"
        target = ps.get(target, prop)
        if len(parts) > 1 and parts[1].isdigit():
            i = int(parts[1])
            if not isinstance(target, list) or i >= len(target) or not ps.truthy(target[i]):
                return None, f"Index {i} not found"
            target = target[i]
    return target, None


_ANY_PARAMETER = lazy.compile(r"parameters\s*\(\s*'(?<Name>[^']*)'\s*\)", X)
_ANY_VARIABLE = lazy.compile(r"variables\s?\(\s*'(?<Name>[^']*)'\s*\)", X)
_SIMPLE_NAME = lazy.compile(r"[\w-]+")


@functools.lru_cache(maxsize=16)
def _reference_index(text: str, kind: str) -> dict[str, list[tuple[int, int]]]:
    rx = _ANY_PARAMETER if kind == "parameters" else _ANY_VARIABLE
    out: dict[str, list[tuple[int, int]]] = {}
    for m in rx.finditer(text):
        out.setdefault(m.group("Name").lower(), []).append((m.start(), m.end()))
    return out


def references(text: str, kind: str, name: str) -> list[tuple[int, int]]:
    """(start, end) of every ``parameters('name')`` / ``variables('name')`` in ``text``.

    Equivalent to arm-ttk's per-name regex; names made of word characters and dashes are looked up
    in one index per text instead of scanning the text once per name.
    """
    if _SIMPLE_NAME.fullmatch(name):
        return _reference_index(text, kind).get(name.lower(), [])
    rx = parameter(name) if kind == "parameters" else variable(name)
    return [(m.start(), m.end()) for m in rx.finditer(text)]


_ANY_VARIABLE_REF = lazy.compile(r"variables\s?\(\s*'(?<VariableName>.+?)'\s*\)", X)


def expand_variables(text: str, variables: Any) -> str:
    """Expand-AzTemplate's ExpandedTemplateText: each ``variables('x')`` replaced by x's value.

    A string variable holding an expression is inlined without its brackets, another string is
    quoted, a non-string becomes ``json('...')`` (arm-ttk's rules, applied to template text).
    """
    if not isinstance(variables, dict) or "variables" not in lowered(text):
        return text

    def repl(m: regex.Match[str]) -> str:
        value = ps.get(variables, m.group("VariableName"))
        if not isinstance(value, str):
            compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            return "json('" + compact.replace('"', '\\"') + "')"
        if value.startswith("["):
            if value.endswith("]"):
                return value[1:-1].replace('"', '\\"')
            return value
        return "'" + value.replace("'", "\\'") + "'"

    return _ANY_VARIABLE_REF.sub(repl, text)
