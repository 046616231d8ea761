"""Parameter-Types-Should-Be-Consistent: values passed to inner templates keep their type."""

from __future__ import annotations

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule

_PASSED_THROUGH = lazy.compile(r"\[.*parameters(?<mappedParameterName>\(.*\))(\[.*?\]|\.|\,)(.*)\]", regex.I)


def check(ctx: Context) -> None:
    unit = ctx.template
    if unit is None or unit.is_inner or not ps.truthy(unit.original):
        return
    for inner in ps.find(unit.original, "template"):
        if not ps.eq(ps.dig(inner.obj, "expressionEvaluationOptions", "scope"), "inner"):
            continue
        deployment = inner.parents[0] if inner.parents else None
        passed = ps.dig(deployment, "properties", "parameters")
        if not isinstance(passed, dict):
            continue
        for pname, pvalue in passed.items():
            m = ex.parameter().search(ps.to_str(pvalue))
            if not m:
                continue
            mapped = m.group("ParameterName")
            inner_type = ps.dig(inner.value, "parameters", pname, "type")
            for parent in [deployment, *inner.parents[1:]]:
                outer_type = ps.dig(parent, "parameters", mapped, "type")
                if not ps.truthy(outer_type) or ps.eq(outer_type, inner_type):
                    continue
                value = pvalue
                if ps.get(value, "value") is not None:
                    value = ps.get(value, "value")
                if isinstance(value, str) and not _PASSED_THROUGH.search(value):
                    ctx.error(
                        "Inconsistent.Parameter",
                        f"Type Mismatch: Parameter '{pname}' in nested template "
                        f"'{ps.to_str(ps.get(deployment, 'name'))}' is defined as {ps.to_str(inner_type)}, but the "
                        f"parent template defines it as {ps.to_str(outer_type)}.",
                        (*inner.path, "parameters", pname),
                    )
                    break


RULE = Rule(
    name="Parameter-Types-Should-Be-Consistent",
    group=TEMPLATE,
    description="A parameter passed straight into an inner-scope nested template has the same type there "
    "as in its parent.",
    check=check,
    error_ids=("Inconsistent.Parameter",),
    inner_templates=False,
)
