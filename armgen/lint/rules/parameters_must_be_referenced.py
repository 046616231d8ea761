"""Parameters-Must-Be-Referenced: every parameter is used, inside an expression."""

from __future__ import annotations

from armgen.lint import expressions as ex
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import char_before, params, template, text


def check(ctx: Context) -> None:
    body = text(ctx)
    for name, _p in params(template(ctx)):
        if name.startswith("__"):
            continue
        # anywhere in the template's text, outer-scope nested templates included (inner-scope ones
        # are already cut out of the text and tested on their own)
        refs = ex.references(body, "parameters", name)
        if not refs:
            ctx.error(
                "Parameters.Must.Be.Referenced", f"Unreferenced parameter: {name}", ("parameters", name)
            )
            continue
        for start, _end in refs:
            if char_before(body, start + 1, r"\[\"@") == '"':
                ctx.error(
                    "Parameters.Must.Be.Referenced.In.Expression",
                    f"Parameter reference is not contained within an expression: {name}",
                    offset=start,
                )


RULE = Rule(
    name="Parameters-Must-Be-Referenced",
    group=TEMPLATE,
    description="Every parameter (not starting with __) is referenced with parameters('name') inside an "
    "expression.",
    check=check,
    requires=("TemplateObject", "TemplateText"),
    error_ids=("Parameters.Must.Be.Referenced", "Parameters.Must.Be.Referenced.In.Expression"),
    marketplace_warning=True,
)
