"""DeploymentParameters-Should-Have-Value: each parameter has a value or a Key Vault reference."""

from __future__ import annotations

import regex

from armgen.lint import lazy, ps
from armgen.lint.model import PARAMETERS, Context, Rule

_KV_ID = lazy.compile(
    r"/subscriptions/([0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})/resourceGroups/([\w\d_-]{1,64})"
    r"/providers/Microsoft.KeyVault/vaults/([\w\d-]{3,24})",
    regex.I,
)
_EXPRESSION = lazy.compile(r"^\s?\[.*\]\s?$", regex.I)
_SECRET = lazy.compile(r"^([A-Za-z0-9\-]{1,127})$", regex.I)


def check(ctx: Context) -> None:
    obj = ctx.parameter_object
    if not ps.truthy(ps.get(obj, "$schema")):
        return
    parameters = ps.get(obj, "parameters")
    if not isinstance(parameters, dict):
        return
    for name, p in parameters.items():
        if name.startswith("__"):
            continue
        here = ("parameters", name)
        if not (ps.has(p, "value") or ps.has(p, "reference")):
            ctx.error(
                "Parameters.Parameter.Missing.Value",
                f"'{name}' must have a property 'value' or 'reference'",
                here,
            )
            continue
        if ps.has(p, "value"):
            if _EXPRESSION.match(ps.to_str(ps.get(p, "value"))):
                ctx.warn(f"'{name}'.value will not be evaluated as an expression", (*here, "value"))
            continue
        ref = ps.get(p, "reference")
        if not ps.has(ref, "keyVault"):
            ctx.error(
                "Parameters.Parameter.Missing.Value",
                f"'{name}'.reference is missing a property 'keyVault'",
                here,
            )
            continue
        kv = ps.get(ref, "keyVault")
        if not ps.has(kv, "id"):
            ctx.error(
                "Parameters.Parameter.Missing.KeyVault.Id",
                f"'{name}'.reference.keyVault is missing 'id'",
                here,
            )
            continue
        if not _KV_ID.search(ps.to_str(ps.get(kv, "id"))):
            ctx.error(
                "Parameters.Parameter.Bad.KeyVault.Id",
                f"'{name}'.reference.keyVault.id should look like /subscriptions/<subscription id>/resourceGroups/"
                "<resource group name>/providers/Microsoft.KeyVault/vaults/<key vault name>",
                (*here, "reference", "keyVault", "id"),
            )
            continue
        if not ps.has(ref, "secretName"):
            ctx.error(
                "Parameters.Parameter.Missing.SecretName", f"'{name}'.reference is missing 'secretName'", here
            )
            continue
        if not _SECRET.search(ps.to_str(ps.get(ref, "secretName"))):
            ctx.error(
                "Parameters.Parameter.Bad.SecretName",
                f"'{name}'.reference.secretName should only contain letters, digits or dashes (1-127 long)",
                (*here, "reference", "secretName"),
            )


RULE = Rule(
    name="DeploymentParameters-Should-Have-Value",
    group=PARAMETERS,
    description="Each parameter (not starting with __) has a value, or a well-formed Key Vault reference.",
    check=check,
    requires=("ParameterObject",),
    error_ids=(
        "Parameters.Parameter.Missing.Value",
        "Parameters.Parameter.Missing.KeyVault.Id",
        "Parameters.Parameter.Bad.KeyVault.Id",
        "Parameters.Parameter.Missing.SecretName",
        "Parameters.Parameter.Bad.SecretName",
    ),
)
