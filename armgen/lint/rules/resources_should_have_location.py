"""Resources-Should-Have-Location: a resource's location is an expression or 'global'."""

from __future__ import annotations

import regex

from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import resources_items, template

_EXPR = lazy.compile(r"^\[.*\]$", regex.I)


def check(ctx: Context) -> None:
    for base, res in resources_items(template(ctx)):
        for path, r in [(base, res)]:
            location = ps.get(r, "location")
            if not ps.truthy(location):
                continue
            loc = ps.to_str(location).strip()
            if not _EXPR.search(loc) and not ps.eq(loc, "global"):
                ctx.error(
                    None,
                    f"Resource {ps.to_str(ps.get(r, 'name'))} Location must be an expression or 'global'",
                    (*path, "location"),
                )


RULE = Rule(
    name="Resources-Should-Have-Location",
    group=TEMPLATE,
    description="A resource with a location uses an expression or 'global'.",
    check=check,
    requires=("TemplateObject",),
)
