"""VM-Size-Should-Be-A-Parameter: users choose VM sizes, templates do not hard-code them."""

from __future__ import annotations

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import dotted

_PARAMS_PATH = lazy.compile(r"^parameters|\.parameters\.", regex.I)
_PASSED = lazy.compile(r"resources\[\d+\]\.properties\.parameters", regex.I)
_PARAM_EXPR = lazy.compile(r"\s*\[.*?parameters\s*\(\s*'", regex.I)



def check(ctx: Context) -> None:
    unit = ctx.template
    if unit is None or unit.is_inner or not ps.truthy(unit.original):
        return
    original = unit.original
    for f in ps.find(original, "vmSize", value_mode="like", value="*"):
        size = f.value
        where = dotted(f.path)
        if _PARAMS_PATH.search(where):
            parent = f.parents[0] if f.parents else None
            if ps.eq(ps.dig(parent, "expressionEvaluationOptions", "scope"), "inner"):
                if not ex.parameter().search(ps.to_str(ps.get(size, "value"))):
                    ctx.error(None, "Nested template parameter vmSize does not map to a parameter", f.path)
                    continue
            if not _PASSED.search(where):
                continue
        rtype = ps.to_str([ps.get(p, "type") for p in f.parents if ps.get(p, "type") is not None])
        rname = ps.to_str([ps.get(p, "name") for p in f.parents if ps.get(p, "name") is not None])
        text = ps.to_str(size)
        if ex.parameter().search(text):
            continue
        if ex.variable().search(text):
            resolved, _problem = ex.expand(size, original)
            if _PARAM_EXPR.search(ps.to_str(resolved)):
                continue
        ctx.error(None, f"VM Size for resourceType '{rtype}' named '{rname}' must be a parameter", f.path)


RULE = Rule(
    name="VM-Size-Should-Be-A-Parameter",
    group=TEMPLATE,
    description="Every vmSize (nested templates included) comes from parameters('...'), directly or "
    "through a variable.",
    check=check,
    requires=("TemplateObject",),
    inner_templates=False,
)
