"""The brownfield safety gate: stop when a what-if would delete anything or modify what the
customer owns.

"Does the template create it?" is decided by *evaluating the ids the template declares* with the
deployment's parameters, not by a name heuristic:

1. Every resource the template declares (top level, nested ``resources`` children, and inline
   nested ``Microsoft.Resources/deployments`` templates, including their ``resourceGroup`` /
   ``subscriptionId`` targets) gets its full resource id built from its ``type`` and ``name``.
   Resources marked ``"existing": true`` (languageVersion 2.0 references) are *not* created.
2. ``type``/``name`` are ARM expressions, evaluated by :mod:`armgen.armeval` (parameters,
   variables, string/array/logical functions, ``resourceGroup()``, ``resourceId``...). Anything
   it cannot know (``uniqueString``, ``copyIndex`` outside a loop, ``reference``...) becomes a
   wildcard limited to one id segment, so ``concat('lb-', uniqueString(...))`` still only matches
   ``loadBalancers/lb-*`` of that type in that resource group.
3. A what-if ``Modify`` (or ``Deploy``/``Unsupported``, where ARM cannot predict the effect) is
   allowed only when its resource id matches a declared id, or is named by ``--allow-modify``.
   ``Delete`` is never allowed. Potential changes are gated the same way.
4. ``armgen attach``/``detach`` get a narrower gate (:func:`check_attach_gate`): it owns no
   resource at all, so a change passes only when it is a ``Modify`` of exactly one of the
   subnets it means to touch, whose only effective delta is exactly the one property (the NAT
   gateway or route table reference) set to (or removed from) exactly armgen's resource.

This fails closed: a name the evaluator cannot see (a linked template behind ``templateLink``)
matches nothing, so its modifies are reported rather than waved through. A template that
*declares* a customer's existing subnet (to re-PUT it) is treated as owning it; armgen's own
offers never do that for existing networks, and the what-if report still shows the delta.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The evaluator is shared with preflight and the diagram (armgen.armeval); these names stay
# importable from here for the gate's callers.
from armgen.armeval import UNKNOWN, WILD, Partial, Scope, build_id, evaluate

__all__ = [
    "UNKNOWN",
    "WILD",
    "AllowedChange",
    "Declared",
    "GateFinding",
    "Partial",
    "Scope",
    "build_id",
    "check_attach_gate",
    "check_gate",
    "declared_resources",
    "evaluate",
]


# ------------------------------------------------------------------ declared resources


@dataclass(frozen=True)
class Declared:
    """A resource the template creates: its id (or id pattern) and where it was declared."""

    id: str | Partial
    where: str

    def matches(self, resource_id: str) -> bool:
        if isinstance(self.id, str):
            return self.id.lower() == resource_id.lower().rstrip("/")
        return re.fullmatch(self.id.regex(), resource_id.rstrip("/"), re.IGNORECASE) is not None


def _split_name(name: Any) -> list[Any]:
    """Split a (partial) resource name on '/' into per-segment pieces."""
    if isinstance(name, str):
        return name.split("/")
    if not isinstance(name, Partial):
        return [UNKNOWN]
    segs: list[list[str | None]] = [[]]
    for p in name.parts:
        if p is WILD:
            segs[-1].append(WILD)
            continue
        first, *rest = p.split("/")
        segs[-1].append(first)
        for r in rest:
            segs.append([r])
    return [Partial(tuple(s)).simplify() for s in segs]


def declared_resources(template: dict[str, Any], parameters: dict[str, Any], subscription: str,
                       resource_group: str, location: str | None = None) -> list[Declared]:
    """Every resource id the template (and its inline nested templates) will create.

    ``uniqueString``/``guid`` stay wildcards here (``hashes=False``): their value depends on the
    resource group's name as Azure stores it, and the gate has only the name the user typed; a
    hash of the wrong case would block the template's own resources.
    """
    scope = Scope(parameters, template, subscription, resource_group, location, hashes=False)
    out: list[Declared] = []
    _walk(template.get("resources") or [], scope, subscription, resource_group, None, None, "$.resources", out)
    return out


def _walk(resources: Any, scope: Scope, sub: Any, rg: Any, parent_type: str | None, parent_names: list[Any] | None,
          where: str, out: list[Declared]) -> None:
    items = list(resources.items()) if isinstance(resources, dict) else list(enumerate(resources))
    for key, r in items:
        if not isinstance(r, dict) or r.get("existing") is True:
            continue
        here = f"{where}[{key!r}]" if isinstance(key, str) else f"{where}[{key}]"
        rtype = scope.value(r.get("type", ""))
        if not isinstance(rtype, str):
            continue
        own = _split_name(scope.value(r.get("name", "")))
        if parent_type and "/" not in rtype:  # relative child type: names continue the parent's
            full_type, names = f"{parent_type}/{rtype}", [*(parent_names or []), *own]
        else:  # top level, or a child written with its full type and full name
            full_type, names = rtype, own
        if "/" not in full_type:
            continue
        if len(names) != len(full_type.split("/")) - 1:
            names = [UNKNOWN] * (len(full_type.split("/")) - 1)
        r_sub = scope.value(r["subscriptionId"]) if "subscriptionId" in r else sub
        r_rg = scope.value(r["resourceGroup"]) if "resourceGroup" in r else rg
        out.append(Declared(build_id(r_sub, r_rg, full_type, names), here))
        if full_type.lower() == "microsoft.resources/deployments":
            _walk_nested(r, scope, r_sub, r_rg, here, out)
        if r.get("resources"):
            _walk(r["resources"], scope, sub, rg, full_type, names, f"{here}.resources", out)


def _walk_nested(r: dict[str, Any], scope: Scope, sub: Any, rg: Any, where: str, out: list[Declared]) -> None:
    props = r.get("properties") or {}
    inner = props.get("template")
    if not isinstance(inner, dict):
        return  # templateLink: invisible, fails closed
    inner_scope_mode = ((props.get("expressionEvaluationOptions") or {}).get("scope") or "outer").lower()
    sub_s = sub if isinstance(sub, str) else "*"
    rg_s = rg if isinstance(rg, str) else "*"
    if inner_scope_mode == "inner":
        values = {k: scope.value(v.get("value")) for k, v in (props.get("parameters") or {}).items()
                  if isinstance(v, dict) and "value" in v}
        nested = Scope(values, inner, sub_s, rg_s, scope.location if rg_s == scope.resource_group else None,
                       hashes=scope.hashes)
    else:
        nested = scope
    _walk(inner.get("resources") or [], nested, sub, rg, None, None, f"{where}.properties.template.resources", out)


# ------------------------------------------------------------------ the gate

GATED = {"Modify", "Deploy", "Unsupported"}


@dataclass(frozen=True)
class GateFinding:
    resource_id: str
    change_type: str
    verdict: str  # "blocked" | "accepted"
    reason: str


def _val(x: Any) -> str:
    return str(getattr(x, "value", x) or "")


def check_gate(result: dict[str, Any], declared: list[Declared], allow_modify: list[str]) -> list[GateFinding]:
    """Findings for every delete and every change to something the template does not create."""
    allowed = {a.lower().rstrip("/") for a in allow_modify}
    props = result.get("properties") or {}
    findings: list[GateFinding] = []
    for label, changes in (("", props.get("changes") or []), (" (potential change)", props.get("potentialChanges") or [])):
        for ch in changes:
            rid = str(ch.get("resourceId") or "")
            kind = _val(ch.get("changeType"))
            if kind == "Delete":
                findings.append(GateFinding(rid, kind, "blocked", f"would be deleted{label}"))
                continue
            if kind not in GATED or any(d.matches(rid) for d in declared):
                continue
            what = {"Modify": "would be modified", "Deploy": "would be redeployed",
                    "Unsupported": "cannot be predicted by what-if"}[kind]
            if rid.lower().rstrip("/") in allowed:
                findings.append(GateFinding(rid, kind, "accepted", f"{what}{label}; accepted by --allow-modify"))
            else:
                findings.append(GateFinding(rid, kind, "blocked",
                                            f"{what}{label} but the template does not create it"))
    return findings


# ------------------------------------------------------------------ the attach gate

_QUIET_CHANGES = {"NoChange", "Ignore"}
_QUIET_DELTAS = {"NoEffect"}  # read-only properties what-if shows but a PUT cannot change


@dataclass(frozen=True)
class AllowedChange:
    """One change ``armgen attach``/``detach`` means to make: ``properties.<prop>`` of one subnet
    becomes ``{"id": resource_id}`` (attach, ``remove=False``) or goes away (detach)."""

    subnet_id: str
    prop: str  # "natGateway" | "routeTable"
    resource_id: str
    remove: bool = False


def _leaf_deltas(deltas: Any, prefix: str = "") -> list[dict[str, Any]]:
    """What-if property changes flattened to leaves: ``children`` joined onto their parent's path
    (arrays keep their index: ``properties.serviceEndpoints.0``)."""
    out: list[dict[str, Any]] = []
    for d in deltas or []:
        if not isinstance(d, dict):
            continue
        path = f"{prefix}.{d.get('path')}" if prefix else str(d.get("path") or "")
        if d.get("children"):
            out.extend(_leaf_deltas(d["children"], path))
        else:
            out.append({**d, "path": path})
    return out


def _ref_id(value: Any) -> str | None:
    """``{"id": X}`` or ``X`` -> lower-cased X; anything else None."""
    if isinstance(value, dict) and set(value) == {"id"}:
        value = value["id"]
    return value.lower().rstrip("/") if isinstance(value, str) else None


def _delta_matches(d: dict[str, Any], want: AllowedChange) -> bool:
    kind = _val(d.get("propertyChangeType"))
    path = str(d.get("path") or "")
    base = f"properties.{want.prop}"
    if path.lower() not in (base.lower(), f"{base}.id".lower()):
        return False
    target = want.resource_id.lower().rstrip("/")
    if want.remove:
        return kind == "Delete" and _ref_id(d.get("before")) == target
    return kind in ("Create", "Modify") and _ref_id(d.get("after")) == target


def check_attach_gate(result: dict[str, Any], allowed: list[AllowedChange]) -> list[GateFinding]:
    """The brownfield gate of ``armgen attach``/``detach``: exactly these properties on exactly
    these subnets, nothing else.

    Every change in the what-if is a finding: ``accepted`` when it is a ``Modify`` of a subnet in
    ``allowed`` whose effective deltas (``NoEffect`` ones are read-only noise that a PUT cannot
    change) are exactly that subnet's one property going to (or from) armgen's resource; ``blocked``
    otherwise, naming what else would change. ``NoChange``/``Ignore`` of other resources are
    silent; a subnet in ``allowed`` whose change the what-if does not show is blocked too, since
    then the body armgen would PUT is not the one the preview judged.
    """
    want = {a.subnet_id.lower().rstrip("/"): a for a in allowed}
    seen: set[str] = set()
    props = result.get("properties") or {}
    findings: list[GateFinding] = []
    for label, changes in (("", props.get("changes") or []), (" (potential change)", props.get("potentialChanges") or [])):
        for ch in changes:
            rid = str(ch.get("resourceId") or "")
            key = rid.lower().rstrip("/")
            kind = _val(ch.get("changeType"))
            a = want.get(key)
            if a is None:
                if kind not in _QUIET_CHANGES:
                    findings.append(GateFinding(rid, kind, "blocked", f"{kind.lower()} of a resource armgen attach "
                                                f"does not touch{label}"))
                continue
            seen.add(key)
            if kind != "Modify":
                findings.append(GateFinding(rid, kind, "blocked", f"expected a modify of properties.{a.prop} only, "
                                            f"what-if predicts {kind}{label}"))
                continue
            effective = [d for d in _leaf_deltas(ch.get("delta")) if _val(d.get("propertyChangeType")) not in _QUIET_DELTAS]
            ours = [d for d in effective if _delta_matches(d, a)]
            others = [d for d in effective if not _delta_matches(d, a)]
            if others:
                what = ", ".join(f"{d['path']} ({_val(d.get('propertyChangeType'))})" for d in others)
                findings.append(GateFinding(rid, kind, "blocked", f"would also change {what}{label}"))
            elif not ours:
                findings.append(GateFinding(rid, kind, "blocked", f"what-if does not show properties.{a.prop} "
                                            f"{'removed' if a.remove else 'set'}{label}"))
            else:
                verb = "removed" if a.remove else f"set to {a.resource_id.rstrip('/').rsplit('/', 1)[-1]}"
                findings.append(GateFinding(rid, kind, "accepted", f"only properties.{a.prop} {verb}{label}"))
    for key, a in want.items():
        if key not in seen:
            findings.append(GateFinding(a.subnet_id, "NoChange", "blocked",
                                        f"what-if does not show properties.{a.prop} {'removed' if a.remove else 'set'}"))
    return findings
