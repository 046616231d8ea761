"""Location-Should-Be-In-Outputs: createUiDefinition outputs location as [location()]."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule


def check(ctx: Context) -> None:
    outputs = ps.dig(ctx.cuid, "parameters", "outputs")
    if not ps.truthy(outputs):
        ctx.error("CreateUIDefinition.Missing.Outputs", "Outputs is missing from CreateUIDefinition")
        return
    location = ps.get(outputs, "location")
    if not ps.truthy(location):
        ctx.error(
            "CreateUIDefinition.Missing.Outputs.Location",
            "Location is missing from outputs",
            ("parameters", "outputs"),
        )
        return
    if ps.to_str(location).strip().lower() != "[location()]":
        ctx.error(
            "CreateUIDefinition.Incorrect.Outputs.Location",
            "CreateUIDefinition.outputs.location must be [location()]",
            ("parameters", "outputs", "location"),
        )


RULE = Rule(
    name="Location-Should-Be-In-Outputs",
    group=CREATE_UI,
    description="createUiDefinition has an output named location whose value is [location()].",
    check=check,
    requires=("CreateUIDefinitionObject",),
    error_ids=(
        "CreateUIDefinition.Missing.Outputs",
        "CreateUIDefinition.Missing.Outputs.Location",
        "CreateUIDefinition.Incorrect.Outputs.Location",
    ),
)
