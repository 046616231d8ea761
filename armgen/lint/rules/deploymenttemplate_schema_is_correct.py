"""DeploymentTemplate-Schema-Is-Correct: templates declare a current deployment template schema."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import template

OLD = "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#"
SCHEMAS = (
    OLD,
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
    "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#",
    "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
)


def check(ctx: Context) -> None:
    schema = ps.get(template(ctx), "$schema")
    if not ps.truthy(schema):
        ctx.error("Template.Missing.Schema", "DeploymentTemplate Missing .$schema property")
        return
    if not ps.contains(list(SCHEMAS), schema):
        ctx.error(
            "Template.Bad.Schema",
            "DeploymentTemplate has an unexpected Schema. It should be one of the following: "
            + ", ".join(SCHEMAS),
            ("$schema",),
        )
        return
    if ps.eq(schema, OLD):
        ctx.warn(
            "Template is using schema version '2015-01-01' which has been deprecated and is no longer maintained.",
            ("$schema",),
        )


RULE = Rule(
    name="DeploymentTemplate-Schema-Is-Correct",
    group=TEMPLATE,
    description="$schema is one of the deployment template schemas (2019-04-01, subscription, tenant, "
    "management group; 2015-01-01 warns).",
    check=check,
    error_ids=("Template.Missing.Schema", "Template.Bad.Schema"),
    marketplace_warning=True,
)
