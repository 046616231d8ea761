"""CreateUIDefinition-Must-Not-Have-Blanks: no empty values in createUiDefinition."""

from __future__ import annotations

import regex

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule
from armgen.lint.rules._common import property_before

# arm-ttk's "(?<=:)\s*<blank>": matched here as ":(\s*<blank>)" (same spans, much faster)
_BLANKS = [
    regex.compile(r":(\s*" + p + ")")
    for p in (r"\{\s*\}", r"\[\s*\]", r'"\s*"', r"\[\s*\{\s*\}\s*\]", r'\[\s*"\s*"\s*\]', r"null")
]
_CAN_BE_EMPTY = ["basics", "defaultValue", "steps"]


def check(ctx: Context) -> None:
    text = ctx.cuid_text or ""
    for rx in _BLANKS:
        for m in rx.finditer(text):
            name = property_before(text, m.start(1))
            if name is None or ps.contains(_CAN_BE_EMPTY, name):
                continue
            ctx.error(None, f"Empty property: {name} found", offset=m.start(1))


RULE = Rule(
    name="CreateUIDefinition-Must-Not-Have-Blanks",
    group=CREATE_UI,
    description='createUiDefinition has no empty values ({}, [], "", null), except basics, steps and '
    "defaultValue.",
    check=check,
    requires=("CreateUIDefinitionText",),
    marketplace_warning=True,
)
