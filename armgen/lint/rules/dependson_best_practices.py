"""DependsOn-Best-Practices: dependsOn entries are plain resource ids, not conditions."""

from __future__ import annotations

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import resources_items, template

_EXPR = lazy.compile(r"^\s*\[")
_IF = lazy.compile(r"^\s*\[\s*if\s*\(", regex.I)
_CONCAT = lazy.compile(r"^\s*\[\s*concat\s*\(", regex.I)


def check(ctx: Context) -> None:
    # one verdict per dependsOn (per resource), as arm-ttk tests the whole array at once: an
    # array -match/-like is true when any entry matches, and one copyIndex() anywhere exempts it
    for base, res in resources_items(template(ctx)):
        for f in ps.find(res, "dependsOn", value_mode="like", value="*", base=base):
            entries = [ps.to_str(e) for e in ps.as_list(f.value)]
            if not any(_EXPR.match(e) for e in entries):
                continue
            if any(_IF.match(e) for e in entries):
                ctx.error("Resource.DependsOn.Conditional", "Resource Dependencies must not use if()", f.path)
            if any(_CONCAT.match(e) for e in entries) and not any(
                ex.function("copyIndex").search(e) for e in entries
            ):
                ctx.error(
                    "Resource.DependsOn.StartsWithConcat", "Depends On Must not start with [concat(", f.path
                )


RULE = Rule(
    name="DependsOn-Best-Practices",
    group=TEMPLATE,
    description="dependsOn entries do not start with [if( nor with [concat( (unless using copyIndex()).",
    check=check,
    requires=("TemplateObject",),
    error_ids=("Resource.DependsOn.Conditional", "Resource.DependsOn.StartsWithConcat"),
    marketplace_warning=True,
)
