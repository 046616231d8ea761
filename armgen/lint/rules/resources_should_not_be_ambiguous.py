"""Resources-Should-Not-Be-Ambiguous: disabled in arm-ttk (its script starts with ``continue``)."""

from __future__ import annotations

from armgen.lint.model import TEMPLATE, Context, Rule


def check(ctx: Context) -> None:
    """arm-ttk turned this test off (issue #478); it never reports anything."""


RULE = Rule(
    name="Resources-Should-Not-Be-Ambiguous",
    group=TEMPLATE,
    description="Disabled in arm-ttk: never fails.",
    check=check,
    requires=("TemplateObject",),
)
