"""``armgen validate PATH... [--official DIR]``: our schemas, and optionally Azure's official ones.

Our schemas (:mod:`armgen.checks.schemas`) are strict: closed objects catch misspelled properties.
Azure's official schemas (:mod:`armgen.checks.official`) are the source of truth for types, enum
values and required properties. Running both on the same files gives the widest net; each
problem is one line ``file: path: message``. Several paths are taken at once so a pre-commit
hook can pass the files it matched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from armgen.cli.common import emit, examples, output_option
from armgen.errors import InputError

KNOWN_NAMES = "mainTemplate.json, azuredeploy.json, createUiDefinition.json, *.parameters.json, *.options.json"


@examples(
    ("Validate a build folder against our schemas", "armgen validate build/cloud-connector"),
    ("Also against Azure's published schemas, notes shown",
     "armgen validate build/cloud-connector/mainTemplate.json --official ../schemas -v"),
    ("Several files, problems as JSON", "armgen validate mainTemplate.json createUiDefinition.json -o json"),
)
@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--official", "official_dir", type=click.Path(), metavar="DIR",
              help="Also validate against Azure's official schemas in DIR (laid out like schema.management.azure.com/schemas).")
@click.option("-v", "--verbose", is_flag=True, help="Also show notes (types and controls the official schemas do not cover).")
@output_option(legacy=())
def validate(paths: tuple[str, ...], official_dir: str | None, verbose: bool, output: str) -> int:
    """Validate ARM files against the schemas.

    Checks the ARM files under each PATH (a folder or one file) against armgen's schemas, and with
    --official against Azure's too. Exit 1 when there are problems."""
    from armgen.checks.schemas import detect_kind, validate_folder
    from armgen.jsonio import load_json

    for path in paths:
        if not Path(path).exists():
            raise InputError("no such file or folder", file=path)
    if official_dir is not None and not Path(official_dir).is_dir():
        raise InputError("not a folder of official schemas", file=official_dir, path="--official")
    for path in paths:
        if Path(path).is_file() and detect_kind(load_json(path), path) is None:  # load_json: one line if not JSON
            raise InputError(f"not a template, parameters, createUiDefinition or options file: no known $schema, "
                             f"and the name is none of {KNOWN_NAMES}", file=path)
    checked: list[str] = []
    found: list[dict[str, Any]] = []
    for path in paths:
        before = len(checked)
        found += [{"source": "schema", "severity": "error", "file": p.file, "path": p.path, "message": p.message}
                  for p in validate_folder(path, checked)]
        if len(checked) == before:
            raise InputError(f"no template, parameters, createUiDefinition or options file here (a known $schema, "
                             f"or a name like {KNOWN_NAMES})", file=path)
    if official_dir is not None:
        from armgen.checks import official

        for path in paths:
            found += [{"source": "official", "severity": p.severity, "file": p.file, "path": p.path,
                       "message": p.message} for p in official.validate_path(path, official_dir)]
    errors = [f for f in found if f["severity"] == "error"]
    notes = [f for f in found if f["severity"] != "error"]

    def table() -> str:
        lines = []
        for f in found:
            tag = " [official]" if f["source"] == "official" else ""
            line = f"{f['file']}: {f['path']}: {f['message']}{tag}"
            if f["severity"] == "error":
                lines.append(line)
            elif verbose:
                lines.append(f"note: {line}")
        return "\n".join(lines)

    emit(output, {"checked": checked, "problems": errors, "notes": notes}, table)
    if output == "table":
        summary = f"{len(errors)} problem(s)"
        if notes and not verbose:
            summary += f", {len(notes)} note(s) (-v to show)"
        click.echo(summary, err=True)
    return 1 if errors else 0
