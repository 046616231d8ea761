"""Template-Should-Not-Contain-Blanks: no empty values in templates (they carry meaning in ARM)."""

from __future__ import annotations

import regex

from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import blank_pattern, find_blanks, property_before, template, text

CAN_BE_EMPTY = (
    "resources", "outputs", "variables", "parameters", "functions", "properties", "template", "defaultValue",
    "accessPolicies", "value", "promotionCode", "inputs", "notEquals", "clientId", "allowedCallerIpAddresses",
    "workerPools", "AzureMonitor", "requiredDataConnectors", "UserTokenPrepend",
)  # fmt: skip
_CAN_BE_EMPTY_LOWER = {n.lower() for n in CAN_BE_EMPTY}
RESOURCE_BLANKS = {
    "microsoft.web/sites/config": ("properties",),
    "microsoft.insights/workbooks": ("properties", "serializedData"),
}
# arm-ttk's "(?<=:)\s*<blank>": matched here as ":(\s*<blank>)" (same spans, much faster)
_BLANKS = blank_pattern((r"\{\s*\}", r"\[\s*\]", r'"\s*"', r"null"))
_NAME_EXEMPT = lazy.compile(r"\s*\[|\s*/subscriptions/", regex.I)


def _excusing_keys(tpl: object) -> set[str]:
    """Keys of every object that has a key matching the allow-list (arm-ttk excuses those names)."""
    keys: set[str] = set()
    seen: set[int] = set()
    for f in ps.find(tpl, "(?>" + "|".join(CAN_BE_EMPTY) + ")", key_mode="match"):
        if id(f.obj) not in seen:
            seen.add(id(f.obj))
            keys.update(k.lower() for k in f.obj)
    return keys


def _allowed_ranges(ctx: Context) -> list[tuple[int, int]]:
    unit = ctx.template
    assert unit is not None
    out = []
    for full_type, sub in RESOURCE_BLANKS.items():
        for f in ps.find(unit.data, "type", value_mode="eq", value=full_type):
            node = unit.doc.node(unit.base + f.obj_path + sub)
            if node is not None:
                out.append((node.start - unit.text_offset, node.end - unit.text_offset))
    return out


def check(ctx: Context) -> None:
    body = text(ctx)
    blanks = find_blanks(_BLANKS, body)
    if not blanks:
        return
    keys: set[str] | None = None  # walked for only when a blank needs it
    ranges = _allowed_ranges(ctx)
    for at, blank in blanks:
        if any(a <= at < b for a, b in ranges):
            continue
        name = property_before(body, at)
        if name is None or name.lower() in _CAN_BE_EMPTY_LOWER:
            continue
        if keys is None:
            keys = _excusing_keys(template(ctx))
        if name.lower() in keys or _NAME_EXEMPT.match(name):
            continue
        ctx.error(None, f"Empty property: {name}: {blank.strip()}", offset=at)


RULE = Rule(
    name="Template-Should-Not-Contain-Blanks",
    group=TEMPLATE,
    description='No empty values ({}, [], "", null) in a template, except where ARM needs them.',
    check=check,
    requires=("TemplateText", "TemplateObject"),
    marketplace_warning=True,
)
