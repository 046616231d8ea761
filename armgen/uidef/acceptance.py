"""Would the template accept these parameter values? Resource Manager's parameter checks, offline.

What a createUiDefinition's ``outputs`` evaluate to is exactly the ``parameters`` of the
deployment the portal starts. Resource Manager validates them before it creates anything:
every value's type, ``allowedValues``, ``minValue``/``maxValue``, ``minLength``/``maxLength``,
no unknown names, a value for every parameter without a default. :func:`check_parameters` does
the same, on any mainTemplate, so the wizard contract test (:mod:`armgen.uidef.explore`) and the
offline preview's "Review + create" tab can refuse what Resource Manager would refuse.

Deliberately stricter than Resource Manager in one place: ``null`` is refused for every type.
Resource Manager would take a null for some types and fail later, inside a resource; a wizard
that hands over null has a hidden control leaking into its outputs, which is worth stopping.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from armgen.errors import json_path

#: JSON type each template parameter type takes (case-insensitive names, as ARM reads them).
_TYPES = {
    "string": str,
    "securestring": str,
    "int": int,
    "bool": bool,
    "object": dict,
    "secureobject": dict,
    "array": list,
}


def _is_expression(v: Any) -> bool:
    return isinstance(v, str) and v.startswith("[") and v.endswith("]") and not v.startswith("[[")


def _type_ok(ptype: str, value: Any) -> bool:
    want = _TYPES.get(ptype)
    if want is None:
        return False
    if want is int:
        if isinstance(value, bool):
            return False
        if isinstance(value, float):
            return math.isfinite(value) and value.is_integer()
        return isinstance(value, int)
    if want is bool:
        return isinstance(value, bool)
    return isinstance(value, want)


def _describe(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def check_parameters(template: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    """Problems Resource Manager would report for ``values`` against ``template``'s parameters.

    ``template`` is a mainTemplate (JSON object); ``values`` are plain parameter values (not the
    ``{"value": ...}`` wrapping of a parameters file). Each problem is ``$.name: message``.
    """
    tparams = template.get("parameters") if isinstance(template, Mapping) else None
    if not isinstance(tparams, Mapping):
        tparams = {}
    by_lower = {k.lower(): k for k in tparams}
    problems: list[str] = []
    given: set[str] = set()
    for name, value in values.items():
        where = json_path([name])
        key = by_lower.get(name.lower())
        if key is None:
            problems.append(f"{where}: the template has no parameter '{name}'")
            continue
        given.add(key)
        spec = tparams[key] if isinstance(tparams[key], Mapping) else {}
        problems.extend(f"{where}: {m}" for m in _value_problems(spec, value))
    for name, spec in tparams.items():
        if name not in given and isinstance(spec, Mapping) and "defaultValue" not in spec:
            problems.append(f"{json_path([name])}: no value for a parameter without a default")
    return problems


def _value_problems(spec: Mapping[str, Any], value: Any) -> list[str]:
    ptype = str(spec.get("type", "")).lower()
    if value is None:
        return [f"null is not a valid {ptype or 'value'}"]
    if _is_expression(value):
        return [f"{_describe(value)} is an unevaluated expression, not a value"]
    if not _type_ok(ptype, value):
        return [f"{_describe(value)} is not of type {spec.get('type')}"]
    out: list[str] = []
    allowed = spec.get("allowedValues")
    if isinstance(allowed, list):
        items = value if ptype == "array" else [value]
        bad = [v for v in items if not any(_same(v, a) for a in allowed)]
        if bad:
            out.append(f"{', '.join(_describe(b) for b in bad)} not in allowedValues {allowed}")
    if ptype == "int":
        lo, hi = spec.get("minValue"), spec.get("maxValue")
        if isinstance(lo, int) and value < lo:
            out.append(f"{value} is less than minValue {lo}")
        if isinstance(hi, int) and value > hi:
            out.append(f"{value} is more than maxValue {hi}")
    if ptype in ("string", "securestring", "array"):
        lo, hi = spec.get("minLength"), spec.get("maxLength")
        n = len(value)
        what = "characters" if ptype != "array" else "items"
        if isinstance(lo, int) and n < lo:
            out.append(f"{n} {what}, fewer than minLength {lo}")
        if isinstance(hi, int) and n > hi:
            out.append(f"{n} {what}, more than maxLength {hi}")
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b
