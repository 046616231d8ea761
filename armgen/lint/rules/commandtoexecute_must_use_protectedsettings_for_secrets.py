"""CommandToExecute-Must-Use-ProtectedSettings-For-Secrets: secrets stay out of plain settings."""

from __future__ import annotations

from armgen.lint import expressions as ex
from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import template


def check(ctx: Context) -> None:
    tpl = template(ctx)
    for f in ps.find(tpl, "commandToExecute", value_mode="like", value="*"):
        if not f.parents or not ps.match(ps.get(f.parents[0], "type"), "CustomScript"):
            continue
        if any(ps.truthy(ps.dig(p, "protectedSettings", "commandToExecute")) for p in f.parents):
            continue
        command = ps.to_str(f.value)
        m = ex.LIST_FUNCTION.search(command)
        if m:
            ctx.error(
                "CommandToExecute.Unprotected.List",
                f"CommandToExecute uses '{m.group().strip()}', but is not in .protectedSettings",
                f.path,
            )
            continue
        for pm in ex.parameter().finditer(command):
            ref = pm.group("ParameterName")
            ptype = ps.dig(tpl, "parameters", ref, "type")
            if ps.eq(ptype, "SecureString") or ps.eq(ptype, "SecureObject"):
                ctx.error(
                    "CommandToExecute.Unprotected.Parameter",
                    f"CommandToExecute references parameter '{ref}' of type '{ptype}', but is not in "
                    ".protectedSettings",
                    f.path,
                )


RULE = Rule(
    name="CommandToExecute-Must-Use-ProtectedSettings-For-Secrets",
    group=TEMPLATE,
    description="A CustomScript commandToExecute that uses list*() or a secure parameter is in "
    "protectedSettings.",
    check=check,
    requires=("TemplateObject",),
    error_ids=("CommandToExecute.Unprotected.List", "CommandToExecute.Unprotected.Parameter"),
)
