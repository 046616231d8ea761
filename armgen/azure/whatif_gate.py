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

__all__ = ["UNKNOWN", "WILD", "Declared", "GateFinding", "Partial", "Scope", "build_id", "check_gate",
           "declared_resources", "evaluate"]


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
    """Every resource id the template (and its inline nested templates) will create."""
    scope = Scope(parameters, template, subscription, resource_group, location)
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
        nested = Scope(values, inner, sub_s, rg_s, scope.location if rg_s == scope.resource_group else None)
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
