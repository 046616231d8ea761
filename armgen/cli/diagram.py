"""``armgen diagram``: the deployment's topology as an SVG picture or a Mermaid flowchart.

A thin click shell over :mod:`armgen.diagram`. SOURCE is a built-in offer's name (default: the
default offer, built from its model with the same options ``armgen build`` takes), or a folder,
a Marketplace zip or a template file of anyone's.
"""

from __future__ import annotations

from pathlib import Path

import click

from armgen import jsonio
from armgen.cli.build import offer_options
from armgen.cli.common import emit, examples, output_option
from armgen.errors import InputError


@examples(
    ("The default offer as an SVG picture", "armgen diagram --out topology.svg"),
    ("A variant of a built-in offer, as a Mermaid flowchart",
     "armgen diagram two-nic-appliance --variant standalone --zones none --out topology.mmd"),
    ("A package's template with your parameter values, the summary as JSON",
     "armgen diagram dist/cloud-connector-1.0.0.zip --values parameters.json --out topology.svg -o json"),
)
@click.command("diagram")
@click.argument("source", required=False)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False),
              help="File to write (.svg or .mmd).")
@click.option("--format", "fmt", type=click.Choice(["svg", "mermaid"]), default=None,
              help="The drawing's format (default: from --out's extension, else svg); -o is the result's.")
@click.option("--values", "values_file", type=click.Path(dir_okay=False),
              help="Parameter values (JSON object or parameters file); others are drawn as ‹name›.")
@offer_options
@output_option(alias=False)
def diagram(source: str | None, out_file: str, fmt: str | None, values_file: str | None, options_file: str | None,
            variant: str | None, zones: str | None, appliances_per_zone: int | None, nat: bool | None,
            name_prefix: str | None, network: str | None, zpa: bool | None, byo_nat: bool | None,
            workload_subnet: bool | None, bastion: bool | None, output: str) -> int:
    """Draw a deployment's topology (SVG or Mermaid).

    SOURCE is a built-in offer (default cloud-connector), or a folder, zip or template file. The
    drawing shows the existing VNet and subnets, the appliances per zone with their NICs, the load
    balancer, NAT gateways, route tables, and the identity and Key Vault they read."""
    from armgen import params
    from armgen.cli.build import offer_flags, offer_or_file
    from armgen.diagram import mermaid, svg
    from armgen.diagram.source import from_offer, from_path
    from armgen.diagram.topology import topology

    flags = offer_flags(variant, zones, appliances_per_zone, nat, name_prefix, network, zpa, byo_nat,
                        workload_subnet, bastion)
    src = offer_or_file(source, options_file, flags, from_offer, from_path, "template")
    values = None  # checked by the one parameter checker (armgen.params), as for build --values
    if values_file is not None:
        checked = params.check(src.template, params.read_file(values_file), secrets="allow", require=False)
        values = params.plain_values(checked)
    try:
        topo = topology(src.template, values, title=src.title, subtitle=src.subtitle)
    except InputError as exc:  # an expression the evaluator refuses: say which input holds it
        exc.file = exc.file or (str(source) if source else None)
        raise
    kind = fmt or ("mermaid" if Path(out_file).suffix.lower() in (".mmd", ".mermaid", ".md") else "svg")
    text = mermaid.render(topo) if kind == "mermaid" else svg.render(topo)
    jsonio.write_atomic(out_file, text)
    result = {"source": src.label, "resources": len(topo.nodes), "relations": len(topo.edges), "file": out_file,
              "format": kind}
    emit(output, result, lambda: f"armgen diagram: {src.label}: {len(topo.nodes)} resources, "
         f"{len(topo.edges)} relations -> {out_file} ({kind})")
    return 0
