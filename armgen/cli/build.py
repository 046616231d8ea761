"""``armgen build`` and ``armgen offers``: click shells over :mod:`armgen.build`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from armgen import jsonio
from armgen.build import DEFAULT_OFFER, BuildResult, blame_option, build, resolve_options
from armgen.errors import InputError, json_path

# --- click commands ---------------------------------------------------------------------------


def _load_options_file(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    doc = jsonio.load_json(path)
    if not isinstance(doc, dict):
        raise InputError("an options file holds a JSON object", file=path, path="$")
    return doc


def _parse_zones(value: str | None) -> list[str] | None:
    if value is None:
        return None
    if value.strip().lower() in ("", "none"):
        return []
    zones = [z.strip() for z in value.split(",") if z.strip()]
    if not zones:  # a stray comma must not silently mean "no zones" (an availability set)
        raise InputError(f"{value!r} names no zone; give e.g. 1,2 (or 'none' for an availability set)",
                         file="--zones")
    return zones


def _load_values(path: str | None, sets: tuple[str, ...]) -> tuple[dict[str, Any] | None, str, dict[str, str]]:
    """Parameter values from a JSON file (plain ``{name: value}`` or a parameters file) and
    ``--set name=value`` flags (value parsed as JSON when it is JSON, else taken as a string).

    Also returns where each value came from, so an error names the file or ``--set``; a
    ``--set`` overrides the file's value of the same name in any case (ARM names ignore case).
    """
    if path is None and not sets:
        return None, "<values>", {}
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    source = path or "--set"
    if path is not None:
        doc = jsonio.load_json(path)
        if not isinstance(doc, dict):
            raise InputError("a values file holds a JSON object", file=path, path="$")
        if "parameters" in doc and isinstance(doc["parameters"], dict):
            for name, entry in doc["parameters"].items():
                if not isinstance(entry, dict) or not ({"value"} <= set(entry) or "reference" in entry):
                    raise InputError("expected {\"value\": ...} or {\"reference\": ...}",
                                     file=path, path=json_path(["parameters", name]))
                values[name] = entry["value"] if "value" in entry else {"reference": entry["reference"]}
        else:
            values.update(doc)
    for item in sets:
        jsonio.check_text(item, "--set")
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise InputError(f"--set expects name=value, got {item!r}")
        for old in [k for k in values if k.lower() == name.lower()]:
            del values[old]
        try:
            values[name] = jsonio.parse_json(text, "--set")
        except InputError as exc:
            if exc.path:  # JSON, but with an unpaired surrogate escape: not a value to write
                raise InputError(exc.message, file="--set", path=json_path([name]) + exc.path[1:]) from None
            values[name] = text  # not JSON (or NaN/huge numbers JSON does not have): the text itself
        origins[name] = "--set"
    return values, source, origins


def shape_options(f: Any) -> Any:
    """The deployment-shape flags of the built-in cloud-connector offer (``armgen build`` and
    ``armgen diagram`` take the same): greenfield or brownfield, ZPA, bring-your-own NAT."""
    for opt in reversed((
        click.option("--network", type=click.Choice(["existing", "new"]),
                     help="existing: into the customer's VNet (default); new: the template creates the VNet."),
        click.option("--zpa/--no-zpa", "zpa", default=None,
                     help="Azure DNS Private Resolver forwarding ZPA application domains to the appliances."),
        click.option("--byo-nat/--no-byo-nat", "byo_nat", default=None,
                     help="Let the deployer choose existing NAT gateways instead of creating them."),
        click.option("--workload-subnet/--no-workload-subnet", "workload_subnet", default=None,
                     help="--network new: a workload subnet on the workload route table (for testing)."),
        click.option("--bastion/--no-bastion", "bastion", default=None,
                     help="--network new: a small SSH-key-only management host with a public IP."),
    )):
        f = opt(f)
    return f


def shape_flags(network: str | None, zpa: bool | None, byo_nat: bool | None, workload_subnet: bool | None,
                bastion: bool | None) -> dict[str, Any]:
    return {"network": network, "zpa": zpa, "byoNatGateway": byo_nat, "workloadSubnet": workload_subnet,
            "bastion": bastion}


@click.command("build")
@click.argument("offer", required=False)
@click.option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write mainTemplate.json, createUiDefinition.json and main.bicep into.")
@click.option("--options", "options_file", type=click.Path(dir_okay=False),
              help="Build options file (schemas/options.schema.json).")
@click.option("--variant", type=click.Choice(["ha", "standalone"]), help="With or without the load balancer.")
@click.option("--zones", help="Comma-separated availability zones, e.g. 1,2 ('none' for an availability set).")
@click.option("--appliances-per-zone", type=int, help="Appliances in each zone.")
@click.option("--nat/--no-nat", "nat", default=None, help="Create a NAT gateway per zone.")
@click.option("--name-prefix", help="Prefix of every resource name.")
@click.option("--tracking-guid", help="Your Partner Center plan's GUID (the pid-<GUID>-partnercenter deployment).")
@shape_options
@click.option("--values", "values_file", type=click.Path(dir_okay=False),
              help="Parameter values (JSON object or parameters file): also write parameters.json "
                   "and parameters.bicepparam.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
def build_command(offer: str | None, out_dir: str, options_file: str | None, variant: str | None, zones: str | None,
              appliances_per_zone: int | None, nat: bool | None, name_prefix: str | None,
              tracking_guid: str | None, network: str | None, zpa: bool | None, byo_nat: bool | None,
              workload_subnet: bool | None, bastion: bool | None, values_file: str | None,
              sets: tuple[str, ...]) -> int:
    """Build an offer (default: cloud-connector) into OUT: template, UI definition and Bicep."""
    started = time.perf_counter()
    for flag, value in (("OFFER", offer), ("--zones", zones), ("--name-prefix", name_prefix),
                        ("--tracking-guid", tracking_guid)):
        if value is not None:
            jsonio.check_text(value, flag)
    flags = {
        "offer": offer,
        "variant": variant,
        "zones": _parse_zones(zones),
        "appliancesPerZone": appliances_per_zone,
        "natGateway": nat,
        "namePrefix": name_prefix,
        "trackingGuid": tracking_guid,
        **shape_flags(network, zpa, byo_nat, workload_subnet, bastion),
    }
    file_options = _load_options_file(options_file)
    options = resolve_options(offer or DEFAULT_OFFER, file_options, flags, source=options_file or "<options>")
    values, source, origins = _load_values(values_file, sets)
    try:
        result = build(options, values, source, origins)
    except InputError as exc:
        raise blame_option(exc, flags, options_file) from None
    out = Path(out_dir)
    jsonio.write_all_atomic({out / name: text for name, text in result.files.items()})
    elapsed = time.perf_counter() - started
    _summary(result, out, elapsed)
    return 0


def _summary(result: BuildResult, out: Path, elapsed: float) -> None:
    t = result.template
    types: dict[str, str] = {}
    for r in t["resources"]:
        count = r.get("copy", {}).get("count", 1)
        short = r["type"].split("/")[-1]
        # a copy count given as an expression is only known at deploy time
        prev = types.get(short, "0")
        types[short] = str(int(prev) + count) if isinstance(count, int) and prev.isdigit() else "n"
    opts = " ".join(f"{k}={(','.join(v) or 'none') if isinstance(v, list) else v}" for k, v in sorted(result.options.items()))
    lines = [
        f"armgen build: {result.offer} ({opts})",
        f"  parameters {len(t['parameters'])}, resource declarations {len(t['resources'])} "
        f"({', '.join(f'{n} {k}' for k, n in sorted(types.items()))}), outputs {len(t['outputs'])}",
        "  validated: mainTemplate.json, createUiDefinition.json against schemas/; main.bicep "
        + ("parsed by tree-sitter-bicep" if result.bicep_checked else "not syntax-checked (tree-sitter-bicep absent)"),
    ]
    for name in result.files:
        lines.append(f"  wrote {out / name}")
    lines.append(f"  in {elapsed * 1000:.0f} ms")
    click.echo("\n".join(lines))


@click.command()
def offers() -> None:
    """List the built-in offers."""
    from armgen.offers import OFFERS

    for name, offer in sorted(OFFERS.items()):
        marker = " (default)" if name == DEFAULT_OFFER else ""
        click.echo(f"{name}{marker}: {offer.description}")
