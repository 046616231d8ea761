"""providers_apiVersions-Is-Not-Permitted: apiVersions are literal, not looked up at deploy time."""

from __future__ import annotations

import regex

from armgen.lint import lazy
from armgen.lint.model import TEMPLATE, Context, Rule
from armgen.lint.rules._common import text

_PROVIDERS = lazy.compile(r"providers\(.*\)\.apiVersions", regex.I | regex.S)


def check(ctx: Context) -> None:
    m = _PROVIDERS.search(text(ctx))
    if m:
        ctx.error(
            "ApiVersion.Using.Providers",
            "providers().apiVersions is not permitted, use a literal apiVersion",
            offset=m.start(),
        )


RULE = Rule(
    name="providers_apiVersions-Is-Not-Permitted",
    group=TEMPLATE,
    description="The template does not use providers(...).apiVersions.",
    check=check,
    requires=("TemplateText",),
    error_ids=("ApiVersion.Using.Providers",),
    marketplace_warning=True,
)
