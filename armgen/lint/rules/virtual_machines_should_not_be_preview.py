"""Virtual-Machines-Should-Not-Be-Preview: VMs do not deploy preview images."""

from __future__ import annotations

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import template

_EXPRESSION_START = lazy.compile(r"^\s*\[")
VM_TYPES = ("Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets")


def check(ctx: Context) -> None:
    tpl = template(ctx)
    for f in ps.find(tpl, "storageProfile"):
        if not any(ps.eq(ps.get(p, "type"), t) for p in f.parents for t in VM_TYPES):
            continue
        profile = f.value
        if isinstance(profile, str) and _EXPRESSION_START.match(profile):
            profile, _problem = ex.expand(profile, tpl)
        image = ps.get(profile, "imageReference")
        if (
            ps.like(image, "*preview")
            or ps.like(ps.get(image, "version"), "*preview")
            or ps.like(ps.get(image, "sku"), "*preview")
            or ps.like(ps.get(image, "offer"), "*preview")
        ):
            name = ps.to_str(ps.get(f.parents[0], "name")) if f.parents else ""
            ctx.error(
                "VM.Using.Preview.Image",
                f"StorageProfile for resource '{name}' must not use a preview version",
                f.path,
            )


RULE = Rule(
    name="Virtual-Machines-Should-Not-Be-Preview",
    group=TEMPLATE,
    description="A VM or scale set's imageReference (version, sku, offer) is not a preview image.",
    check=check,
    requires=("TemplateObject",),
    error_ids=("VM.Using.Preview.Image",),
)
