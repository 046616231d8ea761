"""JSONFiles-Should-Be-Valid: every .json/.jsonc file of the package must parse."""

from __future__ import annotations

from armgen.lint import ps
from armgen.lint.model import ALL_FILES, Context, Rule


def check(ctx: Context) -> None:
    # the finding's file is the shown name like every finding's; the message names the file
    # relative to the package root, so it is the same wherever the package sits on disk
    for shown, sf in ctx.folder_files:
        if sf.error is not None:
            ctx.error("Invalid.JSON", f"Could not import '{sf.rel}': {sf.error}", file=shown)
        elif not ps.truthy(sf.data) and not isinstance(sf.data, dict):
            ctx.error("Invalid.JSON", f"Could not import '{sf.rel}': the document is empty", file=shown)


RULE = Rule(
    name="JSONFiles-Should-Be-Valid",
    group=ALL_FILES,
    description="Every JSON file in the package can be read (comments and trailing commas allowed).",
    check=check,
    error_ids=("Invalid.JSON",),
)
