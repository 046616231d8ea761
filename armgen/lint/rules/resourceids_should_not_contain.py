"""ResourceIds-should-not-contain: resourceId() is not fed functions it does not need."""

from __future__ import annotations

import regex

from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import char_before, is_bicep, property_before, text

PATTERNS = [
    regex.compile(p)
    for p in (
        r"resourceId\s*\(\s*resourceGroup\(",
        r"resourceId\s*\(\s*subscription\(",
        r"resourceId\s*\(\s*(concat|format)\s*\(",
        r"tenantResourceId\s*\(\s*(concat|format)\s*\(",
        r"extensionResourceId\s*\(\s*(concat|format)\s*\(",
        r"subscriptionResourceId\s*\(\s*subscription\(",
        r"subscriptionResourceId\s*\(\s*(concat|format)\s*\(",
        r"reference\s*\(\s*(concat|format)\s*\(",
        r"\s*list\w+\s*\(\s*(concat|format)\s*\(",
    )
]


def check(ctx: Context) -> None:
    if is_bicep(ctx):
        return
    body = text(ctx)
    found = []
    for rx in PATTERNS:
        for m in rx.finditer(body):
            if char_before(body, m.start()) != "[":
                continue
            prop = property_before(body, m.start())
            if prop is not None:
                found.append((m.start(), m.group(), prop))
    for start, what, prop in sorted(found, key=lambda x: x[0]):
        ctx.error(
            "ResourceId.Should.Not.Contain.Function",
            f'Using "{what}" is not allowed (property: {prop})',
            offset=start,
        )


RULE = Rule(
    name="ResourceIds-should-not-contain",
    group=TEMPLATE,
    description="resourceId()-style functions are not given resourceGroup(), subscription(), concat() or "
    "format() arguments (nor reference()/list*() concat/format).",
    check=check,
    requires=("TemplateText", "TemplateMetadata"),
    error_ids=("ResourceId.Should.Not.Contain.Function",),
    marketplace_warning=True,
)
