"""Dynamic-Variable-References-Should-Not-Use-Concat: index variables instead of building names."""

from __future__ import annotations

import regex

from armgen.lint import lazy
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import text

_SEGMENTS = (
    "variables", r"\(", "concat", r"\(", "'(?<VariableName>[^']+)'", r"\)", ",",
    "parameters", r"\(", "'(?<ParameterName>[^']+)'", r"\)", r"\)",
)  # fmt: skip
_DYNAMIC = lazy.compile(r"\s?".join(_SEGMENTS), regex.I)


def check(ctx: Context) -> None:
    for m in _DYNAMIC.finditer(text(ctx)):
        ctx.error(
            "DynamicVariable.Reference.Using.Concat",
            "Dynamic Variable References should not use concat. Suggested: "
            f"variables('{m.group('VariableName')}')[parameters('{m.group('ParameterName')}')]",
            offset=m.start(),
        )


RULE = Rule(
    name="Dynamic-Variable-References-Should-Not-Use-Concat",
    group=TEMPLATE,
    description="variables(concat('x'), parameters('y')) is written variables('x')[parameters('y')].",
    check=check,
    requires=("TemplateText",),
    error_ids=("DynamicVariable.Reference.Using.Concat",),
    marketplace_warning=True,
)
