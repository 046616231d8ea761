"""``armgen lint``: the command line over :func:`armgen.lint.lint_many`.

Exit codes: 0 clean (warnings allowed), 1 when any package has an error-severity finding, 2 for
usage errors or unreadable input (raised as InputError, printed by ``armgen.cli.main`` as one line).
"""

from __future__ import annotations

import datetime as _dt
import gc
from pathlib import Path
from typing import TYPE_CHECKING

import click

from armgen.cli.common import emit, examples, output_option
from armgen.errors import InputError

if TYPE_CHECKING:
    from armgen.lint.model import Rule


def _zip_sources(values: tuple[str, ...], zips: list[Path]) -> dict[str, Path]:
    """``--zip-source [ZIP=]DIR`` values as {zip: folder}; a bare DIR needs exactly one zip input."""
    out: dict[str, Path] = {}
    for value in values:
        if "=" in value:
            zip_name, folder = value.split("=", 1)
            out[zip_name] = Path(folder)
        elif len(zips) == 1:
            out[str(zips[0])] = Path(value)
        else:
            raise InputError(f"--zip-source {value}: give ZIP=DIR when linting {len(zips)} zips")
    for folder in out.values():
        if not folder.is_dir():
            raise InputError("--zip-source: not a folder", file=str(folder))
    return out


@examples(
    ("Lint a build folder", "armgen lint build/cloud-connector"),
    ("A Marketplace zip with Partner Center's severities, as JSON",
     "armgen lint dist/cloud-connector-1.0.0.zip --marketplace -o json"),
    ("Every package under a folder, 4 at a time, as SARIF for code scanning",
     "armgen lint offers/ -j 4 -o sarif --sarif-root ."),
    ("Only two tests", "armgen lint mainTemplate.json --test apiVersions-Should-Be-Recent --test Location-Should-Not-Be-Hardcoded"),
)
@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option(
    "--marketplace", is_flag=True, help="Test-AzMarketplacePackage severities (15 tests only warn)."
)
@click.option(
    "--test", "tests", multiple=True, metavar="NAME", help="Run only this arm-ttk test (repeatable)."
)
@click.option("--skip", "skips", multiple=True, metavar="NAME", help="Skip this arm-ttk test (repeatable).")
@output_option(legacy=("text", "json", "sarif"), extra=("sarif",))
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
    help="Lint packages in this many worker processes.",
)
@click.option(
    "--sarif-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="SARIF artifact URIs are relative to this folder (your repository's root).",
)
@click.option(
    "--zip-source",
    "zip_sources",
    multiple=True,
    metavar="[ZIP=]DIR",
    help="The folder a linted zip was packaged from: SARIF points at its files instead of the zip.",
)
@click.option(
    "--api-versions",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Provider apiVersions cache (arm-ttk's AllAzureResources.cache.json format); default: the "
    "--refresh-api-versions user cache, else the one shipped with armgen.",
)
@click.option(
    "--test-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",  # click's default shows the strftime pattern, which users cannot type
    help="Judge apiVersions as of this date (default: the cache's date; today for --api-versions).",
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
    paths: tuple[Path, ...],
    marketplace: bool,
    tests: tuple[str, ...],
    skips: tuple[str, ...],
    output: str,
    jobs: int,
    sarif_root: Path,
    zip_sources: tuple[str, ...],
    api_versions: Path | None,
    test_date: _dt.datetime | None,
    refresh_api_versions: bool,
    subscription: str | None,
    endpoint: str | None,
) -> int:
    """Check packages with arm-ttk's tests.

    Each PATH is a package folder, a .zip, a JSON file, or a folder searched for packages
    (folders holding createUiDefinition.json or a main template), each package linted on its
    own. -o sarif (or --format sarif) writes SARIF 2.1.0 for code scanning."""
    if refresh_api_versions:
        from armgen.lint.apicache import load_cache, refresh

        if not subscription:
            raise InputError("--refresh-api-versions needs --subscription (or AZURE_SUBSCRIPTION_ID)")
        written = refresh(subscription, endpoint=endpoint)
        types = len(load_cache(written))
        line = f"wrote {written} ({types} resource types)"
        if paths:  # the lint's result is what goes to stdout
            click.echo(line, err=True)
        else:
            emit(output, {"apiVersionsCache": str(written), "resourceTypes": types}, line)
            return 0
    if not paths:
        raise InputError("missing PATH (a package folder, a .zip, a .json file or a folder of packages)")
    from armgen.lint.engine import select_rules
    from armgen.lint.rules import all_rules

    rules = select_rules(list(all_rules()), list(tests) or None, list(skips) or None)  # bad names: exit 2 now
    # a lint run allocates millions of short-lived tuples while long-lived indexes and parsed
    # templates sit in memory: move what is loaded so far out of the collector's sight and collect
    # the youngest generation less often (about a tenth less CPU on the corpus, a few MiB more)
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20000, 50, 50)
    try:
        return _run(paths, rules, output, jobs, sarif_root, zip_sources, marketplace, tests, skips,
                    api_versions, test_date)
    finally:  # as it was, for a caller that goes on (tests call the command in-process)
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _run(
    paths: tuple[Path, ...],
    rules: list[Rule],
    output: str,
    jobs: int,
    sarif_root: Path,
    zip_sources: tuple[str, ...],
    marketplace: bool,
    tests: tuple[str, ...],
    skips: tuple[str, ...],
    api_versions: Path | None,
    test_date: _dt.datetime | None,
) -> int:
    from armgen.lint import lint_many, lint_targets
    from armgen.lint.output import render_json, render_sarif, render_text

    targets = lint_targets(paths)
    zips = [t.path for t in targets if t.path.suffix.lower() == ".zip"]
    sources = _zip_sources(zip_sources, zips)
    reports = lint_many(
        targets,
        jobs=jobs,
        marketplace=marketplace,
        tests=list(tests) or None,
        skip=list(skips) or None,
        api_versions=api_versions,
        test_date=test_date.date() if test_date else None,
    )
    if output == "sarif":  # lint's own output, beside the four every command has
        click.echo(render_sarif(reports, rules, root=sarif_root, zip_sources=sources), nl=False)
    else:  # -o json prints render_json's text, byte for byte what --format json always printed
        emit(output, None, lambda: render_text(reports), json_text=lambda: render_json(reports))
    return 1 if any(r.errors for r in reports) else 0
