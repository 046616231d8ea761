"""A small evaluator for the createUiDefinition expression language, for tests only.

It covers the functions armgen.uidef emits, so tests can run the generated filters (usable
subnets, region zones, VNet resource group) on sample API responses instead of comparing
strings. Semantics assumed from the portal's documentation: property access on a missing
value yields null (``coalesce`` exists for exactly that), ``div`` is integer division.
"""

from __future__ import annotations

import functools
import json
import operator
import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+)|(?P<str>'(?:[^']|'')*')|(?P<arrow>=>)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<p>[().,\[\]]))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise SyntaxError(f"bad token at {text[pos:pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class Evaluator:
    def __init__(self, steps: dict[str, dict[str, Any]], basics: dict[str, Any] | None = None,
                 location: str = "westeurope", resource_group: str = "rg-app", subscription: str = "0000"):
        self.steps = steps
        self.basics = basics or {}
        self.location = location
        self.resource_group = resource_group
        self.subscription = subscription

    def evaluate(self, text: str) -> Any:
        if not (text.startswith("[") and text.endswith("]")):
            return text
        self.toks = _tokens(text[1:-1])
        self.i = 0
        node = self._expr()
        if self.i != len(self.toks):
            raise SyntaxError(f"trailing tokens {self.toks[self.i:]}")
        return node({})

    # --- parser producing closures over an environment (lambda variables) ---

    def _peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.toks[self.i]
        if value is not None and tok[1] != value:
            raise SyntaxError(f"expected {value}, got {tok}")
        self.i += 1
        return tok

    def _expr(self) -> Callable[[dict], Any]:
        # lambda: ( name ) => expr
        if self._peek() == ("p", "(") and self.i + 3 < len(self.toks) and self.toks[self.i + 3][0] == "arrow":
            self._take("(")
            var = self._take()[1]
            self._take(")")
            self._take("=>")
            body = self._expr()
            return lambda env: (lambda x: body({**env, var: x}))
        kind, value = self._take()
        if kind == "num":
            node: Callable[[dict], Any] = lambda env, v=int(value): v  # noqa: E731
        elif kind == "str":
            text = value[1:-1].replace("''", "'")
            node = lambda env, v=text: v  # noqa: E731
        elif kind == "name" and self._peek() == ("p", "("):
            self._take("(")
            args: list[Callable[[dict], Any]] = []
            while self._peek() != ("p", ")"):
                args.append(self._expr())
                if self._peek() == ("p", ","):
                    self._take(",")
            self._take(")")
            node = self._call(value, args)
        elif kind == "name":
            node = lambda env, n=value: env[n]  # noqa: E731
        else:
            raise SyntaxError(f"unexpected {value}")
        while self._peek() == ("p", "."):
            self._take(".")
            prop = self._take()[1]
            node = (lambda inner, p: lambda env: _get(inner(env), p))(node, prop)
        return node

    def _call(self, name: str, args: list[Callable[[dict], Any]]) -> Callable[[dict], Any]:
        fn = FUNCTIONS.get(name)
        if name == "steps":
            return lambda env: self.steps.get(args[0](env))
        if name == "basics":
            return lambda env: self.basics.get(args[0](env))
        if name == "location":
            return lambda env: self.location
        if name == "resourceGroup":
            return lambda env: {"name": self.resource_group, "location": self.location, "mode": "Existing"}
        if name == "subscription":
            return lambda env: {"id": f"/subscriptions/{self.subscription}", "subscriptionId": self.subscription}
        if fn is None:
            raise NameError(f"function {name} is not supported by the test evaluator")
        return lambda env: fn(*[a(env) for a in args])


def _get(obj: Any, prop: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(prop)
    return None


def _first(xs: Any) -> Any:
    return xs[0] if xs else None


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "coalesce": lambda *a: next((x for x in a if x is not None), None),
    "parse": json.loads,
    "filter": lambda xs, f: [x for x in xs if f(x)],
    "map": lambda xs, f: [f(x) for x in xs],
    "and": lambda *a: all(a),
    "or": lambda *a: any(a),
    "not": lambda a: not a,
    "equals": lambda a, b: a == b,
    "less": lambda a, b: a < b,
    "lessOrEquals": lambda a, b: a <= b,
    "greater": lambda a, b: a > b,
    "greaterOrEquals": lambda a, b: a >= b,
    "int": int,
    "string": lambda a: a if isinstance(a, str) else json.dumps(a),
    "concat": lambda *a: "".join(str(x) for x in a) if all(isinstance(x, str | int) for x in a) else functools.reduce(operator.iadd, a, []),
    "split": lambda s, d: s.split(d),
    "first": _first,
    "last": lambda xs: xs[-1] if xs else None,
    "skip": lambda xs, n: xs[n:],
    "take": lambda xs, n: xs[:n],
    "sub": lambda a, b: a - b,
    "add": lambda a, b: a + b,
    "length": len,
    "contains": lambda c, x: x in c,
    "empty": lambda a: a is None or len(a) == 0,
    "toLower": lambda s: s.lower(),
    "if": lambda c, a, b: a if c else b,
}
