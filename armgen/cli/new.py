"""``armgen new offer NAME``: start an offer of your own, outside armgen (see :mod:`armgen.scaffold`)."""

from __future__ import annotations

import click

from armgen.cli.common import examples


@click.group("new")
def new() -> None:
    """Start something new from a working example."""


@examples(
    ("Write my_appliance.py and test_my_appliance.py here", "armgen new offer my-appliance"),
    ("Into another folder, then build it", "armgen new offer my-appliance --dir offers"),
)
@new.command("offer")
@click.argument("name")
@click.option("--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the offer and its test into.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def offer(name: str, folder: str, force: bool) -> None:
    """Write a starting offer NAME (a Python file armgen builds as it is) and its pytest test."""
    from armgen.scaffold import write_offer

    written = write_offer(name, folder, force=force)
    for path in written:
        click.echo(f"wrote {path}")
    module_file, test_file = written
    click.echo(f"next: pytest {test_file}; armgen build {module_file} --out build/{name}")
