"""Outputs-Must-Not-Contain-Secrets: outputs never echo keys or secure parameters."""

from __future__ import annotations

import regex

from armgen.lint import expressions as ex
from armgen.lint import lazy, ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import char_before, params, template

_LIST = lazy.compile(r"(?>\[|\(|,)\s*list\w*\s*\(", regex.I | regex.M)


def check(ctx: Context) -> None:
    tpl = template(ctx)
    outputs = ps.get(tpl, "outputs")
    outputs = list(outputs.items()) if isinstance(outputs, dict) else []
    variables = ps.get(tpl, "variables")
    # arm-ttk also reads the outputs with variable references expanded (Expand-AzTemplate)
    texts = {name: [ps.to_json(value)] for name, value in outputs}
    for bodies in texts.values():
        expanded = ex.expand_variables(bodies[0], variables)
        if expanded != bodies[0]:
            bodies.append(expanded)
    for name, _value in outputs:
        where = ("outputs", name)
        found = False
        for body in texts[name]:
            for m in _LIST.finditer(body):
                if not found and char_before(body, m.start() + 1) == "[":
                    ctx.error("Output.Contains.Secret", f"Output contains secret: {name}", where)
                    found = True
        if ps.like(name, "*password*"):
            ctx.error("Output.Contains.Secret.Name", f"Output name suggests secret: {name}", where)
    for pname, p in params(tpl):
        ptype = ps.get(p, "type")
        if not (ps.eq(ptype, "securestring") or ps.eq(ptype, "secureobject")):
            continue
        rx = ex.parameter(pname)
        for name, _value in outputs:
            hits = [b for b in texts[name] if (m := rx.search(b)) and char_before(b, m.start()) == "["]
            if hits:
                ctx.error(
                    "Output.Contains.SecureParameter",
                    f"Output contains {ps.to_str(ptype)} parameter: {name}",
                    ("outputs", name),
                )


RULE = Rule(
    name="Outputs-Must-Not-Contain-Secrets",
    group=TEMPLATE,
    description="Outputs do not call list*(), reference secure parameters, nor have 'password' in their name.",
    check=check,
    requires=("TemplateObject",),
    error_ids=("Output.Contains.Secret", "Output.Contains.Secret.Name", "Output.Contains.SecureParameter"),
)
