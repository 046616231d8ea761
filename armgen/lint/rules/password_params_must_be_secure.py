"""Password-params-must-be-secure: parameters that hold secrets are secure types."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import params, template


def check(ctx: Context) -> None:
    for name, p in params(template(ctx)):
        if not (ps.like(name, "*password*") or ps.like(name, "*secret*") or ps.like(name, "*accountkey*")):
            continue
        ptype = ps.get(p, "type")
        if any(ps.eq(ptype, t) for t in ("securestring", "secureobject", "bool")):
            continue
        if ps.like(name, "*secret*") and any(
            ps.like(name, f"*{w}*") for w in ("permission", "version", "url", "uri", "name")
        ):
            ctx.warn(f'Skipping parameter "{name}"', ("parameters", name))
            continue
        ctx.error(
            "Password.Param.Not.Secure",
            f'Parameter "{name}" is of type "{ps.to_str(ptype)}" but should be secure.',
            ("parameters", name),
        )


RULE = Rule(
    name="Password-params-must-be-secure",
    group=TEMPLATE,
    description="Parameters named like password, secret or accountKey are secureString, secureObject or bool.",
    check=check,
    requires=("TemplateObject",),
    error_ids=("Password.Param.Not.Secure",),
)
