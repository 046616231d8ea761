"""Pickers for existing resources: the user chooses from what exists instead of typing names.

A name typed into a text box fails late: the portal accepts any well-formed name, and the
deployment then stops on ``ResourceNotFound`` (or, worse, the identity of another resource
group with the same name is used). A ``Microsoft.Solutions.ResourceSelector`` lists only
resources that exist, so the values handed to the template come from Azure itself.

Two hint controls use it, both generic (any resource type, any offer):

``"identity"``
    An existing user-assigned managed identity given to the template in parts, as the VNet
    is: ``"part": "name" | "resourceGroup" | "subscriptionId"``. One selector per offer fills
    every part; the resource group and subscription are cut from the selected resource id
    (``/subscriptions/{s}/resourceGroups/{rg}/providers/...``), so they are right wherever the
    identity lives. Without a ``subscriptionId`` part the template looks in its own
    subscription, so the selector lists only that subscription; with one, it lists all. The
    location filter defaults to ``all``: a user-assigned identity can be assigned to VMs in
    other regions unless its isolation scope is ``Regional`` (hint ``"locationFilter"``).

``"resourceId"``
    A parameter that takes a resource id of ``"resourceType"``. A parameter without a default
    gets a required selector. A parameter whose default is ``""`` means "create it unless one
    is given": the user sees an OptionsGroup (values ``new``/``existing``, labels from the
    ``"labels"`` hint) and the selector only for ``existing``; the output is the selected id
    or ``""``, so the template's contract (empty = create) holds whatever the user clicks.
    ``"locationFilter"`` defaults to ``onBasics`` (an NSG, for one, must be in the NIC's
    region and subscription). An *array* parameter whose default is ``[]`` takes one resource per
    label of ``"itemLabels"`` (existing NAT gateways, one per zone slot): the same choice, then one
    selector per item, and the output is the list of their ids or ``[]``.
"""

from __future__ import annotations

from typing import Any

from armgen.template import ModelError
from armgen.uidef.hints import Placed

IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"
IDENTITY_ELEMENT = "userAssignedIdentity"
IDENTITY_PARTS = ("name", "resourceGroup", "subscriptionId")
FILTERS = ("onBasics", "all")

#: Values of the create-or-use-existing OptionsGroup of an optional ``resourceId`` parameter.
NEW, EXISTING = "new", "existing"
SOURCE_SUFFIX = "Source"

#: Position of each part in a resource id split on '/': ['', 'subscriptions', s, 'resourceGroups', rg, ...].
_ID_SEGMENT = {"subscriptionId": 2, "resourceGroup": 4}


def id_segment(resource_id: str, part: str) -> str:
    """Expression (no brackets) cutting ``part`` out of a resource id; ``''`` while nothing is chosen."""
    return f"last(take(split(coalesce({resource_id}, ''), '/'), {_ID_SEGMENT[part] + 1}))"


def _filter(pl: Placed, default: str) -> str:
    value = str(pl.hints.get("locationFilter", default))
    if value not in FILTERS:
        raise ModelError(f"parameter {pl.name}: locationFilter {value!r} is not one of {', '.join(FILTERS)}")
    return value


def listed_text(subscription: str, location: str) -> str:
    """What the selector lists, in the user's words (so a missing resource is not a mystery)."""
    scope = {("onBasics", "onBasics"): "in the subscription and region chosen on Basics",
             ("onBasics", "all"): "in the subscription chosen on Basics, any region",
             ("all", "onBasics"): "in the region chosen on Basics, any subscription you can read",
             ("all", "all"): "in any subscription you can read, any region"}[(subscription, location)]
    return f"Lists existing resources {scope}."


def selector(name: str, pl: Placed, resource_type: str, *, subscription: str, location: str,
             label: str | None = None, tooltip: str | None = None) -> dict[str, Any]:
    """A required ResourceSelector over ``resource_type`` with the placed parameter's label and tooltip."""
    return {
        "name": name,
        "type": "Microsoft.Solutions.ResourceSelector",
        "label": label or pl.label,
        "toolTip": tooltip or pl.tooltip,
        "resourceType": resource_type,
        "options": {"filter": {"subscription": subscription, "location": location}},
        "constraints": {"required": True},
    }


def by_part(params: list[Placed], kind: str, allowed: tuple[str, ...]) -> dict[str, Placed]:
    """The parameters of one existing resource keyed by their ``part``, checked."""
    parts: dict[str, Placed] = {}
    for pl in params:
        part = pl.hints.get("part", "name")
        if part not in allowed:
            raise ModelError(f"parameter {pl.name}: {kind} part {part!r} is not one of {', '.join(allowed)}")
        if part in parts:
            raise ModelError(f"parameters {parts[part].name} and {pl.name} both ask for the {kind} {part}")
        if pl.param.type != "string":
            raise ModelError(f"parameter {pl.name}: the {kind} {part} fills a string parameter")
        parts[part] = pl
    steps = {pl.where.step for pl in params}
    if len(steps) > 1:
        raise ModelError(f"{kind} parameters are spread over steps {sorted(steps)}; one {kind} element per offer")
    if "name" not in parts:
        raise ModelError(f"parameter {params[0].name}: the {kind} {params[0].hints.get('part')} needs a parameter "
                         f"with the {kind} name (part 'name')")
    return parts


def wrong_group_box(element: str, selected: str, what: str) -> dict[str, Any]:
    """An error shown when the template would look for the selected resource in its own group."""
    return {
        "name": f"{element}WrongGroup",
        "type": "Microsoft.Common.InfoBox",
        "visible": (
            f"[and(not(empty(coalesce({selected}.id, ''))), "
            f"not(equals(toLower({id_segment(selected + '.id', 'resourceGroup')}), toLower(resourceGroup().name))))]"
        ),
        "options": {"icon": "Error", "text": f"Choose {what} in the resource group this offer is deployed to."},
    }


def identity_elements(params: list[Placed]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One selector for the existing user-assigned identity, and the outputs of all its parts."""
    parts = by_part(params, "identity", IDENTITY_PARTS)
    main = parts["name"]
    where = main.where
    ref = where.ref(IDENTITY_ELEMENT)
    subscription = "all" if "subscriptionId" in parts else "onBasics"
    elements = [selector(IDENTITY_ELEMENT, main, IDENTITY_TYPE, subscription=subscription,
                         location=_filter(main, "all"))]
    outputs = {main.name: f"[{ref}.name]"}
    for part in ("resourceGroup", "subscriptionId"):
        if part in parts:
            outputs[parts[part].name] = f"[{id_segment(ref + '.id', part)}]"
    if "resourceGroup" not in parts:
        elements.append(wrong_group_box(IDENTITY_ELEMENT, ref, "a managed identity"))
    return elements, outputs


def resource_id_elements(pl: Placed) -> tuple[list[dict[str, Any]], str]:
    """A selector giving a resource id; optional parameters (default ``""``) get create-or-existing."""
    p = pl.param
    resource_type = pl.hints.get("resourceType")
    if not isinstance(resource_type, str) or resource_type.count("/") < 1:
        raise ModelError(f"parameter {pl.name}: a resourceId control needs 'resourceType' (e.g. "
                         "Microsoft.Network/networkSecurityGroups)")
    if p.type == "array":
        return _resource_ids_elements(pl, resource_type)
    if p.type != "string":
        raise ModelError(f"parameter {pl.name}: a resource id fills a string parameter, not {p.type}")
    location = _filter(pl, "onBasics")
    ref = pl.where.ref(pl.name)
    if not p.has_default:
        el = selector(pl.name, pl, resource_type, subscription="onBasics", location=location)
        el["visible"] = pl.hints.get("visible", True)
        return [el], f"[{ref}.id]"
    if p.default != "":
        raise ModelError(f"parameter {pl.name}: a resourceId parameter has no default (required) or the default "
                         f"'' (optional: empty means the template creates it), not {p.default!r}")
    labels = pl.hints.get("labels") or {}
    unknown = sorted(set(labels) - {NEW, EXISTING})
    if unknown or set(labels) != {NEW, EXISTING}:
        raise ModelError(f"parameter {pl.name}: an optional resourceId needs 'labels' for exactly "
                         f"'{NEW}' and '{EXISTING}' (the user's two choices)")
    source = f"{pl.name}{SOURCE_SUFFIX}"
    source_ref = pl.where.ref(source)
    choice = {
        "name": source,
        "type": "Microsoft.Common.OptionsGroup",
        "label": pl.label,
        "toolTip": pl.tooltip,
        "defaultValue": str(labels[NEW]),
        "constraints": {
            "allowedValues": [{"label": str(labels[NEW]), "value": NEW},
                              {"label": str(labels[EXISTING]), "value": EXISTING}],
            "required": True,
        },
        "visible": pl.hints.get("visible", True),
    }
    existing = f"equals({source_ref}, '{EXISTING}')"
    el = selector(pl.name, pl, resource_type, subscription="onBasics", location=location,
                  label=str(pl.hints.get("selectorLabel") or f"Existing {pl.label[:1].lower()}{pl.label[1:]}"),
                  tooltip=listed_text("onBasics", location))
    visible = pl.hints.get("visible", True)
    if visible is True:
        el["visible"] = f"[{existing}]"
    elif visible is False:
        el["visible"] = False
    else:
        text = str(visible).strip()
        inner = text[1:-1] if text.startswith("[") and text.endswith("]") else text
        el["visible"] = f"[and({inner}, {existing})]"
    return [choice, el], f"[if({existing}, {ref}.id, '')]"


def _source_choice(pl: Placed, labels: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": f"{pl.name}{SOURCE_SUFFIX}",
        "type": "Microsoft.Common.OptionsGroup",
        "label": pl.label,
        "toolTip": pl.tooltip,
        "defaultValue": str(labels[NEW]),
        "constraints": {
            "allowedValues": [{"label": str(labels[NEW]), "value": NEW},
                              {"label": str(labels[EXISTING]), "value": EXISTING}],
            "required": True,
        },
        "visible": pl.hints.get("visible", True),
    }


def _resource_ids_elements(pl: Placed, resource_type: str) -> tuple[list[dict[str, Any]], str]:
    """Create-or-use-existing for a list of resources, one selector per ``itemLabels`` entry.

    The output joins the selected ids (a resource id has no comma) and splits them into the list;
    a hidden selector has no value, so each is read through ``coalesce`` (the branch not taken is
    evaluated too).
    """
    p = pl.param
    if not p.has_default or p.default != []:
        raise ModelError(f"parameter {pl.name}: a list of resource ids has the default [] (empty: the template "
                         "creates them)")
    items = pl.hints.get("itemLabels")
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
        raise ModelError(f"parameter {pl.name}: a list of resource ids needs 'itemLabels', one label per resource")
    if p.max_length is not None and len(items) > p.max_length:
        raise ModelError(f"parameter {pl.name}: {len(items)} itemLabels, more than its maxLength {p.max_length}")
    labels = pl.hints.get("labels") or {}
    if set(labels) != {NEW, EXISTING}:
        raise ModelError(f"parameter {pl.name}: a list of resource ids needs 'labels' for exactly "
                         f"'{NEW}' and '{EXISTING}' (the user's two choices)")
    choice = _source_choice(pl, labels)
    existing = f"equals({pl.where.ref(choice['name'])}, '{EXISTING}')"
    location = _filter(pl, "onBasics")
    elements: list[dict[str, Any]] = [choice]
    refs: list[str] = []
    visible = pl.hints.get("visible", True)
    for i, label in enumerate(items):
        name = f"{pl.name}{i + 1}"
        el = selector(name, pl, resource_type, subscription="onBasics", location=location, label=label,
                      tooltip=f"{listed_text('onBasics', location)} {pl.tooltip}")
        if visible is True:
            el["visible"] = f"[{existing}]"
        elif visible is False:
            el["visible"] = False
        else:
            text = str(visible).strip()
            inner = text[1:-1] if text.startswith("[") and text.endswith("]") else text
            el["visible"] = f"[and({inner}, {existing})]"
        elements.append(el)
        refs.append(f"coalesce({pl.where.ref(name)}.id, '')")
    joined = refs[0] if len(refs) == 1 else "concat(" + ", ',', ".join(refs) + ")"
    return elements, f"[if({existing}, split({joined}, ','), parse('[]'))]"
