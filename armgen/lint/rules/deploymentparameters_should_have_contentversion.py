"""DeploymentParameters-Should-Have-ContentVersion: a parameters file names its content version."""

from __future__ import annotations

from armgen.lint import lazy, ps
from armgen.lint.model import PARAMETERS, Context, Rule

# arm-ttk's -notmatch '^(\d+\.\d+\.\d+\.\d+)$': .NET's `$` also matches before a final newline
_VERSION = lazy.compile(r"^(\d+\.\d+\.\d+\.\d+)$")


def check(ctx: Context) -> None:
    obj = ctx.parameter_object
    version = ps.get(obj, "contentVersion")
    if not ps.truthy(version):
        if ps.truthy(ps.get(obj, "$schema")):
            ctx.error(
                "Parameters.Missing.ContentVersion", "contentVersion property must exist in the template"
            )
        return
    if not isinstance(version, str):
        ctx.error("ContentVersion.Not.String", "contentVersion must be string", ("contentVersion",))
        return
    if not _VERSION.search(version):
        ctx.warn(
            f"Recommended that the 'contentVersion' be a version string like 1.0.0.0, found: {version}",
            ("contentVersion",),
        )


RULE = Rule(
    name="DeploymentParameters-Should-Have-ContentVersion",
    group=PARAMETERS,
    description="A parameters file with a $schema has a string contentVersion (1.0.0.0 style recommended).",
    check=check,
    requires=("ParameterObject",),
    error_ids=("Parameters.Missing.ContentVersion", "ContentVersion.Not.String"),
)
