"""Min-And-Max-Value-Are-Numbers: parameter bounds are integers and come in pairs."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import params, template


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check(ctx: Context) -> None:
    for name, p in params(template(ctx)):
        where = ("parameters", name)
        lo = hi = None
        if ps.has(p, "maxValue"):
            if not _is_int(ps.get(p, "maxValue")):
                ctx.error("Parameter.Max.Not.Int", f"{name} maxValue is not an integer", (*where, "maxValue"))
                continue
            hi = ps.get(p, "maxValue")
        if ps.has(p, "minValue"):
            if not _is_int(ps.get(p, "minValue")):
                ctx.error("Parameter.Min.Not.Int", f"{name} minValue is not an integer", (*where, "minValue"))
                continue
            lo = ps.get(p, "minValue")
        if hi is None and lo is not None:
            ctx.error("Parameter.Missing.Max", f"{name} missing max value", where)
        if hi is not None and lo is None:
            ctx.error("Parameter.Missing.Min", f"{name} missing min value", where)


RULE = Rule(
    name="Min-And-Max-Value-Are-Numbers",
    group=TEMPLATE,
    description="A parameter's minValue and maxValue are integers, and one comes with the other.",
    check=check,
    requires=("TemplateObject",),
    error_ids=(
        "Parameter.Max.Not.Int",
        "Parameter.Min.Not.Int",
        "Parameter.Missing.Max",
        "Parameter.Missing.Min",
    ),
)
