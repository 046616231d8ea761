"""Usernames-Should-Not-Have-A-Default: user name boxes start empty."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule


def check(ctx: Context) -> None:
    for f in ps.find(ctx.cuid, "type", value_mode="eq", value="Microsoft.Compute.UserNameTextBox"):
        if ps.truthy(ps.get(f.obj, "defaultValue")):
            name = ps.to_str(ps.get(f.obj, "name"))
            ctx.error(
                None,
                f"Username textbox {name} should not have a default value",
                (*f.obj_path, "defaultValue"),
            )


RULE = Rule(
    name="Usernames-Should-Not-Have-A-Default",
    group=CREATE_UI,
    description="Microsoft.Compute.UserNameTextBox controls have no defaultValue.",
    check=check,
    requires=("CreateUIDefinitionObject",),
)
