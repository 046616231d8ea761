"""``armgen package`` and ``armgen inspect``: thin click shells over :mod:`armgen.package`."""

from __future__ import annotations

from pathlib import Path

import click

from armgen import jsonio
from armgen.build import blame_option
from armgen.errors import InputError
from armgen.package import GateError, Report, build_package, inspect_zip, iter_lines, offer_files, read_folder


def _print_report(report: Report, *, verbose: bool) -> None:
    for line in report.lines(with_notes=verbose):
        click.echo(line)


@click.command("package")
@click.argument("source", required=False, metavar="[OFFER|DIR]")
@click.option("--version", "version", required=True, metavar="X.Y.Z", help="Package version for Partner Center (integer.integer.integer).")
@click.option("--out", "out_dir", default="dist", show_default=True, type=click.Path(file_okay=False), help="Folder the zip is written to.")
@click.option("--option-file", "option_file", type=click.Path(dir_okay=False), help="Offer options (JSON) when building an offer.")
@click.option("--official", "official_dir", type=click.Path(file_okay=False, exists=True), help="Also check against Azure's official schemas in DIR.")
@click.option("--managed-app/--solution-template", "managed_app", default=None, help="Plan type (default: detect).")
@click.option("-v", "--verbose", is_flag=True, help="Also show notes (what was not checked, skipped files).")
def package(source: str | None, version: str, out_dir: str, option_file: str | None, official_dir: str | None,
            managed_app: bool | None, verbose: bool) -> int:
    """Build the Marketplace zip <offer>-<version>.zip from a built-in offer (default) or a folder.

    Nothing is written unless our schemas, `armgen lint --marketplace` and the Marketplace rules
    all pass on the zip's contents. The zip is byte-identical for the same inputs
    (SOURCE_DATE_EPOCH sets its timestamps).
    """
    if source is not None and Path(source).is_file():
        hint = "; to check a package, use 'armgen inspect'" if source.lower().endswith(".zip") else ""
        raise InputError(f"a file: give a folder holding mainTemplate.json, or a built-in offer's name{hint}",
                         file=source)
    if source is not None and Path(source).is_dir():
        if option_file:
            raise InputError("--option-file applies to a built-in offer, not to a folder", file=source)
        files = read_folder(source)
        offer = Path(source).resolve().name
    else:
        options = None
        if option_file:
            options = jsonio.load_json(option_file)
            if not isinstance(options, dict):
                raise InputError("an options file holds a JSON object", file=option_file, path="$")
        try:
            offer, files = offer_files(source, options)
        except InputError as exc:  # name the file the user has to fix
            raise blame_option(exc, {}, option_file) from None
    try:
        result = build_package(files, offer, version, out_dir=out_dir, managed_app=managed_app, official_dir=official_dir)
    except GateError as exc:
        _print_report(exc.report, verbose=verbose)
        click.echo(f"armgen: package not written: {len(exc.report.errors)} error(s), {len(exc.report.warnings)} warning(s)", err=True)
        return 1
    _print_report(result.report, verbose=verbose)
    if verbose and result.report.skipped:
        click.echo("left out of the package: " + ", ".join(result.report.skipped))
    click.echo(f"wrote {result.path} ({len(result.data)} bytes, sha256 {result.sha256}, {len(result.report.warnings)} warning(s))")
    return 0


@click.command("inspect")
@click.argument("zip_path", metavar="ZIP", type=click.Path(dir_okay=False))
@click.option("--version", "version", metavar="X.Y.Z", help="Version the package will be published as (default: from the file name).")
@click.option("--official", "official_dir", type=click.Path(file_okay=False, exists=True), help="Also check against Azure's official schemas in DIR.")
@click.option("--managed-app/--solution-template", "managed_app", default=None, help="Plan type (default: detect).")
@click.option("-v", "--verbose", is_flag=True, help="Also show notes.")
def inspect(zip_path: str, version: str | None, official_dir: str | None, managed_app: bool | None, verbose: bool) -> int:
    """List a package's contents (name, size, sha256) and run the package checks on it."""
    entries, report = inspect_zip(zip_path, version=version, managed_app=managed_app, official_dir=official_dir)
    for line in iter_lines(entries):
        click.echo(line)
    _print_report(report, verbose=verbose)
    click.echo(f"{len(entries)} file(s), {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return 1 if report.errors else 0
