"""Controls-In-Outputs-Must-Exist: basics()/steps() references in outputs name real controls."""

from __future__ import annotations

import regex

from armgen.lint import lazy, ps
from armgen.lint.model import CREATE_UI, Context, Rule

_REF = lazy.compile(
    r"""\s*\[\s*(?>basics\(\s*'(?<ControlName>[^']+)'
    | steps\(\s*'(?<StepName>[^']+)'\s*\)(\.(?<ElementName>\w+))?)""",
    regex.I | regex.X,
)


def _named(items: object, name: str) -> list[object]:
    return [x for x in ps.as_list(items) if ps.eq(ps.get(x, "name"), name)]


def check(ctx: Context) -> None:
    params = ps.get(ctx.cuid, "parameters")
    outputs = ps.get(params, "outputs")
    if not isinstance(outputs, dict):
        return
    # outputs name the same controls again and again: look each name up once
    memo: dict[tuple[str, ...], list[object]] = {}

    def named(kind: str, items: object, *names: str) -> list[object]:
        if (kind, *names) not in memo:
            memo[(kind, *names)] = _named(items, names[-1])
        return memo[(kind, *names)]

    for out_name, value in outputs.items():
        for m in _REF.finditer(ps.to_str(value)):
            path = ("parameters", "outputs", out_name)
            control = m.group("ControlName")
            if control and not named("basics", ps.get(params, "basics"), control):
                ctx.error(
                    "ControlName.Not.Found", f"Could not find control '{control}' in .parameters.basics", path
                )
            step = m.group("StepName")
            if step:
                found = named("steps", ps.get(params, "steps"), step)
                if not found:
                    ctx.error(
                        "StepName.Not.Found", f"Could not find step '{step}' in .parameters.steps", path
                    )
                elif m.group("ElementName"):
                    element = m.group("ElementName")
                    elements = [e for s in found for e in ps.as_list(ps.get(s, "elements"))]
                    if not named("elements", elements, step, element):
                        ctx.error(
                            "ElementName.Not.Found",
                            f"Could not find element '{element}' in .parameters.steps.{step}",
                            path,
                        )


RULE = Rule(
    name="Controls-In-Outputs-Must-Exist",
    group=CREATE_UI,
    description="Every basics('x') and steps('s').x used in createUiDefinition outputs names a control "
    "or step that exists.",
    check=check,
    requires=("CreateUIDefinitionObject",),
    error_ids=("ControlName.Not.Found", "StepName.Not.Found", "ElementName.Not.Found"),
)
