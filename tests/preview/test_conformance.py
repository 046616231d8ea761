"""The JavaScript port of the evaluator (armgen/preview/evaluator.js) against the Python one.

Three proofs, each run in headless Chromium on the evaluator inlined into a real preview page:

* every case of tests/uidef/evaluator_cases.json (the language-neutral contract the Python
  evaluator passes in tests/uidef/test_evaluator.py), judged by the same rules;
* generated expressions (tests/preview/exprgen.py): the two implementations give the same value,
  or both an error, on expressions nobody wrote a case for;
* Resource Manager's parameter checks (acceptance.py, ported for "Review + create"): the same
  messages for the same template and values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from armgen.uidef.acceptance import check_parameters
from armgen.uidef.expressions import EvaluationError, Scope, evaluate
from tests.preview import exprgen
from tests.preview.conftest import open_clean

CASES = json.loads((Path(__file__).parents[1] / "uidef" / "evaluator_cases.json").read_text(encoding="utf-8"))

#: Runs every case in the page; returns what happened, for Python to judge.
RUN_CASES = """
const U = window.ArmgenUidef;
const cases = JSON.parse(arguments[0]);
const out = {expressions: [], wizards: []};
for (const c of cases.expressions) {
  try {
    out.expressions.push({value: U.evaluate(c.expression, U.Scope.fromJson(c.context || {}))});
  } catch (e) {
    out.expressions.push(e instanceof U.EvaluationError ? {error: e.message} : {crash: String(e.stack || e)});
  }
}
for (const c of cases.wizards) {
  try {
    const o = new U.Wizard(c.createUiDefinition, U.Environment.fromJson(c.environment || {})).run(c.values, c.api);
    const elements = {};
    for (const name of Object.keys(c.elements || {})) {
      const i = name.indexOf('.');
      const st = o.element(name.slice(0, i), name.slice(i + 1));
      elements[name] = st ? {visible: st.visible, value: st.value, options: st.options} : null;
    }
    out.wizards.push({outputs: o.outputs, blocked: o.blocked, errors: o.errors, elements});
  } catch (e) {
    out.wizards.push(e instanceof U.UnsupportedControl ? {unsupported: e.message} : {crash: String(e.stack || e)});
  }
}
return JSON.stringify(out);
"""


def same(a: Any, b: Any) -> bool:
    """Values compare as JSON (tests/uidef/test_evaluator.py's rule): numbers by value, booleans
    are not numbers, object keys in order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def run_in_page(browser: Any, cases: dict[str, Any]) -> dict[str, Any]:
    # Both ways as JSON text: WebDriver's own conversion of arguments does not keep object key
    # order, which the cases compare.
    return json.loads(browser.js(RUN_CASES, json.dumps(cases)))


def test_every_conformance_case_in_chromium(browser: Any, offer_page: Path) -> None:
    open_clean(browser, offer_page)
    got = run_in_page(browser, CASES)
    failures: list[str] = []
    for case, res in zip(CASES["expressions"], got["expressions"], strict=True):
        if "crash" in res:
            failures.append(f"{case['name']}: crashed: {res['crash']}")
        elif "error" in case:
            if "error" not in res or case["error"] not in res["error"]:
                failures.append(f"{case['name']}: wanted an error with {case['error']!r}, got {res}")
        elif "error" in res or not same(res["value"], case["expected"]):
            failures.append(f"{case['name']}: wanted {case['expected']!r}, got {res}")
    for case, res in zip(CASES["wizards"], got["wizards"], strict=True):
        expected = case["expected"]
        if "crash" in res:
            failures.append(f"{case['name']}: crashed: {res['crash']}")
            continue
        if "unsupported" in res:
            if not (expected.get("errors") and all(e in res["unsupported"] for e in expected["errors"])):
                failures.append(f"{case['name']}: refused the control: {res['unsupported']}")
            continue
        if "errors" in expected:
            ok = res["outputs"] is None and all(any(e in g for g in res["errors"]) for e in expected["errors"])
        elif "blocked" in expected:
            ok = res["errors"] == [] and res["outputs"] is None and res["blocked"] == expected["blocked"]
        else:
            ok = res["errors"] == [] and res["blocked"] == [] and res["outputs"] is not None \
                and same(res["outputs"], expected["outputs"])
        if not ok:
            failures.append(f"{case['name']}: wanted {expected}, got {res}")
        for name, want in case.get("elements", {}).items():
            state = res["elements"][name]
            for key, value in want.items():
                if state is None or not same(state[key], value):
                    failures.append(f"{case['name']}: {name}.{key}: wanted {value!r}, got {state and state[key]!r}")
    assert failures == [], "\n".join(failures)
    # Not vacuous: every case ran, errors and values alike.
    assert len(got["expressions"]) == len(CASES["expressions"]) >= 200
    assert len(got["wizards"]) == len(CASES["wizards"]) >= 45


def python_results(expressions: list[str]) -> list[dict[str, Any]]:
    out = []
    for text in expressions:
        try:
            out.append({"value": evaluate(text, Scope.from_json(json.loads(json.dumps(exprgen.CONTEXT))))})
        except EvaluationError as exc:
            out.append({"error": str(exc)})
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_expressions_agree(browser: Any, offer_page: Path, seed: int) -> None:
    """Neither implementation crashes, and they agree on each verdict and value."""
    expressions = exprgen.cases(seed, 1500)
    open_clean(browser, offer_page)
    js = json.loads(browser.js(
        """const U = window.ArmgenUidef; const ctx = JSON.parse(arguments[1]);
        return JSON.stringify(JSON.parse(arguments[0]).map((e) => {
          try { return {value: U.evaluate(e, U.Scope.fromJson(JSON.parse(JSON.stringify(ctx))))}; }
          catch (x) { return x instanceof U.EvaluationError ? {error: x.message} : {crash: String(x.stack || x)}; }
        }));""", json.dumps(expressions), json.dumps(exprgen.CONTEXT)))
    py = python_results(expressions)
    differ = [(e, p, j) for e, p, j in zip(expressions, py, js, strict=True)
              if "crash" in j or ("value" in p) != ("value" in j) or ("value" in p and not same(p["value"], j["value"]))]
    assert differ == [], "\n".join(f"{e}\n  python: {p}\n  js:     {j}" for e, p, j in differ[:10])
    values = sum(1 for p in py if "value" in p)
    assert values > 300 and len(py) - values > 300  # both verdicts are exercised


#: Templates and values for the parameter checks: each kind of problem acceptance.py reports.
ACCEPTANCE = [
    ({"parameters": {"a": {"type": "string"}}}, {"a": "x"}),
    ({"parameters": {"a": {"type": "string"}}}, {}),
    ({"parameters": {"a": {"type": "string", "defaultValue": "d"}}}, {"A": "case-insensitive name"}),
    ({"parameters": {}}, {"unknown": 1}),
    ({"parameters": {"n": {"type": "int", "minValue": 1, "maxValue": 5}}}, {"n": 0}),
    ({"parameters": {"n": {"type": "int", "minValue": 1, "maxValue": 5}}}, {"n": 9}),
    ({"parameters": {"n": {"type": "int"}}}, {"n": 2.0}),
    ({"parameters": {"n": {"type": "int"}}}, {"n": 2.5}),
    ({"parameters": {"n": {"type": "int"}}}, {"n": True}),
    ({"parameters": {"n": {"type": "Int"}}}, {"n": "3"}),
    ({"parameters": {"b": {"type": "bool"}}}, {"b": 1}),
    ({"parameters": {"o": {"type": "object"}, "l": {"type": "array"}}}, {"o": [], "l": {}}),
    ({"parameters": {"s": {"type": "securestring"}}}, {"s": None}),
    ({"parameters": {"s": {"type": "string", "allowedValues": ["a", "b"]}}}, {"s": "A"}),
    ({"parameters": {"z": {"type": "array", "allowedValues": ["1", "2", "3"]}}}, {"z": ["1", "4", 2]}),
    ({"parameters": {"s": {"type": "string", "minLength": 2, "maxLength": 3}}}, {"s": "abcd"}),
    ({"parameters": {"s": {"type": "string", "minLength": 2}}}, {"s": "é"}),
    ({"parameters": {"l": {"type": "array", "minLength": 2}}}, {"l": [1]}),
    ({"parameters": {"s": {"type": "string"}}}, {"s": "[concat('unevaluated')]"}),
    ({"parameters": {"s": {"type": "string"}}}, {"s": "[[literal]"}),
    ({"parameters": {"x": {"type": "weird"}}}, {"x": "v"}),
    ({"parameters": {"x": {}}}, {"x": "v"}),
    ({"parameters": {"o": {"type": "object", "allowedValues": [{"a": 1}]}}}, {"o": {"a": 1.0}}),
    ({"parameters": {"s": {"type": "string"}}}, {"s": "a very long value " * 10}),
]


def test_parameter_checks_agree(browser: Any, offer_page: Path) -> None:
    open_clean(browser, offer_page)
    js = json.loads(browser.js(
        "return JSON.stringify(JSON.parse(arguments[0]).map(([t, v]) => window.ArmgenUidef.checkParameters(t, v)));",
        json.dumps([list(c) for c in ACCEPTANCE])))
    py = [check_parameters(t, v) for t, v in ACCEPTANCE]
    assert js == py
    assert sum(1 for p in py if p) >= 15  # most cases are refusals, each of a different kind
