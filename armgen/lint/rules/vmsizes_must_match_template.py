"""VMSizes-Must-Match-Template: size selectors feed a parameter whose default they allow."""

from __future__ import annotations

from typing import Any

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule


def _find_output(outputs: Any, pattern: str, name: str | None = None) -> str | None:
    if not isinstance(outputs, dict):
        return None
    for k, v in outputs.items():
        current = name or k
        if isinstance(v, str) and ps.like(v, pattern):
            return current
        if isinstance(v, dict):
            found = _find_output(v, pattern, current)
            if found:
                return found
    return None


def check(ctx: Context) -> None:
    outputs = ps.dig(ctx.cuid, "parameters", "outputs")
    for f in ps.find(ctx.cuid, "type", value_mode="eq", value="Microsoft.Compute.SizeSelector"):
        control = ps.to_str(ps.get(f.obj, "name"))
        path = f.obj_path
        step_at = next(
            (
                i
                for i, p in enumerate(path[:-1])
                if isinstance(p, str) and p.lower() == "steps" and isinstance(path[i + 1], int)
            ),
            None,
        )
        if step_at is not None:
            step: Any = ctx.cuid
            for p in path[: step_at + 2]:
                step = step[p]
            pattern = f"*steps(*{ps.to_str(ps.get(step, 'name'))}*)*.{control}*"
        else:
            pattern = f"*basics(*{control}*"
        out_name = _find_output(outputs, pattern)
        if out_name is None:
            ctx.error(None, f"Could not find VM SizeSelector '{control}' in outputs", path)
            continue
        param = ps.get(ctx.main_parameters, out_name)
        if param is None:
            ctx.error(None, f"Output '{out_name}' is missing from main template parameters", path)
            continue
        default = ps.get(param, "defaultValue")
        allowed = ps.dig(f.obj, "constraints", "allowedSizes")
        if ps.truthy(default) and ps.truthy(allowed) and not ps.contains(allowed, default):
            ctx.error(
                None,
                f"VM Size selector '{control}' does not allow for the default value {ps.to_str(default)} used in "
                "the main template",
                (*path, "constraints", "allowedSizes"),
            )


RULE = Rule(
    name="VMSizes-Must-Match-Template",
    group=CREATE_UI,
    description="Each SizeSelector is wired to a main template parameter, and its allowedSizes include "
    "that parameter's default.",
    check=check,
    requires=("CreateUIDefinitionObject", "MainTemplateParameters"),
)
