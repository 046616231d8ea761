"""PasswordBoxes-Must-Have-Min-Length: password boxes constrain the length of what they accept."""

from __future__ import annotations

from armgen.lint import lazy, ps
from armgen.lint.model import CREATE_UI, Context, Rule
from armgen.lint.rules._dotnet import regex_error

MIN_LENGTH = 12
_EXPRESSION_START = lazy.compile(r"^\s*\[")
_EXPRESSION_END = lazy.compile(r"\]\s*$")
_MIN = lazy.compile(r"\{(?<Min>\d+)")


def check(ctx: Context) -> None:
    for f in ps.find(ctx.cuid, "type", value_mode="eq", value="Microsoft.Common.PasswordBox"):
        name = ps.to_str(ps.get(f.obj, "name"))
        constraints = ps.get(f.obj, "constraints")
        if not ps.truthy(constraints):
            ctx.error(None, f"PasswordBox '{name}' is missing constraints", f.obj_path)
            continue
        rx = ps.get(constraints, "regex")
        if not ps.truthy(rx):
            continue
        rx = ps.to_str(rx)
        if _EXPRESSION_START.match(rx) and _EXPRESSION_END.search(rx):
            continue
        where = (*f.obj_path, "constraints", "regex")
        problem = regex_error(rx)
        if problem:
            ctx.error(None, f"PasswordBox '{name}' regex is invalid: {problem}", where)
            continue
        mins = [int(m.group("Min")) for m in _MIN.finditer(rx)]
        if not mins:
            ctx.error(None, f"PasswordBox '{name}' regex does not have a length constraint.", where)
        elif sum(mins) < MIN_LENGTH:
            ctx.warn(f"PasswordBox '{name}' regex does not have a minimum length of {MIN_LENGTH}", where)


RULE = Rule(
    name="PasswordBoxes-Must-Have-Min-Length",
    group=CREATE_UI,
    description="Each PasswordBox has constraints; a constraint regex is valid and has a {n} length "
    "(a minimum under 12 only warns).",
    check=check,
    requires=("CreateUIDefinitionObject",),
)
