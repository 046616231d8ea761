"""Location-Should-Not-Be-Hardcoded: resources take their location from a parameter."""

from __future__ import annotations

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule, Unit
from armgen.lint.rules._common import dotted, template, text

_LOCATION = lazy.compile(r"(?>resourceGroup|deployment)\(\).location", regex.I)
_RESOURCE_LOCATION = lazy.compile(r"resources\[\d+\]\.location", regex.I)
MAIN_DEFAULTS = ("[resourcegroup().location]", "global", "[deployment().location]")


def _ranges(ctx: Context) -> list[tuple[int, int]]:
    unit = ctx.template
    assert unit is not None
    out = []
    tpl = unit.data
    if isinstance(tpl, dict) and any(k.lower() == "parameters" for k in tpl):
        node = unit.doc.node((*unit.base, "parameters"))
        if node is not None:
            out.append((node.start - unit.text_offset, node.end - unit.text_offset))
    deployments = list(ps.find(tpl, "type", value_mode="eq", value="Microsoft.Resources/deployments"))
    for f in deployments:
        node = unit.doc.node(unit.base + f.obj_path)
        if node is not None:
            out.append((node.start - unit.text_offset, node.end - unit.text_offset))
    return out


def _passes_location(unit: Unit) -> bool:
    """Whether the deployment holding inner template ``unit`` passes it a location parameter."""
    deployment = unit.original
    for part in unit.base[:-2]:
        deployment = deployment[part] if isinstance(deployment, (dict, list)) else None
    return ps.dig(deployment, "properties", "parameters", "location") is not None



def check(ctx: Context) -> None:
    unit = ctx.template
    assert unit is not None
    tpl, body = template(ctx), text(ctx)
    location = ps.dig(tpl, "parameters", "location")
    where = ("parameters", "location")
    if location is not None and not ps.eq(ps.get(location, "type"), "string"):
        ctx.error(
            "Location.Parameter.TypeMisMatch",
            f"The location parameter must be a 'string' type in the parameter declaration, not "
            f'"{ps.to_str(ps.get(location, "type"))}"',
            where,
        )
    default = ps.get(location, "defaultValue")
    if unit.is_main:
        if ps.truthy(default) and ps.to_str(default).strip().lower() not in MAIN_DEFAULTS:
            ctx.error(
                "Location.Parameter.Hardcoded",
                "The defaultValue of the location parameter in the main template must not be a specific location; "
                f"it must be [resourceGroup().location], [deployment().location] or 'global'. It is "
                f'"{ps.to_str(default)}"',
                (*where, "defaultValue"),
            )
    elif default is not None and not _LOCATION.search(ps.to_str(default)):
        ctx.error(
            "Location.Parameter.DefaultValuePresent",
            f'The location parameter of nested templates must not have a defaultValue. It is "{ps.to_str(default)}"',
            (*where, "defaultValue"),
        )
    elif default is not None and unit.is_inner and not _passes_location(unit):
        # an inner-scope template falls back on its own default only when its parent does not pass
        # location: then the resources land wherever that default says (arm-ttk 0.27)
        ctx.error(
            "Location.Parameter.DefaultValuePresent",
            "The location parameter of this nested template has a defaultValue and the parent deployment "
            "does not pass location",
            (*where, "defaultValue"),
        )
    ranges = None
    for m in ex.finditer_at_words(_LOCATION, body, ("resourcegroup", "deployment")):
        if ranges is None:
            ranges = _ranges(ctx)
        if any(a <= m.start() <= b for a, b in ranges):
            continue
        ctx.error(
            "Location.Parameter.Should.Be.Used",
            f"{unit.file_name} must use the location parameter, not resourceGroup().location or "
            "deployment().location (except as the default value in the main template)",
            offset=m.start(),
        )
    for f in ps.find(tpl, "location"):
        if not _RESOURCE_LOCATION.search(dotted(f.path)):
            continue
        value = f.value
        if not ps.eq(value, "global") and not ex.is_expression(value):
            ctx.error(
                "Location.Hardcoded",
                f"Location value of '{ps.to_str(value)}' on resource '{ps.to_str(ps.get(f.obj, 'name'))}' must be "
                "an expression or 'global'.",
                f.path,
            )


RULE = Rule(
    name="Location-Should-Not-Be-Hardcoded",
    group=TEMPLATE,
    description="A location parameter is a string defaulting to [resourceGroup().location] (main "
    "template) or nothing (nested), resourceGroup().location is used only there, and resources use an "
    "expression or 'global'.",
    check=check,
    requires=("TemplateText", "TemplateObject", "TemplateFileName"),
    error_ids=(
        "Location.Parameter.TypeMisMatch",
        "Location.Parameter.Hardcoded",
        "Location.Parameter.DefaultValuePresent",
        "Location.Parameter.Should.Be.Used",
        "Location.Hardcoded",
    ),
)
