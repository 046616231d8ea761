"""The wizard contract: every state a customer can reach is blocked with a message, or deployable.

A createUiDefinition and its mainTemplate are two programs that must agree on every input the
portal can produce, not just on the defaults. :func:`check_wizard` walks the states that
matter, runs each with the evaluator (:mod:`armgen.uidef.evaluator`) and requires that each is
either stopped by a constraint that tells the user why, or yields parameter values the template
accepts (:mod:`armgen.uidef.acceptance`) and that satisfy the offer's own invariants.

Which states (:func:`states`), smart rather than exhaustive so the check runs in a blink:

- the starting state: defaults, each picker on its first listed resource, free text from the
  environment's ``inputs`` (it must be deployable, so the check cannot pass vacuously);
- each value of each choice (DropDown, OptionsGroup, CheckBox, SizeSelector, Slider ends,
  ResourceSelector entries and the empty picker), one at a time;
- pairwise combinations of those choices (a greedy covering array: every pair of values of two
  choices appears in some state), which catches interactions such as zone 1 and zone 2;
- every text box cleared;
- two drop-downs offering the same value set to it (the same subnet for two zones);
- each ArmApiControl answering nothing, and answering an empty list.

Why not the cartesian product: the offer's wizard has a dozen choices of two to five values
each; all combinations are millions of states, while pairs are a few hundred and a covering
array reaches them in a few dozen states. Faults that need three choices at once are rare in
forms and are the price of a check that runs on every test run.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from armgen.uidef.acceptance import check_parameters
from armgen.uidef.evaluator import ElementState, Environment, Outcome, Wizard
from armgen.uidef.expressions import equal

Invariant = Callable[[dict[str, Any]], list[str]]
Key = tuple[str, str]  # (step, dotted element name)

_CHOICES = ("Microsoft.Common.DropDown", "Microsoft.Common.OptionsGroup", "Microsoft.Common.CheckBox",
            "Microsoft.Compute.SizeSelector", "Microsoft.Common.Slider", "Microsoft.Solutions.ResourceSelector")
_TEXT = ("Microsoft.Common.TextBox", "Microsoft.Common.PasswordBox", "Microsoft.Compute.UserNameTextBox")
#: Enough states for every offer armgen builds; a bound keeps a pathological document finite.
MAX_PAIRWISE_STATES = 150


@dataclasses.dataclass
class State:
    """User input for one run: values by step, and ArmApiControl answers to override."""

    label: str
    values: dict[str, dict[str, Any]]
    api: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class StateResult:
    state: State
    outcome: Outcome
    problems: list[str]

    @property
    def verdict(self) -> str:
        if self.outcome.errors:
            return "error"
        return "accepted" if self.outcome.ok else "blocked"


@dataclasses.dataclass
class ContractReport:
    results: list[StateResult]
    problems: list[str]

    def count(self, verdict: str) -> int:
        return sum(1 for r in self.results if r.verdict == verdict)

    def summary(self) -> str:
        return (f"{len(self.results)} states: {self.count('accepted')} deployable, {self.count('blocked')} blocked "
                f"with a message, {self.count('error')} failing; {len(self.problems)} problem(s)")


def _set(values: dict[str, dict[str, Any]], key: Key, value: Any) -> None:
    step, name = key
    node = values.setdefault(step, {})
    parts = name.split(".")
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def _has(values: Mapping[str, Any], key: Key) -> bool:
    node: Any = values.get(key[0], {})
    for p in key[1].split("."):
        if not isinstance(node, Mapping) or p not in node:
            return False
        node = node[p]
    return True


class Explorer:
    """Runs states of one wizard in one environment, filling in what a user always has to."""

    def __init__(self, wizard: Wizard):
        self.wizard = wizard
        self.env = wizard.environment
        self.types = {(step, name): t for step, name, t in wizard.element_paths()}

    def complete(self, state: State) -> tuple[State, Outcome]:
        """Run ``state``; a picker that appears empty gets its first resource, a free-text box
        its sample input, as a user would, unless the state sets it explicitly."""
        values = copy.deepcopy(state.values)
        for _ in range(5):
            outcome = self.wizard.run(values, api=state.api)
            changed = False
            for (step, path), es in outcome.elements.items():
                key = (step, ".".join(path))
                if not es.visible or _has(values, key):
                    continue
                if es.type == "Microsoft.Solutions.ResourceSelector" and es.options:
                    _set(values, key, es.options[0])
                    changed = True
                elif es.type in _TEXT and es.value == "":
                    sample = self._input(key)
                    if sample is not None:
                        _set(values, key, sample)
                        changed = True
            if not changed:
                return State(state.label, values, state.api), outcome
        return State(state.label, values, state.api), outcome

    def _input(self, key: Key) -> Any:
        node: Any = self.env.inputs.get(key[0], {})
        for p in key[1].split("."):
            if not isinstance(node, Mapping) or p not in node:
                return None
            node = node[p]
        return node

    def domain(self, es: ElementState) -> list[Any]:
        """The values a user can give a choice control, as offered in the state it was read from."""
        if es.type == "Microsoft.Common.CheckBox":
            return [False, True]
        if es.type == "Microsoft.Solutions.ResourceSelector":
            return [*(es.options or []), None]
        if es.type == "Microsoft.Common.Slider":
            el = self.wizard.elements[(es.step, es.path)].doc
            lo, hi = el.get("min"), el.get("max")
            return [v for v in dict.fromkeys([lo, hi, es.value]) if isinstance(v, int)]
        if es.type == "Microsoft.Common.DropDown" and isinstance(es.value, list):
            opts = es.options or []
            return [[], *([o] for o in opts), list(opts)]
        return list(es.options or [])


def _fmt(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else "..." + text[-37:]


def states(explorer: Explorer) -> list[tuple[State, Outcome]]:
    """The states worth checking, each already run (see the module docstring)."""
    out: list[tuple[State, Outcome]] = []
    seen: set[str] = set()

    def add(state: State, ran: tuple[State, Outcome] | None = None) -> tuple[State, Outcome] | None:
        done, outcome = ran if ran is not None else explorer.complete(state)
        done = State(state.label, done.values, done.api)
        sig = _signature(done)
        if sig in seen:
            return None
        seen.add(sig)
        out.append((done, outcome))
        return done, outcome

    seed: dict[str, dict[str, Any]] = {}
    base_state, base = explorer.complete(State("start", seed))
    seen.add(_signature(base_state))
    out.append((base_state, base))

    choices: list[tuple[Key, list[Any]]] = []
    for (step, path), es in base.elements.items():
        if es.visible and es.type in _CHOICES:
            key = (step, ".".join(path))
            dom = explorer.domain(es)
            if len(dom) > 1 or es.type == "Microsoft.Solutions.ResourceSelector":
                choices.append((key, dom))

    def with_(label: str, changes: Mapping[Key, Any], api: Mapping[str, Any] | None = None) -> State:
        values = copy.deepcopy(base_state.values)
        for k, v in changes.items():
            _set(values, k, v)
        return State(label, values, dict(api or {}))

    # Each value of each choice, one at a time.
    for key, dom in choices:
        current = base.element(*key).value
        for v in dom:
            if not equal(v, current):
                add(with_(f"{key[0]}.{key[1]} = {_fmt(v)}", {key: v}))

    # Pairwise over the choices. Pickers stay out: another resource mostly changes what other
    # choices offer, and each of its values is tried above.
    pair_choices = [(k, d) for k, d in choices
                    if explorer.types.get(k) != "Microsoft.Solutions.ResourceSelector" and len(d) > 1]
    index_of = {k: i for i, (k, _) in enumerate(pair_choices)}
    uncovered: set[tuple[int, int, int, int]] = set()
    for (i, (_, d1)), (j, (_, d2)) in itertools.combinations(enumerate(pair_choices), 2):
        uncovered.update((i, a, j, b) for a in range(len(d1)) for b in range(len(d2)))

    def value_index(i: int, value: Any) -> int | None:
        return next((n for n, v in enumerate(pair_choices[i][1]) if equal(v, value)), None)

    def cover(outcome: Outcome) -> None:
        """Pairs a state tested: all of them when it is deployable; when it is blocked, those with a
        blocked choice (that pair was tried and stopped with a message), the others stay open."""
        idx: list[int | None] = []
        for key, _ in pair_choices:
            es = outcome.elements.get((key[0], tuple(key[1].split("."))))
            idx.append(value_index(len(idx), es.value) if es is not None and es.visible else None)
        stopped = {index_of[(b.step, b.element)] for b in outcome.blocked if (b.step, b.element) in index_of}
        for i, j in itertools.combinations(range(len(pair_choices)), 2):
            a, b = idx[i], idx[j]
            if a is None or b is None:
                continue
            if outcome.ok or outcome.errors or i in stopped or j in stopped:
                uncovered.discard((i, a, j, b))

    for _, oc in out:
        cover(oc)
    if not base.ok:
        uncovered.clear()  # nothing is deployable from the start: pairs would only repeat that
    tries: dict[tuple[int, int, int, int], int] = {}
    n = 0
    while uncovered and n < MAX_PAIRWISE_STATES:
        target = min(uncovered)
        i, a, j, b = target
        tries[target] = tries.get(target, 0) + 1
        if tries[target] > 2:
            uncovered.discard(target)  # tried with a greedy and with the starting fill: both blocked
            continue
        pick: dict[int, int] = {i: a, j: b}
        if tries[target] == 1:
            # Greedy: each other choice takes the value that completes the most open pairs.
            for k in range(len(pair_choices)):
                if k in pick:
                    continue
                best, gain = None, 0
                for c in range(len(pair_choices[k][1])):
                    g = sum(1 for m, cm in pick.items() if ((m, cm, k, c) if m < k else (k, c, m, cm)) in uncovered)
                    if g > gain:
                        best, gain = c, g
                if best is not None:
                    pick[k] = best
        changes = {pair_choices[k][0]: pair_choices[k][1][c] for k, c in pick.items()}
        trial = explorer.complete(with_("", changes))
        # Repair: a choice blocked outside the target pair goes back to its starting value, so
        # the state tests the pair rather than an unrelated conflict of the greedy's filling.
        repaired = ({(b.step, b.element) for b in trial[1].blocked} - {pair_choices[i][0], pair_choices[j][0]}) & set(changes)
        for key in repaired:
            changes[key] = base.element(*key).value
        n += 1
        added = add(with_(f"pairwise {n}", changes), None if repaired else trial)
        if added is not None:
            cover(added[1])

    # Every text box cleared.
    for (step, path), es in base.elements.items():
        if es.visible and es.type in _TEXT:
            key = (step, ".".join(path))
            add(with_(f"{step}.{key[1]} cleared", {key: ""}))

    # The same value in two drop-downs (two zones on one subnet).
    drops = [(k, d, base.element(*k).value) for k, d in choices
             if explorer.types.get(k) == "Microsoft.Common.DropDown" and not isinstance(base.element(*k).value, list)]
    for (k1, d1, v1), (k2, d2, v2) in itertools.combinations(drops, 2):
        u1, u2 = [*d1, v1], [*d2, v2]
        common = [x for x in u1 if any(equal(x, y) for y in u2)]
        if not common:
            continue
        for x in [v1, *common][:3]:
            add(with_(f"{k1[0]}.{k1[1]} and {k2[0]}.{k2[1]} both {_fmt(x)}", {k1: x, k2: x}))

    # Each ArmApiControl answering nothing, or an empty list.
    for (step, path), es in base.elements.items():
        if es.type == "Microsoft.Solutions.ArmApiControl":
            name = path[-1]
            add(with_(f"{step}.{name} answers nothing", {}, {name: None}))
            add(with_(f"{step}.{name} answers an empty list", {}, {name: {"value": []}}))
    return out


def _signature(state: State) -> str:
    return json.dumps([state.values, state.api], sort_keys=True, default=repr)


def check_wizard(document: Mapping[str, Any], template: Mapping[str, Any], environment: Environment,
                 invariants: Iterable[Invariant] = ()) -> ContractReport:
    """Walk the wizard's states in ``environment`` and check each against ``template``.

    A problem is a state that fails to evaluate, is blocked without a message, or yields
    parameters the template refuses or an invariant rejects; the starting state must be
    deployable. ``invariants`` take the outputs and return problems (an offer's own rules, e.g.
    "the zone subnets differ", which no template parameter can express).
    """
    checks = list(invariants)
    explorer = Explorer(Wizard(document, environment))
    results: list[StateResult] = []
    problems: list[str] = []
    for state, outcome in states(explorer):
        found: list[str] = []
        if outcome.errors:
            found += [f"does not evaluate: {e}" for e in outcome.errors]
        elif not outcome.ok:
            found += [f"blocked without a message at {b.step}.{b.element}" for b in outcome.blocked
                      if not b.message.strip()]
        else:
            assert outcome.outputs is not None
            found += [f"the template refuses {p}" for p in check_parameters(template, outcome.outputs)]
            for inv in checks:
                found += inv(outcome.outputs)
        results.append(StateResult(state, outcome, found))
        problems += [f"[{state.label}] {p}" for p in found]
    if results and not results[0].outcome.ok:
        blocked = "; ".join(str(b) for b in results[0].outcome.blocked) or "; ".join(results[0].outcome.errors)
        problems.insert(0, f"[start] the starting state is not deployable: {blocked}")
    return ContractReport(results, problems)


def distinct(names: Iterable[str], what: str) -> Invariant:
    """An invariant: the outputs ``names`` (strings, or arrays whose items count) are all different."""
    wanted = list(names)

    def check(outputs: dict[str, Any]) -> list[str]:
        seen: list[Any] = []
        for n in wanted:
            v = outputs.get(n)
            seen.extend(v if isinstance(v, list) else [v])
        dupes = sorted({repr(v) for v in seen if sum(1 for w in seen if equal(v, w)) > 1})
        return [f"{what}: {', '.join(dupes)} given more than once ({', '.join(wanted)})"] if dupes else []

    return check


def model_invariants(template: Any) -> list[Invariant]:
    """Rules a template's UI hints imply but no ARM parameter can state: each subnet slot and each
    zone slot is used once (two slots on one subnet would share its addresses and its NAT gateway)."""
    params = getattr(template, "parameters", {})
    subnets = [n for n, p in params.items() if (p.ui or {}).get("control") == "subnet"]
    zones = [n for n, p in params.items() if (p.ui or {}).get("control") == "zones"]
    out: list[Invariant] = []
    if len(subnets) > 1:
        out.append(distinct(subnets, "the same subnet for two slots"))
    out.extend(distinct([z], "the same zone for two slots") for z in zones)
    return out
