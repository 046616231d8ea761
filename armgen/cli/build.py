"""``armgen build`` and ``armgen offers``: click shells over :mod:`armgen.build`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from armgen import jsonio, params
from armgen.build import DEFAULT_OFFER, BuildResult, blame_option, build, resolve_options
from armgen.cli.common import emit, examples, output_option
from armgen.errors import InputError
from armgen.params import ParameterValues

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


def _load_values(path: str | None, sets: tuple[str, ...]) -> ParameterValues | None:
    """Parameter values from ``--values FILE`` (a JSON object, a parameters file, or a
    ``.bicepparam``) and ``--set NAME=VALUE`` flags, which override the file, in that order.

    A ``--set`` value is typed by the parameter's declared type, as ``az ... -p name=value`` is
    (see :mod:`armgen.params`); every value remembers its file and JSON path or its flag, so an
    error from the checker names what to fix.
    """
    if path is None and not sets:
        return None
    values = params.read_file(path) if path is not None else ParameterValues()
    for item in sets:
        jsonio.check_text(item, "--set")
        one = params.name_value(item, "--set")
        if one is None:
            raise InputError(f"--set expects NAME=VALUE, got {item!r}")
        values.update(one)
    return values


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


def offer_options(f: Any) -> Any:
    """The flags that shape a built-in offer when a command (diagram, preview) takes either an
    offer or a file: ``--options``, the common build flags and :func:`shape_options`. Their
    values go through :func:`offer_flags` to :func:`offer_or_file`, which refuses them for a file."""
    for opt in reversed((
        click.option("--options", "options_file", type=click.Path(dir_okay=False),
                     help="Build options file, for a built-in offer (schemas/options.schema.json)."),
        click.option("--variant", type=click.Choice(["ha", "standalone"]), help="Built-in offer: with or without the LB."),
        click.option("--zones", help="Built-in offer: comma-separated zones, e.g. 1,2 ('none' for an availability set)."),
        click.option("--appliances-per-zone", type=int, help="Built-in offer: appliances in each zone."),
        click.option("--nat/--no-nat", "nat", default=None, help="Built-in offer: a NAT gateway per zone."),
        click.option("--name-prefix", help="Built-in offer: prefix of every resource name."),
        shape_options,
    )):
        f = opt(f)
    return f


def offer_flags(variant: str | None, zones: str | None, appliances_per_zone: int | None, nat: bool | None,
                name_prefix: str | None, network: str | None, zpa: bool | None, byo_nat: bool | None,
                workload_subnet: bool | None, bastion: bool | None) -> dict[str, Any]:
    """:func:`offer_options`' values as build options (None where a flag was not given)."""
    return {"variant": variant, "zones": _parse_zones(zones), "appliancesPerZone": appliances_per_zone,
            "natGateway": nat, "namePrefix": name_prefix,
            **shape_flags(network, zpa, byo_nat, workload_subnet, bastion)}


def shape_flags(network: str | None, zpa: bool | None, byo_nat: bool | None, workload_subnet: bool | None,
                bastion: bool | None) -> dict[str, Any]:
    return {"network": network, "zpa": zpa, "byoNatGateway": byo_nat, "workloadSubnet": workload_subnet,
            "bastion": bastion}


def offer_or_file(source: str | None, options_file: str | None, flags: dict[str, Any], load_offer: Any,
                  load_path: Any, file_kind: str) -> Any:
    """What diagram and preview draw: SOURCE as a built-in offer (default cloud-connector) built
    with the shape flags and ``--options``, through ``load_offer(name, options)``; or a file or
    folder through ``load_path(path)``, where the offer's flags mean nothing and are refused (an
    InputError naming them) rather than silently ignored."""
    from armgen.build import DEFAULT_OFFER, FLAG_NAMES, blame_option, resolve_options
    from armgen.offers import OFFERS

    if source is None or (source in OFFERS and not Path(source).exists()):
        name = source or DEFAULT_OFFER
        options = resolve_options(name, _load_options_file(options_file), {"offer": source, **flags},
                                  source=options_file or "<options>")
        try:
            return load_offer(options.get("offer", name), {k: v for k, v in options.items() if k != "offer"})
        except InputError as exc:
            raise blame_option(exc, flags, options_file) from None
    given = [FLAG_NAMES[k] for k, v in flags.items() if v is not None] + (["--options"] if options_file else [])
    if given:
        raise InputError(f"{', '.join(given)} only apply to a built-in offer, not to a {file_kind}", file=source)
    return load_path(str(source))


@examples(
    ("Build the built-in offer into out/", "armgen build --out out/"),
    ("Three zones, one appliance each, with parameter values for az/armgen what-if",
     "armgen build --out out/ --zones 1,2,3 --appliances-per-zone 1 --values my-values.json --set vmSize=Standard_D2ds_v5"),
    ("Your own offer, from a file or an installed package", "armgen build ./my_offer.py --out out/my-offer"),
    ("Fail (exit 1) when the checked-in files are not what a fresh build writes",
     "armgen build --out createUiDefinition/cloud-connector --check"),
)
@click.command("build")
@click.argument("offer", required=False, metavar="[OFFER]")
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
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="A parameter value, typed by the parameter's type (repeatable; overrides --values).")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 when a file in OUT differs from what this build would write.")
@output_option(legacy=())
def build_command(offer: str | None, out_dir: str, options_file: str | None, variant: str | None, zones: str | None,
                  appliances_per_zone: int | None, nat: bool | None, name_prefix: str | None,
                  tracking_guid: str | None, network: str | None, zpa: bool | None, byo_nat: bool | None,
                  workload_subnet: bool | None, bastion: bool | None, values_file: str | None,
                  sets: tuple[str, ...], check: bool, output: str) -> int:
    """Build an offer: template, UI definition, Bicep.

    Writes mainTemplate.json, createUiDefinition.json and main.bicep into OUT. OFFER is a built-in offer's name (default: cloud-connector; see 'armgen offers'), a Python
    file (my_offer.py, its OFFER), module:NAME, or an installed package's offer (entry point
    group armgen.offers). The cloud-connector offer's shape: --network new (greenfield starter),
    --zpa (DNS forwarding for ZPA), --byo-nat (existing NAT gateways)."""
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
    values = _load_values(values_file, sets)
    try:
        result = build(options, values, values_file or "--set")
    except InputError as exc:
        raise blame_option(exc, flags, options_file) from None
    out = Path(out_dir)
    if check:
        return _check(result, out, output)
    jsonio.write_all_atomic({out / name: text for name, text in result.files.items()})
    elapsed = time.perf_counter() - started
    data = {"offer": result.offer, "options": result.options, "out": str(out),
            "files": [str(out / name) for name in result.files], "bicepChecked": result.bicep_checked}
    emit(output, data, lambda: _summary(result, out, elapsed))
    return 0


def _check(result: BuildResult, out: Path, output: str) -> int:
    """``--check``: the files in ``out`` against a fresh build (for pre-commit and CI)."""
    stale: list[dict[str, str]] = []
    for name, text in result.files.items():
        path = out / name
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            stale.append({"file": str(path), "problem": "missing"})
            continue
        except (OSError, UnicodeDecodeError) as exc:
            stale.append({"file": str(path), "problem": f"unreadable ({exc})"})
            continue
        if current != text:
            stale.append({"file": str(path), "problem": "differs from a fresh build"})
    lines = [f"{s['file']}: {s['problem']}" for s in stale]
    verdict = (f"armgen build --check: {len(stale)} of {len(result.files)} file(s) out of date; "
               f"rebuild with the same options without --check" if stale
               else f"armgen build --check: {len(result.files)} file(s) in {out} are up to date")
    emit(output, {"upToDate": not stale, "files": [str(out / n) for n in result.files], "stale": stale},
         lambda: "\n".join([*lines, verdict]))
    return 1 if stale else 0


def _summary(result: BuildResult, out: Path, elapsed: float) -> str:
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
    return "\n".join(lines)


@examples(
    ("List the offers armgen can build", "armgen offers"),
    ("The same as JSON", "armgen offers -o json"),
)
@click.command()
@output_option(legacy=())
def offers(output: str) -> None:
    """List the offers armgen can build.

    The built-in ones and those installed packages register (entry point group armgen.offers).
    A file or module:NAME is built without being listed."""
    from armgen.offers import all_offers

    rows = [{"name": name, "description": desc, "source": source, "default": name == DEFAULT_OFFER}
            for name, desc, source in all_offers()]

    def table() -> str:
        return "\n".join(f"{r['name']}{' (default)' if r['default'] else ''}: {r['description']}"
                         + ("" if r["source"] == "built-in" else f" [{r['source']}]") for r in rows)

    emit(output, rows, table)
