"""The rollout inventory: which existing VNets/subnets get the appliance, and with what values.

An inventory is one JSON file (``schemas/inventory.schema.json``) with ``defaults`` and
``targets``; a target's missing fields come from ``defaults`` (its ``parameters`` are merged key
by key). Loading it validates the file, merges each target, resolves the template (a path, a
folder, a Marketplace zip, or the built-in offer) and turns every target into the concrete
template-parameter values it will be deployed with, so ``plan`` and ``apply`` both work from the
same :class:`Target` objects and a bad inventory fails before anything talks to Azure.

The VNet, its resource group, the location and each zone's subnet are bound to template
parameters by ``bindings``; without them they are read from createUiDefinition's outputs (the
``VirtualNetworkCombo`` output expressions ``...vnet.name``, ``...vnet.resourceGroup``,
``...subnets.zone1.name``), else conventional names (``vnetName``, ``vnetResourceGroup``,
``zone1SubnetName``...).

Every target carries its **inputs hash** (:func:`inputs_hash`): SHA-256 over the template's
bytes, the resolved parameters, subscription, resource group and deployment name. The state file
records it per target, a plan records it per verdict, and each deployment carries it as a tag, so
"is this what was deployed / planned?" is one comparison.

Counts are whole numbers (the schema's "integer" accepts ``2.0`` and ``1e308``; we do not) and
bounded by the schema before they drive a loop.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from armgen import params
from armgen.checks.schemas import schema_dir
from armgen.errors import InputError, json_path
from armgen.jsonio import decode_text, load_json, parse_json

PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
DEFAULT_NAME = "armgen"
DEFAULT_CONCURRENCY = 8
DEFAULT_TIMEOUT = 3600.0
INPUTS_TAG = "armgen-inputs"  # the deployment tag that carries a target's inputs hash


@dataclass(frozen=True)
class Target:
    """One deployment target after merging defaults, with its template parameter values."""

    index: int
    name: str
    subscription: str
    resource_group: str
    location: str
    vnet_name: str
    vnet_resource_group: str
    subnets: dict[str, str]
    parameters: dict[str, Any]
    timeout: float
    deployment_name: str
    inputs_hash: str = ""

    def parameters_file(self) -> dict[str, Any]:
        """The deploymentParameters (2019-04-01) document for this target."""
        return self.parameters_file_of(self.parameters)

    @staticmethod
    def parameters_file_of(parameters: dict[str, Any]) -> dict[str, Any]:
        return {"$schema": PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0",
                "parameters": {k: (v if _is_reference(v) else {"value": v}) for k, v in parameters.items()}}

    @property
    def zones(self) -> list[str]:
        """The availability zones of the target's subnet slots (``zone1`` -> ``1``)."""
        return [slot[4:] for slot in self.subnets]

    def subnet_id(self, slot: str) -> str:
        return (f"/subscriptions/{self.subscription}/resourceGroups/{self.vnet_resource_group}/providers/"
                f"Microsoft.Network/virtualNetworks/{self.vnet_name}/subnets/{self.subnets[slot]}")

    @property
    def vnet_id(self) -> str:
        return (f"/subscriptions/{self.subscription}/resourceGroups/{self.vnet_resource_group}/providers/"
                f"Microsoft.Network/virtualNetworks/{self.vnet_name}")


@dataclass
class Inventory:
    path: Path
    name: str
    template: dict[str, Any]
    template_source: str
    targets: list[Target]
    canary: str | None
    batch_size: int | None
    concurrency: int
    ui: dict[str, Any] | None = field(default=None, repr=False)
    template_hash: str = ""

    def waves(self, only: set[str] | None = None) -> list[list[Target]]:
        """The canary alone, then the other targets in inventory order in batches (``only``:
        just these target names, in the same waves, empty waves dropped)."""
        keep = (lambda t: True) if only is None else (lambda t: t.name in only)
        rest = [t for t in self.targets if t.name != self.canary and keep(t)]
        first = [t for t in self.targets if t.name == self.canary and keep(t)]
        size = min(self.batch_size or max(len(rest), 1), max(len(rest), 1))
        return ([first] if first else []) + [rest[i:i + size] for i in range(0, len(rest), size)]

    def target(self, name: str) -> Target | None:
        return next((t for t in self.targets if t.name.lower() == name.lower()), None)


def canonical(doc: Any) -> bytes:
    """JSON bytes that depend only on the value (sorted keys, no spaces, ASCII escapes), for hashing."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def inputs_hash(template_hash: str, parameters: dict[str, Any], subscription: str, resource_group: str,
                deployment: str) -> str:
    """What decides a deployment: template bytes, resolved parameters, where, and its name."""
    h = hashlib.sha256(b"armgen-inputs/1\n")
    for part in (template_hash.encode(), canonical(parameters), subscription.lower().encode(),
                 resource_group.lower().encode(), deployment.lower().encode()):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"reference"}


@cache
def _schema() -> dict[str, Any]:
    return json.loads((schema_dir() / "inventory.schema.json").read_text(encoding="utf-8"))


@cache
def _validator() -> Any:
    """Draft 2020-12 with "integer" meaning a JSON number written without a fraction or exponent
    that Python reads as ``int``: ``2.0`` or ``1e308`` must not reach ``range()``."""
    from jsonschema import Draft202012Validator, validators

    checker = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, v: isinstance(v, int) and not isinstance(v, bool))
    strict = validators.extend(Draft202012Validator, type_checker=checker)
    return strict(_schema())


def validate_document(doc: Any, file: str) -> None:
    """Schema-check an inventory; the first error (in document order) becomes an InputError."""
    errors = list(_validator().iter_errors(doc))
    if not errors:
        return
    # an invalid property also makes it "unevaluated" for its parent: report the real error first
    err = min(errors, key=lambda e: (e.validator == "unevaluatedProperties", [str(p) for p in e.absolute_path],
                                     e.message))
    raise InputError(err.message, file=file, path=json_path(err.absolute_path))


# ---------------------------------------------------------------- template sources
def _read_package(path: Path, file: str) -> dict[str, str]:
    from armgen.package import read_zip

    files: dict[str, str] = {}
    try:
        for name, data in read_zip(path.read_bytes(), str(path)).items():
            base = name.rsplit("/", 1)[-1]
            if base in ("mainTemplate.json", "createUiDefinition.json") and base not in files:
                files[base] = decode_text(data, f"{path}!{name}")
    except OSError as exc:
        raise InputError(f"cannot read package {path}: {exc.strerror or exc}", file=file, path="$.template") from None
    except InputError as exc:
        raise InputError(f"{exc.file}: {exc.message}", file=file, path="$.template") from None
    return files


def _read_text(path: Path, file: str) -> str:
    """A template file's text; unreadable or non-UTF-8 bytes are reported against the inventory."""
    try:
        return decode_text(path.read_bytes(), str(path))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", file=file, path="$.template") from None
    except InputError as exc:
        raise InputError(f"{exc.file}: {exc.message}", file=file, path="$.template") from None


def load_template_files(spec: str | None, base: Path, file: str) -> tuple[dict[str, str], str]:
    """``({filename: text}, description)`` for the inventory's ``template`` (or the built-in offer)."""
    if spec is None:
        from armgen.build import build_files

        return dict(build_files(with_bicep=False)), "built-in offer"
    p = (base / spec).resolve()
    if p.is_dir():
        files = {n: _read_text(p / n, file) for n in ("mainTemplate.json", "createUiDefinition.json")
                 if (p / n).is_file()}
    elif p.suffix.lower() == ".zip" and p.is_file():
        files = _read_package(p, file)
    elif p.is_file():
        files = {"mainTemplate.json": _read_text(p, file)}
        ui = p.parent / "createUiDefinition.json"
        if ui.is_file():
            files["createUiDefinition.json"] = _read_text(ui, file)
    else:
        raise InputError(f"template not found: {p}", file=file, path="$.template")
    if "mainTemplate.json" not in files:
        raise InputError(f"no mainTemplate.json in {p}", file=file, path="$.template")
    return files, spec


def _parse(text: str, what: str, file: str) -> dict[str, Any]:
    try:
        doc = parse_json(text, what)
    except InputError as exc:
        raise InputError(f"{what}: {exc.message}", file=file, path="$.template") from None
    if not isinstance(doc, dict):
        raise InputError(f"{what} is not a JSON object", file=file, path="$.template")
    return doc


# ---------------------------------------------------------------- bindings
_UI_PATTERNS = {
    "vnetName": re.compile(r"^\[steps\('[^']+'\)\.\w+\.name\]$"),
    "vnetResourceGroup": re.compile(r"^\[steps\('[^']+'\)\.\w+\.resourceGroup\]$"),
}
_UI_SUBNET = re.compile(r"^\[steps\('[^']+'\)\.\w+\.subnets\.(zone[1-9])\.name\]$")


def derive_bindings(template: dict[str, Any], ui: dict[str, Any] | None) -> dict[str, Any]:
    """Template parameters for the VNet name/group, location and subnets (see module docstring)."""
    params = template.get("parameters") or {}
    out: dict[str, Any] = {"subnets": {}}
    outputs = ((ui or {}).get("parameters") or {}).get("outputs") or {}
    for pname, expr in outputs.items():
        if not isinstance(expr, str) or pname not in params:
            continue
        for key, rx in _UI_PATTERNS.items():
            if rx.match(expr):
                out.setdefault(key, pname)
        m = _UI_SUBNET.match(expr)
        if m:
            out["subnets"].setdefault(m.group(1), pname)
    for key, names in (("vnetName", ("vnetName", "virtualNetworkName")),
                       ("vnetResourceGroup", ("vnetResourceGroup", "vnetResourceGroupName",
                                              "virtualNetworkResourceGroupName"))):
        if key not in out:
            out[key] = next((n for n in names if n in params), names[0])
    out["location"] = "location" if "location" in params else None
    return out


def _subnet_param(slot: str, bindings: dict[str, Any], params: dict[str, Any]) -> str | None:
    if slot in bindings["subnets"]:
        return bindings["subnets"][slot]
    cap, n = slot[0].upper() + slot[1:], slot[4:]
    candidates = (f"{slot}SubnetName", f"subnet{cap}Name", f"subnetName{n}", f"serviceSubnetName{n}",
                  f"subnet{n}Name", f"subnet{cap}", f"{slot}Subnet")
    return next((c for c in candidates if c in params), None)


def deployment_name(rollout: str, target: str) -> str:
    """``<rollout>-<target>``, at most 64 characters (ARM's limit), shortened with a hash if needed."""
    name = f"{rollout}-{target}"
    if len(name) <= 64:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:55]}-{digest}"


# ---------------------------------------------------------------- loading
def load_inventory(path: str | Path) -> Inventory:
    """Read, validate and resolve an inventory file (every problem is an InputError with a path)."""
    p = Path(path)
    file = str(p)
    doc = load_json(p)
    validate_document(doc, file)
    files, source = load_template_files(doc.get("template"), p.parent, file)
    template = _parse(files["mainTemplate.json"], "mainTemplate.json", file)
    ui = _parse(files["createUiDefinition.json"], "createUiDefinition.json", file) if "createUiDefinition.json" in files else None
    tparams: dict[str, Any] = template.get("parameters") or {}
    template_hash = hashlib.sha256(canonical(template)).hexdigest()

    bindings = derive_bindings(template, ui)
    given = doc.get("bindings") or {}
    bindings.update({k: v for k, v in given.items() if k != "subnets"})
    bindings["subnets"] = {**bindings["subnets"], **(given.get("subnets") or {})}
    for key in ("vnetName", "vnetResourceGroup", "location"):
        if bindings.get(key) and bindings[key] not in tparams:
            if key in given:
                raise InputError(f"the template has no parameter {bindings[key]!r}", file=file, path=f"$.bindings.{key}")
            if key != "location":
                raise InputError(f"cannot tell which template parameter takes the {key}; "
                                 f"set $.bindings.{key}", file=file, path="$.bindings")

    defaults = doc.get("defaults") or {}
    rollout = doc.get("name", DEFAULT_NAME)
    targets: list[Target] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(doc["targets"]):
        where = f"$.targets[{i}]"
        name = raw["name"]
        if name.lower() in seen:
            raise InputError(f"duplicate target name {name!r} (first at $.targets[{seen[name.lower()]}])",
                             file=file, path=f"{where}.name")
        seen[name.lower()] = i
        merged = {**defaults, **raw}
        merged["vnet"] = {**(defaults.get("vnet") or {}), **(raw.get("vnet") or {})}
        for key in ("subscription", "resourceGroup", "location", "subnets"):
            if not merged.get(key):
                raise InputError(f"no {key} (set it on the target or in $.defaults)", file=file, path=where)
        for key in ("name", "resourceGroup"):
            if not merged["vnet"].get(key):
                raise InputError(f"no vnet.{key} (set it on the target or in $.defaults.vnet)", file=file, path=where)
        values: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for src, block in (("$.defaults", defaults), (where, raw)):
            for k, v in (block.get("parameters") or {}).items():
                values[k] = v
                origin[k] = f"{src}.parameters.{k}"
        values[bindings["vnetName"]] = merged["vnet"]["name"]
        values[bindings["vnetResourceGroup"]] = merged["vnet"]["resourceGroup"]
        if bindings.get("location"):
            values[bindings["location"]] = merged["location"]
        for slot, subnet in sorted(merged["subnets"].items()):
            pname = _subnet_param(slot, bindings, tparams)
            if pname is None or pname not in tparams:
                raise InputError(f"cannot tell which template parameter takes the {slot} subnet; "
                                 f"set $.bindings.subnets.{slot}", file=file, path=f"{where}.subnets.{slot}")
            values[pname] = subnet
        given = params.ParameterValues()  # armgen.params: the one checker of every parameter value
        for k, v in values.items():
            given.add(params.Given(k, v, params.Origin(file, origin.get(k, where))))
        ordered = params.check(template, given, missing=params.Origin(file, f"{where}.parameters"))
        dname = deployment_name(rollout, name)
        targets.append(Target(
            index=i, name=name, subscription=merged["subscription"], resource_group=merged["resourceGroup"],
            location=merged["location"], vnet_name=merged["vnet"]["name"],
            vnet_resource_group=merged["vnet"]["resourceGroup"], subnets=dict(sorted(merged["subnets"].items())),
            parameters=ordered, timeout=float(merged.get("timeoutSeconds") or doc.get("timeoutSeconds") or DEFAULT_TIMEOUT),
            deployment_name=dname,
            inputs_hash=inputs_hash(template_hash, Target.parameters_file_of(ordered)["parameters"],
                                    merged["subscription"], merged["resourceGroup"], dname)))

    waves = doc.get("waves") or {}
    canary = waves.get("canary", targets[0].name) if "canary" in waves else targets[0].name
    if canary is not None and canary.lower() not in seen:
        raise InputError(f"canary {canary!r} is not a target name", file=file, path="$.waves.canary")
    if canary is not None:
        canary = targets[seen[canary.lower()]].name
    return Inventory(path=p, name=rollout, template=template, template_source=source, targets=targets,
                     canary=canary, batch_size=waves.get("batchSize"),
                     concurrency=int(doc.get("concurrency") or DEFAULT_CONCURRENCY), ui=ui, template_hash=template_hash)
