"""VM-Images-Should-Use-Latest-Version: disabled in arm-ttk (its whole body is commented out)."""

from __future__ import annotations

from armgen.lint.model import TEMPLATE, Context, Rule


def check(ctx: Context) -> None:
    """arm-ttk's script is entirely commented out; it never reports anything."""


RULE = Rule(
    name="VM-Images-Should-Use-Latest-Version",
    group=TEMPLATE,
    description="Disabled in arm-ttk: never fails.",
    check=check,
    requires=("TemplateObject",),
    marketplace_warning=True,
)
