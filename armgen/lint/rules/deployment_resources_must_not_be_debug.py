"""Deployment-Resources-Must-Not-Be-Debug: nested deployments do not log request/response content."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import resources_items, template


def check(ctx: Context) -> None:
    for base, res in resources_items(template(ctx)):
        for f in ps.find(res, "type", value_mode="eq", value="Microsoft.Resources/deployments", base=base):
            level = ps.dig(f.obj, "properties", "debugSetting", "detailLevel")
            if not ps.truthy(level) or ps.eq(level, "None"):
                continue
            where = (*f.obj_path, "properties", "debugSetting", "detailLevel")
            if isinstance(level, str):
                ctx.error(
                    "Deployment.Resource.Has.DebugSetting",
                    "Deployment Resources must have no DebugSettings property, or must set it to 'None'",
                    where,
                )
            else:
                ctx.error(
                    "Deployment.Resource.Has.LogDetail",
                    "Deployment Resources must have no DebugSettings.logDetail property, or must set it to 'None'",
                    where,
                )


RULE = Rule(
    name="Deployment-Resources-Must-Not-Be-Debug",
    group=TEMPLATE,
    description="Microsoft.Resources/deployments do not set debugSetting.detailLevel (other than None).",
    check=check,
    requires=("TemplateObject",),
    error_ids=("Deployment.Resource.Has.DebugSetting", "Deployment.Resource.Has.LogDetail"),
)
