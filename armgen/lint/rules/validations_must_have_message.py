"""Validations-Must-Have-Message: every validation tells the user what is wrong."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import CREATE_UI, Context, Rule


def check(ctx: Context) -> None:
    for f in ps.find(ctx.cuid, "validations", value_mode="like", value="*"):
        parent = f.parents[0] if f.parents else None
        for i, item in enumerate(ps.as_list(f.value)):
            if not ps.has(item, "message"):
                key = next((k for k in item if k.lower() != "message"), "") if isinstance(item, dict) else ""
                ctx.error(
                    "Validations.Must.Have.Message",
                    f"Validations property in {ps.to_str(ps.get(parent, 'name'))} is missing message for {key}.",
                    (*f.path, i) if isinstance(f.value, list) else f.path,
                )


RULE = Rule(
    name="Validations-Must-Have-Message",
    group=CREATE_UI,
    description="Every item of a validations array has a message.",
    check=check,
    requires=("CreateUIDefinitionObject",),
    error_ids=("Validations.Must.Have.Message",),
)
