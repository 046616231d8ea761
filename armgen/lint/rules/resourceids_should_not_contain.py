"""ResourceIds-should-not-contain: resourceId() is not fed functions it does not need."""

from __future__ import annotations

import re

from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import char_before, is_bicep, property_before, text

# (pattern, a literal every match contains: lets most templates skip the scan); case-sensitive
# like arm-ttk's bare [Regex]::Matches. arm-ttk's leading \s* before list*( only widens the match
# to the left, which changes neither what is found nor the character found before it.
PATTERNS = [
    (re.compile(p), lit)
    for p, lit in (
        (r"resourceId\s*\(\s*resourceGroup\(", "resourceGroup("),
        (r"resourceId\s*\(\s*subscription\(", "subscription("),
        (r"resourceId\s*\(\s*(concat|format)\s*\(", "resourceId"),
        (r"tenantResourceId\s*\(\s*(concat|format)\s*\(", "tenantResourceId"),
        (r"extensionResourceId\s*\(\s*(concat|format)\s*\(", "extensionResourceId"),
        (r"subscriptionResourceId\s*\(\s*subscription\(", "subscription("),
        (r"subscriptionResourceId\s*\(\s*(concat|format)\s*\(", "subscriptionResourceId"),
        (r"reference\s*\(\s*(concat|format)\s*\(", "reference"),
        (r"list\w+\s*\(\s*(concat|format)\s*\(", "list"),
    )
]


def check(ctx: Context) -> None:
    if is_bicep(ctx):
        return
    body = text(ctx)
    found = []
    for rx, literal in PATTERNS:
        if literal not in body:
            continue
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
