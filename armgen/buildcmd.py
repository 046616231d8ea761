"""``armgen build``: an offer's model to mainTemplate.json, createUiDefinition.json and Bicep.

Everything is produced in memory first and validated against our schemas; only then are the
files written, each atomically, so a failed build never leaves a half-written folder.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from armgen import jsonio
from armgen.errors import InputError, json_path

DEFAULT_OFFER = "cloud-connector"
PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


@dataclass
class BuildResult:
    """The files of one build, keyed by their path relative to the output folder."""

    offer: str
    options: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    template: dict[str, Any] = field(default_factory=dict)
    bicep_checked: bool | None = None


# --- options ----------------------------------------------------------------------------------


def resolve_options(offer_name: str, file_options: dict[str, Any] | None, flags: dict[str, Any],
                    source: str = "<options>") -> dict[str, Any]:
    """Merge an options file and command-line flags (flags win) and validate the result.

    Options are checked against ``schemas/options.schema.json`` so an unknown or misspelled key
    is a one-line error naming the file and the JSON path, not a silently ignored setting.
    """
    from armgen.validate import validate_document

    merged: dict[str, Any] = dict(file_options or {})
    if "offer" in merged and merged["offer"] != offer_name and flags.get("offer") is None:
        offer_name = merged["offer"]
    merged.update({k: v for k, v in flags.items() if v is not None})
    merged.setdefault("offer", offer_name)
    problems = validate_document(merged, "options", file=source)
    if problems:
        p = problems[0]
        top = re.match(r"^\$\.(\w+)", p.path or "")
        key = top.group(1) if top else None
        # a value that came from a flag is blamed on the flag, not on a file the user never wrote
        blame = FLAG_NAMES.get(key, p.file) if key and flags.get(key) is not None else p.file
        raise InputError(p.message, file=blame, path=p.path)
    return merged


def blame_option(exc: InputError, flags: dict[str, Any], options_file: str | None) -> InputError:
    """``exc`` naming where an option came from, when an offer refused it without saying so.

    An offer checks its options after the schema did (e.g. ``1.0`` is a JSON Schema integer but
    not a count) and knows no file; the user needs the flag or the options file to fix.
    """
    if exc.file not in (None, "<options>") or not exc.path:
        return exc
    top = re.match(r"^\$\.(\w+)", exc.path)
    key = top.group(1) if top else None
    if key and flags.get(key) is not None:
        return InputError(exc.message, file=FLAG_NAMES.get(key, key), path=exc.path)
    if options_file:
        return InputError(exc.message, file=options_file, path=exc.path)
    return exc


# option key -> the command-line flag that sets it (for error messages)
FLAG_NAMES = {"offer": "OFFER", "variant": "--variant", "zones": "--zones", "appliancesPerZone": "--appliances-per-zone",
              "natGateway": "--nat/--no-nat", "namePrefix": "--name-prefix", "trackingGuid": "--tracking-guid"}


def _split_offer(options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    opts = dict(options)
    return opts.pop("offer", DEFAULT_OFFER), opts


# --- parameters files -------------------------------------------------------------------------


def parameters_document(template: dict[str, Any], values: dict[str, Any], source: str,
                        origins: dict[str, str] | None = None) -> dict[str, Any]:
    """A deploymentParameters (2019-04-01) document for ``template`` from user-supplied values.

    Values are checked against the template's parameters: unknown names, wrong JSON types,
    values outside allowedValues and missing required parameters are one-line errors. A secure
    parameter only takes a Key Vault reference, so a secret never lands in a file armgen writes.
    ``origins`` says where each value came from (a file or ``--set``; default ``source``), so
    an error names what the user has to fix.
    """
    declared: dict[str, dict[str, Any]] = template.get("parameters", {})
    by_lower = {k.lower(): k for k in declared}
    out: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    for name, raw in values.items():
        real = by_lower.get(name.lower())
        where = json_path([name])
        source_of = (origins or {}).get(name, source)
        if real is None:
            raise InputError(f"unknown parameter {name!r} (known: {', '.join(sorted(declared))})",
                             file=source_of, path=where)
        if real in given_as:
            raise InputError(f"parameter {real!r} is given twice, as {given_as[real]!r} and {name!r} "
                             "(ARM parameter names ignore case)", file=source_of, path=where)
        given_as[real] = name
        spec = declared[real]
        ptype = spec["type"].lower()
        if isinstance(raw, dict) and set(raw) == {"reference"}:
            _check_reference(raw["reference"], source_of, where)
            out[real] = raw
            continue
        if ptype in ("securestring", "secureobject"):
            raise InputError("secure parameter: give a Key Vault reference "
                             '({"reference": {"keyVault": {"id": ...}, "secretName": ...}}), not a value',
                             file=source_of, path=where)
        _check_type(ptype, raw, source_of, where)
        allowed = spec.get("allowedValues")
        if allowed is not None:
            ok = all(v in allowed for v in raw) if ptype == "array" and isinstance(raw, list) else raw in allowed
            if not ok:
                raise InputError(f"{raw!r} is not one of {allowed}", file=source_of, path=where)
        for key, test, msg in (
            ("minValue", lambda v, m: v >= m, "is less than"),
            ("maxValue", lambda v, m: v <= m, "is more than"),
        ):
            if key in spec and isinstance(raw, int) and not test(raw, spec[key]):
                raise InputError(f"{raw} {msg} {key} {spec[key]}", file=source_of, path=where)
        if isinstance(raw, str | list):
            if "minLength" in spec and len(raw) < spec["minLength"]:
                raise InputError(f"shorter than minLength {spec['minLength']}", file=source_of, path=where)
            if "maxLength" in spec and len(raw) > spec["maxLength"]:
                raise InputError(f"longer than maxLength {spec['maxLength']}", file=source_of, path=where)
        out[real] = {"value": raw}
    missing = [n for n, s in declared.items() if "defaultValue" not in s and n not in out]
    if missing:
        raise InputError(f"missing required parameters: {', '.join(missing)}", file=source)
    ordered = {n: out[n] for n in declared if n in out}
    return {"$schema": PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0", "parameters": ordered}


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "int": (int,),
    "bool": (bool,),
    "object": (dict,),
    "array": (list,),
}



def _check_type(ptype: str, raw: Any, source: str, where: str) -> None:
    expected = _JSON_TYPES.get(ptype)
    if expected is None:
        return
    bad = not isinstance(raw, expected) or (ptype == "int" and isinstance(raw, bool))
    if bad:
        raise InputError(f"expected {ptype}, got {jsonio.json_type(raw)}", file=source, path=where)


def _check_reference(ref: Any, source: str, where: str) -> None:
    """A Key Vault reference as ARM takes it: {"keyVault": {"id": ...}, "secretName": ...}."""
    kv = ref.get("keyVault") if isinstance(ref, dict) else None
    ok = (isinstance(kv, dict) and isinstance(kv.get("id"), str) and kv["id"]
          and isinstance(ref.get("secretName"), str) and ref["secretName"])
    if not ok:
        raise InputError('a Key Vault reference is {"reference": {"keyVault": {"id": ...}, "secretName": ...}}',
                         file=source, path=where)


# --- the build --------------------------------------------------------------------------------


def build(options: dict[str, Any] | None = None, values: dict[str, Any] | None = None,
          values_source: str = "<values>", values_origins: dict[str, str] | None = None,
          *, with_bicep: bool = True) -> BuildResult:
    """Build an offer in memory: template, createUiDefinition, Bicep (and parameters files).

    ``with_bicep=False`` leaves the Bicep out for callers that only deploy or package the ARM
    files, so they do not render and parse-check text they would throw away.
    Raises InputError when the generated documents do not validate, before anything is written.
    """
    from armgen.offers import get_offer
    from armgen.render import arm_json, bicep
    from armgen.uidef import build_uidef
    from armgen.validate import validate_document

    offer_name, opts = _split_offer(options or {})
    offer = get_offer(offer_name)
    model = offer.build(opts)
    template = arm_json.render(model)
    uidef = build_uidef(model)
    result = BuildResult(offer=offer_name, options=offer.resolve(opts), template=template)
    result.files["mainTemplate.json"] = jsonio.dumps(template)
    result.files["createUiDefinition.json"] = jsonio.dumps(uidef)
    if with_bicep:
        result.files["main.bicep"] = bicep.render(model)
    if values is not None:
        params = parameters_document(template, values, values_source, values_origins)
        result.files["parameters.json"] = jsonio.dumps(params)
        if with_bicep:
            result.files["parameters.bicepparam"] = bicep.render_params(
                model, params, template_file="main.bicep", file=values_source)

    problems = validate_document(template, "template", file="mainTemplate.json")
    problems += validate_document(uidef, "createUiDefinition", file="createUiDefinition.json")
    if values is not None:
        problems += validate_document(json.loads(result.files["parameters.json"]), "parameters",
                                      file="parameters.json")
    if problems:
        p = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(p.message + more, file=p.file, path=p.path)
    if with_bicep:
        result.bicep_checked = _check_bicep(result.files["main.bicep"], "main.bicep")
    if "parameters.bicepparam" in result.files:
        _check_bicep(result.files["parameters.bicepparam"], "parameters.bicepparam", kind="bicepparam")
    return result


def _check_bicep(text: str, name: str, kind: str = "bicep") -> bool | None:
    """Parse generated Bicep with tree-sitter when it is installed; None when it is not."""
    from armgen.bicepcheck import parse_errors

    errors = parse_errors(text, kind)
    if errors is None:
        return None
    if errors:
        raise InputError(f"generated Bicep does not parse: {errors[0]}", file=name)
    return True


def build_files(offer_name: str = DEFAULT_OFFER, options: dict[str, Any] | None = None,
                *, with_bicep: bool = True) -> dict[str, str]:
    """The files of a build of ``offer_name`` (relative name -> text), validated, nothing written.

    Used by ``armgen package``, ``armgen what-if`` and ``armgen rollout`` (without Bicep, which
    they do not ship or deploy) when no folder is given, and by the golden artifacts.
    """
    opts = dict(options or {})
    opts["offer"] = offer_name
    return build(resolve_options(offer_name, opts, {}), with_bicep=with_bicep).files


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
    import json

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
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise InputError(f"--set expects name=value, got {item!r}")
        for old in [k for k in values if k.lower() == name.lower()]:
            del values[old]
        try:
            values[name] = json.loads(text)
        except ValueError:  # not JSON (or NaN/huge numbers JSON does not have): the text itself
            values[name] = text
        origins[name] = "--set"
    return values, source, origins


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
@click.option("--values", "values_file", type=click.Path(dir_okay=False),
              help="Parameter values (JSON object or parameters file): also write parameters.json "
                   "and parameters.bicepparam.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
def build_command(offer: str | None, out_dir: str, options_file: str | None, variant: str | None, zones: str | None,
              appliances_per_zone: int | None, nat: bool | None, name_prefix: str | None,
              tracking_guid: str | None, values_file: str | None, sets: tuple[str, ...]) -> int:
    """Build an offer (default: cloud-connector) into OUT: template, UI definition and Bicep."""
    started = time.perf_counter()
    flags = {
        "offer": offer,
        "variant": variant,
        "zones": _parse_zones(zones),
        "appliancesPerZone": appliances_per_zone,
        "natGateway": nat,
        "namePrefix": name_prefix,
        "trackingGuid": tracking_guid,
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
