"""``armgen new offer NAME``: start an offer of your own, outside armgen (see :mod:`armgen.scaffold`)."""

from __future__ import annotations

import click

from armgen.cli.common import emit, examples, output_option


@examples(("Start an offer of your own", "armgen new offer my-appliance"))
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
@output_option(legacy=None)
def offer(name: str, folder: str, force: bool, output: str) -> None:
    """Write a starting offer file and its pytest test.

    The offer NAME is a Python file armgen builds as it is; the test passes as written."""
    from armgen.scaffold import write_offer

    module_file, test_file = written = write_offer(name, folder, force=force)
    emit(output, {"offer": str(module_file), "test": str(test_file)},
         lambda: "".join(f"wrote {path}\n" for path in written)
         + f"next: pytest {test_file}; armgen build {module_file} --out build/{name}\n")
