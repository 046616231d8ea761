"""ARM template-language expressions as Python objects.

A template never glues expression strings together: builders compose nodes (``concat(prefix,
'-lb')``, ``nic.id_at(copy_index())``) and the renderers turn the tree into ARM's ``"[...]"``
strings or into Bicep. Keeping the tree means the model knows which parameters, variables and
resources an expression touches, which is how ``dependsOn`` is derived and how Bicep gets
symbolic references instead of ``resourceId()`` calls.

Nodes are immutable dataclasses. :func:`walk` visits every node of a value (expressions nested
in dicts and lists included) and :func:`transform` rebuilds a tree bottom-up; both work on any
node through dataclass fields (looked up once per class), so a new node type needs no visitor code.
A node class is declared ``@dataclass(init=False, repr=False, eq=False)`` with its ``__init__``
written out and ``==``, hash, ``repr`` and immutability from :class:`armgen.records.FrozenRecord`:
the same behaviour as ``@dataclass(frozen=True)`` without compiling generated code at import
(see :mod:`armgen.records`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Union

from armgen.records import FrozenRecord

if TYPE_CHECKING:
    from armgen.template import Resource

Value = Union["Expr", str, int, bool, None, dict, list]


class Expr:
    """Base of every expression node.

    Attribute access and indexing build property-access and index nodes, so
    ``lb.props.frontendIPConfigurations[0].properties.privateIPAddress`` reads like the ARM it
    renders to. Names starting with ``_`` are never treated as properties (keeps copy/pickle sane).
    """

    def __getattr__(self, name: str) -> Prop:
        if name.startswith("_"):
            raise AttributeError(name)
        return Prop(self, name)

    def __getitem__(self, key: Any) -> Index:
        return Index(self, as_expr(key))

    def prop(self, name: str) -> Prop:
        """Property access for names that clash with Python attributes (``.prop('name')``)."""
        return Prop(self, name)

    def arm(self) -> str:
        """The expression text without the surrounding brackets."""
        raise NotImplementedError

    def to_arm(self) -> str:
        """The JSON string form: ``"[...]"``."""
        return f"[{self.arm()}]"

    def __str__(self) -> str:
        return self.to_arm()


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Lit(Expr, FrozenRecord):
    """A literal string, integer, boolean or null inside an expression."""

    value: str | int | bool | None

    def __init__(self, value: str | int | bool | None) -> None:
        object.__setattr__(self, "value", value)

    def arm(self) -> str:
        v = self.value
        if v is None:
            return "null()"
        if isinstance(v, bool):
            return "true()" if v else "false()"
        if isinstance(v, int):
            return str(v)
        return "'" + v.replace("'", "''") + "'"


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Call(Expr, FrozenRecord):
    """A template function call: ``name(arg, ...)``."""

    name: str
    args: tuple[Expr, ...] = ()

    def __init__(self, name: str, args: tuple[Expr, ...] = ()) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", args)

    def arm(self) -> str:
        return f"{self.name}({', '.join(a.arm() for a in self.args)})"


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Prop(Expr, FrozenRecord):
    """Property access: ``obj.name``."""

    obj: Expr
    name: str

    def __init__(self, obj: Expr, name: str) -> None:
        object.__setattr__(self, "obj", obj)
        object.__setattr__(self, "name", name)

    def arm(self) -> str:
        if self.name.isidentifier():
            return f"{self.obj.arm()}.{self.name}"
        return f"{self.obj.arm()}[{Lit(self.name).arm()}]"


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Index(Expr, FrozenRecord):
    """Indexing: ``obj[key]``."""

    obj: Expr
    key: Expr

    def __init__(self, obj: Expr, key: Expr) -> None:
        object.__setattr__(self, "obj", obj)
        object.__setattr__(self, "key", key)

    def arm(self) -> str:
        return f"{self.obj.arm()}[{self.key.arm()}]"


@dataclasses.dataclass(init=False, repr=False, eq=False)
class ParamRef(Expr, FrozenRecord):
    """``parameters('name')``; Bicep renders it as the bare parameter name."""

    name: str

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)

    def arm(self) -> str:
        return f"parameters({Lit(self.name).arm()})"


@dataclasses.dataclass(init=False, repr=False, eq=False)
class VarRef(Expr, FrozenRecord):
    """``variables('name')``; Bicep renders it as the bare variable name."""

    name: str

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)

    def arm(self) -> str:
        return f"variables({Lit(self.name).arm()})"


@dataclasses.dataclass(init=False, repr=False, eq=False)
class CopyIndex(Expr, FrozenRecord):
    """``copyIndex([loop], [offset])``: the position in the enclosing copy loop.

    ``loop`` names an outer loop; None means the loop of the resource or output being rendered.
    Bicep renders it as the loop variable (plus the offset).
    """

    loop: str | None = None
    offset: int = 0

    def __init__(self, loop: str | None = None, offset: int = 0) -> None:
        object.__setattr__(self, "loop", loop)
        object.__setattr__(self, "offset", offset)

    def arm(self) -> str:
        args: list[str] = []
        if self.loop is not None:
            args.append(Lit(self.loop).arm())
        if self.offset:
            args.append(str(self.offset))
        return f"copyIndex({', '.join(args)})"


@dataclasses.dataclass(init=False, repr=False, eq=False)
class ResourceIdRef(Expr, FrozenRecord):
    """The id of a resource of the model, optionally one instance of a copy loop.

    ARM: ``resourceId([sub], [rg], 'type', name...)``; Bicep: ``symbol.id`` / ``symbol[i].id``.
    A reference to a resource created by the same template is also a dependency.
    """

    resource: Resource
    index: Expr | None = None

    def __init__(self, resource: Resource, index: Expr | None = None) -> None:
        object.__setattr__(self, "resource", resource)
        object.__setattr__(self, "index", index)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ResourceIdRef)
            and other.resource is self.resource
            and other.index == self.index
        )

    def __hash__(self) -> int:
        return hash((id(self.resource), self.index))

    def arm(self) -> str:
        return self.resource.resource_id_call(self.index).arm()


@dataclasses.dataclass(init=False, repr=False, eq=False)
class ReferenceRef(Expr, FrozenRecord):
    """The runtime state of a resource of the model (``reference(id, apiVersion)``).

    ARM: ``reference(resourceId(...), 'apiVersion')`` is the resource's ``properties``; Bicep:
    ``symbol.properties``. ``full=True`` gives the whole resource object (``'Full'``).
    """

    resource: Resource
    index: Expr | None = None
    full: bool = False

    def __init__(self, resource: Resource, index: Expr | None = None, full: bool = False) -> None:
        object.__setattr__(self, "resource", resource)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "full", full)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ReferenceRef)
            and other.resource is self.resource
            and other.index == self.index
            and other.full == self.full
        )

    def __hash__(self) -> int:
        return hash((id(self.resource), self.index, self.full))

    def arm(self) -> str:
        args = [self.resource.resource_id_call(self.index), Lit(self.resource.api_version)]
        if self.full:
            args.append(Lit("Full"))
        return Call("reference", tuple(args)).arm()


def as_expr(value: Any) -> Expr:
    """Lift a Python scalar to a literal; expressions pass through.

    Model objects that stand for an expression (a Parameter is ``parameters('x')``) say so with an
    ``expr()`` method.
    """
    if isinstance(value, Expr):
        return value
    if hasattr(value, "expr") and callable(value.expr):
        return value.expr()
    if value is None or isinstance(value, str | int | bool):
        return Lit(value)
    raise TypeError(f"cannot use {type(value).__name__} inside an expression; use create_object/create_array")


def call(name: str, *args: Any) -> Call:
    """Any template function by name; prefer the typed helpers below."""
    return Call(name, tuple(as_expr(a) for a in args))


# --- JSON values with expressions inside -------------------------------------------------------


def to_json(value: Any) -> Any:
    """Render a value tree (dicts, lists, scalars, expressions) to plain JSON for ARM.

    A literal string that ARM would read as an expression (starts with ``[`` and ends with ``]``)
    is escaped with a second ``[``.
    """
    if isinstance(value, Lit):
        return to_json(value.value)
    if isinstance(value, Expr):
        return value.to_arm()
    if isinstance(value, str):
        return "[" + value if value.startswith("[") and value.endswith("]") else value
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    raise TypeError(f"cannot render {type(value).__name__} to JSON")


def lift(value: Any) -> Any:
    """Replace model objects (parameters, variables) inside a value tree by their expressions."""
    if isinstance(value, dict):
        return {k: lift(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [lift(v) for v in value]
    if not isinstance(value, Expr) and hasattr(value, "expr") and callable(value.expr):
        return value.expr()
    return value


# How walk() and transform() open a node, decided once per class (not per node: dataclasses.fields
# and a chain of isinstance checks per node made walking a template with 800 resources slow).
_LEAF, _DICT, _SEQ, _REF = "leaf", "dict", "seq", "ref"
_SHAPES: dict[type, str | tuple[str, ...]] = {}


def _shape(cls: type) -> str | tuple[str, ...]:
    """``_DICT``/``_SEQ``/``_REF``/``_LEAF``, or the field names of an expression dataclass."""
    shape = _SHAPES.get(cls)
    if shape is None:
        if issubclass(cls, dict):
            shape = _DICT
        elif issubclass(cls, list | tuple):
            shape = _SEQ
        elif issubclass(cls, ResourceIdRef | ReferenceRef):
            shape = _REF  # only its index: the resource is a model object, not part of the tree
        elif dataclasses.is_dataclass(cls) and issubclass(cls, Expr):
            shape = tuple(f.name for f in dataclasses.fields(cls))
        else:
            shape = _LEAF
        _SHAPES[cls] = shape
    return shape


def _children(node: Any) -> list[Any]:
    shape = _shape(type(node))
    if shape is _LEAF:
        return []
    if shape is _DICT:
        return list(node.values())
    if shape is _SEQ:
        return list(node)
    if shape is _REF:
        return [] if node.index is None else [node.index]
    return [getattr(node, name) for name in shape]


def walk(value: Any) -> Iterator[Any]:
    """Every node of a value tree, depth first, parents before children."""
    stack = [value]
    pop, push, shapes = stack.pop, stack.extend, _SHAPES
    while stack:
        node = pop()
        yield node
        shape = shapes.get(type(node))
        if shape is None:
            shape = _shape(type(node))
        if shape is _LEAF:
            continue
        if shape is _DICT:
            children = list(node.values())
        elif shape is _SEQ:
            children = list(node)
        elif shape is _REF:
            if node.index is not None:
                stack.append(node.index)
            continue
        else:
            children = [getattr(node, name) for name in shape]
        children.reverse()
        push(children)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def collect(value: Any, types: type | tuple[type, ...]) -> list[Any]:
    """The nodes of a value tree that are ``types``, in :func:`walk`'s order; quicker than
    filtering :func:`walk` because plain strings and numbers are never stacked."""
    found: list[Any] = []
    stack = [value]
    pop, shapes, scalars = stack.pop, _SHAPES, _SCALARS
    while stack:
        node = pop()
        if isinstance(node, types):
            found.append(node)
        shape = shapes.get(type(node))
        if shape is None:
            shape = _shape(type(node))
        if shape is _LEAF:
            continue
        if shape is _DICT:
            children = list(node.values())
        elif shape is _SEQ:
            children = list(node)
        elif shape is _REF:
            if node.index is not None:
                stack.append(node.index)
            continue
        else:
            children = [getattr(node, name) for name in shape]
        for child in reversed(children):
            if type(child) not in scalars:
                stack.append(child)
    return found


def transform(value: Any, fn: Callable[[Any], Any]) -> Any:
    """Rebuild a value tree bottom-up, replacing each node by ``fn(node)``."""
    if isinstance(value, dict):
        return fn({k: transform(v, fn) for k, v in value.items()})
    if isinstance(value, list):
        return fn([transform(v, fn) for v in value])
    if isinstance(value, tuple):
        return fn(tuple(transform(v, fn) for v in value))
    if isinstance(value, ResourceIdRef | ReferenceRef):
        if value.index is None:
            return fn(value)
        return fn(dataclasses.replace(value, index=transform(value.index, fn)))
    shape = _shape(type(value))
    if isinstance(shape, tuple):
        changes = {name: transform(getattr(value, name), fn) for name in shape}
        return fn(dataclasses.replace(value, **changes))
    return fn(value)


def at_index(value: Any, index: Expr) -> Any:
    """``value`` with its loop position (``copyIndex()``) replaced by ``index``.

    This is how one resource's name is computed for instance ``i`` of its copy loop, e.g. the NIC
    that VM ``i`` uses.
    """

    def swap(node: Any) -> Any:
        if isinstance(node, CopyIndex) and node.loop is None:
            return add(index, node.offset)
        return node

    return transform(value, swap)


# --- Functions ------------------------------------------------------------------------------------


def parameters(name: str) -> ParamRef:
    return ParamRef(name)


def variables(name: str) -> VarRef:
    return VarRef(name)


def copy_index(offset: int = 0, loop: str | None = None) -> CopyIndex:
    return CopyIndex(loop, offset)


def resource_id(
    type_: str, *names: Any, subscription_id: Any = None, resource_group: Any = None
) -> Call:
    """``resourceId([subscriptionId], [resourceGroup], type, name...)``."""
    args: list[Any] = []
    if subscription_id is not None:
        if resource_group is None:
            raise ValueError("resource_id: a subscription needs a resource group too")
        args.append(subscription_id)
    if resource_group is not None:
        args.append(resource_group)
    return call("resourceId", *args, type_, *names)


def reference(resource_id_expr: Any, api_version: str | None = None, full: bool = False) -> Call:
    args: list[Any] = [resource_id_expr]
    if api_version is not None:
        args.append(api_version)
    if full:
        args.append("Full")
    return call("reference", *args)


def concat(*args: Any) -> Call:
    return call("concat", *args)


def format_(fmt: str, *args: Any) -> Call:
    """``format('{0}-{1}', a, b)`` (named with an underscore: ``format`` is a Python builtin)."""
    return call("format", fmt, *args)


def if_(cond: Any, then: Any, else_: Any) -> Call:
    return call("if", cond, then, else_)


def equals(a: Any, b: Any) -> Call:
    return call("equals", a, b)


def not_(a: Any) -> Call:
    return call("not", a)


def and_(*args: Any) -> Call:
    return call("and", *args)


def or_(*args: Any) -> Call:
    return call("or", *args)


def unique_string(*args: Any) -> Call:
    return call("uniqueString", *args)


def guid(*args: Any) -> Call:
    return call("guid", *args)


def resource_group() -> Call:
    return call("resourceGroup")


def deployment() -> Call:
    return call("deployment")


def subscription() -> Call:
    return call("subscription")


def pick_zones(provider: str, resource_type: str, location: Any, num_zones: int | None = None) -> Call:
    args: list[Any] = [provider, resource_type, location]
    if num_zones is not None:
        args.append(num_zones)
    return call("pickZones", *args)


def union(*args: Any) -> Call:
    return call("union", *args)


def contains(container: Any, item: Any) -> Call:
    return call("contains", container, item)


def empty(a: Any) -> Call:
    return call("empty", a)


def length(a: Any) -> Call:
    return call("length", a)


def take(a: Any, n: Any) -> Call:
    return call("take", a, n)


def split(a: Any, delimiter: Any) -> Call:
    return call("split", a, delimiter)


def string(a: Any) -> Call:
    return call("string", a)


def int_(a: Any) -> Call:
    return call("int", a)


def base64(a: Any) -> Call:
    return call("base64", a)


def mod(a: Any, b: Any) -> Call:
    return call("mod", a, b)


def div(a: Any, b: Any) -> Call:
    return call("div", a, b)


def mul(a: Any, b: Any) -> Call:
    return call("mul", a, b)


def add(a: Any, b: Any) -> Expr:
    """``add(a, b)``, folded where one side is a literal 0 or both are literals or copyIndex."""
    a, b = as_expr(a), as_expr(b)
    if isinstance(b, Lit) and b.value == 0:
        return a
    if isinstance(a, Lit) and isinstance(b, Lit) and isinstance(a.value, int) and isinstance(b.value, int):
        return Lit(a.value + b.value)
    if isinstance(a, CopyIndex) and isinstance(b, Lit) and isinstance(b.value, int):
        return CopyIndex(a.loop, a.offset + b.value)
    return Call("add", (a, b))


def create_array(*items: Any) -> Call:
    return call("createArray", *items)


def create_object(**items: Any) -> Call:
    args: list[Any] = []
    for k, v in items.items():
        args.extend([k, v])
    return call("createObject", *args)


def null() -> Call:
    return Call("null")


def to_lower(a: Any) -> Call:
    return call("toLower", a)


def coalesce(*args: Any) -> Call:
    return call("coalesce", *args)
