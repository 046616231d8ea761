"""DeploymentParameters-Should-Have-Schema: a parameters file uses a deploymentParameters schema."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import PARAMETERS, Context, Rule

SCHEMAS = (
    "https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#",
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
)


def check(ctx: Context) -> None:
    obj = ctx.parameter_object
    schema = ps.get(obj, "$schema")
    if not ps.truthy(schema):
        if ps.truthy(ps.get(obj, "contentVersion")):
            ctx.error("Parameters.Missing.Schema", "DeploymentParameters Missing .$schema property")
        return
    if not ps.contains(list(SCHEMAS), schema):
        ctx.error(
            "Parameters.Bad.Schema",
            f"DeploymentParameters has an unexpected Schema: {ps.to_str(schema)}; it should be one of: "
            + ", ".join(SCHEMAS),
            ("$schema",),
        )


RULE = Rule(
    name="DeploymentParameters-Should-Have-Schema",
    group=PARAMETERS,
    description="A parameters file has the 2015-01-01 or 2019-04-01 deploymentParameters $schema.",
    check=check,
    error_ids=("Parameters.Missing.Schema", "Parameters.Bad.Schema"),
)
