"""URIs-Should-Be-Properly-Constructed: URIs are built with uri(), not concat()/format()."""

from __future__ import annotations

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import template

_URI_KEY = lazy.compile(r"ur[il]$", regex.I)


def check(ctx: Context) -> None:
    seen: set[tuple[int, str]] = set()
    for f in ps.find(template(ctx), "ur[il]$", key_mode="match"):
        for name, value in f.obj.items():
            if not _URI_KEY.search(name) or (id(f.obj), name) in seen:
                continue
            seen.add((id(f.obj), name))
            s = ps.to_str(value)
            bad = ex.function("format|concat").search(s)
            good = ex.function("uri").search(s)
            if bad and (not good or bad.start() < good.start()):
                ctx.error(
                    "URI.Improperly.Constructed",
                    f"Function '{bad.group('FunctionName')}' found within '{name}'",
                    (*f.obj_path, name),
                )


RULE = Rule(
    name="URIs-Should-Be-Properly-Constructed",
    group=TEMPLATE,
    description="Properties named *uri/*url do not use concat() or format() before (or without) uri().",
    check=check,
    requires=("TemplateObject",),
    error_ids=("URI.Improperly.Constructed",),
    marketplace_warning=True,
)
