"""Parameters-Without-Default-Must-Exist-In-CreateUIDefinition: required parameters get a value."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule
from armgen.lint.rules._common import params


def check(ctx: Context) -> None:
    if ctx.template is None or ctx.template.is_inner:
        return
    outputs = ps.dig(ctx.cuid, "parameters", "outputs")
    for name, info in params(ctx.template.data):
        # `-not $outputs.$name`: an output that is "", 0 or false does not count either
        if ps.get(info, "defaultValue") is None and not ps.truthy(ps.get(outputs, name)):
            ctx.error(
                "Parameter.Without.Default.Missing.From.CreateUIDefinition",
                f"{name} does not have a default value, and is not defined in CreateUIDefinition.outputs",
                ("parameters", "outputs"),
            )


RULE = Rule(
    name="Parameters-Without-Default-Must-Exist-In-CreateUIDefinition",
    group=CREATE_UI,
    description="Every main template parameter without a defaultValue is set by a createUiDefinition output.",
    check=check,
    requires=("TemplateObject", "CreateUIDefinitionObject"),
    error_ids=("Parameter.Without.Default.Missing.From.CreateUIDefinition",),
)
