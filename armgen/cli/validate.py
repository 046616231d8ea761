"""``armgen validate PATH [--official DIR]``: our schemas, and optionally Azure's official ones.

Our schemas (:mod:`armgen.checks.schemas`) are strict: closed objects catch misspelled properties.
Azure's official schemas (:mod:`armgen.checks.official`) are the source of truth for types, enum
values and required properties. Running both on the same files gives the widest net; each
problem is one line ``file: path: message``.
"""

from __future__ import annotations

from pathlib import Path

import click

from armgen.errors import InputError

KNOWN_NAMES = "mainTemplate.json, azuredeploy.json, createUiDefinition.json, *.parameters.json, *.options.json"


@click.command("validate")
@click.argument("path", type=click.Path())
@click.option("--official", "official_dir", type=click.Path(), metavar="DIR",
              help="Also validate against Azure's official schemas in DIR (laid out like schema.management.azure.com/schemas).")
@click.option("-v", "--verbose", is_flag=True, help="Also show notes (types and controls the official schemas do not cover).")
def validate(path: str, official_dir: str | None, verbose: bool) -> int:
    """Validate the ARM files under PATH (a folder or one file). Exit 1 when there are problems."""
    if not Path(path).exists():
        raise InputError("no such file or folder", file=path)
    if official_dir is not None and not Path(official_dir).is_dir():
        raise InputError("not a folder of official schemas", file=official_dir, path="--official")
    errors = 0
    from armgen.checks.schemas import detect_kind, validate_folder
    from armgen.jsonio import load_json

    if Path(path).is_file() and detect_kind(load_json(path), path) is None:  # load_json: one line if not JSON
        raise InputError(f"not a template, parameters, createUiDefinition or options file: no known $schema, "
                         f"and the name is none of {KNOWN_NAMES}", file=path)
    checked: list[str] = []
    problems = validate_folder(path, checked)
    if not checked:
        raise InputError(f"no template, parameters, createUiDefinition or options file here (a known $schema, "
                         f"or a name like {KNOWN_NAMES})", file=path)
    for problem in problems:
        click.echo(str(problem))
        errors += 1
    notes = 0
    if official_dir is not None:
        from armgen.checks import official

        for p in official.validate_path(path, official_dir):
            if p.severity == "error":
                click.echo(f"{p} [official]")
                errors += 1
            else:
                notes += 1
                if verbose:
                    click.echo(f"note: {p} [official]")
    summary = f"{errors} problem(s)"
    if notes and not verbose:
        summary += f", {notes} note(s) (-v to show)"
    click.echo(summary, err=True)
    return 1 if errors else 0
