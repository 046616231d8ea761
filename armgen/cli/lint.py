"""``armgen lint``: the command line over :func:`armgen.lint.lint_path`.

Exit codes: 0 clean (warnings allowed), 1 when any error-severity finding, 2 for usage errors or
unreadable input (raised as InputError, printed by ``armgen.cli.main`` as one line).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from armgen.errors import InputError


@click.command("lint")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--marketplace", is_flag=True, help="Test-AzMarketplacePackage severities (15 tests only warn)."
)
@click.option(
    "--test", "tests", multiple=True, metavar="NAME", help="Run only this arm-ttk test (repeatable)."
)
@click.option("--skip", "skips", multiple=True, metavar="NAME", help="Skip this arm-ttk test (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True
)
@click.option(
    "--api-versions",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Provider apiVersions cache (arm-ttk's AllAzureResources.cache.json format).",
)
@click.option(
    "--test-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",  # click's default shows the strftime pattern, which users cannot type
    help="Judge apiVersions as of this date (default: today).",
)
@click.option(
    "--refresh-api-versions",
    is_flag=True,
    help="Write the apiVersions cache from a live subscription's providers list into the user cache.",
)
@click.option(
    "--subscription", envvar="AZURE_SUBSCRIPTION_ID", help="Subscription for --refresh-api-versions."
)
@click.option("--endpoint", help="Resource Manager URL for --refresh-api-versions (default: Azure public).")
def lint(
    path: Path | None,
    marketplace: bool,
    tests: tuple[str, ...],
    skips: tuple[str, ...],
    fmt: str,
    api_versions: Path | None,
    test_date: _dt.datetime | None,
    refresh_api_versions: bool,
    subscription: str | None,
    endpoint: str | None,
) -> int:
    """Check PATH (a package folder, a zip or one JSON file) with arm-ttk's tests."""
    if refresh_api_versions:
        from armgen.lint.apicache import load_cache, refresh

        if not subscription:
            raise InputError("--refresh-api-versions needs --subscription (or AZURE_SUBSCRIPTION_ID)")
        written = refresh(subscription, endpoint=endpoint)
        click.echo(f"wrote {written} ({len(load_cache(written))} resource types)", err=path is not None)
        if path is None:
            return 0
    if path is None:
        raise InputError("missing PATH (a package folder, a .zip or a .json file)")
    from armgen.lint import lint_path
    from armgen.lint.output import render_json, render_sarif, render_text
    from armgen.lint.rules import all_rules

    report = lint_path(
        path,
        marketplace=marketplace,
        tests=list(tests) or None,
        skip=list(skips) or None,
        api_versions=api_versions,
        test_date=test_date.date() if test_date else None,
    )
    if fmt == "json":
        out = render_json(report)
    elif fmt == "sarif":
        out = render_sarif(report, {r.name: r.description for r in all_rules()})
    else:
        out = render_text(report)
    click.echo(out, nl=False)
    return 1 if report.errors else 0
