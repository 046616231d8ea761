"""ManagedIdentityExtension-must-not-be-used: the retired VM identity extension is not deployed."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import template


def check(ctx: Context) -> None:
    resources = ps.get(template(ctx), "resources")
    if resources is not None and ps.mentions(resources, "managedidentityextension"):
        ctx.error(
            "ManagedIdentityExtension.Was.Used", "Managed Identity Extension must not be used", ("resources",)
        )


RULE = Rule(
    name="ManagedIdentityExtension-must-not-be-used",
    group=TEMPLATE,
    description="No resource mentions ManagedIdentityExtension.",
    check=check,
    requires=("TemplateObject",),
    error_ids=("ManagedIdentityExtension.Was.Used",),
    marketplace_warning=True,
)
