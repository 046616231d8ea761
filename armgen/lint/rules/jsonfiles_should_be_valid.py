"""JSONFiles-Should-Be-Valid: every .json/.jsonc file of the package must parse."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import ALL_FILES, Context, Rule


def check(ctx: Context) -> None:
    for shown, sf in ctx.folder_files:
        if sf.error is not None:
            ctx.error("Invalid.JSON", f"Could not import '{shown}': {sf.error}", file=shown)
        elif not ps.truthy(sf.data) and not isinstance(sf.data, dict):
            ctx.error("Invalid.JSON", f"Could not import '{shown}': the document is empty", file=shown)


RULE = Rule(
    name="JSONFiles-Should-Be-Valid",
    group=ALL_FILES,
    description="Every JSON file in the package can be read (comments and trailing commas allowed).",
    check=check,
    error_ids=("Invalid.JSON",),
)
