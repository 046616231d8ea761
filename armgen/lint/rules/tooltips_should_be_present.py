"""Tooltips-Should-Be-Present: controls explain themselves with a toolTip."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule

NO_TOOLTIP = (
    "Microsoft.Common.InfoBox",
    "Microsoft.Common.Section",
    "Microsoft.Common.TextBlock",
    "Microsoft.Solutions.ArmApiControl",
    "Microsoft.Solutions.GraphApiControl",
    "Microsoft.Common.EditableGrid",
    "Microsoft.Solutions.JitConfigurator",
)


_NO_TOOLTIP_LOWER = frozenset(t.lower() for t in NO_TOOLTIP)


def check(ctx: Context) -> None:
    for f in ps.find(ctx.cuid, "type", value_mode="like", value="Microsoft.*.*"):
        value = f.value
        if value.lower() in _NO_TOOLTIP_LOWER if type(value) is str else ps.contains(list(NO_TOOLTIP), value):
            continue
        if not ps.to_str(ps.get(f.obj, "toolTip")).strip():
            ctx.error(None, f"Element missing tooltip: {ps.to_str(ps.get(f.obj, 'name'))}", f.obj_path)


RULE = Rule(
    name="Tooltips-Should-Be-Present",
    group=CREATE_UI,
    description="Every Microsoft.* control (except info boxes, sections, text blocks, API controls, "
    "editable grids and JIT configurators) has a non-blank toolTip.",
    check=check,
    requires=("CreateUIDefinitionObject",),
)
