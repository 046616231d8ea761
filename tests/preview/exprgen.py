"""Random createUiDefinition expressions for the differential test of the two evaluators.

The conformance file pins the cases someone thought of; this generator writes the ones nobody
did: calls of every function with arguments of every type (nulls, empty collections, negative and
fractional numbers, odd strings, nested lambdas, element reads), seeded so a failure is
reproducible. Python's evaluator and the JavaScript port must give the same value, or both an
error (messages may differ in detail: only the verdict and the value are compared).
"""

from __future__ import annotations

import json
import random
from typing import Any

from armgen.uidef.expressions import GROUPS

FUNCTIONS = sorted({f for names in GROUPS.values() for f in names} - {"guid", "rand", "utcNow"})

#: The context every generated expression runs in (steps and basics with values of each type).
CONTEXT: dict[str, Any] = {
    "location": "westeurope",
    "basics": {"name": "Contoso", "count": 3, "flag": True},
    "steps": {"s": {"text": "a,b,,c", "num": -2.5, "list": [1, "2", [3], {"k": None}], "obj": {"b": 1, "a": [True]},
                    "none": None, "empty": "", "date": "2024-02-29T23:59:59.123Z"}},
    "now": "2000-01-01T00:00:00.000Z",
}

_STRINGS = ["''", "'a'", "'Contoso'", "'a,b'", "','", "'-'", "'1'", "'-42'", "'3.7'", "'1e3'", "' 1'", "'true'",
            "'False'", "'0'", "'Q29udG9zbw=='", "'QQ'", "'%41%zz'", "'a%20b'", "'ümlaut é'", "'[1,2]'",
            "'{\"a\":1}'", "'null'", "'NaN'", "'2000-01-01T00:00:00Z'", "'1990-12-31T23:59:60+01:00'",
            "'2023-02-29T00:00:00Z'", "'x''y'", "\"dq\\\"s\"", "'0.000015'", "'1e-7'", "'12345678901234567890'", "'1e400'", "'9999-12-31T23:59:60Z'"]
_NUMBERS = ["0", "1", "2", "-1", "3", "10", "0.5", "-2.5", "7", "100", "1.0", "0.000015", "-0.0",
            "9007199254740993", "99999999999", "0.1", "123456789012345678901234.5"]
_ATOMS = ["true", "false", "null", *_STRINGS, *_NUMBERS, "[]", "[1, 2, 3]", "['a', 'b']", "{}", "{'a': 1, b: 'x'}",
          "steps('s').text", "steps('s').num", "steps('s').list", "steps('s').obj", "steps('s').none",
          "steps('s').empty", "steps('s').date", "basics('name')", "basics('count')", "basics('flag')",
          "location()", "resourceGroup()", "subscription().id", "steps('s').obj.a", "steps('s').list[2]",
          "steps('s').list[9]", "steps('s').nope", "steps('x')"]


def expression(rng: random.Random, depth: int = 0, params: tuple[str, ...] = ()) -> str:
    """One random expression body (without the brackets)."""
    if depth >= 3 or rng.random() < 0.25:
        if params and rng.random() < 0.5:
            p = rng.choice(params)
            return rng.choice([p, f"{p}.k", f"{p}[0]"])
        return rng.choice(_ATOMS)
    fn = rng.choice(FUNCTIONS)
    if fn in ("filter", "map"):
        p = f"x{depth}"
        body = expression(rng, depth + 1, (*params, p))
        if fn == "filter" and rng.random() < 0.7:
            body = rng.choice([f"greater(length(string({p})), 1)", f"equals({p}, 1)", f"contains(string({p}), 'a')",
                               f"not(empty({p}))", body])
        return f"{fn}({expression(rng, depth + 1, params)}, ({p}) => {body})"
    n = rng.choice([0, 1, 1, 2, 2, 2, 3])
    args = ", ".join(expression(rng, depth + 1, params) for _ in range(n))
    call = f"{fn}({args})"
    if rng.random() < 0.1:
        call += rng.choice([".a", "[0]", "['k']", ".length"])
    return call


def cases(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["[" + expression(rng) + "]" for _ in range(n)]


def context_json() -> str:
    return json.dumps(CONTEXT)
