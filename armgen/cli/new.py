"""``armgen new offer NAME``: start an offer of your own, outside armgen (see :mod:`armgen.scaffold`)."""

from __future__ import annotations

import click

from armgen.cli.common import emit, examples, output_option

_OFFER_EXAMPLES = (
    ("Write my_appliance.py and test_my_appliance.py here", "armgen new offer my-appliance"),
    ("Into another folder, the files written as JSON", "armgen new offer my-appliance --dir offers -o json"),
)


@examples(_OFFER_EXAMPLES[0])
@click.group("new")
def new() -> None:
    """Start something new from a working example."""


@examples(*_OFFER_EXAMPLES)
@new.command("offer")
@click.argument("name")
@click.option("--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the offer and its test into.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@output_option(legacy=())
def offer(name: str, folder: str, force: bool, output: str) -> None:
    """Write a starting offer and its test.

    The offer NAME is a Python file armgen builds as it is; its test runs with pytest."""
    from armgen.scaffold import write_offer

    written = write_offer(name, folder, force=force)
    module_file, test_file = written
    follow = f"pytest {test_file}; armgen build {module_file} --out build/{name}"
    emit(output, {"offer": str(module_file), "test": str(test_file), "next": follow},
         lambda: "".join(f"wrote {path}\n" for path in written) + f"next: {follow}")
