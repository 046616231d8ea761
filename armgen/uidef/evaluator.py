"""A createUiDefinition evaluator: what the portal's wizard does with a given set of user input.

Given a createUiDefinition document, an :class:`Environment` (what Azure would answer: the
region, resource group, subscription, the resources a ResourceSelector lists, the bodies an
ArmApiControl's requests return) and the values a user entered, :meth:`Wizard.run` works out,
as the portal does, every element's visibility and value (defaults included), the constraints
that block a step, and, when nothing blocks, the ``outputs`` handed to the template as its
parameter values.

Why armgen has one: a createUiDefinition is a program whose bugs show up only in the portal,
after a customer filled in everything (an optional box handing ``""`` to an int parameter, two
zones defaulting to the same subnet). Running it here lets a test walk the wizard's states
(:mod:`armgen.uidef.explore`) and lets the offline preview show the same thing the portal
would. The language lives in :mod:`armgen.uidef.expressions`; the semantics of both are written
down in ``docs/createuidefinition-evaluator.md`` and pinned by ``tests/uidef/evaluator_cases.json``,
which a JavaScript port runs too.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from armgen.errors import json_path
from armgen.uidef.expressions import (
    EvaluationError,
    Scope,
    View,
    equal,
    evaluate,
    js_regex_search,
    plain,
    type_name,
)

BASICS = "basics"

#: Control types the evaluator knows; anything else is an :class:`UnsupportedControl`.
CONTROL_TYPES = (
    "Microsoft.Common.TextBox",
    "Microsoft.Common.PasswordBox",
    "Microsoft.Common.DropDown",
    "Microsoft.Common.OptionsGroup",
    "Microsoft.Common.CheckBox",
    "Microsoft.Common.Slider",
    "Microsoft.Common.InfoBox",
    "Microsoft.Common.TextBlock",
    "Microsoft.Common.Section",
    "Microsoft.Common.TagsByResource",
    "Microsoft.Compute.SizeSelector",
    "Microsoft.Compute.CredentialsCombo",
    "Microsoft.Compute.UserNameTextBox",
    "Microsoft.Solutions.ResourceSelector",
    "Microsoft.Solutions.ArmApiControl",
)
_TYPES = {t.lower(): t for t in CONTROL_TYPES}


class UnsupportedControl(ValueError):
    """A control type the evaluator does not implement (so its value would be a guess)."""


class WizardInputError(ValueError):
    """A user value that no control could produce (a string for a CheckBox, an unknown element)."""


@dataclasses.dataclass
class Environment:
    """What Azure answers the wizard: the sample data of a run.

    ``resources`` lists, per resource type, what a ResourceSelector may offer (each an object
    with at least ``id``, ``name``, ``location``). ``arm`` maps ``"GET <path>"`` (the request
    path without its query string, compared case-insensitively) to the response body an
    ArmApiControl gets. ``sizes``, when given, are the VM sizes the region offers.
    """

    location: str = "westus"
    resource_group: dict[str, Any] = dataclasses.field(
        default_factory=lambda: {"name": "rg", "location": "westus", "mode": "Existing"})
    subscription: dict[str, Any] = dataclasses.field(default_factory=lambda: {
        "id": "/subscriptions/00000000-0000-0000-0000-000000000000",
        "subscriptionId": "00000000-0000-0000-0000-000000000000",
        "tenantId": "00000000-0000-0000-0000-000000000000",
        "displayName": "subscription"})
    resources: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    arm: dict[str, Any] = dataclasses.field(default_factory=dict)
    sizes: list[str] | None = None
    now: str = "2000-01-01T00:00:00.000Z"
    guids: list[str] = dataclasses.field(default_factory=list)
    #: Values for free-text boxes a user would type (``{"step": {"element": "value"}}``); the
    #: state explorer starts from them. Not used by :meth:`Wizard.run` itself.
    inputs: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Environment:
        env = cls()
        for key, attr in (("location", "location"), ("resourceGroup", "resource_group"),
                          ("subscription", "subscription"), ("resources", "resources"), ("arm", "arm"),
                          ("sizes", "sizes"), ("now", "now"), ("guids", "guids"), ("inputs", "inputs")):
            if key in doc:
                setattr(env, attr, copy.deepcopy(doc[key]))
        return env

    def answer(self, method: str, path: str) -> Any:
        """The body Azure answers a request with (shared, not copied: evaluation never changes a value)."""
        want = _request_key(method, path)
        for key, body in self.arm.items():
            m, _, p = key.partition(" ")
            if _request_key(m, p) == want:
                return body
        return None

    def candidates(self, resource_type: str) -> list[dict[str, Any]]:
        for t, items in self.resources.items():
            if t.lower() == resource_type.lower():
                return items
        return []


def _request_key(method: str, path: str) -> tuple[str, str]:
    return method.upper(), path.split("?", 1)[0].rstrip("/").lower()


@dataclasses.dataclass(frozen=True)
class Block:
    """A constraint that stops the user on a step, with the message the portal shows."""

    step: str
    element: str
    message: str

    def __str__(self) -> str:
        return f"{self.step}: {self.element}: {self.message}"


@dataclasses.dataclass
class ElementState:
    """One element after a run: what the user sees and what other elements read."""

    step: str
    path: tuple[str, ...]
    type: str
    visible: bool
    value: Any
    #: Values a DropDown/OptionsGroup offers, the sizes a SizeSelector offers, the resource ids a
    #: ResourceSelector lists (None for other controls).
    options: list[Any] | None = None

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclasses.dataclass
class Outcome:
    """The result of a run: blocks per step, evaluation errors, or the outputs."""

    blocked: list[Block]
    errors: list[str]
    outputs: dict[str, Any] | None
    elements: dict[tuple[str, tuple[str, ...]], ElementState]

    @property
    def ok(self) -> bool:
        return self.outputs is not None

    def blocked_steps(self) -> dict[str, list[str]]:
        """The messages that block each step, in step order."""
        out: dict[str, list[str]] = {}
        for b in self.blocked:
            out.setdefault(b.step, []).append(f"{b.element}: {b.message}")
        return out

    def element(self, step: str, name: str) -> ElementState:
        return self.elements[(step, tuple(name.split(".")))]


@dataclasses.dataclass
class _Element:
    step: str
    path: tuple[str, ...]
    doc: dict[str, Any]
    type: str
    json_path: list[str | int]
    parent: tuple[str, tuple[str, ...]] | None
    children: list[str]

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.step, self.path)

    @property
    def label(self) -> str:
        label = self.doc.get("label")
        if isinstance(label, dict):
            label = next((v for v in label.values() if isinstance(v, str)), None)
        return str(label) if isinstance(label, str) and label else ".".join(self.path)


class Wizard:
    """A createUiDefinition ready to run; construction checks every element's type."""

    def __init__(self, document: Mapping[str, Any], environment: Environment | None = None):
        self.document = document
        self.environment = environment or Environment()
        params = document.get("parameters") if isinstance(document, Mapping) else None
        if not isinstance(params, Mapping):
            raise ValueError("createUiDefinition has no 'parameters' object")
        self.params = params
        self.elements: dict[tuple[str, tuple[str, ...]], _Element] = {}
        self.order: list[_Element] = []
        self.steps: list[str] = [BASICS]
        self.top: dict[str, list[str]] = {}
        self.top[BASICS] = self._index(BASICS, params.get("basics") or [], (), ["parameters", "basics"], None)
        for si, step in enumerate(params.get("steps") or []):
            if not isinstance(step, Mapping) or not isinstance(step.get("name"), str):
                raise ValueError(f"{json_path(['parameters', 'steps', si])}: a step needs a name")
            name = step["name"]
            if name in self.top:
                raise ValueError(f"{json_path(['parameters', 'steps', si])}: duplicate step {name!r}")
            self.steps.append(name)
            self.top[name] = self._index(name, step.get("elements") or [], (),
                                         ["parameters", "steps", si, "elements"], None)

    def _index(self, step: str, items: Any, prefix: tuple[str, ...], where: list[str | int],
               parent: tuple[str, tuple[str, ...]] | None) -> list[str]:
        if not isinstance(items, list):
            raise ValueError(f"{json_path(where)}: elements must be an array")
        names: list[str] = []
        for i, el in enumerate(items):
            here = [*where, i]
            if not isinstance(el, Mapping) or not isinstance(el.get("name"), str) or not isinstance(el.get("type"), str):
                raise ValueError(f"{json_path(here)}: an element needs a name and a type")
            ctype = _TYPES.get(el["type"].lower())
            if ctype is None:
                raise UnsupportedControl(f"{json_path(here)}: control type {el['type']!r} is not supported by "
                                         "armgen's createUiDefinition evaluator")
            if el["name"] in names:
                raise ValueError(f"{json_path(here)}: two elements named {el['name']!r} in one container")
            names.append(el["name"])
            path = (*prefix, el["name"])
            node = _Element(step, path, dict(el), ctype, here, parent, [])
            self.elements[node.key] = node
            self.order.append(node)
            if ctype == "Microsoft.Common.Section":
                node.children = self._index(step, el.get("elements") or [], path, [*here, "elements"], node.key)
        return names

    def run(self, values: Mapping[str, Any] | None = None, *, api: Mapping[str, Any] | None = None) -> Outcome:
        """Evaluate the wizard for ``values`` (``{"basics": {...}, "<step>": {...}}``, sections as
        nested objects). ``api`` overrides an ArmApiControl's answer by element name."""
        return _Run(self, values or {}, api or {}).outcome()

    def element_paths(self) -> Iterator[tuple[str, str, str]]:
        """``(step, dotted element name, control type)`` of every element, in document order."""
        for el in self.order:
            yield el.step, ".".join(el.path), el.type


_MISSING = object()


class _Run:
    def __init__(self, wizard: Wizard, values: Mapping[str, Any], api: Mapping[str, Any]):
        self.w = wizard
        self.env = wizard.environment
        self.values = values
        self.api = api
        self.errors: list[str] = []
        self._visible: dict[Any, bool] = {}
        self._value: dict[Any, Any] = {}
        self._options: dict[Any, list[Any] | None] = {}
        self._item_cache: dict[Any, list[dict[str, Any]]] = {}
        self._busy: set[Any] = set()
        self.scope = Scope(location=self.env.location, resource_group=dict(self.env.resource_group),
                           subscription=dict(self.env.subscription), basics=self._basics_view,
                           steps=self._step_view, now=self.env.now, guids=list(self.env.guids), memo={})
        self._check_values()

    # --- user values ---------------------------------------------------------------------

    def _check_values(self) -> None:
        for step, vals in self.values.items():
            if step not in self.w.top:
                raise WizardInputError(f"values for step {step!r}, which the createUiDefinition does not have")
            self._check_container(step, (), vals)

    def _check_container(self, step: str, prefix: tuple[str, ...], vals: Any) -> None:
        if not isinstance(vals, Mapping):
            raise WizardInputError(f"values for {step}{'.' if prefix else ''}{'.'.join(prefix)} must be an object")
        for name, v in vals.items():
            key = (step, (*prefix, name))
            el = self.w.elements.get(key)
            if el is None:
                raise WizardInputError(f"a value for {step}.{'.'.join(key[1])}, which is not an element")
            if el.type == "Microsoft.Common.Section":
                self._check_container(step, key[1], v)

    def user(self, el: _Element) -> Any:
        node: Any = self.values.get(el.step, {})
        for part in el.path:
            if not isinstance(node, Mapping) or part not in node:
                return _MISSING
            node = node[part]
        return node

    # --- scope views ---------------------------------------------------------------------

    def _view(self, step: str, prefix: tuple[str, ...], names: list[str]) -> View:
        where = BASICS if step == BASICS else f"step {step!r}"
        if prefix:
            where += " section " + ".".join(prefix)
        return View(where, names, lambda n: self.value(self.w.elements[(step, (*prefix, n))]))

    def _basics_view(self) -> View:
        return self._view(BASICS, (), self.w.top[BASICS])

    def _step_view(self, name: str) -> View:
        if name not in self.w.top:
            raise EvaluationError(f"there is no step named {name!r}")
        return self._view(name, (), self.w.top[name])

    # --- evaluation helpers ----------------------------------------------------------------

    def ev(self, el: _Element, value: Any, *prop: str | int) -> Any:
        """Evaluate a property of an element (expressions anywhere inside it)."""
        return self._ev_tree(value, [*el.json_path, *prop])

    def _ev_tree(self, value: Any, where: list[str | int]) -> Any:
        # The JSON path is only spelled out for an error: most values evaluate fine.
        if isinstance(value, str):
            try:
                return evaluate(value, self.scope)
            except EvaluationError as exc:
                raise type(exc)(f"{json_path(where)}: {exc}") from None
        if isinstance(value, list):
            return [self._ev_tree(v, [*where, i]) for i, v in enumerate(value)]
        if isinstance(value, Mapping):
            return {k: self._ev_tree(v, [*where, k]) for k, v in value.items()}
        return value

    def ev_bool(self, el: _Element, value: Any, *prop: str | int) -> bool:
        v = self.ev(el, value, *prop)
        if not isinstance(v, bool):
            raise EvaluationError(f"{json_path([*el.json_path, *prop])}: must be a boolean, not {type_name(v)}")
        return v

    def _guard(self, table: dict[Any, Any], key: Any, what: str, compute: Any) -> Any:
        if key in table:
            return table[key]
        if (what, key) in self._busy:
            raise EvaluationError(f"{what} of {key[0]}.{'.'.join(key[1])} depends on itself")
        self._busy.add((what, key))
        try:
            result = compute()
        finally:
            self._busy.discard((what, key))
        table[key] = result
        return result

    # --- visibility and value -----------------------------------------------------------------

    def visible(self, el: _Element) -> bool:
        def compute() -> bool:
            if el.parent is not None and not self.visible(self.w.elements[el.parent]):
                return False
            if el.type == "Microsoft.Solutions.ArmApiControl":
                return True
            return self.ev_bool(el, el.doc.get("visible", True), "visible")

        return self._guard(self._visible, el.key, "visibility", compute)

    def value(self, el: _Element) -> Any:
        def compute() -> Any:
            if not self.visible(el):
                return None
            return getattr(self, "_value_" + el.type.split(".")[-1])(el)

        return self._guard(self._value, el.key, "value", compute)

    def options(self, el: _Element) -> list[Any] | None:
        def compute() -> list[Any] | None:
            fn = getattr(self, "_options_" + el.type.split(".")[-1], None)
            return fn(el) if fn else None

        return self._guard(self._options, el.key, "options", compute)

    # --- per control: options -------------------------------------------------------------

    def _items(self, el: _Element) -> list[dict[str, Any]]:
        return self._guard(self._item_cache, el.key, "allowed values", lambda: self._compute_items(el))

    def _compute_items(self, el: _Element) -> list[dict[str, Any]]:
        raw = self.ev(el, (el.doc.get("constraints") or {}).get("allowedValues", []), "constraints", "allowedValues")
        if not isinstance(raw, list):
            raise EvaluationError(f"{json_path([*el.json_path, 'constraints', 'allowedValues'])}: must be an array, "
                                  f"not {type_name(raw)}")
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping) or "label" not in item or "value" not in item:
                raise EvaluationError(f"{json_path([*el.json_path, 'constraints', 'allowedValues', i])}: an allowed "
                                      "value is an object with a label and a value")
        return raw

    def _options_DropDown(self, el: _Element) -> list[Any]:
        return [i["value"] for i in self._items(el)]

    _options_OptionsGroup = _options_DropDown

    def _options_SizeSelector(self, el: _Element) -> list[Any]:
        c = el.doc.get("constraints") or {}
        allowed = self.ev(el, c.get("allowedSizes"), "constraints", "allowedSizes")
        excluded = self.ev(el, c.get("excludedSizes"), "constraints", "excludedSizes") or []
        recommended = self.ev(el, el.doc.get("recommendedSizes") or [], "recommendedSizes")
        base = self.env.sizes if self.env.sizes is not None else (allowed if allowed else list(recommended))
        out = [s for s in base if (not allowed or s in allowed) and s not in excluded]
        return out

    def _options_ResourceSelector(self, el: _Element) -> list[Any]:
        return [c["id"] for c in self._resource_candidates(el)]

    def _resource_candidates(self, el: _Element) -> list[dict[str, Any]]:
        rtype = str(el.doc.get("resourceType", ""))
        flt = ((el.doc.get("options") or {}).get("filter") or {})
        out = []
        for c in self.env.candidates(rtype):
            if flt.get("location") == "onBasics" and _norm(c.get("location")) != _norm(self.env.location):
                continue
            sub = str(self.env.subscription.get("id", "")).lower()
            if flt.get("subscription") == "onBasics" and not str(c.get("id", "")).lower().startswith(sub + "/"):
                continue
            out.append(c)
        return out

    # --- per control: values -----------------------------------------------------------------

    def _typed_user(self, el: _Element, *kinds: str) -> Any:
        v = self.user(el)
        if v is not _MISSING and type_name(v) not in kinds:
            raise WizardInputError(f"{el.step}.{'.'.join(el.path)}: a {el.type} takes {' or '.join(kinds)}, "
                                   f"not {type_name(v)}")
        return v

    def _text_value(self, el: _Element) -> Any:
        v = self._typed_user(el, "string")
        if v is not _MISSING:
            return v
        if "defaultValue" in el.doc:
            d = self.ev(el, el.doc["defaultValue"], "defaultValue")
            if not isinstance(d, str):
                raise EvaluationError(f"{json_path([*el.json_path, 'defaultValue'])}: must be a string, not {type_name(d)}")
            return d
        return ""

    _value_TextBox = _text_value
    _value_UserNameTextBox = _text_value

    def _value_PasswordBox(self, el: _Element) -> Any:
        v = self._typed_user(el, "string")
        return "" if v is _MISSING else v

    def _value_DropDown(self, el: _Element) -> Any:
        items = self._items(el)
        multi = self.ev(el, el.doc.get("multiselect", False), "multiselect") is True
        v = self.user(el)
        if v is not _MISSING:
            if multi and not isinstance(v, list):
                raise WizardInputError(f"{el.step}.{'.'.join(el.path)}: a multi-select DropDown takes an array")
            return v
        d = self.ev(el, el.doc.get("defaultValue"), "defaultValue") if "defaultValue" in el.doc else None
        if multi:
            picks = d if isinstance(d, list) else ([] if d is None else [d])
            return [x for x in (_pick(items, p) for p in picks) if x is not _MISSING]
        if d is not None:
            picked = _pick(items, d)
            if picked is not _MISSING:
                return picked
        return items[0]["value"] if items else None

    _value_OptionsGroup = _value_DropDown

    def _value_CheckBox(self, el: _Element) -> Any:
        v = self._typed_user(el, "boolean")
        if v is not _MISSING:
            return v
        if "defaultValue" in el.doc:
            return self.ev_bool(el, el.doc["defaultValue"], "defaultValue")
        return False

    def _value_Slider(self, el: _Element) -> Any:
        v = self._typed_user(el, "number")
        if v is not _MISSING:
            return v
        if "defaultValue" in el.doc:
            return self.ev(el, el.doc["defaultValue"], "defaultValue")
        return self.ev(el, el.doc.get("min", 0), "min")

    def _value_SizeSelector(self, el: _Element) -> Any:
        v = self._typed_user(el, "string")
        options = self.options(el) or []
        if v is not _MISSING:
            return v
        for size in self.ev(el, el.doc.get("recommendedSizes") or [], "recommendedSizes"):
            if size in options:
                return size
        return None

    def _value_CredentialsCombo(self, el: _Element) -> Any:
        v = self._typed_user(el, "object")
        linux = str(el.doc.get("osPlatform", "")).lower() == "linux"
        hide_password = self.ev(el, (el.doc.get("options") or {}).get("hidePassword", False), "options",
                                "hidePassword") is True
        if linux:
            out: dict[str, Any] = {"authenticationType": "sshPublicKey" if hide_password else "password",
                                   "password": "", "sshPublicKey": "", "sshKeyName": "", "generateNewSshKey": False}
        else:
            out = {"authenticationType": "password", "password": ""}
        if v is not _MISSING:
            unknown = set(v) - set(out)
            if unknown:
                raise WizardInputError(f"{el.step}.{'.'.join(el.path)}: unknown field(s) {sorted(unknown)}")
            out.update(v)
        return out

    def _value_ResourceSelector(self, el: _Element) -> Any:
        v = self.user(el)
        if v is _MISSING or v is None:
            return None
        rid = v.get("id") if isinstance(v, Mapping) else v
        if not isinstance(rid, str):
            raise WizardInputError(f"{el.step}.{'.'.join(el.path)}: a ResourceSelector takes a resource id")
        for c in self._resource_candidates(el):
            if str(c.get("id", "")).lower() == rid.lower():
                return c
        return {"id": rid, "$notListed": True}

    def _value_ArmApiControl(self, el: _Element) -> Any:
        if el.path[-1] in self.api:
            return self.api[el.path[-1]]
        request = el.doc.get("request") or {}
        try:
            method = self.ev(el, request.get("method", "GET"), "request", "method")
            path = self.ev(el, request.get("path"), "request", "path")
        except EvaluationError:
            return None  # the portal sends no request until its path can be built
        if not isinstance(method, str) or not isinstance(path, str):
            return None
        return self.env.answer(method, path)

    def _value_TagsByResource(self, el: _Element) -> Any:
        v = self._typed_user(el, "object")
        if v is _MISSING:
            return {}
        for rtype, tags in v.items():
            if not isinstance(tags, Mapping) or not all(isinstance(x, str) for x in tags.values()):
                raise WizardInputError(f"{el.step}.{'.'.join(el.path)}: tags of {rtype} must be an object of strings")
        return v

    def _value_InfoBox(self, el: _Element) -> Any:
        return self.ev(el, (el.doc.get("options") or {}).get("text"), "options", "text")

    _value_TextBlock = _value_InfoBox

    def _value_Section(self, el: _Element) -> Any:
        return self._view(el.step, el.path, el.children)

    # --- constraints ------------------------------------------------------------------------

    def checks(self, el: _Element) -> list[str]:
        if not self.visible(el):
            return []
        fn = getattr(self, "_check_" + el.type.split(".")[-1], None)
        msgs = fn(el, self.value(el)) if fn else []
        return msgs + self._validations(el, self.value(el), regex_ok=fn is not None and el.type in _TEXT_TYPES)

    def _required(self, el: _Element, default: bool) -> bool:
        c = el.doc.get("constraints") or {}
        return self.ev_bool(el, c.get("required", default), "constraints", "required")

    def _validations(self, el: _Element, value: Any, regex_ok: bool) -> list[str]:
        c = el.doc.get("constraints") or {}
        msgs = []
        for i, v in enumerate(c.get("validations") or []):
            where = ("constraints", "validations", i)
            message = str(v.get("message") or f"{el.label} is not valid.")
            if "isValid" in v and not self.ev_bool(el, v["isValid"], *where, "isValid"):
                msgs.append(message)
            if "regex" in v:
                if not regex_ok:
                    raise EvaluationError(f"{json_path([*el.json_path, *where])}: a regex validation needs a text value")
                pattern = self.ev(el, v["regex"], *where, "regex")
                if value and not js_regex_search(pattern, value):
                    msgs.append(message)
        return msgs

    def _check_text(self, el: _Element, value: Any, required_default: bool) -> list[str]:
        if self._required(el, required_default) and value == "":
            return [f"{el.label}: a value is required."]
        c = el.doc.get("constraints") or {}
        if value != "" and c.get("regex") is not None:
            pattern = self.ev(el, c["regex"], "constraints", "regex")
            if not js_regex_search(pattern, value):
                return [str(c.get("validationMessage") or f"{el.label}: the value does not match {pattern}")]
        return []

    def _check_TextBox(self, el: _Element, value: Any) -> list[str]:
        return self._check_text(el, value, False)

    def _check_PasswordBox(self, el: _Element, value: Any) -> list[str]:
        return self._check_text(el, value, False)

    def _check_UserNameTextBox(self, el: _Element, value: Any) -> list[str]:
        return self._check_text(el, value, True)

    def _check_DropDown(self, el: _Element, value: Any) -> list[str]:
        offered = self.options(el) or []
        multi = isinstance(value, list) and self.ev(el, el.doc.get("multiselect", False), "multiselect") is True
        picked = value if multi else ([] if value is None else [value])
        if not picked:
            if self._required(el, True):
                if not offered:
                    return [f"{el.label}: there is nothing to choose from."]
                return [f"{el.label}: choose a value."]
            return []
        bad = [p for p in picked if not any(_same(p, o) for o in offered)]
        if bad:
            return [f"{el.label}: {', '.join(repr(b) for b in bad)} is not among the values offered."]
        return []

    _check_OptionsGroup = _check_DropDown

    def _check_CheckBox(self, el: _Element, value: Any) -> list[str]:
        if self._required(el, False) and value is not True:
            c = el.doc.get("constraints") or {}
            return [str(c.get("validationMessage") or f"{el.label} must be checked.")]
        return []

    def _check_Slider(self, el: _Element, value: Any) -> list[str]:
        lo, hi = self.ev(el, el.doc.get("min"), "min"), self.ev(el, el.doc.get("max"), "max")
        if type_name(lo) != "number" or type_name(hi) != "number":
            raise EvaluationError(f"{json_path(el.json_path)}: a Slider needs numbers for min and max")
        # A whole number, whatever its JSON spelling (2 or 2.0: JavaScript has one number type).
        if type_name(value) != "number" or not float(value).is_integer() or not lo <= value <= hi:
            return [f"{el.label}: choose a whole number from {lo} to {hi}."]
        return []

    def _check_SizeSelector(self, el: _Element, value: Any) -> list[str]:
        if value is None:
            return [f"{el.label}: no size is available."]
        if value not in (self.options(el) or []):
            return [f"{el.label}: {value} is not among the sizes offered."]
        return []

    def _check_CredentialsCombo(self, el: _Element, value: Any) -> list[str]:
        required = self._required(el, True)
        c = el.doc.get("constraints") or {}
        auth = value.get("authenticationType")
        if auth == "password":
            hide = (el.doc.get("options") or {}).get("hidePassword", False)
            if str(el.doc.get("osPlatform", "")).lower() == "linux" and self.ev(el, hide, "options", "hidePassword"):
                return [f"{el.label}: password authentication is not offered."]
            pw = value.get("password") or ""
            if required and not pw:
                return [f"{el.label}: a password is required."]
            pattern = c.get("customPasswordRegex")
            if pw and pattern and not js_regex_search(self.ev(el, pattern, "constraints", "customPasswordRegex"), pw):
                return [str(c.get("customValidationMessage") or f"{el.label}: the password does not match {pattern}")]
            return []
        if auth == "sshPublicKey":
            if value.get("generateNewSshKey"):
                return [] if value.get("sshKeyName") else [f"{el.label}: name the new key pair."]
            if required and not value.get("sshPublicKey"):
                return [f"{el.label}: an SSH public key is required."]
            return []
        return [f"{el.label}: choose an authentication type."]

    def _check_ResourceSelector(self, el: _Element, value: Any) -> list[str]:
        if value is None:
            return [f"{el.label}: select a resource."] if self._required(el, True) else []
        if value.get("$notListed"):
            return [f"{el.label}: {value['id']} is not among the resources listed."]
        return []

    # --- the whole run ---------------------------------------------------------------------------

    def outcome(self) -> Outcome:
        blocked: list[Block] = []
        states: dict[Any, ElementState] = {}
        for el in self.w.order:
            try:
                visible = self.visible(el)
                value = self.value(el)
                options = self.options(el) if visible else None
                msgs = self.checks(el)
                # A Section's value reads its children: one that fails is this element's error too.
                value = plain(value)
            except EvaluationError as exc:
                self.errors.append(str(exc))
                continue
            states[el.key] = ElementState(el.step, el.path, el.type, visible, value, options)
            blocked.extend(Block(el.step, ".".join(el.path), m) for m in msgs)
        outputs = None
        if not blocked and not self.errors:
            outputs = {}
            for name, expr in (self.w.params.get("outputs") or {}).items():
                try:
                    # A copy: values may be the environment's own objects (a listed resource).
                    outputs[name] = copy.deepcopy(plain(self._ev_tree(expr, ["parameters", "outputs", name])))
                except EvaluationError as exc:
                    self.errors.append(str(exc))
            if self.errors:
                outputs = None
        return Outcome(blocked, self.errors, outputs, states)


_TEXT_TYPES = ("Microsoft.Common.TextBox", "Microsoft.Common.PasswordBox", "Microsoft.Compute.UserNameTextBox")


def _norm(location: Any) -> str:
    return str(location or "").replace(" ", "").lower()


def _same(a: Any, b: Any) -> bool:
    return equal(a, b)


def _pick(items: list[dict[str, Any]], default: Any) -> Any:
    """The value of the item a ``defaultValue`` names: by label, or ``{"value": v}`` by value."""
    if isinstance(default, Mapping) and "value" in default:
        for i in items:
            if _same(i["value"], default["value"]):
                return i["value"]
        return _MISSING
    for i in items:
        if i["label"] == default:
            return i["value"]
    return _MISSING
