"""adminUsername-Should-Not-Be-A-Literal: user names come from parameters, never the template."""

from __future__ import annotations

from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._literal import check_literal


def check(ctx: Context) -> None:
    for key in ("adminUsername", "administratorLogin"):
        check_literal(
            ctx,
            key,
            "AdminUsername",
            ("AdminUsername.Is.Literal", "AdminUsername.Var.Is.Literal", "AdminUserName.Is.Variable.Literal"),
        )


RULE = Rule(
    name="adminUsername-Should-Not-Be-A-Literal",
    group=TEMPLATE,
    description="adminUsername/administratorLogin values (in resources and variables) are expressions.",
    check=check,
    requires=("TemplateObject",),
    error_ids=(
        "AdminUsername.Is.Literal",
        "AdminUsername.Var.Is.Literal",
        "AdminUserName.Is.Variable.Literal",
    ),
)
