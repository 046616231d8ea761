"""The shared body of adminUsername-/adminPassword-Should-Not-Be-A-Literal."""

from __future__ import annotations

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import Context
from armgen.lint.rules._common import resources_items, template

_EXPR = lazy.compile(r"\[[^\]]+\]")


def check_literal(ctx: Context, key: str, label: str, ids: tuple[str, str, str]) -> None:
    """Flag ``key`` properties that are literals (in resources and in variables)."""
    tpl = template(ctx)
    is_literal, var_literal, var_ref_literal = ids
    last: str | None = None
    if ps.has(tpl, "resources"):
        for base, res in resources_items(tpl):
            for f in ps.find(res, key, value_mode="like", value="*", base=base):
                v = f.value
                if not isinstance(v, str):
                    if isinstance(ps.get(v, "value"), str):
                        v = ps.get(v, "value")
                    else:
                        continue
                last = v.strip()
                if not _EXPR.search(last):
                    ctx.error(is_literal, f'{label} "{last}" is not an expression', f.path)
    if ps.has(tpl, "variables"):
        variables = ps.get(tpl, "variables")
        for f in ps.find(variables, key, value_mode="like", value="*", base=("variables",)):
            if not isinstance(f.value, str):
                continue
            last = f.value.strip()
            if not _EXPR.search(last):
                ctx.error(var_literal, f'{label} "{last}" is variable which is not an expression', f.path)
        if last is not None:
            var = ex.variable().search(last)
            functions = [m.group("FunctionName") for m in ex.function().finditer(last)]
            if var and any(fn.lower() == "variables" for fn in functions):
                value = ps.get(variables, var.group("VariableName"))
                if not ex.is_expression(value):
                    ctx.error(
                        var_ref_literal,
                        f"{label} references variable '{var.group('VariableName')}', which has a literal value.",
                        ("variables", var.group("VariableName")),
                    )
