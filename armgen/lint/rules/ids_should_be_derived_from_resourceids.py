"""IDs-Should-Be-Derived-From-ResourceIDs: *Id properties are built with resourceId() and friends."""

from __future__ import annotations

import functools

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import dotted, is_bicep, resources_items, template

EXCEPTIONS = (
    "appId", "clientId", "DataTypeId", "defaultMenuItemId", "keyVaultSecretId", "keyVaultId", "keyId",
    "objectId", "menuId", "nodeAgentSkuId", "policyDefinitionReferenceId", "servicePrincipalClientId",
    "StartingDeviceID", "subscriptionId", "SyntheticMonitorId", "targetProtectionContainerId",
    "targetWorkerSizeId", "tenantId", "timezoneId", "vlanId", "workerSizeId", "metricId",
    "requestedServiceObjectiveId", "groupId", "sid", "ruleId", "deploymentSpecId", "detector.id",
    "contentId", "connectorId", "parentId", "IllusiveIncidentId", "UniqueFindingId", "schemaId",
    "detection_id", "open_id", "TeamsChannelID", "SAPAuditLogMessageID", "roleDefinitionId", "principalId",
    "XDRCustomerID", "userAssignedIdentityResourceId", "channelId", "extendedAceItemObjectId",
    "operationId-ANCEndpointGetById", "operationId-DeleteDomainById", "operationId-GetOrganizationId",
    "operationId-ProcessMetadataSearchByProcessGUID", "operationId-SearchForProcessEventsByProcessGUID",
    "ApplicationId", "policyDefinitionGuid", "IndicatorId", "contentProductId", "aws_iam_functionapp_id",
    "dataCollectionEndpointId", "dataCollectionRuleImmutableId",
    # arm-ttk 0.27 (2024): Microsoft.Web/serverfarms/firstPartyApps/settings names an app, not a resource
    "firstPartyId",
    # arm-ttk 0.27: API Center definitions and environments, and workflow step names
    "definitionId", "environmentId", "stepId",
)  # fmt: skip


@functools.cache
def exception_regex() -> regex.Pattern[str]:
    """arm-ttk's anchored alternation of the excepted names; compiled on first need (only
    non-ASCII paths use it), not at import (4 ms of every run)."""
    return lazy.regex_compile("(?>" + "|".join(e.replace(".", r"\.") for e in EXCEPTIONS) + ")$", regex.I)


_EXCEPTION_LOWER = tuple(e.lower() for e in EXCEPTIONS)


def _is_exception(rel: str) -> bool:
    """``exception_regex().search(rel)``: the path ends with an excepted name (``$`` also before a final
    newline). No name is a prefix of another, so the atomic group never matters; ASCII paths are
    compared lower-cased instead of trying the whole alternation at every position."""
    if not rel.isascii():
        return exception_regex().search(rel) is not None
    low = rel.lower()
    return low.endswith(_EXCEPTION_LOWER) or (low.endswith("\n") and low[:-1].endswith(_EXCEPTION_LOWER))


ALLOWED = (
    "extensionResourceId", "resourceId", "subscriptionResourceId", "tenantResourceId", "if", "parameters",
    "reference", "variables", "subscription", "guid",
)  # fmt: skip
_ALLOWED = lazy.compile(r"\s*\[\s*(" + "|".join(ALLOWED) + r")\s*\(\s*", regex.I)
_SKIP_TYPES = (
    r"^microsoft\.logic/workflows$",  # anything inside a Logic App
    r"^microsoft\.ApiManagement/service/backends$",
    r"^Microsoft\.Portal\/dashboards$",
    r"^Microsoft\.DocumentDb/databaseAccounts/\w{0,}/collections$",
)
# "any type matches any of them" is one search of their alternation
_ANY_SKIP_TYPE = "|".join(f"(?:{t})" for t in _SKIP_TYPES)



def check(ctx: Context) -> None:
    if is_bicep(ctx):
        return
    tpl = template(ctx)
    for base, res in resources_items(tpl):
        for f in ps.find(res, "*id", key_mode="like", base=base):
            rel = dotted(f.path[len(base) :])
            low = rel.lower()
            if _is_exception(rel) or low.startswith(("parameters", "outputs")) or ".metadata." in low:
                continue
            types = [ps.get(p, "type") for p in f.parents]
            if ps.match(types, _ANY_SKIP_TYPE):
                continue
            if ".resource." in low and ps.match(
                types, r"^Microsoft\.DocumentDB/databaseAccounts/sqlDatabases"
            ):
                continue
            if ".locations" in low and ps.match(types, r"^Microsoft\.insights/webtests"):
                continue
            if "properties." in low and ps.match(types, r"backends$"):
                continue
            if f".tags.{f.key.lower()}" in low:
                continue
            if ps.match(types, r"^Microsoft\.sites/config") or ps.match(types, "config"):
                continue
            value = f.value
            if not isinstance(value, (str, int, float)) or value is None:
                inner = ps.get(value, "value")
                if not ps.truthy(inner) or not isinstance(inner, str):
                    continue
                value = inner
            if not ps.truthy(value) and not (isinstance(value, bool) and value):
                ctx.error("ResourceId.Is.Missing", f"Blank ID Property found: {f.key}", f.path)
                continue
            expanded, problem = ex.expand(value, tpl, exclude=("parameters",))
            if problem:
                ctx.error(None, problem, f.path)
                continue
            if isinstance(expanded, str) and not _ALLOWED.search(expanded):
                ctx.error(
                    "ResourceId.Should.Contain.Proper.Expression",
                    f'Property: "{f.key}" must use one of the following expressions for a resourceId property: '
                    + ",".join(ALLOWED),
                    f.path,
                )


RULE = Rule(
    name="IDs-Should-Be-Derived-From-ResourceIDs",
    group=TEMPLATE,
    description="Resource properties named *Id are expressions built with resourceId(), parameters(), "
    "variables(), reference() and the like (well-known non-resource ids exempt).",
    check=check,
    requires=("TemplateObject", "TemplateMetadata"),
    error_ids=("ResourceId.Is.Missing", "ResourceId.Should.Contain.Proper.Expression"),
    marketplace_warning=True,
)
