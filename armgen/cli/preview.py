"""``armgen preview``: the portal's wizard for a createUiDefinition, offline, as one HTML page.

A thin click shell over :mod:`armgen.preview.page`. SOURCE is a built-in offer's name (default:
the default offer, built from its model with the options ``armgen build`` takes), or a package
folder, a Marketplace zip or a createUiDefinition.json of anyone's.
"""

from __future__ import annotations

from pathlib import Path

import click

from armgen import jsonio
from armgen.cli.build import offer_options
from armgen.cli.common import emit, examples, output_option


@examples(
    ("The default offer's wizard, opened in your browser", "armgen preview --out preview/ --open"),
    ("A variant of a built-in offer", "armgen preview two-nic-appliance --variant standalone --zones none --out preview/"),
    ("The greenfield shape with ZPA's DNS resolver", "armgen preview --network new --zpa --out preview/"),
    ("Anyone's Marketplace package, with your own sample subscription",
     "armgen preview offer.zip --data my-subscription.json --out preview/"),
)
@click.command("preview")
@click.argument("source", required=False)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the page into (index.html).")
@click.option("--data", "data_file", type=click.Path(dir_okay=False),
              help="Sample answers from Azure (VNets, subnets, identities, sizes, regions; docs/preview.md). "
                   "Default: armgen's sample.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@offer_options
@output_option()
def preview(source: str | None, out_dir: str, data_file: str | None, open_page: bool, options_file: str | None,
            variant: str | None, zones: str | None, appliances_per_zone: int | None, nat: bool | None,
            name_prefix: str | None, network: str | None, zpa: bool | None, byo_nat: bool | None,
            workload_subnet: bool | None, bastion: bool | None, output: str) -> int:
    """Write an offline preview of an offer's wizard.

    SOURCE is a built-in offer (default cloud-connector), or a folder, zip or
    createUiDefinition.json. The preview is one HTML page that works from file://, evaluates the
    wizard as armgen's evaluator does, and downloads the parameters.json it produces."""
    from armgen.cli.build import offer_flags, offer_or_file
    from armgen.preview import page

    flags = offer_flags(variant, zones, appliances_per_zone, nat, name_prefix, network, zpa, byo_nat,
                        workload_subnet, bastion)
    src = offer_or_file(source, options_file, flags, page.from_offer, page.from_path, "package")
    data, data_label = page.load_data(data_file)
    target = Path(out_dir) / page.PAGE_NAME
    jsonio.write_atomic(target, page.render(src, data, data_label))
    counts = page.control_counts(src.uidef)
    extra = []
    if counts["approximated"]:
        extra.append(f"{counts['approximated']} approximated")
    if counts["placeholders"]:
        extra.append(f"{counts['placeholders']} not previewed")
    result = {"page": str(target), "source": src.label, "title": src.title, "data": data_label,
              "template": src.template is not None, **counts}
    emit(output, result, table=lambda: f"armgen preview: {src.label}: {counts['elements']} elements"
         f"{' (' + ', '.join(extra) + ')' if extra else ''}, answers from {data_label} -> {target}")
    if open_page:
        import webbrowser

        webbrowser.open(target.resolve().as_uri())
    return 0
