"""adminPassword-Should-Not-Be-A-Literal: passwords come from parameters, never the template."""

from __future__ import annotations

from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._literal import check_literal


def check(ctx: Context) -> None:
    for key in ("administratorLoginPassword", "adminPassword"):
        check_literal(
            ctx,
            key,
            "AdminPassword",
            ("AdminPassword.Is.Literal", "AdminPassword.Var.Is.Literal", "AdminPassword.Is.Variable.Literal"),
        )


RULE = Rule(
    name="adminPassword-Should-Not-Be-A-Literal",
    group=TEMPLATE,
    description="adminPassword/administratorLoginPassword values (in resources and variables) are expressions.",
    check=check,
    requires=("TemplateObject",),
    error_ids=(
        "AdminPassword.Is.Literal",
        "AdminPassword.Var.Is.Literal",
        "AdminPassword.Is.Variable.Literal",
    ),
)
