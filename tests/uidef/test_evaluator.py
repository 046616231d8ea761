"""armgen's createUiDefinition evaluator against the language-neutral conformance cases.

``evaluator_cases.json`` is the contract between this implementation and the JavaScript port of
the offline preview: both run every case and must agree. ``expressions`` evaluate one string in a
context; ``wizards`` run a whole document with user values and sample answers from Azure.

Comparison rules (the port applies the same): values compare as JSON (an integral number equals
its decimal form; booleans are not numbers; object keys in order); an expected ``error`` is a
substring of the error message; expected ``blocked`` lists every block, in document order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from armgen.uidef import expressions
from armgen.uidef.evaluator import Environment, UnsupportedControl, Wizard
from armgen.uidef.expressions import EvaluationError, Scope, evaluate

CASES = json.loads((Path(__file__).parent / "evaluator_cases.json").read_text(encoding="utf-8"))
DOC = Path(__file__).parents[2] / "docs" / "createuidefinition-evaluator.md"


def same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("case", CASES["expressions"], ids=[c["name"] for c in CASES["expressions"]])
def test_expression(case: dict[str, Any]) -> None:
    scope = Scope.from_json(case.get("context", {}))
    if "error" in case:
        with pytest.raises(EvaluationError) as err:
            evaluate(case["expression"], scope)
        assert case["error"] in str(err.value)
    else:
        got = evaluate(case["expression"], scope)
        assert same(got, case["expected"]), got


@pytest.mark.parametrize("case", CASES["wizards"], ids=[c["name"] for c in CASES["wizards"]])
def test_wizard(case: dict[str, Any]) -> None:
    expected = case["expected"]
    env = Environment.from_json(case.get("environment", {}))
    try:
        outcome = Wizard(case["createUiDefinition"], env).run(case.get("values"), api=case.get("api"))
    except UnsupportedControl as exc:
        assert [e for e in expected.get("errors", []) if e not in str(exc)] == [] and expected.get("errors")
        return
    if "errors" in expected:
        assert outcome.outputs is None
        for e in expected["errors"]:
            assert any(e in got for got in outcome.errors), outcome.errors
    elif "blocked" in expected:
        assert outcome.errors == []
        assert outcome.outputs is None
        assert [{"step": b.step, "element": b.element, "message": b.message} for b in outcome.blocked] == expected["blocked"]
    else:
        assert outcome.errors == [] and outcome.blocked == []
        assert outcome.outputs is not None and same(outcome.outputs, expected["outputs"]), outcome.outputs
    for name, want in case.get("elements", {}).items():
        step, _, path = name.partition(".")
        state = outcome.element(step, path)
        for key, value in want.items():
            assert same(getattr(state, key), value), (name, key, getattr(state, key))


def test_every_function_has_a_case_and_is_documented() -> None:
    used = " ".join(c["expression"] for c in CASES["expressions"]).lower()
    doc = DOC.read_text(encoding="utf-8")
    for group, names in expressions.function_names():
        for name in names:
            assert re.search(rf"\b{name.lower()}\(", used), f"no conformance case calls {name}()"
            assert f"`{name}`" in doc, f"{DOC.name} does not document {name} ({group})"


def test_every_control_type_has_a_wizard_case_and_is_documented() -> None:
    from armgen.uidef.evaluator import CONTROL_TYPES

    used = json.dumps(CASES["wizards"])
    doc = DOC.read_text(encoding="utf-8")
    for t in CONTROL_TYPES:
        assert f'"{t}"' in used, f"no wizard case uses {t}"
        assert t in doc, f"{DOC.name} does not describe {t}"


def test_cases_are_unique_and_not_trivial() -> None:
    names = [c["name"] for c in CASES["expressions"]] + [c["name"] for c in CASES["wizards"]]
    assert len(names) == len(set(names))
    errors = [c for c in CASES["expressions"] if "error" in c]
    assert len(errors) >= 30 and len(CASES["expressions"]) - len(errors) >= 150
