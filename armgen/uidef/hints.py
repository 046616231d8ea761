"""Reading the UI hints (``Parameter.ui``, ``Template.ui``) into a checked plan.

Every mistake an offer can make in its hints is reported here as a
:class:`~armgen.template.ModelError` naming the parameter, before any JSON is produced: an
unknown control or step, a parameter the user must fill in that has no way to reach the UI, a
dropdown without allowed values, a tooltip nobody wrote. The rest of the package can then
assume the plan is sound.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from armgen import expr as E
from armgen.expr import Expr
from armgen.records import FrozenRecord, Record
from armgen.template import ModelError, Parameter, Template

BASICS = "basics"

CONTROLS = ("text", "dropdown", "checkbox", "size", "sshKey", "username", "vnet", "subnet", "identity",
            "resourceId", "tags", "zones", "computed", "hidden", "list")

#: Keys a parameter's ``ui`` may carry; anything else is a typo the offer should hear about.
KNOWN_KEYS = {
    "step", "label", "toolTip", "order", "control", "regex", "validationMessage", "labels",
    "osPlatform", "imageReference", "count", "part", "slot", "minAddressPrefixSize",
    "minAddressCount", "resources", "placeholder", "visible", "descriptions", "resourceType",
    "selectorLabel", "locationFilter", "shownWhen", "recommended", "expression", "itemLabels", "validations",
    "delegation", "maxAddressPrefixSize",
}


@dataclasses.dataclass(init=False, repr=False, eq=False)  # no generated code: see armgen.records
class Where(FrozenRecord):
    """Where an element lives, and how other elements and outputs refer to it."""

    step: str

    def __init__(self, step: str) -> None:
        object.__setattr__(self, "step", step)

    def ref(self, element: str, *props: str) -> str:
        """``basics('x').p`` or ``steps('s').x.p`` (without the surrounding brackets)."""
        base = f"basics('{element}')" if self.step == BASICS else f"steps('{self.step}').{element}"
        return ".".join([base, *props])


@dataclasses.dataclass(init=False, repr=False, eq=False)  # no generated code: see armgen.records
class Placed(Record):
    """One parameter the UI fills in: its control kind, step and hints."""

    param: Parameter
    control: str
    where: Where
    hints: dict[str, Any]
    position: int
    #: The controlling checkbox's reference (``steps('s').x``) when the hint ``shownWhen`` names
    #: one: the element is shown only while it is checked, and hands over the parameter's default
    #: otherwise (a hidden element has no value in the portal).
    when: str | None = None

    def __init__(self, param: Parameter, control: str, where: Where, hints: dict[str, Any], position: int,
                 when: str | None = None) -> None:
        self.param = param
        self.control = control
        self.where = where
        self.hints = hints
        self.position = position
        self.when = when

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def label(self) -> str:
        return str(self.hints.get("label") or humanize(self.param.name))

    @property
    def tooltip(self) -> str:
        text = self.hints.get("toolTip") or self.param.description
        if not text or not str(text).strip():
            raise ModelError(
                f"parameter {self.name}: no toolTip in its ui hints and no description "
                "(arm-ttk Tooltips-Should-Be-Present)"
            )
        return str(text)

    def sort_key(self) -> tuple[int, int]:
        return (int(self.hints.get("order", self.position)), self.position)


def humanize(name: str) -> str:
    """``vmSize`` -> ``Vm size``: a readable fallback label."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").split()
    text = " ".join(w if w.isupper() else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def is_location(p: Parameter) -> bool:
    return p.name.lower() == "location"


def literal_default(p: Parameter) -> bool:
    """A default the UI can show as-is (not an expression the portal cannot evaluate)."""
    if not p.has_default:
        return False
    d = p.default
    if isinstance(d, Expr) or (hasattr(d, "expr") and callable(d.expr)):
        return False
    return not (isinstance(d, str) and d.startswith("[") and d.endswith("]"))


#: ARM default expressions whose value the portal knows before deployment, in its own language.
_PORTAL_EQUIVALENTS = {
    "[resourceGroup().name]": "resourceGroup().name",
    "[resourceGroup().location]": "location()",
}


def portal_default(p: Parameter) -> str | None:
    """The createUiDefinition expression equal to ``p``'s expression default, if there is one.

    ``resourceGroup().name`` in the template and in the portal name the same group at deployment
    time, so a text box may stay empty and hand over that value instead.
    """
    if not p.has_default or literal_default(p):
        return None
    text = E.to_json(E.lift(p.default))
    if not isinstance(text, str):
        return None
    return _PORTAL_EQUIVALENTS.get(text.replace(" ", ""))


def default_control(p: Parameter) -> str:
    if p.type == "bool":
        return "checkbox"
    if p.type in ("string", "securestring", "int"):
        return "text"
    raise ModelError(f"parameter {p.name}: type {p.type} needs an explicit ui control")


def step_names(t: Template) -> list[str]:
    """The offer's steps in order; ``basics`` always first."""
    names = [BASICS]
    for s in t.ui.get("steps", []):
        name = s.get("name") if isinstance(s, dict) else None
        if not name or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise ModelError(f"Template.ui steps: {s!r} needs a name of letters and digits")
        if name.lower() in (n.lower() for n in names):
            raise ModelError(f"Template.ui steps: duplicate step {name!r}")
        if not s.get("label"):
            raise ModelError(f"Template.ui steps: step {name!r} needs a label")
        names.append(name)
    return names


def plan(t: Template) -> list[Placed]:
    """Every parameter the UI must fill in, checked; hidden ones and ``location`` are left out."""
    steps = step_names(t)
    placed: list[Placed] = []
    for position, p in enumerate(t.parameters.values()):
        hints = dict(p.ui or {})
        if is_location(p):
            continue  # always ``[location()]``
        unknown = sorted(set(hints) - KNOWN_KEYS)
        if unknown:
            raise ModelError(f"parameter {p.name}: unknown ui hint(s) {', '.join(unknown)}")
        if not hints:
            if not p.has_default:
                raise ModelError(
                    f"parameter {p.name} has no default and no ui hints: the user could never set it "
                    "(every parameter without a default must be a createUiDefinition output)"
                )
            continue
        control = hints.get("control") or default_control(p)
        if control not in CONTROLS:
            raise ModelError(f"parameter {p.name}: unknown ui control {control!r} (one of {', '.join(CONTROLS)})")
        if control == "hidden":
            if not p.has_default:
                raise ModelError(f"parameter {p.name}: a hidden parameter needs a default value")
            continue
        if control == "computed":
            expr = hints.get("expression")
            if not (isinstance(expr, str) and expr.startswith("[") and expr.endswith("]")):
                raise ModelError(f"parameter {p.name}: a computed parameter needs an 'expression' (\"[...]\") the "
                                 "portal evaluates for its output")
        step = hints.get("step", BASICS)
        matches = [s for s in steps if s.lower() == str(step).lower()]
        if not matches:
            raise ModelError(f"parameter {p.name}: step {step!r} is not in Template.ui['steps']")
        placed.append(Placed(p, control, Where(matches[0]), hints, position))
    by_name = {pl.name: pl for pl in placed}
    for pl in placed:
        ctl = pl.hints.get("shownWhen")
        if ctl is None:
            continue
        target = by_name.get(str(ctl))
        if target is None or target.control != "checkbox":
            raise ModelError(f"parameter {pl.name}: shownWhen {ctl!r} must name a parameter shown as a checkbox")
        if "visible" in pl.hints:
            raise ModelError(f"parameter {pl.name}: give either visible or shownWhen, not both")
        if not pl.param.has_default or not literal_default(pl.param):
            raise ModelError(f"parameter {pl.name}: shownWhen needs a literal default to hand over while hidden")
        if steps.index(target.where.step) > steps.index(pl.where.step):
            raise ModelError(f"parameter {pl.name}: shownWhen {ctl!r} is on a later step")
        pl.when = target.where.ref(target.name)
        pl.hints["visible"] = f"[{pl.when}]"
    return placed
