"""apiVersions-Should-Be-Recent: resources use an apiVersion that is current (or the latest)."""

from __future__ import annotations

import regex

from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._apiversions import judge, lookup, not_found, to_date
from armgen.lint.rules._common import is_bicep, template

_DATE = lazy.compile(r"(?<Year>\d{4})-(?<Month>\d{2})-(?<Day>\d{2})")
_PROVIDER_NAME = lazy.compile(r"'/{0,}(?<ResourceType>\w+\.\w+)/{0,}'", regex.I)


def check(ctx: Context) -> None:
    tpl = template(ctx)
    resources = ps.get(tpl, "resources")
    if not ps.truthy(resources) and not isinstance(resources, dict):
        return
    cache = ctx.api_cache or {}
    key = next(k for k in tpl if k.lower() == "resources")
    bicep = is_bicep(ctx)
    for f in ps.find(resources, "apiVersion", value_mode="like", value="*", base=(key,)):
        if len(f.path) >= 2 and isinstance(f.path[-2], str) and f.path[-2].lower() == "properties":
            continue
        if "disable-apiversions-should-be-recent" in ps.to_json(ps.get(f.obj, "metadata")).lower():
            continue
        if bicep and ps.eq(ps.get(f.obj, "type"), "Microsoft.Resources/deployments"):
            continue
        api = f.value
        if not isinstance(api, str):
            ctx.error("ApiVersion.Not.String", "Api Versions must be strings", f.path)
            continue
        types = ps.resource_type_chain(f.parents, f.obj)
        if any(ps.like(t, "*/providers/*") for t in types):
            m = _PROVIDER_NAME.search(ps.to_str(ps.get(f.obj, "name")))
            if not m:
                ctx.warn(f"Could not identify provider resource for {'/'.join(types)}", f.path)
                continue
            types = [m.group("ResourceType")]
        full_type = "/".join(types)
        d = _DATE.search(api)
        api_date = to_date(*d.group("Year", "Month", "Day")) if d else None
        if api_date is None:
            ctx.error(
                "ApiVersion.Not.Date", f"Api versions must be a fixed date. {full_type} is not.", f.path
            )
            continue
        valid = lookup(cache, full_type)
        verdict = judge(api, api_date, valid, ctx.test_date, full_type)
        for _sev, suffix, msg in verdict.items:
            ctx.error(f"ApiVersion.{suffix}", msg, f.path)
        if verdict.stop:
            break
        missing = not_found(api, valid, full_type)  # also when the type itself is unknown
        if missing:
            ctx.warn(missing, f.path)


RULE = Rule(
    name="apiVersions-Should-Be-Recent",
    group=TEMPLATE,
    description="Each resource apiVersion is a date string, not a preview when a newer or same-date GA "
    "exists, and under 730 days old unless it is the latest (provider apiVersions from the cache).",
    check=check,
    requires=("TemplateObject", "AllAzureResources"),
    error_ids=(
        "ApiVersion.Not.String",
        "ApiVersion.Not.Date",
        "ApiVersion.Preview.Not.Recent",
        "ApiVersion.Preview.Version.Has.NonPreview",
        "ApiVersion.OutOfDate",
    ),
    marketplace_warning=True,
    needs_api_cache=True,
)
