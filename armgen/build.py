"""Building an offer: its model to mainTemplate.json, createUiDefinition.json and Bicep, in memory.

Everything is produced in memory first and validated against our schemas; only then are the
files written, each atomically, so a failed build never leaves a half-written folder.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from armgen import jsonio
from armgen.errors import InputError
from armgen.records import Record

if TYPE_CHECKING:
    from armgen.params import ParameterValues

DEFAULT_OFFER = "cloud-connector"


class BuildResult(Record):
    """The files of one build, keyed by their path relative to the output folder."""

    __slots__ = __match_args__ = ("offer", "options", "files", "template", "bicep_checked")

    def __init__(self, offer: str, options: dict[str, Any], files: dict[str, str] | None = None,
                 template: dict[str, Any] | None = None, bicep_checked: bool | None = None) -> None:
        self.offer = offer
        self.options = options
        self.files: dict[str, str] = {} if files is None else files
        self.template: dict[str, Any] = {} if template is None else template
        self.bicep_checked = bicep_checked


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


# --- the build --------------------------------------------------------------------------------


def build(options: dict[str, Any] | None = None, values: ParameterValues | dict[str, Any] | None = None,
          values_source: str = "<values>", *, with_bicep: bool = True) -> BuildResult:
    """Build an offer in memory: template, createUiDefinition, Bicep (and parameters files).

    ``values`` (from ``--values``/``--set``: :class:`armgen.params.ParameterValues`, or a plain
    ``{name: value}`` mapping blamed on ``values_source``) are checked by :func:`armgen.params.check`
    and written as ``parameters.json`` and ``parameters.bicepparam``.

    ``with_bicep=False`` leaves the Bicep out for callers that only deploy or package the ARM
    files, so they do not render and parse-check text they would throw away.
    Raises InputError when the generated documents do not validate, before anything is written.
    """
    from armgen.checks.schemas import validate_text
    from armgen.offers import get_offer
    from armgen.render import arm_json
    from armgen.uidef import build_uidef

    offer_name, opts = _split_offer(options or {})
    offer = get_offer(offer_name)
    model = offer.build(opts)
    template = arm_json.render(model)
    uidef = build_uidef(model)
    result = BuildResult(offer=offer.name, options=offer.resolve(opts), template=template)
    result.files["mainTemplate.json"] = jsonio.dumps(template)
    result.files["createUiDefinition.json"] = jsonio.dumps(uidef)
    if with_bicep:
        from armgen.render import bicep  # not imported by package, what-if, rollout (no Bicep there)

        result.files["main.bicep"] = bicep.render(model)
    if values is not None:
        from armgen import params  # only a build given values reads them (package, what-if: none)

        given = values if isinstance(values, params.ParameterValues) else params.from_mapping(values, values_source)
        checked = params.check(template, given, secrets="reference", missing=params.Origin(given.label(values_source)))
        _offer_checks(offer, checked, given, values_source)
        doc = params.parameters_document(checked)
        result.files["parameters.json"] = jsonio.dumps(doc)
        if with_bicep:
            from armgen.render import bicep

            result.files["parameters.bicepparam"] = bicep.render_params(
                model, doc, template_file="main.bicep", file=values_source)

    # by the files' bytes: a package gate that validates the same files again in this run is
    # answered from the result kept here
    problems = validate_text(result.files["mainTemplate.json"], "template", "mainTemplate.json", template)
    problems += validate_text(result.files["createUiDefinition.json"], "createUiDefinition",
                              "createUiDefinition.json", uidef)
    if values is not None:
        problems += validate_text(result.files["parameters.json"], "parameters", "parameters.json",
                                  json.loads(result.files["parameters.json"]))
    if problems:
        p = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(p.message + more, file=p.file, path=p.path)
    if with_bicep:
        result.bicep_checked = _check_bicep(result.files["main.bicep"], "main.bicep")
    if "parameters.bicepparam" in result.files:
        _check_bicep(result.files["parameters.bicepparam"], "parameters.bicepparam", kind="bicepparam")
    return result


def _offer_checks(offer: Any, checked: dict[str, Any], given: ParameterValues, source: str) -> None:
    """The offer's own checks of the values (what ARM cannot state: an array's items, a CIDR's size),
    blamed on where each value came from: the file's JSON path extended to the item, or the flag."""
    if offer.values_check is None:
        return
    from armgen import params

    for path, message in offer.values_check(params.plain_values(checked)):
        top = re.match(r"^\$\.(\w+)", path)
        item = given.items.get(top.group(1).lower()) if top else None
        if item is None:
            raise InputError(message, file=given.label(source), path=path)
        where = item.origin
        if where.path and where.path.startswith("$") and top:
            raise InputError(message, file=where.file, path=where.path + path[top.end():])
        raise InputError(message, file=where.file, path=path if not where.path else where.path)


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
