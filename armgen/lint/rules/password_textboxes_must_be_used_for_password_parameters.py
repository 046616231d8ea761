"""Password-Textboxes-Must-Be-Used-For-Password-Parameters: password boxes feed secure parameters."""

from __future__ import annotations

import json

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule


def check(ctx: Context) -> None:
    outputs = ps.dig(ctx.cuid, "parameters", "outputs")
    outputs = list(outputs.items()) if isinstance(outputs, dict) else []
    for f in ps.find(ctx.cuid, "type", value_mode="eq", value="Microsoft.Common.PasswordBox"):
        name = ps.to_str(ps.get(f.obj, "name"))
        found = None
        for out_name, value in outputs:
            text = json.dumps(value, separators=(",", ":")) if isinstance(value, dict) else value
            if ps.like(text, f"*steps(*{name}*") or ps.like(text, f"*basics(*{name}*"):
                found = out_name
                break
        if found is None:
            ctx.error(None, f"Could not find {name} in outputs", f.obj_path)
            continue
        param = ps.get(ctx.main_parameters, found)
        if param is None:
            ctx.error(
                None,
                f"Password box {name} linked to output {found} is missing from main template parameters",
                f.obj_path,
            )
            continue
        ptype = ps.get(param, "type")
        if not ps.eq(ptype, "SecureString") and not ps.eq(ptype, "SecureObject"):
            ctx.error(
                None,
                "PasswordBox controls must use secureString or secureObject parameter types. The main template "
                f"parameter '{found}' linked to '{name}' is a '{ps.to_str(ptype)}'",
                f.obj_path,
            )


RULE = Rule(
    name="Password-Textboxes-Must-Be-Used-For-Password-Parameters",
    group=CREATE_UI,
    description="Each PasswordBox is wired to an output whose main template parameter is secureString or "
    "secureObject.",
    check=check,
    requires=("CreateUIDefinitionObject", "MainTemplateParameters"),
)
