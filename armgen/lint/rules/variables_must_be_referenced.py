"""Variables-Must-Be-Referenced: every variable is used, inside an expression."""

from __future__ import annotations

from armgen.lint import expressions as ex
from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import char_before, template, text


def _check_refs(ctx: Context, body: str, name: str) -> bool:
    # anywhere in the template's text, outer-scope nested templates included
    refs = ex.references(body, "variables", name)
    for start, _end in refs:
        if char_before(body, start) == '"':
            ctx.error(
                "Variables.Must.Be.Referenced.In.Expression",
                f"Variable reference is not contained within an expression: {name}",
                offset=start,
            )
    return bool(refs)


def check(ctx: Context) -> None:
    body = text(ctx)
    variables = ps.get(template(ctx), "variables")
    if not isinstance(variables, dict):
        return
    for name, value in variables.items():
        where = ("variables", name)
        copy = ps.get(value, "copy")
        if name.lower() != "copy" and copy is None:
            if not _check_refs(ctx, body, name):
                ctx.error("Variables.Must.Be.Referenced", f"Unreferenced variable: {name}", where)
            continue
        items = value if name.lower() == "copy" else copy
        for i, item in enumerate(ps.as_list(items)):
            item_name = ps.to_str(ps.get(item, "name"))
            if _check_refs(ctx, body, item_name):
                continue
            mains = ex.references(body, "variables", name)
            end = mains[0][1] if mains else -1
            ok = end >= 0 and body[end + 1 : end + 1 + len(item_name)].lower() == item_name.lower()
            if not ok:
                ctx.error("Variables.Must.Be.Referenced", f"Unreferenced variable: {item_name}", (*where, i))


RULE = Rule(
    name="Variables-Must-Be-Referenced",
    group=TEMPLATE,
    description="Every variable (and each copy variable) is referenced with variables('name') inside an "
    "expression.",
    check=check,
    requires=("TemplateObject", "TemplateText"),
    error_ids=("Variables.Must.Be.Referenced", "Variables.Must.Be.Referenced.In.Expression"),
    marketplace_warning=True,
)
