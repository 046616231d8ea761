"""ManagedIdentityExtension-must-not-be-used: the retired VM identity extension is not deployed."""

from __future__ import annotations

from armgen.lint import expressions as ex
from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import template, text

WORD = "managedidentityextension"


def could_mention(body: str) -> bool:
    """False when the template text proves no key or string of it spells the word: every one of
    them stands in the text as written unless a ``\\u`` escape spells a letter, and lower-casing
    a stretch of text is the same stretch of the lower-cased text. Most templates are settled here,
    without writing their resources out as JSON."""
    return "\\u" in body or "\\U" in body or WORD in ex.lowered(body)


def check(ctx: Context) -> None:
    resources = ps.get(template(ctx), "resources")
    if resources is None or not could_mention(text(ctx)):
        return
    if ps.mentions(resources, WORD):
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
