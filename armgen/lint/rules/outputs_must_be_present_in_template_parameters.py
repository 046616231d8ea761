"""Outputs-Must-Be-Present-In-Template-Parameters: every createUiDefinition output is a parameter."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule

MANAGED_APP_OUTPUTS = (
    "applicationresourcename",
    "jitaccesspolicy",
    "managedidentity",
    "managedresourcegroupid",
)


def check(ctx: Context) -> None:
    if ctx.template is not None and ctx.template.is_inner:
        return
    outputs = ps.dig(ctx.cuid, "parameters", "outputs")
    if not ps.truthy(outputs):
        ctx.error(
            "CreateUIDefinition.Missing.Outputs",
            "CreateUIDefinition is missing the .parameters.outputs property",
        )
    if not isinstance(outputs, dict):
        return
    template_params = ps.get(ctx.template.data if ctx.template else None, "parameters")
    for name in outputs:
        if name.lower() in MANAGED_APP_OUTPUTS:
            continue
        p = ps.get(template_params, name)
        if not ps.truthy(p) and not isinstance(p, dict):
            ctx.error(
                "CreateUIDefinition.Output.Missing.From.MainTemplate",
                f"output {name} does not exist in template.parameters",
                ("parameters", "outputs", name),
            )


RULE = Rule(
    name="Outputs-Must-Be-Present-In-Template-Parameters",
    group=CREATE_UI,
    description="Every createUiDefinition output (except managed-application ones) is a main template "
    "parameter.",
    check=check,
    requires=("CreateUIDefinitionObject", "TemplateObject"),
    error_ids=("CreateUIDefinition.Missing.Outputs", "CreateUIDefinition.Output.Missing.From.MainTemplate"),
)
