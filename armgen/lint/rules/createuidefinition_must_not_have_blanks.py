"""CreateUIDefinition-Must-Not-Have-Blanks: no empty values in createUiDefinition."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule
from armgen.lint.rules._common import blank_pattern, find_blanks, property_before

# arm-ttk's "(?<=:)\s*<blank>" per blank: matched here as ":(\s*<blank>)" (same spans, much faster)
_BLANKS = blank_pattern((r"\{\s*\}", r"\[\s*\]", r'"\s*"', r"\[\s*\{\s*\}\s*\]", r'\[\s*"\s*"\s*\]', r"null"))
_CAN_BE_EMPTY = ["basics", "defaultValue", "steps"]


def check(ctx: Context) -> None:
    text = ctx.cuid_text or ""
    for at, _blank in find_blanks(_BLANKS, text):
        name = property_before(text, at)
        if name is None or ps.contains(_CAN_BE_EMPTY, name):
            continue
        ctx.error(None, f"Empty property: {name} found", offset=at)


RULE = Rule(
    name="CreateUIDefinition-Must-Not-Have-Blanks",
    group=CREATE_UI,
    description='createUiDefinition has no empty values ({}, [], "", null), except basics, steps and '
    "defaultValue.",
    check=check,
    requires=("CreateUIDefinitionText",),
    marketplace_warning=True,
)
