"""``armgen package`` and ``armgen inspect``: thin click shells over :mod:`armgen.package`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from armgen import jsonio
from armgen.build import blame_option
from armgen.cli.common import emit, examples, output_option
from armgen.errors import InputError
from armgen.package import GateError, Report, build_package, inspect_zip, iter_lines, offer_files, read_folder


def _report_json(report: Report, *, verbose: bool) -> dict[str, Any]:
    shown = [c for c in report.checks if verbose or c.severity != "note"]
    return {"errors": len(report.errors), "warnings": len(report.warnings),
            "checks": [dataclasses.asdict(c) for c in shown], "skipped": list(report.skipped)}


@examples(
    ("Package the built-in offer", "armgen package --version 1.0.0"),
    ("Package a build folder, checked against Azure's schemas too",
     "armgen package build/cloud-connector --version 1.2.0 --official ../schemas"),
    ("Package your own offer file, result as JSON", "armgen package ./my_offer.py --version 0.1.0 -o json"),
)
@click.command("package")
@click.argument("source", required=False, metavar="[OFFER|DIR]")
@click.option("--version", "version", required=True, metavar="X.Y.Z", help="Package version for Partner Center (integer.integer.integer).")
@click.option("--out", "out_dir", default="dist", show_default=True, type=click.Path(file_okay=False), help="Folder the zip is written to.")
@click.option("--option-file", "option_file", type=click.Path(dir_okay=False), help="Offer options (JSON) when building an offer.")
@click.option("--official", "official_dir", type=click.Path(file_okay=False, exists=True), help="Also check against Azure's official schemas in DIR.")
@click.option("--managed-app/--solution-template", "managed_app", default=None, help="Plan type (default: detect).")
@click.option("-v", "--verbose", is_flag=True, help="Also show notes (what was not checked, skipped files).")
@output_option(legacy=())
def package(source: str | None, version: str, out_dir: str, option_file: str | None, official_dir: str | None,
            managed_app: bool | None, verbose: bool, output: str) -> int:
    """Build the Marketplace zip of an offer or folder.

    Writes <offer>-<version>.zip from a built-in offer (default), an offer file or a folder.
    Nothing is written unless our schemas, `armgen lint --marketplace` and the Marketplace rules
    all pass on the zip's contents. The zip is byte-identical for the same inputs
    (SOURCE_DATE_EPOCH sets its timestamps).
    """
    is_offer_file = source is not None and source.lower().endswith(".py")
    if source is not None and Path(source).is_file() and not is_offer_file:
        hint = "; to check a package, use 'armgen inspect'" if source.lower().endswith(".zip") else ""
        raise InputError(f"a file: give a folder holding mainTemplate.json, or a built-in offer's name{hint}",
                         file=source)
    if source is not None and Path(source).is_dir() and not is_offer_file:
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
        blocked = exc.report
        emit(output, {"written": False, "report": _report_json(blocked, verbose=verbose)},
             "\n".join(blocked.lines(with_notes=verbose)))
        click.echo(f"armgen: package not written: {len(exc.report.errors)} error(s), {len(exc.report.warnings)} warning(s)", err=True)
        return 1

    def table() -> str:
        lines = result.report.lines(with_notes=verbose)
        if verbose and result.report.skipped:
            lines.append("left out of the package: " + ", ".join(result.report.skipped))
        lines.append(f"wrote {result.path} ({len(result.data)} bytes, sha256 {result.sha256}, "
                     f"{len(result.report.warnings)} warning(s))")
        return "\n".join(lines)

    emit(output, {"written": True, "path": str(result.path), "bytes": len(result.data), "sha256": result.sha256,
                  "report": _report_json(result.report, verbose=verbose)}, table)
    return 0


@examples(
    ("List a package and run the package checks on it", "armgen inspect dist/cloud-connector-1.0.0.zip"),
    ("As JSON, judged as version 1.0.1", "armgen inspect offer.zip --version 1.0.1 -o json"),
)
@click.command("inspect")
@click.argument("zip_path", metavar="ZIP", type=click.Path(dir_okay=False))
@click.option("--version", "version", metavar="X.Y.Z", help="Version the package will be published as (default: from the file name).")
@click.option("--official", "official_dir", type=click.Path(file_okay=False, exists=True), help="Also check against Azure's official schemas in DIR.")
@click.option("--managed-app/--solution-template", "managed_app", default=None, help="Plan type (default: detect).")
@click.option("-v", "--verbose", is_flag=True, help="Also show notes.")
@output_option(legacy=())
def inspect(zip_path: str, version: str | None, official_dir: str | None, managed_app: bool | None, verbose: bool,
            output: str) -> int:
    """List a package's files and run its checks.

    Each file's name, size and sha256, then the package checks (those 'armgen package' gates on)."""
    entries, report = inspect_zip(zip_path, version=version, managed_app=managed_app, official_dir=official_dir)

    def table() -> str:
        return "\n".join([*iter_lines(entries), *report.lines(with_notes=verbose),
                          f"{len(entries)} file(s), {len(report.errors)} error(s), {len(report.warnings)} warning(s)"])

    emit(output, {"files": [dataclasses.asdict(e) for e in entries], "report": _report_json(report, verbose=verbose)},
         table)
    return 1 if report.errors else 0
