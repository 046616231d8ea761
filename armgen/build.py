"""Building an offer: its model to mainTemplate.json, createUiDefinition.json and Bicep, in memory.

Everything is produced in memory first and validated against our schemas; only then are the
files written, each atomically, so a failed build never leaves a half-written folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

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
    from armgen.checks.schemas import validate_document

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
              "natGateway": "--nat/--no-nat", "namePrefix": "--name-prefix", "trackingGuid": "--tracking-guid",
              "network": "--network", "zpa": "--zpa", "byoNatGateway": "--byo-nat", "workloadSubnet": "--workload-subnet",
              "bastion": "--bastion"}


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
    from armgen.checks.schemas import validate_document
    from armgen.offers import get_offer
    from armgen.render import arm_json, bicep
    from armgen.uidef import build_uidef

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
        for path, message in offer.values_check(values) if offer.values_check else []:
            top = re.match(r"^\$\.(\w+)", path)
            origin = (values_origins or {}).get(top.group(1), values_source) if top else values_source
            raise InputError(message, file=origin, path=path)
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
    from armgen.checks.bicep_syntax import parse_errors

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
