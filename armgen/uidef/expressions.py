"""The createUiDefinition expression language: parser and functions, as Microsoft documents them.

The portal evaluates ``"[...]"`` strings in a createUiDefinition (``visible``, ``defaultValue``,
``constraints``, ``allowedValues``, ``outputs``, an ArmApiControl's request). armgen needs the
same language twice: to test what a generated wizard hands to the template (the contract test)
and, ported to JavaScript, for the offline wizard preview. Both must agree, so the semantics are
written down in ``docs/createuidefinition-evaluator.md`` and pinned by the language-neutral
cases in ``tests/uidef/evaluator_cases.json``; this module is the reference implementation.

Where Microsoft's documentation leaves a choice open (null arguments, number formatting,
whether ``if`` skips the branch it does not return), this module takes the *conservative*
reading: an expression is accepted only if it works under every plausible reading. So every
argument is evaluated (``if`` too), a function given ``null`` where it needs a value fails,
and an unknown function, element or step is an error naming it, never a silent null.

Public surface: :func:`evaluate` (one expression against a :class:`Scope`), :func:`is_expression`,
:func:`js_regex_search` (a TextBox regex as JavaScript's ``RegExp.test`` applies it),
:func:`to_string` (the ``string()`` conversion), :class:`EvaluationError`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import functools
import json
import math
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from typing import Any


class EvaluationError(Exception):
    """An expression that cannot be evaluated: bad syntax, an unknown name, a type mismatch."""


class UnknownFunction(EvaluationError):
    """A function the createUiDefinition language does not have (per Microsoft's documentation)."""


# --------------------------------------------------------------------------------------- values


class View:
    """The elements of a step, of Basics or of a Section, as ``steps('s')`` returns them.

    Member access on a view looks the element up by name; an element that does not exist is an
    error (a typo in an output must not quietly hand ``null`` to the template). The element's
    value is produced on demand by ``lookup``, so elements may refer to each other in any order.
    """

    __slots__ = ("lookup", "names", "where")

    def __init__(self, where: str, names: list[str], lookup: Callable[[str], Any]):
        self.where = where
        self.names = names
        self.lookup = lookup

    def member(self, name: str) -> Any:
        if name not in self.names:
            raise EvaluationError(f"{self.where} has no element named {name!r}")
        return self.lookup(name)

    def plain(self) -> dict[str, Any]:
        """The view as a JSON object (for ``string()``, ``equals()`` and outputs)."""
        return {n: plain(self.lookup(n)) for n in self.names}


def plain(value: Any) -> Any:
    """``value`` as JSON: a :class:`View` becomes an object.

    Views only ever occur at the top of a value: every place that builds an array or object
    (literals, ``map``) stores plain values, so nothing deeper needs converting.
    """
    if isinstance(value, View):
        return value.plain()
    return value


@dataclasses.dataclass
class Scope:
    """What the referencing functions answer.

    ``basics`` and ``steps`` return the element values of a step (a :class:`View`, or a plain
    dict for expressions evaluated outside a wizard). ``guids`` are handed out in order by
    ``guid()`` and ``random`` by ``rand()``: the real functions are random, a test is not.
    """

    location: str = "westus"
    resource_group: dict[str, Any] = dataclasses.field(
        default_factory=lambda: {"name": "rg", "location": "westus", "mode": "Existing"})
    subscription: dict[str, Any] = dataclasses.field(default_factory=lambda: {
        "id": "/subscriptions/00000000-0000-0000-0000-000000000000",
        "subscriptionId": "00000000-0000-0000-0000-000000000000",
        "tenantId": "00000000-0000-0000-0000-000000000000",
        "displayName": "subscription"})
    basics: Callable[[], Any] | Mapping[str, Any] | None = None
    steps: Callable[[str], Any] | Mapping[str, Any] | None = None
    now: str = "2000-01-01T00:00:00.000Z"
    guids: list[str] = dataclasses.field(default_factory=list)
    random: list[int] = dataclasses.field(default_factory=list)
    #: Values of subexpressions that depend only on this scope, by node: set it to ``{}`` while
    #: nothing the scope answers can change (one wizard run) to evaluate each of them once.
    memo: dict[int, Any] | None = None
    _guid_i: int = 0
    _rand_i: int = 0

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Scope:
        """A scope from the conformance file's ``context`` object (keys as in the docs)."""
        scope = cls()
        for key, attr in (("location", "location"), ("resourceGroup", "resource_group"),
                          ("subscription", "subscription"), ("basics", "basics"), ("steps", "steps"),
                          ("now", "now"), ("guids", "guids"), ("random", "random")):
            if key in doc:
                setattr(scope, attr, doc[key])
        return scope

    def basics_view(self) -> Any:
        b = self.basics
        if callable(b):
            return b()
        return _dict_view("basics", b or {})

    def step_view(self, name: str) -> Any:
        s = self.steps
        if callable(s):
            return s(name)
        steps = s or {}
        if name not in steps:
            raise EvaluationError(f"there is no step named {name!r}")
        return _dict_view(f"step {name!r}", steps[name])

    def next_guid(self) -> str:
        if self._guid_i < len(self.guids):
            g = self.guids[self._guid_i]
        else:
            g = f"00000000-0000-4000-8000-{self._guid_i + 1:012d}"
        self._guid_i += 1
        return g

    def next_random(self, lo: int, hi: int) -> int:
        if self._rand_i >= len(self.random):
            raise EvaluationError("rand(): the evaluation context supplies no random numbers")
        n = self.random[self._rand_i]
        self._rand_i += 1
        if not lo <= n <= hi:
            raise EvaluationError(f"rand({lo}, {hi}): the context's number {n} is outside the range")
        return n


def _dict_view(where: str, values: Mapping[str, Any]) -> View:
    """A step given as plain values (outside a wizard): its element names are what it lists."""
    return View(where, list(values), values.__getitem__)


# --------------------------------------------------------------------------------------- lexer

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>[0-9]+(?:\.[0-9]+)?)
      | (?P<str>'(?:[^']|'')*')
      | (?P<dstr>"(?:[^"\\]|\\.)*")
      | (?P<arrow>=>)
      | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
      | (?P<p>[()\[\]{},.:\-])
    )""",
    re.VERBOSE,
)


_PROPERTY = re.compile(r"\s*([A-Za-z0-9_$]+)")


@dataclasses.dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    pos: int


def _tokens(text: str) -> list[Tok]:
    out: list[Tok] = []
    pos = 0
    n = len(text)
    while pos < n:
        if text[pos:].strip() == "":
            break
        if out and out[-1].kind == "p" and out[-1].text == ".":
            # After a dot comes a property name, which may start with a digit: element names are
            # any string, and published wizards read steps('s').1niccheck.
            prop = _PROPERTY.match(text, pos)
            if prop:
                out.append(Tok("name", prop.group(1), prop.start(1)))
                pos = prop.end()
                continue
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise EvaluationError(f"unexpected character {text[pos:].lstrip()[:1]!r} at {pos} in {text!r}")
        kind = m.lastgroup or ""
        out.append(Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return out


# --------------------------------------------------------------------------------------- parser
# The AST is a tuple tree: ("lit", v) ("var", name) ("call", name, args) ("prop", obj, name)
# ("index", obj, key) ("lambda", param, body) ("array", items) ("object", [(k, v)]).


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def take(self, text: str | None = None) -> Tok:
        tok = self.peek()
        if tok is None:
            raise EvaluationError(f"unexpected end of expression {self.text!r}")
        if text is not None and tok.text != text:
            raise EvaluationError(f"expected {text!r} but found {tok.text!r} at {tok.pos} in {self.text!r}")
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in ("p", "arrow") and tok.text == text

    def parse(self) -> tuple:
        node = self.expr(allow_lambda=False)
        if self.peek() is not None:
            tok = self.peek()
            assert tok is not None
            raise EvaluationError(f"unexpected {tok.text!r} at {tok.pos} in {self.text!r}")
        return node

    def expr(self, allow_lambda: bool) -> tuple:
        a, b, c = self.peek(), self.peek(1), self.peek(2)
        d = self.peek(3)
        if (a is not None and a.text == "(" and b is not None and b.kind == "name" and c is not None
                and c.text == ")" and d is not None and d.kind == "arrow"):
            if not allow_lambda:
                raise EvaluationError(f"a lambda is only allowed as a function argument, at {a.pos} in {self.text!r}")
            self.i += 4
            return ("lambda", b.text, self.expr(allow_lambda=False))
        return self.postfix()

    def postfix(self) -> tuple:
        node = self.primary()
        while True:
            if self.at("."):
                self.take(".")
                name = self.take()
                if name.kind != "name":
                    raise EvaluationError(f"expected a property name at {name.pos} in {self.text!r}")
                node = ("prop", node, name.text)
            elif self.at("["):
                self.take("[")
                key = self.expr(allow_lambda=False)
                self.take("]")
                node = ("index", node, key)
            else:
                return node

    def primary(self) -> tuple:
        tok = self.take()
        if tok.kind == "num":
            return ("lit", _number(tok.text))
        if tok.kind == "p" and tok.text == "-":
            num = self.take()
            if num.kind != "num":
                raise EvaluationError(f"'-' must be followed by a number, at {tok.pos} in {self.text!r}")
            return ("lit", -_number(num.text))
        if tok.kind == "str":
            return ("lit", tok.text[1:-1].replace("''", "'"))
        if tok.kind == "dstr":
            return ("lit", _dstring(tok, self.text))
        if tok.kind == "name":
            if self.at("("):
                self.take("(")
                args: list[tuple] = []
                if not self.at(")"):
                    while True:
                        args.append(self.expr(allow_lambda=True))
                        if self.at(","):
                            self.take(",")
                            continue
                        break
                self.take(")")
                return ("call", tok.text, tuple(args))
            if tok.text in ("true", "false", "null"):
                return ("lit", {"true": True, "false": False, "null": None}[tok.text])
            return ("var", tok.text)
        if tok.kind == "p" and tok.text == "[":
            items: list[tuple] = []
            if not self.at("]"):
                while True:
                    items.append(self.expr(allow_lambda=False))
                    if not self.at(","):
                        break
                    self.take(",")
            self.take("]")
            return ("array", tuple(items))
        if tok.kind == "p" and tok.text == "{":
            pairs: list[tuple[str, tuple]] = []
            if not self.at("}"):
                while True:
                    key = self.take()
                    if key.kind == "str":
                        k = key.text[1:-1].replace("''", "'")
                    elif key.kind == "dstr":
                        k = _dstring(key, self.text)
                    elif key.kind == "name":
                        k = key.text
                    else:
                        raise EvaluationError(f"expected an object key at {key.pos} in {self.text!r}")
                    self.take(":")
                    pairs.append((k, self.expr(allow_lambda=False)))
                    if not self.at(","):
                        break
                    self.take(",")
            self.take("}")
            return ("object", tuple(pairs))
        raise EvaluationError(f"unexpected {tok.text!r} at {tok.pos} in {self.text!r}")


def _number(text: str) -> int | float:
    return _js_number(float(text) if "." in text else int(text), "a number literal")


def _dstring(tok: Tok, text: str) -> str:
    try:
        value = json.loads(tok.text)
    except ValueError:
        raise EvaluationError(f"bad string {tok.text} at {tok.pos} in {text!r}: not a JSON string") from None
    return str(value)


#: The largest integer a JavaScript number holds exactly; beyond it Python's ints are made floats.
_JS_SAFE = 2**53


def _js_number(x: int | float, what: str) -> int | float:
    """``x`` as a JavaScript number would hold it: one finite double (an int stays an int while it
    is exact), so both implementations compute with the same values."""
    if isinstance(x, int) and not isinstance(x, bool):
        if abs(x) <= _JS_SAFE:
            return x
        try:
            x = float(x)
        except OverflowError:
            raise EvaluationError(f"{what}: the number is out of range") from None
    if math.isnan(x) or math.isinf(x):
        raise EvaluationError(f"{what}: the number is out of range")
    return x


#: Hash-consed syntax trees: equal subtrees (of any expression) are one object, so a wizard run
#: evaluates a subtree once however many expressions contain it (see ``Scope.memo``).
_INTERN: dict[Any, tuple] = {}
#: id(node) -> whether it calls no impure function (guid(), rand()) anywhere inside.
_PURE: dict[int, bool] = {}
#: id(node) -> the lambda parameters it uses that it does not bind itself (sorted).
_FREE: dict[int, tuple[str, ...]] = {}
_IMPURE_FUNCTIONS = {"guid", "rand"}


def _hashcons(node: tuple) -> tuple:
    kind = node[0]
    if kind == "lit":
        key: Any = ("lit", type(node[1]).__name__, node[1])
        children: list[tuple] = []
    elif kind == "var":
        key, children = node, []
    elif kind == "call":
        args = tuple(_hashcons(a) for a in node[2])
        node, children = ("call", node[1], args), list(args)
        key = ("call", node[1], tuple(id(a) for a in args))
    elif kind in ("prop", "lambda"):
        inner = _hashcons(node[1] if kind == "prop" else node[2])
        node = ("prop", inner, node[2]) if kind == "prop" else ("lambda", node[1], inner)
        children = [inner]
        key = (kind, id(inner), node[2] if kind == "prop" else node[1])
    elif kind == "index":
        obj, idx = _hashcons(node[1]), _hashcons(node[2])
        node, children = ("index", obj, idx), [obj, idx]
        key = ("index", id(obj), id(idx))
    elif kind == "array":
        items = tuple(_hashcons(x) for x in node[1])
        node, children = ("array", items), list(items)
        key = ("array", tuple(id(x) for x in items))
    else:  # object
        pairs = tuple((k, _hashcons(v)) for k, v in node[1])
        node, children = ("object", pairs), [v for _, v in pairs]
        key = ("object", tuple((k, id(v)) for k, v in pairs))
    found = _INTERN.get(key)
    if found is not None:
        return found
    _INTERN[key] = node
    free: set[str] = set().union(*(_FREE[id(c)] for c in children)) if children else set()
    if kind == "var":
        free = {node[1]}
    elif kind == "lambda":
        free.discard(node[1])
    _FREE[id(node)] = tuple(sorted(free))
    _PURE[id(node)] = all(_PURE[id(c)] for c in children) and not (
        kind == "call" and node[1].lower() in _IMPURE_FUNCTIONS)
    return node


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> tuple:
    """The syntax tree of an expression (without its surrounding brackets); cached and shared."""
    return _hashcons(_Parser(text).parse())


def is_expression(value: Any) -> bool:
    """Whether a JSON string is an expression: ``[...]``, but not the ``[[`` escape of a literal."""
    return isinstance(value, str) and value.startswith("[") and value.endswith("]") and not value.startswith("[[")


def literal(value: str) -> str:
    """A string that is not an expression, with a leading ``[[`` escape undone."""
    return value[1:] if value.startswith("[[") and value.endswith("]") else value


def evaluate(text: Any, scope: Scope, *, where: str = "") -> Any:
    """The value of a JSON value that may be an expression string; literals come back as they are.

    ``where`` (e.g. a JSON path) is put in front of an error's message.
    """
    if not isinstance(text, str):
        return text
    if not is_expression(text):
        return literal(text)
    try:
        return plain(_eval(parse(text[1:-1]), scope, {}))
    except RecursionError:
        raise EvaluationError(f"{where + ': ' if where else ''}expression nests too deeply") from None
    except EvaluationError as exc:
        if where and not str(exc).startswith(where):
            raise type(exc)(f"{where}: {exc}") from None
        raise


# --------------------------------------------------------------------------------------- types


def type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict | View):
        return "object"
    if callable(v):
        return "lambda"
    return type(v).__name__


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _want(fn: str, i: int, v: Any, *kinds: str) -> None:
    if type_name(v) not in kinds:
        raise EvaluationError(f"{fn}(): argument {i + 1} must be {' or '.join(kinds)}, not {type_name(v)}")


def _arity(fn: str, args: list[Any], lo: int, hi: int | None = None) -> None:
    hi = lo if hi is None else hi
    if not lo <= len(args) <= (hi if hi >= 0 else 10**9):
        want = f"{lo}" if lo == hi else (f"at least {lo}" if hi < 0 else f"{lo} to {hi}")
        raise EvaluationError(f"{fn}() takes {want} argument(s), got {len(args)}")


def to_string(v: Any) -> str:
    """``string(v)``: strings as they are, numbers as JavaScript prints them, the rest as compact JSON."""
    v = plain(v)
    if isinstance(v, str):
        return v
    return _json(v)


def _num_text(n: int | float) -> str:
    """A number as JavaScript's ``String(n)`` prints it (ECMAScript's Number::toString)."""
    if isinstance(n, bool):
        return "true" if n else "false"
    if isinstance(n, int) and abs(n) <= _JS_SAFE:
        return str(n)
    x = float(n)
    if math.isnan(x) or math.isinf(x):
        raise EvaluationError("a number that is not finite cannot be converted to text")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + _num_text(-x)
    # repr() gives the shortest digits that read back as x, as JavaScript picks them.
    mantissa, _, exp = repr(x).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    q = int(exp or 0) - len(frac)
    stripped = digits.rstrip("0")
    q += len(digits) - len(stripped)
    digits, k = stripped, len(stripped)
    point = k + q  # x = 0.digits * 10**point
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    e = point - 1
    return digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def _json(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return _num_text(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(_json(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + _json(x) for k, x in v.items()) + "}"
    raise EvaluationError(f"a {type_name(v)} cannot be converted to text")


def _equal(a: Any, b: Any) -> bool:
    a, b = plain(a), plain(b)
    if _is_num(a) and _is_num(b):
        return bool(a == b)
    if type_name(a) != type_name(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def equal(a: Any, b: Any) -> bool:
    """``equals(a, b)``: same type and value, arrays and objects compared deeply, 1 equal to 1.0."""
    return _equal(a, b)


def _int_of(fn: str, v: Any) -> int:
    if _is_num(v):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            raise EvaluationError(f"{fn}(): {v} is not a finite number")
        return _js_number(int(v), f"{fn}()")  # truncates toward zero, as JavaScript's Math.trunc
    if isinstance(v, str):
        if re.fullmatch(r"[+-]?[0-9]+", v):
            return _js_number(int(v), f"{fn}()")
        if re.fullmatch(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)", v):
            return _js_number(int(_js_number(float(v), f"{fn}()")), f"{fn}()")
        raise EvaluationError(f"{fn}(): {v!r} is not a number")
    raise EvaluationError(f"{fn}(): argument must be number or string, not {type_name(v)}")


# --------------------------------------------------------------------------------------- evaluator


_MISS = object()


def _eval(node: tuple, scope: Scope, env: dict[str, Any]) -> Any:
    """Evaluate a node; with ``scope.memo`` set, each function call is evaluated once per distinct
    set of lambda-parameter values it reads (the same list item in two filters is one item)."""
    memo = scope.memo
    if memo is None or node[0] != "call" or not node[2]:
        return _eval_node(node, scope, env)
    nid = id(node)
    if not _PURE.get(nid):
        return _eval_node(node, scope, env)
    free = _FREE[nid]
    if not free:
        hit = memo.get(nid, _MISS)
        if hit is _MISS:
            hit = memo[nid] = _eval_node(node, scope, env)
        return hit
    if len(free) == 1 and free[0] in env:
        val = env[free[0]]
        key: Any = (nid, id(val))
        hit = memo.get(key, _MISS)
        # The entry keeps the value it was computed for alive, so its id cannot be reused.
        if hit is not _MISS and hit[0] is val:
            return hit[1]
        result = _eval_node(node, scope, env)
        memo[key] = (val, result)
        return result
    if any(v not in env for v in free):
        return _eval_node(node, scope, env)
    vals = tuple(env[v] for v in free)
    key = (nid, *map(id, vals))
    hit = memo.get(key, _MISS)
    if hit is not _MISS and all(a is b for a, b in zip(hit[0], vals, strict=True)):
        return hit[1]
    result = _eval_node(node, scope, env)
    memo[key] = (vals, result)
    return result


def _eval_node(node: tuple, scope: Scope, env: dict[str, Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "var":
        name = node[1]
        if name in env:
            return env[name]
        raise EvaluationError(f"unknown name {name!r} (only a lambda's parameter may be used bare)")
    if kind == "prop":
        return _member(_eval(node[1], scope, env), node[2])
    if kind == "index":
        obj = _eval(node[1], scope, env)
        key = _eval(node[2], scope, env)
        return _index(obj, key)
    if kind == "array":
        return [plain(_eval(x, scope, env)) for x in node[1]]
    if kind == "object":
        return {k: plain(_eval(v, scope, env)) for k, v in node[1]}
    if kind == "lambda":
        param, body = node[1], node[2]

        def fn(x: Any) -> Any:
            return _eval(body, scope, {**env, param: x})

        fn.__name__ = "lambda"
        return fn
    if kind == "call":
        return _call(node[1], node[2], scope, env)
    raise EvaluationError(f"bad syntax tree node {kind}")  # pragma: no cover - parser emits none


def _member(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, View):
        return obj.member(name)
    if isinstance(obj, dict):
        return obj.get(name)
    raise EvaluationError(f"cannot read property {name!r} of a {type_name(obj)}")


def _index(obj: Any, key: Any) -> Any:
    if obj is None:
        return None
    if isinstance(obj, View):
        if not isinstance(key, str):
            raise EvaluationError(f"an element is looked up by name, not by {type_name(key)}")
        return obj.member(key)
    if isinstance(obj, dict):
        if not isinstance(key, str):
            raise EvaluationError(f"an object is indexed by a string, not a {type_name(key)}")
        return obj.get(key)
    if isinstance(obj, list | str):
        if not (_is_num(key) and float(key).is_integer()):
            raise EvaluationError(f"an {type_name(obj)} is indexed by a whole number, not {key!r}")
        k = int(key)
        return obj[k] if 0 <= k < len(obj) else None
    raise EvaluationError(f"cannot index a {type_name(obj)}")


_LAMBDA_FUNCTIONS = {"filter", "map"}


def _call(name: str, arg_nodes: tuple, scope: Scope, env: dict[str, Any]) -> Any:
    key = name.lower()
    fn = FUNCTIONS.get(key)
    if fn is None:
        raise UnknownFunction(f"unknown function {name}() (not a createUiDefinition function)")
    args = [_eval(a, scope, env) for a in arg_nodes]
    for i, n in enumerate(arg_nodes):
        if n[0] == "lambda" and key not in _LAMBDA_FUNCTIONS:
            raise EvaluationError(f"{name}(): argument {i + 1} cannot be a lambda")
    return fn(NAMES[key], args, scope)


# --------------------------------------------------------------------------------------- functions

Fn = Callable[[str, list[Any], Scope], Any]
FUNCTIONS: dict[str, Fn] = {}
NAMES: dict[str, str] = {}


def _fn(name: str, *, group: str) -> Callable[[Fn], Fn]:
    def register(f: Fn) -> Fn:
        FUNCTIONS[name.lower()] = f
        NAMES[name.lower()] = name
        GROUPS.setdefault(group, []).append(name)
        return f

    return register


#: Function names by the documentation's groups (docs/createuidefinition-evaluator.md lists them).
GROUPS: dict[str, list[str]] = {}


# --- referencing ---


@_fn("basics", group="referencing")
def _basics(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    _want(fn, 0, a[0], "string")
    return _member(s.basics_view(), a[0])


@_fn("steps", group="referencing")
def _steps(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    _want(fn, 0, a[0], "string")
    if a[0] == "basics":
        return s.basics_view()
    return s.step_view(a[0])


@_fn("location", group="referencing")
def _location(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 0)
    return s.location


@_fn("resourceGroup", group="referencing")
def _resource_group(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 0)
    return dict(s.resource_group)


@_fn("subscription", group="referencing")
def _subscription(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 0)
    return dict(s.subscription)


# --- logical ---


@_fn("and", group="logical")
def _and(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 2, -1)
    for i, v in enumerate(a):
        _want(fn, i, v, "boolean")
    return all(a)


@_fn("or", group="logical")
def _or(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 2, -1)
    for i, v in enumerate(a):
        _want(fn, i, v, "boolean")
    return any(a)


@_fn("not", group="logical")
def _not(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    _want(fn, 0, a[0], "boolean")
    return not a[0]


@_fn("if", group="logical")
def _if(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 3)
    _want(fn, 0, a[0], "boolean")
    return a[1] if a[0] else a[2]


@_fn("equals", group="logical")
def _equals(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 2)
    return _equal(a[0], a[1])


@_fn("coalesce", group="logical")
def _coalesce(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1, -1)
    return next((v for v in a if v is not None), None)


def _compare(fn: str, a: list[Any]) -> int:
    _arity(fn, a, 2)
    x, y = a
    if _is_num(x) and _is_num(y):
        return (x > y) - (x < y)
    if isinstance(x, str) and isinstance(y, str):
        # Ordinal order, character by character: '9' > '10'.
        return (x > y) - (x < y)
    raise EvaluationError(f"{fn}(): compares two numbers or two strings, not {type_name(x)} and {type_name(y)}")


@_fn("less", group="logical")
def _less(fn: str, a: list[Any], s: Scope) -> Any:
    return _compare(fn, a) < 0


@_fn("lessOrEquals", group="logical")
def _less_eq(fn: str, a: list[Any], s: Scope) -> Any:
    return _compare(fn, a) <= 0


@_fn("greater", group="logical")
def _greater(fn: str, a: list[Any], s: Scope) -> Any:
    return _compare(fn, a) > 0


@_fn("greaterOrEquals", group="logical")
def _greater_eq(fn: str, a: list[Any], s: Scope) -> Any:
    return _compare(fn, a) >= 0


# --- collection ---


def _collection(fn: str, v: Any, i: int = 0) -> Any:
    v = plain(v)
    _want(fn, i, v, "string", "array", "object")
    return v


@_fn("contains", group="collection")
def _contains(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 2)
    c = _collection(fn, a[0])
    if isinstance(c, str):
        _want(fn, 1, a[1], "string")
        return a[1] in c
    if isinstance(c, list):
        return any(_equal(x, a[1]) for x in c)
    _want(fn, 1, a[1], "string")
    return a[1] in c


@_fn("empty", group="collection")
def _empty(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    if a[0] is None:
        return True
    return len(_collection(fn, a[0])) == 0


@_fn("length", group="collection")
def _length(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    c = _collection(fn, a[0])
    return len(c)


def _items(c: dict[str, Any]) -> list[tuple[str, Any]]:
    return list(c.items())


@_fn("first", group="collection")
def _first(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    c = _collection(fn, a[0])
    if isinstance(c, dict):
        return dict(_items(c)[:1]) if c else None
    return c[0] if c else None


@_fn("last", group="collection")
def _last(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    c = _collection(fn, a[0])
    if isinstance(c, dict):
        return dict(_items(c)[-1:]) if c else None
    return c[-1] if c else None


def _count(fn: str, v: Any) -> int:
    if not (_is_num(v) and float(v).is_integer()):
        raise EvaluationError(f"{fn}(): the count must be a whole number, not {v!r}")
    return max(int(v), 0)


@_fn("take", group="collection")
def _take(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 2)
    c, n = _collection(fn, a[0]), _count(fn, a[1])
    return dict(_items(c)[:n]) if isinstance(c, dict) else c[:n]


@_fn("skip", group="collection")
def _skip(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 2)
    c, n = _collection(fn, a[0]), _count(fn, a[1])
    return dict(_items(c)[n:]) if isinstance(c, dict) else c[n:]


@_fn("split", group="collection")
def _split(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 2)
    _want(fn, 0, a[0], "string")
    _want(fn, 1, a[1], "string")
    if a[1] == "":
        raise EvaluationError(f"{fn}(): the separator must not be empty")
    return a[0].split(a[1])


def _lambda_over(fn: str, a: list[Any]) -> tuple[list[Any], Callable[[Any], Any]]:
    _arity(fn, a, 2)
    items = plain(a[0])
    _want(fn, 0, items, "array")
    if not callable(a[1]) or isinstance(a[1], View):
        raise EvaluationError(f"{fn}(): argument 2 must be a lambda such as (item) => ...")
    return items, a[1]


@_fn("filter", group="collection")
def _filter(fn: str, a: list[Any], s: Scope) -> Any:
    items, f = _lambda_over(fn, a)
    out = []
    for x in items:
        keep = f(x)
        if not isinstance(keep, bool):
            raise EvaluationError(f"{fn}(): the lambda must return a boolean, not {type_name(keep)}")
        if keep:
            out.append(x)
    return out


@_fn("map", group="collection")
def _map(fn: str, a: list[Any], s: Scope) -> Any:
    items, f = _lambda_over(fn, a)
    return [plain(f(x)) for x in items]


@_fn("union", group="collection")
def _union(fn: str, a: list[Any], s: Scope) -> Any:
    # Not in Microsoft's createUiDefinition list; accepted with ARM's meaning (see the docs).
    _arity(fn, a, 1, -1)
    vals = [plain(v) for v in a]
    if all(isinstance(v, list) for v in vals):
        out: list[Any] = []
        for v in vals:
            for x in v:
                if not any(_equal(x, y) for y in out):
                    out.append(x)
        return out
    if all(isinstance(v, dict) for v in vals):
        merged: dict[str, Any] = {}
        for v in vals:
            merged.update(v)
        return merged
    raise EvaluationError(f"{fn}(): all arguments must be arrays, or all objects")


# --- conversion ---


@_fn("int", group="conversion")
def _int(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    return _int_of(fn, a[0])


@_fn("float", group="conversion")
def _float(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    v = a[0]
    if _is_num(v):
        return float(v)
    if isinstance(v, str) and re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", v):
        return _js_number(float(v), f"{fn}()")
    raise EvaluationError(f"{fn}(): {v!r} is not a number")


@_fn("bool", group="conversion")
def _bool(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    v = a[0]
    _want(fn, 0, v, "boolean", "number", "string")
    if isinstance(v, bool):
        return v
    if _is_num(v):
        return v != 0
    return v.lower() != "false" and v != "0"


@_fn("string", group="conversion")
def _string(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    return to_string(a[0])


@_fn("parse", group="conversion")
def _parse(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    _want(fn, 0, a[0], "string")
    def bad_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(a[0], parse_constant=bad_constant,
                          parse_int=lambda t: _js_number(int(t), f"{fn}()"),
                          parse_float=lambda t: _js_number(float(t), f"{fn}()"))
    except EvaluationError as exc:
        raise EvaluationError(f"{fn}(): not JSON: {exc}") from None
    except ValueError as exc:
        raise EvaluationError(f"{fn}(): not JSON: {exc}") from None


@_fn("encodeBase64", group="conversion")
def _b64e(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    _want(fn, 0, a[0], "string")
    return base64.b64encode(a[0].encode("utf-8")).decode("ascii")


@_fn("decodeBase64", group="conversion")
def _b64d(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    _want(fn, 0, a[0], "string")
    try:
        return base64.b64decode(a[0], validate=True).decode("utf-8")
    except ValueError as exc:  # binascii.Error, UnicodeDecodeError, non-ASCII text
        raise EvaluationError(f"{fn}(): not base-64 text: {exc}") from None


#: encodeURIComponent leaves these unescaped (besides letters and digits).
_URI_SAFE = "-_.!~*'()"


@_fn("encodeUriComponent", group="conversion")
def _uri_e(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    _want(fn, 0, a[0], "string")
    return urllib.parse.quote(a[0], safe=_URI_SAFE)


@_fn("decodeUriComponent", group="conversion")
def _uri_d(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1)
    _want(fn, 0, a[0], "string")
    if re.search(r"%(?![0-9A-Fa-f]{2})", a[0]):
        raise EvaluationError(f"{fn}(): malformed escape in {a[0]!r}")
    try:
        return urllib.parse.unquote(a[0], errors="strict")
    except UnicodeDecodeError as exc:
        raise EvaluationError(f"{fn}(): malformed escape: {exc}") from None


# --- string ---


@_fn("concat", group="string")
def _concat(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 1, -1)
    vals = [plain(v) for v in a]
    if all(isinstance(v, list) for v in vals):
        return [x for v in vals for x in v]
    out = []
    for i, v in enumerate(vals):
        if isinstance(v, str):
            out.append(v)
        elif _is_num(v) or isinstance(v, bool):
            out.append(_num_text(v))
        else:
            raise EvaluationError(f"{fn}(): argument {i + 1} is {type_name(v)}; concat joins strings "
                                  "(and numbers), or arrays")
    return "".join(out)


def _str_args(fn: str, a: list[Any], n: int) -> list[str]:
    _arity(fn, a, n)
    for i, v in enumerate(a):
        _want(fn, i, v, "string")
    return a


@_fn("startsWith", group="string")
def _starts(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _str_args(fn, a, 2)
    return x.startswith(y)


@_fn("endsWith", group="string")
def _ends(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _str_args(fn, a, 2)
    return x.endswith(y)


@_fn("indexOf", group="string")
def _index_of(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _str_args(fn, a, 2)
    return x.find(y)


@_fn("lastIndexOf", group="string")
def _last_index_of(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _str_args(fn, a, 2)
    return x.rfind(y)


@_fn("replace", group="string")
def _replace(fn: str, a: list[Any], s: Scope) -> Any:
    x, old, new = _str_args(fn, a, 3)
    if old == "":
        raise EvaluationError(f"{fn}(): the string to replace must not be empty")
    return x.replace(old, new)


@_fn("substring", group="string")
def _substring(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 3)
    _want(fn, 0, a[0], "string")
    start, length = _count(fn, a[1]), _count(fn, a[2])
    if not (_is_num(a[1]) and a[1] >= 0 and _is_num(a[2]) and a[2] >= 0):
        raise EvaluationError(f"{fn}(): start and length must not be negative")
    if start + length > len(a[0]):
        raise EvaluationError(f"{fn}(): start {start} + length {length} is beyond the end of a "
                              f"{len(a[0])}-character string")
    return a[0][start:start + length]


@_fn("toLower", group="string")
def _lower(fn: str, a: list[Any], s: Scope) -> Any:
    (x,) = _str_args(fn, a, 1)
    return x.lower()


@_fn("toUpper", group="string")
def _upper(fn: str, a: list[Any], s: Scope) -> Any:
    (x,) = _str_args(fn, a, 1)
    return x.upper()


@_fn("guid", group="string")
def _guid(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 0)
    return s.next_guid()


# --- math ---


def _nums(fn: str, a: list[Any], n: int) -> list[int | float]:
    _arity(fn, a, n)
    for i, v in enumerate(a):
        _want(fn, i, v, "number")
    return a


def _num_result(x: float | int) -> int | float:
    x = _js_number(x, "arithmetic")
    return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2**53 else x


@_fn("add", group="math")
def _add(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _nums(fn, a, 2)
    return _num_result(x + y)


@_fn("sub", group="math")
def _sub(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _nums(fn, a, 2)
    return _num_result(x - y)


@_fn("mul", group="math")
def _mul(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _nums(fn, a, 2)
    return _num_result(x * y)


@_fn("div", group="math")
def _div(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _nums(fn, a, 2)
    if y == 0:
        raise EvaluationError(f"{fn}(): division by zero")
    return _num_result(math.trunc(x / y))


@_fn("mod", group="math")
def _mod(fn: str, a: list[Any], s: Scope) -> Any:
    x, y = _nums(fn, a, 2)
    if y == 0:
        raise EvaluationError(f"{fn}(): division by zero")
    return _num_result(math.fmod(x, y)) if isinstance(x, float) or isinstance(y, float) else (
        int(math.copysign(abs(x) % abs(y), x)))


def _extreme(fn: str, a: list[Any]) -> list[int | float]:
    _arity(fn, a, 1, -1)
    vals = plain(a[0]) if len(a) == 1 else a
    if len(a) == 1 and not isinstance(vals, list):
        raise EvaluationError(f"{fn}(): takes two or more numbers, or one array of numbers")
    if not vals:
        raise EvaluationError(f"{fn}(): no numbers")
    for i, v in enumerate(vals):
        _want(fn, i, v, "number")
    return vals


@_fn("min", group="math")
def _min(fn: str, a: list[Any], s: Scope) -> Any:
    return min(_extreme(fn, a))


@_fn("max", group="math")
def _max(fn: str, a: list[Any], s: Scope) -> Any:
    return max(_extreme(fn, a))


@_fn("floor", group="math")
def _floor(fn: str, a: list[Any], s: Scope) -> Any:
    (x,) = _nums(fn, a, 1)
    return _num_result(math.floor(x))


@_fn("ceil", group="math")
def _ceil(fn: str, a: list[Any], s: Scope) -> Any:
    (x,) = _nums(fn, a, 1)
    return _num_result(math.ceil(x))


@_fn("range", group="math")
def _range(fn: str, a: list[Any], s: Scope) -> Any:
    start, count = _nums(fn, a, 2)
    if not (float(start).is_integer() and float(count).is_integer()) or count < 0:
        raise EvaluationError(f"{fn}(): start and count must be whole numbers, count not negative")
    if count > RANGE_LIMIT:
        raise EvaluationError(f"{fn}(): at most {RANGE_LIMIT} numbers (ARM's limit), not {int(count)}")
    return [_num_result(i) for i in range(int(start), int(start) + int(count))]


#: ARM's limit on range()'s count; a wizard has no use for more, and a bigger one would hang it.
RANGE_LIMIT = 10000


@_fn("rand", group="math")
def _rand(fn: str, a: list[Any], s: Scope) -> Any:
    lo, hi = _nums(fn, a, 2)
    return s.next_random(int(lo), int(hi))


# --- date ---

_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,7})?"
                  r"(Z|[+-][0-9]{2}:[0-9]{2})$")


def _timestamp(fn: str, v: Any) -> _dt.datetime:
    if not isinstance(v, str) or not (m := _ISO.match(v)):
        raise EvaluationError(f"{fn}(): {v!r} is not an ISO 8601 timestamp such as 1990-12-31T23:59:59Z")
    text = v.replace("Z", "+00:00")
    second = int(m.group(6))
    if second == 60:  # a leap second reads as the first second of the next minute
        text = text[:17] + "59" + text[19:]
    try:
        t = _dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise EvaluationError(f"{fn}(): {v!r}: {exc}") from None
    try:
        return t + _dt.timedelta(seconds=1) if second == 60 else t
    except OverflowError:
        raise EvaluationError(f"{fn}(): the result is outside the years 1 to 9999") from None


def _iso(t: _dt.datetime) -> str:
    t = t.astimezone(_dt.UTC)
    return (f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}."
            f"{t.microsecond // 1000:03d}Z")


def _add_time(fn: str, a: list[Any], unit: str) -> str:
    _arity(fn, a, 2)
    t = _timestamp(fn, a[0])
    _want(fn, 1, a[1], "number")
    if not float(a[1]).is_integer():
        raise EvaluationError(f"{fn}(): adds a whole number of {unit}")
    try:
        return _iso(t + _dt.timedelta(**{unit: int(a[1])}))
    except OverflowError:
        raise EvaluationError(f"{fn}(): the result is outside the years 1 to 9999") from None


@_fn("utcNow", group="date")
def _utc_now(fn: str, a: list[Any], s: Scope) -> Any:
    _arity(fn, a, 0)
    return s.now


@_fn("addSeconds", group="date")
def _add_seconds(fn: str, a: list[Any], s: Scope) -> Any:
    return _add_time(fn, a, "seconds")


@_fn("addMinutes", group="date")
def _add_minutes(fn: str, a: list[Any], s: Scope) -> Any:
    return _add_time(fn, a, "minutes")


@_fn("addHours", group="date")
def _add_hours(fn: str, a: list[Any], s: Scope) -> Any:
    return _add_time(fn, a, "hours")


# --------------------------------------------------------------------------------------- regex


def _js_to_python(pattern: str) -> str:
    """A JavaScript pattern in Python's syntax, for the subset both share.

    Three differences matter for validation patterns: ``$`` (Python also matches before a final
    newline, JavaScript does not), ``(?<name>`` (Python spells it ``(?P<name>``) and ``[^]``.
    Anything else JavaScript-only fails to compile and is reported as an error.
    """
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            if pattern.startswith("[^]", i):
                out.append(r"[\s\S]")
                i += 3
                continue
            if pattern.startswith("[]", i):  # an empty class in JavaScript: never matches
                out.append("(?!)")
                i += 2
                continue
            in_class = True
            out.append(c)
        elif c == "$":
            out.append(r"\Z")
        elif pattern.startswith("(?<", i) and i + 3 < n and pattern[i + 3] not in "=!":
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(_js_to_python(pattern), re.ASCII)
    except re.error as exc:
        raise EvaluationError(f"regex {pattern!r} does not compile: {exc}") from None


def js_regex_search(pattern: str, value: str) -> bool:
    """``new RegExp(pattern).test(value)``: a search, anchored only where the pattern says so."""
    return _compiled(pattern).search(value) is not None


def function_names() -> Iterator[tuple[str, list[str]]]:
    """Every supported function by group, for the documentation and its test."""
    for group in ("referencing", "logical", "collection", "conversion", "string", "math", "date"):
        yield group, sorted(GROUPS.get(group, []), key=str.lower)
