"""Textboxes-Are-Well-Formed: text boxes validate their input with a regex and a message."""

from __future__ import annotations

from armgen.lint import lazy, ps
from armgen.lint.model import CREATE_UI, Context, Rule
from armgen.lint.rules._dotnet import regex_error

_LENGTH = lazy.compile(r"\{(?<Min>\d+)(?:,(?<Max>\d+)|,)?\}")


def check(ctx: Context) -> None:
    for f in ps.find(ctx.cuid, "type", value_mode="eq", value="Microsoft.Common.TextBox"):
        name = ps.to_str(ps.get(f.obj, "name"))
        constraints = ps.get(f.obj, "constraints")
        if not ps.truthy(constraints):
            ctx.error(
                "Textboxes.Are.Well.Formed.Missing.Constraints",
                f"Textbox {name} is missing constraints",
                f.obj_path,
            )
            continue
        pattern = ""
        validations = ps.get(constraints, "validations")
        if ps.truthy(validations):
            pattern = next(
                (ps.get(v, "regex") for v in ps.as_list(validations) if ps.truthy(ps.get(v, "regex"))), ""
            )
        elif ps.truthy(ps.get(constraints, "regex")):
            pattern = ps.get(constraints, "regex")
            if not ps.truthy(ps.get(constraints, "validationMessage")):
                ctx.error(
                    "Textboxes.Are.Well.Formed.Missing.Constraints.ValidationMessage",
                    f"Textbox {name} is missing constraints.validationMessage",
                    (*f.obj_path, "constraints"),
                )
        if not ps.truthy(pattern):
            ctx.error(
                "Textboxes.Are.Well.Formed.Missing.Constraints.Regex",
                f"Textbox {name} is missing constraints.regex or regex property in constraints.validations",
                (*f.obj_path, "constraints"),
            )
            continue
        pattern = ps.to_str(pattern)
        problem = regex_error(pattern)
        if problem:
            ctx.error(
                "Textboxes.Are.Well.Formed.Invalid.Constraints.Regex.Expressison",
                f"Textbox {name} regex is invalid: {problem}",
                (*f.obj_path, "constraints"),
            )
        elif not _LENGTH.search(pattern):
            ctx.warn(
                f"TextBox '{name}' regex does not have a length constraint.", (*f.obj_path, "constraints")
            )


RULE = Rule(
    name="Textboxes-Are-Well-Formed",
    group=CREATE_UI,
    description="Each TextBox has constraints with a valid regex (and a validationMessage for "
    "constraints.regex); a regex without a length quantifier warns.",
    check=check,
    requires=("CreateUIDefinitionObject",),
    error_ids=(
        "Textboxes.Are.Well.Formed.Missing.Constraints",
        "Textboxes.Are.Well.Formed.Missing.Constraints.ValidationMessage",
        "Textboxes.Are.Well.Formed.Missing.Constraints.Regex",
        "Textboxes.Are.Well.Formed.Invalid.Constraints.Regex.Expressison",
    ),
)
