"""CreateUIDefinition-Should-Have-Schema: the expected $schema and a matching version."""

from __future__ import annotations

from armgen.lint import lazy, ps
from armgen.lint.model import CREATE_UI, Context, Rule

_VERSION = lazy.compile(r"\d+\.\d+(\.\d+){0,2}")
SCHEMA = "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#"


def _version_segment(schema: str) -> str | None:
    for seg in (s for s in schema.split("/") if s):
        first = seg.split("-")[0]
        if _VERSION.fullmatch(first) and any(int(x) for x in first.split(".")):
            return seg
    return None


def check(ctx: Context) -> None:
    cuid = ctx.cuid
    schema = ps.get(cuid, "$schema")
    if not ps.truthy(schema):
        ctx.error("CreateUIDef.Must.Have.Schema", "CreateUIDefinition is missing a $schema property")
    if schema != SCHEMA:
        ctx.error(
            "CreateUIDef.Incorrect.Schema",
            f"CreateUIDefinition has an incorrect schema: it must be {SCHEMA}, and is '{ps.to_str(schema)}'",
            ("$schema",),
        )
    version = ps.get(cuid, "version")
    if not ps.truthy(version):
        ctx.error("CreateUIDef.Must.Have.Version", "CreateUIDefinition is missing a version")
    wanted = _version_segment(ps.to_str(schema))
    if not ps.eq(version, wanted) and not (version is None and wanted is None):
        ctx.error(
            "CreateUIDef.Version.Mismatch",
            f"CreateUIDefinition version ({ps.to_str(version)}) is different from schema version ({wanted or ''})",
            ("version",),
        )


RULE = Rule(
    name="CreateUIDefinition-Should-Have-Schema",
    group=CREATE_UI,
    description="createUiDefinition uses the 0.1.2-preview CreateUIDefinition.MultiVm schema and the same "
    "version.",
    check=check,
    requires=("CreateUIDefinitionObject",),
    error_ids=(
        "CreateUIDef.Must.Have.Schema",
        "CreateUIDef.Incorrect.Schema",
        "CreateUIDef.Must.Have.Version",
        "CreateUIDef.Version.Mismatch",
    ),
)
