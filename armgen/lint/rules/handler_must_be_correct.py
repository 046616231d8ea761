"""Handler-Must-Be-Correct: createUiDefinition's handler is one Azure knows."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule

HANDLERS = ("Microsoft.Compute.MultiVm", "Microsoft.Azure.CreateUIDef")


def check(ctx: Context) -> None:
    handler = ps.get(ctx.cuid, "handler")
    if not ps.truthy(handler):
        ctx.error("CreateUIDefinition.Missing.Handler", "CreateUIDefinition is missing handler property")
    if not any(ps.eq(handler, h) for h in HANDLERS):
        ctx.error(
            "CreateUIDefinition.Incorrect.Handler",
            "The handler for CreateUIDefinition must be 'Microsoft.Compute.MultiVm' or 'Microsoft.Azure.CreateUIDef'",
            ("handler",),
        )


RULE = Rule(
    name="Handler-Must-Be-Correct",
    group=CREATE_UI,
    description="createUiDefinition's handler is Microsoft.Compute.MultiVm or Microsoft.Azure.CreateUIDef.",
    check=check,
    requires=("CreateUIDefinitionObject",),
    error_ids=("CreateUIDefinition.Missing.Handler", "CreateUIDefinition.Incorrect.Handler"),
)
