"""Assemble the createUiDefinition document from a Template's parameters and UI hints.

The document is derived, never written: each parameter the user must fill in becomes exactly
one control and one output named after the parameter, ``location`` is always
``[location()]``, and the finished document is run through :func:`check_contract` against the
template's own parameters, so a broken contract is a ModelError at build time rather than a
deployment failure in the portal.
"""

from __future__ import annotations

from typing import Any

from armgen import expr as E
from armgen.render.arm_json import render_parameter
from armgen.template import ModelError, Template
from armgen.uidef import controls, network, pickers
from armgen.uidef.contract import check_contract
from armgen.uidef.hints import BASICS, Placed, Where, is_location, plan, step_names

SCHEMA = "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#"
HANDLER = "Microsoft.Azure.CreateUIDef"
VERSION = "0.1.2-preview"


def uses_pick_zones(t: Template) -> bool:
    """Whether the template chooses zones at deployment time (so the UI should explain it)."""
    roots: list[Any] = [v.value for v in t.variables.values()] + [r.values() for r in t.resources]
    return any(n.name.lower() == "pickzones" for n in E.collect(roots, E.Call))


def _zones_step(t: Template, placed: list[Placed], steps: list[str]) -> str:
    hint = (t.ui.get("zones") or {}).get("step")
    if hint:
        match = [s for s in steps if s.lower() == str(hint).lower()]
        if not match:
            raise ModelError(f"Template.ui zones step {hint!r} is not a step")
        return match[0]
    for kind in ("subnet", "size"):
        for pl in placed:
            if pl.control == kind:
                return pl.where.step
    return steps[1] if len(steps) > 1 else BASICS


def _note_step(note: Any, steps: list[str], i: int) -> str:
    if not isinstance(note, dict) or not note.get("text") or not note.get("name"):
        raise ModelError(f"Template.ui notes[{i}]: a note needs a name and a text")
    step = str(note.get("step", steps[-1]))
    match = [s for s in steps if s.lower() == step.lower()]
    if not match:
        raise ModelError(f"Template.ui notes[{i}]: step {step!r} is not a step")
    return match[0]


def _note(note: dict[str, Any], i: int) -> dict[str, Any]:
    """An InfoBox the offer adds at the end of a step: what the user must do after deploying."""
    icon = note.get("icon", "Info")
    if icon not in ("None", "Info", "Warning", "Error"):
        raise ModelError(f"Template.ui notes[{i}]: icon {icon!r} is not None, Info, Warning or Error")
    el: dict[str, Any] = {"name": str(note["name"]), "type": "Microsoft.Common.InfoBox",
                          "visible": note.get("visible", True), "options": {"icon": icon, "text": str(note["text"])}}
    if note.get("uri"):
        el["options"]["uri"] = str(note["uri"])
    return el


def _config(t: Template) -> dict[str, Any] | None:
    description = t.ui.get("basicsDescription")
    if not description:
        parts = [f"**{t.ui['title']}**" if t.ui.get("title") else None, t.description]
        description = "\n\n".join(p for p in parts if p)
    if not description:
        return None
    return {"basics": {"description": description}}


def _resource_types(t: Template) -> list[str]:
    """Regional top-level types: the portal then offers only regions that have all of them."""
    out: list[str] = []
    for r in t.deployed:
        if r.type.count("/") == 1 and not r.type.lower().startswith("microsoft.resources/") and r.type not in out:
            out.append(r.type)
    return out


def build_uidef(t: Template) -> dict[str, Any]:
    """The createUiDefinition document (a dict, in the portal's conventional key order)."""
    location = [p for p in t.parameters.values() if is_location(p)]
    if not location:
        raise ModelError(
            "template has no 'location' parameter: createUiDefinition must output location "
            "as [location()] and every output must be a template parameter"
        )
    steps = step_names(t)
    placed = plan(t)
    elements: dict[str, list[dict[str, Any]]] = {s: [] for s in steps}
    outputs: dict[str, str] = {location[0].name: "[location()]"}

    vnet_params = [pl for pl in placed if pl.control == "vnet"]
    subnet_params = [pl for pl in placed if pl.control == "subnet"]
    identity_params = [pl for pl in placed if pl.control == "identity"]
    zone_params = [pl for pl in placed if pl.control == "zones"]
    vnet_where: Where | None = None
    vnet_done = identity_done = False
    if subnet_params and not vnet_params:
        raise ModelError(f"parameter {subnet_params[0].name}: a subnet without a 'vnet' parameter to pick it from")
    if len(zone_params) > 1:
        raise ModelError(f"parameters {zone_params[0].name} and {zone_params[1].name}: one zones choice per offer")
    nat_gateways = any(r.type.lower() == "microsoft.network/natgateways" for r in t.deployed)
    subnets_placed: list[Placed] = []

    for step in steps:
        for pl in sorted((p for p in placed if p.where.step == step), key=Placed.sort_key):
            if pl.control == "vnet":
                if not vnet_done:
                    els, outs, vnet_where = network.vnet_elements(vnet_params)
                    elements[step].extend(els)
                    outputs.update(outs)
                    vnet_done = True
                continue
            if pl.control == "identity":
                if not identity_done:
                    els, outs = pickers.identity_elements(identity_params)
                    elements[step].extend(els)
                    outputs.update(outs)
                    identity_done = True
                continue
            if pl.control == "zones":
                continue  # placed with the region's zones below
            if pl.control == "computed":
                # No element: the portal computes the value (e.g. a new name suffix per run) and the
                # deployment's parameters record it, so later commands can read it there.
                outputs[pl.name] = str(pl.hints["expression"])
                continue
            if pl.control == "subnet":
                if vnet_where is None:
                    # The VNet sits in a later step; the subnets still read it from there.
                    vnet_where = vnet_params[0].where
                els, out = network.subnet_elements(pl, vnet_where, list(subnets_placed), nat_gateways)
                subnets_placed.append(pl)
            elif pl.control == "resourceId":
                els, out = pickers.resource_id_elements(pl)
            elif pl.control == "tags":
                els, out = controls.tags(pl, t)
            else:
                builder = {
                    "text": controls.textbox,
                    "dropdown": controls.dropdown,
                    "checkbox": controls.checkbox,
                    "size": controls.size_selector,
                    "sshKey": controls.ssh_key,
                    "username": controls.username,
                    "list": controls.text_list,
                }[pl.control]
                els, out = builder(pl)
            elements[step].extend(els)
            outputs[pl.name] = out

    zone_hint = t.ui.get("zones") or {}
    if zone_params or zone_hint.get("show", uses_pick_zones(t)):
        zstep = zone_params[0].where.step if zone_params else _zones_step(t, placed, steps)
        # First in its step: the user reads where the appliances go before picking subnets for them.
        zone_els, zone_outs = network.zone_elements(
            Where(zstep), zone_hint.get("text"), zone_hint.get("noZonesText"), zone_params[0] if zone_params else None
        )
        elements[zstep][:0] = zone_els
        outputs.update(zone_outs)

    for i, note in enumerate(t.ui.get("notes") or []):
        elements[_note_step(note, steps, i)].append(_note(note, i))

    for step, els in elements.items():
        seen: set[str] = set()
        for el in els:
            if el["name"] in seen:
                raise ModelError(f"step {step}: two elements named {el['name']!r} (rename the parameter)")
            seen.add(el["name"])

    # Outputs in template parameter order (location first): stable and easy to compare.
    ordered = {location[0].name: outputs.pop(location[0].name)}
    for name in t.parameters:
        if name in outputs:
            ordered[name] = outputs.pop(name)
    ordered.update(outputs)

    parameters: dict[str, Any] = {}
    config = _config(t)
    if config:
        parameters["config"] = config
    parameters["basics"] = elements[BASICS]
    step_docs = []
    for s in t.ui.get("steps", []):
        if not elements[s["name"]]:
            continue  # an empty step is a blank arm-ttk warns about, and an empty tab
        doc: dict[str, Any] = {"name": s["name"], "label": s["label"]}
        for key in ("subLabel", "bladeTitle", "bladeSubtitle"):
            if s.get(key):
                doc[key] = s[key]
        doc["elements"] = elements[s["name"]]
        step_docs.append(doc)
    parameters["steps"] = step_docs
    parameters["outputs"] = ordered
    types = _resource_types(t)
    if types:
        parameters["resourceTypes"] = types
    document = {"$schema": SCHEMA, "handler": HANDLER, "version": VERSION, "parameters": parameters}

    template_params = {"parameters": {n: render_parameter(p) for n, p in t.parameters.items()}}
    problems = check_contract(template_params, document)
    if problems:
        raise ModelError("createUiDefinition breaks its contract with the template: " + "; ".join(problems))
    return document
