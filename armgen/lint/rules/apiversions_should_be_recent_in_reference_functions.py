"""apiVersions-Should-Be-Recent-In-Reference-Functions: reference()/list*() use current apiVersions."""

from __future__ import annotations

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.apicache import versions_for
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._apiversions import judge, lookup, not_found, to_date
from armgen.lint.rules._common import is_bicep, template, text

_SPLIT = lazy.compile(r"[(),]")
_LEADING_QUOTE = lazy.compile(r"^\s*'")
_TRAILING_QUOTE = lazy.compile(r"'\s*$")


def _unquote(segment: str) -> str:
    """arm-ttk's ``-replace "^\\s{0,}'" -replace "'\\s{0,}$"`` on one resourceId() argument."""
    left = segment.lstrip()
    if left.startswith("'"):
        segment = left[1:]
    right = segment.rstrip()
    if right.endswith("'"):
        segment = right[:-1]
    return segment


def _type_from_variable(tpl: object, var_text: str) -> str:
    for f in ps.find(tpl, "name", value_mode="like", value=f"*{var_text}*"):
        if not ps.like(".".join(str(p) for p in f.path), "*Resources*"):
            continue
        return "/".join(ps.resource_type_chain(f.parents, f.obj))
    return ""


def check(ctx: Context) -> None:
    if is_bicep(ctx):
        return
    tpl, body = template(ctx), text(ctx)
    cache = ctx.api_cache or {}
    for ref in ex.finditer_at_words(ex.function(r"reference|list\w*"), body, ("reference", "list")):
        value = ref.group()
        av = ex.API_VERSION.search(value)
        if not av:
            continue
        api = av.group()
        rid = ex.function("resourceId").search(value)
        var = ex.variable().search(value)
        rtype = ""
        if rid:
            segs = [
                _TRAILING_QUOTE.sub("", _LEADING_QUOTE.sub("", s))
                for s in _SPLIT.split(rid.group("Parameters"))
                if s
            ]
            rtype = "/".join(s for s in segs if "/" in s)
        elif var:
            rtype = _type_from_variable(tpl, var.group())
        if not rtype:
            continue
        api_date = to_date(*av.group("Year", "Month", "Day"))
        if api_date is None:
            continue
        valid = lookup(cache, rtype) if "/" in rtype else versions_for(cache, rtype)
        if not valid:
            continue  # an unknown type is skipped here (unlike resource apiVersions)
        verdict = judge(api, api_date, valid, ctx.test_date, value)
        for _sev, suffix, msg in verdict.items:
            ctx.error(f"ApiReference.Version.{suffix}", msg, offset=ref.start())
        if verdict.stop:
            break
        missing = not_found(api, valid, rtype)
        if missing:
            ctx.warn(missing, offset=ref.start())


RULE = Rule(
    name="apiVersions-Should-Be-Recent-In-Reference-Functions",
    group=TEMPLATE,
    description="apiVersions given to reference() and list*() calls are current, like resource apiVersions.",
    check=check,
    requires=("TemplateText", "TemplateObject", "AllAzureResources"),
    error_ids=(
        "ApiReference.Version.Preview.Not.Recent",
        "ApiReference.Version.Preview.Version.Has.NonPreview",
        "ApiReference.Version.OutOfDate",
    ),
    marketplace_warning=True,
    needs_api_cache=True,
)
