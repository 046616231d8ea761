"""The createUiDefinition <-> mainTemplate contract, checked on any pair of documents.

What the portal hands to Resource Manager is exactly the ``outputs`` object, as the
deployment's parameter values. So: an output that is not a template parameter makes the
deployment fail ("not defined in the template"), a parameter without a default that no output
fills fails it too, and a dropdown or size selector offering values the template's
``allowedValues`` refuse fails it after the user has filled in everything. arm-ttk checks part
of this (Outputs-Must-Be-Present-In-Template-Parameters, Parameters-Without-Default-Must-Exist,
Controls-In-Outputs-Must-Exist, VMSizes-Must-Match-Template, Allowed-Values-Should-Actually-Be-
Allowed, Location-Should-Be-In-Outputs, Password-Textboxes-Must-Be-Used-For-Password-Parameters);
this module checks the same facts directly, on documents we did not generate as well, and says
where each problem is as a JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from armgen.errors import json_path

#: Outputs the managed-application machinery consumes itself; never template parameters.
SPECIAL_OUTPUTS = frozenset({"applicationresourcename", "jitaccesspolicy", "managedidentity", "managedresourcegroupid"})

_BASICS_REF = re.compile(r"basics\(\s*'([^']+)'\s*\)((?:\.\w+)*)", re.IGNORECASE)
_STEPS_REF = re.compile(r"steps\(\s*'([^']+)'\s*\)((?:\.\w+)*)", re.IGNORECASE)

Located = tuple[list[str | int], str, dict[str, Any]]  # (JSON path parts, reference text, element)


def _is_expr(value: Any) -> bool:
    return isinstance(value, str) and value.strip().startswith("[") and value.strip().endswith("]")


def _elements(items: Any, path: list[str | int], ref: str) -> Iterator[Located]:
    """Every element under ``items`` with its path and the text other elements refer to it by."""
    if not isinstance(items, list):
        return
    for i, el in enumerate(items):
        if not isinstance(el, dict) or not isinstance(el.get("name"), str):
            continue
        here = f"{ref}.{el['name']}" if ref else el["name"]
        yield [*path, i], here, el
        if str(el.get("type", "")).lower() == "microsoft.common.section":
            yield from _elements(el.get("elements"), [*path, i, "elements"], here)


def all_elements(uidef: dict[str, Any]) -> list[Located]:
    """Every element of basics and steps, sections flattened, with ``basics('x')``-style refs."""
    params = uidef.get("parameters") or {}
    out: list[Located] = []
    for path, ref, el in _elements(params.get("basics"), ["parameters", "basics"], ""):
        head, _, rest = ref.partition(".")
        out.append((path, f"basics('{head}')" + (f".{rest}" if rest else ""), el))
    for si, step in enumerate(params.get("steps") or []):
        if not isinstance(step, dict):
            continue
        base = f"steps('{step.get('name')}')"
        out.extend(_elements(step.get("elements"), ["parameters", "steps", si, "elements"], base))
    return out


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _resolve(container: Any, props: list[str]) -> bool:
    """Whether ``props`` starts with the name of an element of ``container`` (through sections)."""
    if not props:
        return True
    for el in container or []:
        if isinstance(el, dict) and el.get("name") == props[0]:
            if str(el.get("type", "")).lower() == "microsoft.common.section" and len(props) > 1:
                return _resolve(el.get("elements"), props[1:])
            return True
    return False


def _reference_problems(uidef: dict[str, Any], outputs: dict[str, Any]) -> list[str]:
    params = uidef.get("parameters") or {}
    basics = params.get("basics") or []
    steps = {s.get("name"): s for s in params.get("steps") or [] if isinstance(s, dict)}
    problems: list[str] = []
    for key, value in outputs.items():
        where = json_path(["parameters", "outputs", key])
        for text in _strings(value):
            for m in _BASICS_REF.finditer(text):
                if not _resolve(basics, [m.group(1), *m.group(2).split(".")[1:]]):
                    problems.append(f"{where}: refers to basics('{m.group(1)}'), which is not an element of basics")
            for m in _STEPS_REF.finditer(text):
                name, props = m.group(1), m.group(2).split(".")[1:]
                container = basics if name == "basics" else (steps[name].get("elements") if name in steps else None)
                if container is None and name != "basics":
                    problems.append(f"{where}: refers to step '{name}', which does not exist")
                elif not _resolve(container, props):
                    problems.append(f"{where}: refers to {m.group(0)}, which is not an element of step '{name}'")
    return problems


def _outputs_of(ref: str, outputs: dict[str, Any]) -> list[str]:
    """Output names whose value refers to the element known as ``ref`` (``ref`` not followed by a
    word character, anywhere in any of the output's strings)."""
    pattern = re.compile(re.escape(ref) + r"(?!\w)")
    return [k for k, v in outputs.items() if any(pattern.search(s) for s in _strings(v))]


# A reference as all_elements() spells it: basics('x').a.b or steps('s').x.a
_CHAIN = re.compile(r"(?:basics|steps)\('[^']*'\)(?:\.\w+)*")
_WORD = re.compile(r"\w")


class OutputIndex:
    """:func:`_outputs_of` for every element at once: the outputs are read once, not once per
    element (which made a createUiDefinition with hundreds of parameters quadratic).

    Every place a reference can start (``basics('`` or ``steps('``) is matched against the longest
    chain ``steps('s').a.b`` there; ``ref`` occurs at that place, followed by no word character,
    exactly when it is the chain cut at a dot (``steps('s')``, ``steps('s').a``, the chain
    itself), so those are what each output refers to. A ``ref`` of another spelling (an element
    name that is not a word) is looked up the slow way.
    """

    def __init__(self, outputs: dict[str, Any]) -> None:
        self.outputs = outputs
        self.by_ref: dict[str, list[str]] = {}
        for key, value in outputs.items():
            found: set[str] = set()
            for text in _strings(value):
                for start in _starts(text):
                    m = _CHAIN.match(text, start)
                    if m is None:
                        continue
                    chain = m.group()
                    base = chain.index("')") + 2  # the step or element name may hold dots itself
                    ends = [base, *(i for i in range(base, len(chain)) if chain[i] == "."), len(chain)]
                    # 'basics('x')y' refers to no basics('x'): a cut must not be followed by \w
                    found.update(chain[:end] for end in ends if not _WORD.match(text, start + end))
            for ref in found:
                self.by_ref.setdefault(ref, []).append(key)

    def outputs_of(self, ref: str) -> list[str]:
        if _CHAIN.fullmatch(ref):
            return list(self.by_ref.get(ref, ()))
        return _outputs_of(ref, self.outputs)


def _starts(text: str) -> Iterator[int]:
    for head in ("basics('", "steps('"):
        at = text.find(head)
        while at != -1:
            yield at
            at = text.find(head, at + 1)


def _value_list(values: Any) -> list[Any] | None:
    if not isinstance(values, list):
        return None  # an expression: only known at run time
    return [v.get("value") if isinstance(v, dict) else v for v in values]


def _direct(ref: str, outputs: dict[str, Any], param: str) -> bool:
    """Whether the output for ``param`` is exactly the control's value, ``[ref]``."""
    value = next((v for k, v in outputs.items() if k.lower() == param.lower()), None)
    return isinstance(value, str) and value.replace(" ", "") == f"[{ref}]".replace(" ", "")


def check_contract(template_json: dict[str, Any], uidef: dict[str, Any]) -> list[str]:
    """Problems between a mainTemplate and a createUiDefinition, each as ``JSON path: message``.

    An empty list means the UI can only hand the template parameters it declares, fills every
    parameter that has no default, and offers only values the template accepts.
    """
    problems: list[str] = []
    tparams = template_json.get("parameters") if isinstance(template_json, dict) else None
    if not isinstance(tparams, dict):
        tparams = {}
    by_lower = {k.lower(): (k, v if isinstance(v, dict) else {}) for k, v in tparams.items()}
    ui_params = uidef.get("parameters") if isinstance(uidef, dict) else None
    outputs = ui_params.get("outputs") if isinstance(ui_params, dict) else None
    if not isinstance(outputs, dict):
        problems.append("$.parameters.outputs: createUiDefinition has no outputs object")
        outputs = {}

    for key in outputs:
        if key.lower() not in SPECIAL_OUTPUTS and key.lower() not in by_lower:
            problems.append(
                f"{json_path(['parameters', 'outputs', key])}: output '{key}' is not a parameter of the template"
            )
    out_lower = {k.lower() for k in outputs}
    for name, p in tparams.items():
        if isinstance(p, dict) and "defaultValue" not in p and name.lower() not in out_lower:
            problems.append(
                f"{json_path(['parameters', name])}: template parameter '{name}' has no default "
                "and no createUiDefinition output fills it"
            )
    loc = outputs.get("location")
    if not isinstance(loc, str) or loc.strip() != "[location()]":
        problems.append("$.parameters.outputs.location: must be \"[location()]\"")

    problems += _reference_problems(uidef, outputs)

    index = OutputIndex(outputs)
    for path, ref, el in all_elements(uidef):
        etype = str(el.get("type", "")).lower()
        where = json_path(path)
        used_by = index.outputs_of(ref)
        targets = [by_lower[k.lower()] for k in used_by if k.lower() in by_lower]
        if etype == "microsoft.compute.sizeselector":
            if not used_by:
                problems.append(f"{where}: size selector '{el['name']}' is not used by any output")
            sizes = (el.get("constraints") or {}).get("allowedSizes")
            for pname, p in targets:
                allowed = p.get("allowedValues")
                if isinstance(sizes, list) and isinstance(allowed, list):
                    extra = [s for s in sizes if s not in allowed]
                    if extra:
                        problems.append(f"{where}: sizes {extra} are not in allowedValues of parameter '{pname}'")
                default = p.get("defaultValue")
                if isinstance(sizes, list) and isinstance(default, str) and not _is_expr(default) and default not in sizes:
                    problems.append(f"{where}: default '{default}' of parameter '{pname}' is not in allowedSizes")
        elif etype in ("microsoft.common.dropdown", "microsoft.common.optionsgroup"):
            values = _value_list((el.get("constraints") or {}).get("allowedValues"))
            if values is None:
                continue
            for pname, p in targets:
                allowed = p.get("allowedValues")
                if isinstance(allowed, list):
                    bad = [v for v in values if v not in allowed]
                    if bad:
                        problems.append(f"{where}: values {bad} are not in allowedValues of parameter '{pname}'")
                default = p.get("defaultValue")
                defaults = default if isinstance(default, list) else [default]
                # Only a control handed over as-is must offer the default; an output that computes
                # the value (``if(equals(choice, 'existing'), id, '')``) maps the choices itself.
                if "defaultValue" in p and not _is_expr(default) and _direct(ref, outputs, pname):
                    missing = [d for d in defaults if d not in values]
                    if missing:
                        problems.append(f"{where}: default {missing} of parameter '{pname}' is not offered")
        elif etype == "microsoft.common.passwordbox":
            for pname, p in targets:
                if str(p.get("type", "")).lower() not in ("securestring", "secureobject"):
                    problems.append(f"{where}: password box fills parameter '{pname}', which is not secure")
        elif etype == "microsoft.common.textbox":
            for key in used_by:
                target = by_lower.get(key.lower())
                value = outputs[key]
                if target and str(target[1].get("type", "")).lower() == "int" and isinstance(value, str):
                    if value.replace(" ", "") == f"[{ref}]":
                        problems.append(
                            f"{json_path(['parameters', 'outputs', key])}: text box gives a string to "
                            f"int parameter '{target[0]}'; wrap it in int()"
                        )
    return problems
