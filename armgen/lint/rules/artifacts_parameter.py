"""artifacts-parameter: _artifactsLocation/_artifactsLocationSasToken are declared correctly."""

from __future__ import annotations

import os

from armgen.lint import ps
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import template

RAW_REPO = "https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/"


def check(ctx: Context) -> None:
    unit = ctx.template
    assert unit is not None
    params = ps.get(template(ctx), "parameters")
    loc = ps.get(params, "_artifactsLocation")
    sas = ps.get(params, "_artifactsLocationSasToken")
    if loc is None:
        return
    fname = unit.file_name
    where = ("parameters", "_artifactsLocation")
    if not ps.eq(ps.get(loc, "type"), "string") and not ps.eq(ps.get(loc, "type"), "secureString"):
        ctx.error(
            "ArtifactsLocation.Parameter.TypeMisMatch",
            f"The _artifactsLocation parameter in \"{fname}\" must be a 'string' type",
            (*where, "type"),
        )
    if sas is None:
        ctx.error(
            "ArtifactsLocation.Parameter.sasToken.Missing",
            f'Template "{fname}" is missing _artifactsLocationSasToken parameter',
            where,
        )
    elif not ps.eq(ps.get(sas, "type"), "secureString"):
        ctx.error(
            "ArtifactsLocation.Parameter.sasToken.TypeMisMatch",
            f"The _artifactsLocationSasToken parameter in \"{fname}\" must be of type 'secureString'.",
            ("parameters", "_artifactsLocationSasToken", "type"),
        )
    default = ps.get(loc, "defaultValue")
    if unit.is_main:
        if not ps.truthy(default):
            ctx.error(
                "ArtifactsLocation.Parameter.DefaultValue.Missing",
                f'The _artifactsLocation parameter in "{fname}" must have a defaultValue in the main template',
                where,
            )
        else:
            sample = os.environ.get("SAMPLE_NAME", "").strip() or "100-blank-template"
            quickstart = f"{RAW_REPO}{sample}/"
            if not (ps.eq(default, quickstart) or ps.like(default, "*deployment().properties.templateLink*")):
                ctx.error(
                    "ArtifactsLocation.Parameter.DefaultValue.Incorrect",
                    f'The _artifactsLocation in "{fname}" has an incorrect defaultValue, found: '
                    f"{ps.to_str(default)}; must be {quickstart} or use deployment().properties.templateLink.uri",
                    (*where, "defaultValue"),
                )
        sas_default = ps.get(sas, "defaultValue")
        if not ps.truthy(sas_default) and sas_default != "":
            ctx.error(
                "ArtifactsLocation.Parameter.sasToken.DefaultValue.Incorrect",
                f'The _artifactsLocationSasToken in "{fname}" has an incorrect defaultValue, must be an empty string',
                ("parameters", "_artifactsLocationSasToken"),
            )
    elif ps.truthy(default) or ps.truthy(ps.get(sas, "defaultValue")):
        ctx.error(
            "ArtifactsLocation.Parameter.DefaultValue.NotEmpty",
            f'The _artifactsLocation and _artifactsLocationSasToken parameters in "{fname}" must not have a '
            "defaultValue in a nested template.",
            where,
        )


RULE = Rule(
    name="artifacts-parameter",
    group=TEMPLATE,
    description="_artifactsLocation is a string with a templateLink-based default in the main template "
    "(none elsewhere), and comes with a secureString _artifactsLocationSasToken.",
    check=check,
    requires=("TemplateObject", "TemplateFileName"),
    error_ids=(
        "ArtifactsLocation.Parameter.TypeMisMatch",
        "ArtifactsLocation.Parameter.sasToken.Missing",
        "ArtifactsLocation.Parameter.sasToken.TypeMisMatch",
        "ArtifactsLocation.Parameter.DefaultValue.Missing",
        "ArtifactsLocation.Parameter.DefaultValue.Incorrect",
        "ArtifactsLocation.Parameter.sasToken.DefaultValue.Incorrect",
        "ArtifactsLocation.Parameter.DefaultValue.NotEmpty",
    ),
)
