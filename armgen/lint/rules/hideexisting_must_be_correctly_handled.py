"""HideExisting-Must-Be-Correctly-Handled: selectors that may pick existing resources output them."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule

TYPES = (
    "Microsoft.Storage.StorageAccountSelector",
    "Microsoft.Network.PublicIpAddressCombo",
    "Microsoft.Network.VirtualNetworkCombo",
)


def check(ctx: Context) -> None:
    outputs = ps.dig(ctx.cuid, "parameters", "outputs")
    names = list(outputs) if isinstance(outputs, dict) else []
    values = [ps.to_str(v) for v in outputs.values()] if isinstance(outputs, dict) else []
    for t in TYPES:
        for f in ps.find(ctx.cuid, "type", value_mode="eq", value=t):
            if ps.eq(ps.dig(f.obj, "options", "hideExisting"), True):
                continue
            name = ps.to_str(ps.get(f.obj, "name"))
            # arm-ttk has published two forms of this check: an output *named* like
            # *resourceGroup* / *newOrExisting*, and an output *value* naming the control's
            # .resourceGroup / .newOrExisting; either satisfies it here (its fixtures agree with both)
            if not any(ps.like(n, "*resourcegroup*") for n in names) and not any(
                ps.like(v, f"*{name}*.ResourceGroup*") for v in values
            ):
                ctx.error(
                    "Missing.Output.ResourceGroup",
                    f"Control Named '{name}' must output the resourceGroup property when hideExisting is false.",
                    f.obj_path,
                )
            if not any(ps.like(n, "*neworexisting*") for n in names) and not any(
                ps.like(v, f"*{name}*.NewOrExisting*") for v in values
            ):
                ctx.error(
                    "Missing.Output.NewOrExisting",
                    f"Control Named '{name}' must output the newOrExisting property when hideExisting is false.",
                    f.obj_path,
                )


RULE = Rule(
    name="HideExisting-Must-Be-Correctly-Handled",
    group=CREATE_UI,
    description="Storage account, public IP and virtual network selectors that can pick an existing "
    "resource output its resourceGroup and newOrExisting.",
    check=check,
    requires=("CreateUIDefinitionObject",),
    error_ids=("Missing.Output.ResourceGroup", "Missing.Output.NewOrExisting"),
)
