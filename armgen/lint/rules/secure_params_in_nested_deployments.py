"""Secure-Params-In-Nested-Deployments: outer-scope nested templates do not see secrets."""

from __future__ import annotations

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import char_before, params, resources_items, template

_SPACE = lazy.compile(r"\s")
_LIST = lazy.compile(r"(?>\[|\(|,)\s*list\w*\s*\(", regex.I | regex.M)


def check(ctx: Context) -> None:
    tpl = template(ctx)
    secure = [
        (name, ps.get(p, "type"))
        for name, p in params(tpl)
        if ps.eq(ps.get(p, "type"), "securestring") or ps.eq(ps.get(p, "type"), "secureobject")
    ]
    for base, res in resources_items(tpl):
        for f in ps.find(res, "type", value_mode="eq", value="Microsoft.Resources/deployments", base=base):
            nested = ps.dig(f.obj, "properties", "template")
            body = ps.to_json(nested) if nested is not None else ""
            if not body or _SPACE.sub("", body) in ("{}", "null"):
                continue
            scope = ps.dig(f.obj, "properties", "expressionEvaluationOptions", "scope")
            if ps.truthy(scope) and not ps.eq(scope, "outer"):
                continue
            name = ps.to_str(ps.get(f.obj, "name"))
            for pname, ptype in secure:
                m = ex.parameter(pname).search(body)
                if m and char_before(body, m.start()) == "[":
                    ctx.error(
                        "NestedDeployment.Contains.SecureParameter",
                        f"Microsoft.Resources/deployments/{name} is an outer scope nested deployment that contains a "
                        f'{ps.to_str(ptype)} type parameter: "{pname}"',
                        (*f.obj_path, "properties", "template"),
                    )
            m = _LIST.search(body)
            if m and char_before(body, m.start()) == "[":
                ctx.error(
                    "NestedDeployment.Contains.ListFunction",
                    f"Microsoft.Resources/deployments/{name} is an outer scope nested deployment that contains a "
                    f"list*() function: {m.group()}",
                    (*f.obj_path, "properties", "template"),
                )


RULE = Rule(
    name="Secure-Params-In-Nested-Deployments",
    group=TEMPLATE,
    description="Outer-scope nested templates do not use secure parameters or list*() in expressions "
    "(their values would be stored in clear text).",
    check=check,
    requires=("TemplateObject",),
    error_ids=("NestedDeployment.Contains.SecureParameter", "NestedDeployment.Contains.ListFunction"),
)
