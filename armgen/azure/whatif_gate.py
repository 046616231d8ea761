"""The brownfield safety gate: stop when a what-if would delete anything or modify what the
customer owns.

"Does the template create it?" is decided by *evaluating the ids the template declares* with the
deployment's parameters, not by a name heuristic:

1. Every resource the template declares (top level, nested ``resources`` children, and inline
   nested ``Microsoft.Resources/deployments`` templates, including their ``resourceGroup`` /
   ``subscriptionId`` targets) gets its full resource id built from its ``type`` and ``name``.
   Resources marked ``"existing": true`` (languageVersion 2.0 references) are *not* created.
2. ``type``/``name`` are ARM expressions; a small partial evaluator understands ``parameters``,
   ``variables``, ``concat``, ``format``, ``toLower``/``toUpper``, ``replace``, ``string``,
   ``if``/``equals``/``not``, ``resourceGroup()``, ``subscription()``, ``resourceId``, property
   access and, when a :class:`Scope` is given the iteration (``copy_index``), ``copyIndex``.
   Anything else (``uniqueString``, ``copyIndex`` outside a loop, ``reference``...) becomes a
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
from dataclasses import dataclass, field
from typing import Any


class _Unknown:
    """A value the evaluator cannot compute (becomes a one-segment wildcard in names)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()
WILD = None  # a wildcard part inside a Partial


@dataclass(frozen=True)
class Partial:
    """A string with unknown pieces: literal parts and ``None`` wildcards."""

    parts: tuple[str | None, ...]

    @staticmethod
    def of(v: Any) -> Partial:
        if isinstance(v, Partial):
            return v
        if isinstance(v, str):
            return Partial((v,))
        if isinstance(v, bool):
            return Partial(("true" if v else "false",))
        if isinstance(v, (int, float)):
            return Partial((str(v),))
        return Partial((WILD,))

    def __add__(self, other: Partial) -> Partial:
        return Partial(self.parts + other.parts)

    def simplify(self) -> str | Partial:
        merged: list[str | None] = []
        for p in self.parts:
            if p == "":
                continue
            if merged and isinstance(p, str) and isinstance(merged[-1], str):
                merged[-1] += p
            elif p is WILD and merged and merged[-1] is WILD:
                continue
            else:
                merged.append(p)
        if all(isinstance(p, str) for p in merged):
            return "".join(merged)  # type: ignore[arg-type]
        return Partial(tuple(merged))

    def regex(self) -> str:
        return "".join(r"[^/]*" if p is WILD else re.escape(p) for p in self.parts)


def _concat_str(values: list[Any]) -> str | Partial:
    acc = Partial(())
    for v in values:
        acc = acc + Partial.of(v)
    return acc.simplify()


# ------------------------------------------------------------------ expression parsing

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][\w]*)|(?P<p>[(),.\[\]]))")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"cannot parse expression at {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
    return out


@dataclass
class Scope:
    """What the evaluator knows: parameter values, template parameters/variables, target RG."""

    parameters: dict[str, Any]
    template: dict[str, Any]
    subscription: str
    resource_group: str
    location: str | None = None
    copy_index: int | None = None  # the iteration of a ``copy`` loop being evaluated (None: outside one)
    _vars: dict[str, Any] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)

    def param(self, name: str) -> Any:
        lower = {k.lower(): v for k, v in self.parameters.items()}
        if name.lower() in lower:
            return lower[name.lower()]
        decl = {k.lower(): v for k, v in (self.template.get("parameters") or {}).items()}.get(name.lower())
        key = "parameters:" + name.lower()
        if not isinstance(decl, dict) or "defaultValue" not in decl or key in self._busy:
            return UNKNOWN  # a default that refers back to itself is unknown, like a variable cycle
        self._busy.add(key)
        try:
            return self.value(decl["defaultValue"])
        finally:
            self._busy.discard(key)

    def var(self, name: str) -> Any:
        key = name.lower()
        if key in self._vars:
            return self._vars[key]
        if key in self._busy:
            return UNKNOWN
        decl = {k.lower(): v for k, v in (self.template.get("variables") or {}).items()}
        if key not in decl:
            return UNKNOWN
        self._busy.add(key)
        try:
            val = self.value(decl[key])
        finally:
            self._busy.discard(key)
        self._vars[key] = val
        return val

    def value(self, v: Any) -> Any:
        """Evaluate a JSON value: expression strings are evaluated, containers recursively."""
        if isinstance(v, str):
            return evaluate(v, self)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            if "copy" in v:
                return UNKNOWN
            return {k: self.value(x) for k, x in v.items()}
        return v


def evaluate(text: str, scope: Scope) -> Any:
    """Evaluate an ARM template string (``[expr]`` or a literal) as far as it can be known."""
    if not (text.startswith("[") and text.endswith("]")) or text.startswith("[["):
        return text[1:] if text.startswith("[[") else text
    try:
        toks = _tokens(text[1:-1])
        val, pos = _parse(toks, 0, scope)
        return val if pos == len(toks) else UNKNOWN
    except (ValueError, IndexError, TypeError, KeyError):
        return UNKNOWN


def _parse(toks: list[tuple[str, str]], i: int, scope: Scope) -> tuple[Any, int]:
    kind, text = toks[i]
    if kind == "str":
        val: Any = text[1:-1].replace("''", "'")
        i += 1
    elif kind == "num":
        val = float(text) if "." in text else int(text)
        i += 1
    elif kind == "id" and i + 1 < len(toks) and toks[i + 1] == ("p", "("):
        i += 2
        args: list[Any] = []
        while toks[i] != ("p", ")"):
            a, i = _parse(toks, i, scope)
            args.append(a)
            if toks[i] == ("p", ","):
                i += 1
        i += 1
        val = _call(text.lower(), args, scope)
    else:
        raise ValueError(f"unexpected token {text!r}")
    while i < len(toks) and toks[i] in (("p", "."), ("p", "[")):
        if toks[i] == ("p", "."):
            key = toks[i + 1][1]
            i += 2
        else:
            key, i = _parse(toks, i + 1, scope)
            i += 1  # ]
        val = _member(val, key)
    return val, i


def _member(val: Any, key: Any) -> Any:
    if isinstance(val, dict) and isinstance(key, str):
        low = {k.lower(): v for k, v in val.items()}
        return low.get(key.lower(), UNKNOWN)
    if isinstance(val, list) and isinstance(key, int) and 0 <= key < len(val):
        return val[key]
    return UNKNOWN


def _known(*vals: Any) -> bool:
    return not any(v is UNKNOWN or isinstance(v, Partial) for v in vals)


def _call(fn: str, a: list[Any], s: Scope) -> Any:
    rg_id = f"/subscriptions/{s.subscription}/resourceGroups/{s.resource_group}"
    if fn == "parameters":
        return s.param(a[0]) if isinstance(a[0], str) else UNKNOWN
    if fn == "variables":
        return s.var(a[0]) if isinstance(a[0], str) else UNKNOWN
    if fn == "concat":
        if a and all(isinstance(x, list) for x in a):
            return [y for x in a for y in x]
        return _concat_str(a)
    if fn == "format":
        if not isinstance(a[0], str):
            return UNKNOWN
        pieces: list[Any] = []
        pos = 0
        for m in re.finditer(r"\{(\d+)(?::[^}]*)?\}", a[0]):
            pieces.append(a[0][pos:m.start()])
            idx = int(m.group(1)) + 1
            pieces.append(a[idx] if idx < len(a) else UNKNOWN)
            pos = m.end()
        pieces.append(a[0][pos:])
        return _concat_str(pieces)
    if fn in ("tolower", "toupper"):
        if isinstance(a[0], str):
            return a[0].lower() if fn == "tolower" else a[0].upper()
        return a[0] if isinstance(a[0], Partial) else UNKNOWN
    if fn == "string":
        return a[0] if isinstance(a[0], (str, Partial)) else (str(a[0]) if _known(a[0]) else UNKNOWN)
    if fn == "replace" and _known(*a[:3]) and all(isinstance(x, str) for x in a[:3]):
        return a[0].replace(a[1], a[2])
    if fn == "equals" and _known(a[0], a[1]):
        return a[0] == a[1]
    if fn == "not" and isinstance(a[0], bool):
        return not a[0]
    if fn == "if":
        return (a[1] if a[0] else a[2]) if isinstance(a[0], bool) else UNKNOWN
    if fn in ("true", "false"):
        return fn == "true"
    if fn == "resourcegroup":
        return {"name": s.resource_group, "id": rg_id, "location": s.location or UNKNOWN}
    if fn == "subscription":
        return {"subscriptionId": s.subscription, "id": f"/subscriptions/{s.subscription}"}
    if fn == "resourceid":
        return _resource_id_fn(a, s)
    if fn == "copyindex" and s.copy_index is not None:
        # copyIndex(), copyIndex(offset), copyIndex('loop'), copyIndex('loop', offset): one loop level
        offset = a[-1] if a and isinstance(a[-1], int) and not isinstance(a[-1], bool) else 0
        return s.copy_index + offset
    return UNKNOWN


def _resource_id_fn(a: list[Any], s: Scope) -> Any:
    """``resourceId([sub], [rg], type, name...)``: the type is the first arg containing a '/'."""
    ti = next((i for i, x in enumerate(a) if isinstance(x, str) and "/" in x), None)
    if ti is None or ti > 2:
        return UNKNOWN
    pre = a[:ti]
    sub, rg = s.subscription, s.resource_group
    if len(pre) == 2:
        sub, rg = pre
    elif len(pre) == 1:
        rg = pre[0]
    return build_id(sub, rg, a[ti], a[ti + 1 :])


def build_id(sub: Any, rg: Any, rtype: str, names: list[Any]) -> str | Partial:
    ns, *types = rtype.split("/")
    pieces: list[Any] = ["/subscriptions/", sub, "/resourceGroups/", rg, f"/providers/{ns}"]
    for t, n in zip(types, names, strict=False):
        pieces += [f"/{t}/", n]
    return _concat_str(pieces)


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
