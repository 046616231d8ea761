"""Secure-String-Parameters-Cannot-Have-Default: secrets are not baked into the template."""

from __future__ import annotations

from armgen.lint import expressions as ex
from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import params, template


def check(ctx: Context) -> None:
    for name, p in params(template(ctx)):
        default = ps.get(p, "defaultValue")
        if not ps.eq(ps.get(p, "type"), "securestring") or not ps.truthy(default):
            continue
        if not ex.function("newguid").search(ps.to_str(default)):
            ctx.error(
                "SecureString.Must.Not.Have.Default",
                f"Parameter {name} is a SecureString and must not have a default value unless it is an expression "
                "that contains the newGuid() function.",
                ("parameters", name, "defaultValue"),
            )


RULE = Rule(
    name="Secure-String-Parameters-Cannot-Have-Default",
    group=TEMPLATE,
    description='A secureString parameter has no default other than "" or an expression using newGuid().',
    check=check,
    requires=("TemplateObject",),
    error_ids=("SecureString.Must.Not.Have.Default",),
)
