"""DeploymentTemplate-Must-Not-Contain-Hardcoded-Uri: cloud endpoints come from environment()."""

from __future__ import annotations

import functools

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import search_back, text

HOSTS = (
    "management.core.windows.net",
    "gallery.azure.com",
    "management.azure.com",
    "database.windows.net",
    "core.windows.net",
    "login.microsoftonline.com",
    "graph.windows.net",
    "vault.azure.net",
    "datalake.azure.net",
    "azuredatalakestore.net",
    "azuredatalakeanalytics.net",
    "api.loganalytics.io",
    "api.loganalytics.iov1",
    "asazure.windows.net",
    "region.asazure.windows.net",
    "batch.core.windows.net",
)


@functools.cache
def host_regex() -> regex.Pattern[str]:
    """arm-ttk's host alternation; compiled on first need (non-ASCII text only), not at import."""
    return lazy.regex_compile("|".join(h.replace(".", r"\.") for h in HOSTS), regex.I)


_EXEMPT_BEFORE = (r"https://schema\.", r"https://devopsgallerystorage\.blob\.")


def _host_matches(body: str) -> list[tuple[int, str]]:
    """Matches of arm-ttk's host alternation (case-insensitive, leftmost, first alternative wins).

    Found with ``str.find`` on the lower-cased text, which is far faster than a case-insensitive
    regex alternation over whole templates; falls back to the regex if lower-casing moves offsets.
    """
    low = ex.lowered(body)
    if len(low) != len(body):
        return [(m.start(), m.group()) for m in host_regex().finditer(body)]
    hits: list[tuple[int, int, str]] = []  # (start, alternative order, host)
    for order, host in enumerate(HOSTS):
        i = low.find(host)
        while i >= 0:
            hits.append((i, order, host))
            i = low.find(host, i + 1)
    hits.sort()
    out, end = [], 0
    for start, _order, host in hits:
        if start < end:
            continue
        out.append((start, body[start : start + len(host)]))
        end = start + len(host)
    return out


def check(ctx: Context) -> None:
    assert ctx.template is not None
    body = text(ctx)
    section = _parameters_span(ctx)
    for start, host in _host_matches(body):
        if section and section[0] <= start < section[1]:
            continue
        exempt = False
        for pat in _EXEMPT_BEFORE:
            b = search_back(pat, body, start, regex.I)
            if b and b.end() == start:
                exempt = True
        if not exempt:
            ctx.error("Hardcoded.Url.Reference", f"Found hardcoded reference to {host}", offset=start)


def _parameters_span(ctx: Context) -> tuple[int, int] | None:
    """Where the template's top-level parameters section is, in the unit's text."""
    unit = ctx.template
    assert unit is not None
    if not isinstance(unit.data, dict) or not any(k.lower() == "parameters" for k in unit.data):
        return None
    node = unit.doc.node((*unit.base, "parameters"))
    if node is None:
        return None
    start = (node.key_start if node.key_start >= 0 else node.start) - unit.text_offset
    return start, node.end - unit.text_offset


RULE = Rule(
    name="DeploymentTemplate-Must-Not-Contain-Hardcoded-Uri",
    group=TEMPLATE,
    description="The template text names no Azure cloud host (management.azure.com, core.windows.net, ...) "
    "outside the parameters section and $schema URLs.",
    check=check,
    requires=("TemplateText",),
    error_ids=("Hardcoded.Url.Reference",),
)
