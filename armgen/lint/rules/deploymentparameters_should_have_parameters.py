"""DeploymentParameters-Should-Have-Parameters: a parameters file has a parameters property."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import PARAMETERS, Context, Rule


def check(ctx: Context) -> None:
    obj = ctx.parameter_object
    if not ps.truthy(ps.get(obj, "$schema")) and not ps.truthy(ps.get(obj, "contentVersion")):
        return
    if not ps.truthy(ps.get(obj, "parameters")):
        ctx.error("Parameters.Missing.Parameters", "No parameters exists")


RULE = Rule(
    name="DeploymentParameters-Should-Have-Parameters",
    group=PARAMETERS,
    description="A parameters file with a $schema or contentVersion has a parameters property.",
    check=check,
    requires=("ParameterObject",),
    error_ids=("Parameters.Missing.Parameters",),
)
