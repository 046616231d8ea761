"""Credential-Confirmation-Should-Not-Be-Hidden: password boxes keep their confirmation field."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule

TYPES = ("Microsoft.Common.PasswordBox", "Microsoft.Compute.CredentialsCombo")


def check(ctx: Context) -> None:
    for t in TYPES:
        for f in ps.find(ctx.cuid, "type", value_mode="eq", value=t):
            if ps.eq(ps.dig(f.obj, "options", "hideConfirmation"), True):
                ctx.error(
                    "Confirmation.Should.Not.Be.Hidden",
                    '"hideConfirmation" must not be true for credentials',
                    (*f.obj_path, "options", "hideConfirmation"),
                )


RULE = Rule(
    name="Credential-Confirmation-Should-Not-Be-Hidden",
    group=CREATE_UI,
    description="PasswordBox and CredentialsCombo controls do not set options.hideConfirmation.",
    check=check,
    requires=("CreateUIDefinitionObject",),
    error_ids=("Confirmation.Should.Not.Be.Hidden",),
)
