"""The template model: parameters, variables, resources and outputs as Python objects.

This is armgen's one model. The ARM JSON (:mod:`armgen.render.arm_json`), the Bicep
(:mod:`armgen.render.bicep`) and the createUiDefinition (:mod:`armgen.uidef`) are all derived
from a :class:`Template`; nothing downstream needs a second representation.

Dependencies are never written by hand: :meth:`Template.depends_on` finds every reference a
resource makes to another resource of the same template (``other.id``, ``other.props``) and
derives ``dependsOn`` from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from armgen import expr as E
from armgen.expr import Expr
from armgen.records import FrozenRecord, Shown

PARAM_TYPES = ("string", "securestring", "int", "bool", "object", "secureObject", "array")


class _Missing:
    """Marks a parameter without a default (None is a legitimate default: ``null``)."""

    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()


class ModelError(ValueError):
    """A template that cannot be rendered: a programming error in an offer, not bad user input."""


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Parameter(Shown):
    """A template parameter.

    ``ui`` carries hints for the createUiDefinition generator (label, control, step); it is not
    part of the ARM output. A parameter is used inside expressions directly (``expr()``).
    """

    name: str
    type: str
    default: Any = _MISSING
    allowed_values: list[Any] | None = None
    min_value: int | None = None
    max_value: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    description: str | None = None
    ui: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __init__(
        self,
        name: str,
        type: str,
        default: Any = _MISSING,
        allowed_values: list[Any] | None = None,
        min_value: int | None = None,
        max_value: int | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        description: str | None = None,
        ui: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.type = type
        self.default = default
        self.allowed_values = allowed_values
        self.min_value = min_value
        self.max_value = max_value
        self.min_length = min_length
        self.max_length = max_length
        self.description = description
        self.ui = {} if ui is None else ui
        if self.type not in PARAM_TYPES:
            raise ModelError(f"parameter {self.name}: type {self.type!r} is not one of {PARAM_TYPES}")
        if self.secure and self.has_default and self.default not in ("", {}):
            raise ModelError(f"parameter {self.name}: a secure parameter may not have a default value")

    @property
    def secure(self) -> bool:
        return self.type.lower() in ("securestring", "secureobject")

    @property
    def has_default(self) -> bool:
        return self.default is not _MISSING

    def expr(self) -> E.ParamRef:
        return E.ParamRef(self.name)

    @property
    def ref(self) -> E.ParamRef:
        return self.expr()


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Variable(Shown):
    """A template variable; its value may hold expressions."""

    name: str
    value: Any

    def __init__(self, name: str, value: Any) -> None:
        self.name = name
        self.value = value

    def expr(self) -> E.VarRef:
        return E.VarRef(self.name)

    @property
    def ref(self) -> E.VarRef:
        return self.expr()


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Copy(FrozenRecord):
    """A resource copy loop: ``count`` instances, ``copyIndex()`` inside is the position."""

    name: str
    count: Any
    mode: str = "Parallel"
    batch_size: int | None = None

    def __init__(self, name: str, count: Any, mode: str = "Parallel", batch_size: int | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "count", count)
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "batch_size", batch_size)


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Resource(Shown):
    """A resource declaration.

    ``existing=True`` marks a resource the deployment only refers to (the customer's VNet and
    subnets): it is never emitted in the ARM JSON, only used to build ids, and Bicep declares it
    with ``existing``. ``parent`` makes a child type (``virtualNetworks/subnets``);
    ``resource_group``/``subscription_id`` place an existing resource elsewhere.
    ``symbol`` is the Bicep symbolic name.
    """

    type: str
    api_version: str
    name: Any
    symbol: str
    location: Any = None
    properties: Any = None
    tags: Any = None
    zones: Any = None
    sku: Any = None
    kind: str | None = None
    plan: Any = None
    identity: Any = None
    condition: Any = None
    copy: Copy | None = None
    depends_on: list[Resource] = dataclasses.field(default_factory=list)
    parent: Resource | None = None
    existing: bool = False
    resource_group: Any = None
    subscription_id: Any = None
    comments: str | None = None

    def __init__(
        self,
        type: str,
        api_version: str,
        name: Any,
        symbol: str,
        location: Any = None,
        properties: Any = None,
        tags: Any = None,
        zones: Any = None,
        sku: Any = None,
        kind: str | None = None,
        plan: Any = None,
        identity: Any = None,
        condition: Any = None,
        copy: Copy | None = None,
        depends_on: list[Resource] | None = None,
        parent: Resource | None = None,
        existing: bool = False,
        resource_group: Any = None,
        subscription_id: Any = None,
        comments: str | None = None,
    ) -> None:
        self.type = type
        self.api_version = api_version
        self.name = name
        self.symbol = symbol
        self.location = location
        self.properties = properties
        self.tags = tags
        self.zones = zones
        self.sku = sku
        self.kind = kind
        self.plan = plan
        self.identity = identity
        self.condition = condition
        self.copy = copy
        self.depends_on = [] if depends_on is None else depends_on
        self.parent = parent
        self.existing = existing
        self.resource_group = resource_group
        self.subscription_id = subscription_id
        self.comments = comments
        for f in (
            "name", "location", "properties", "tags", "zones", "sku", "plan", "identity", "condition",
            "resource_group", "subscription_id",
        ):
            setattr(self, f, E.lift(getattr(self, f)))
        if self.copy is not None:
            self.copy = dataclasses.replace(self.copy, count=E.lift(self.copy.count))
        if self.parent is not None and not self.type.startswith(self.parent.type + "/"):
            raise ModelError(f"{self.type} cannot be a child of {self.parent.type}")
        if self.parent is not None and (self.resource_group is not None or self.subscription_id is not None):
            raise ModelError(f"{self.symbol}: a child takes its scope from its parent")

    # --- references ------------------------------------------------------------------------

    @property
    def id(self) -> E.ResourceIdRef:
        """This resource's id (the whole loop's resource when it has a copy loop and no index)."""
        return E.ResourceIdRef(self)

    def id_at(self, index: Any) -> E.ResourceIdRef:
        """The id of instance ``index`` of this resource's copy loop."""
        self._need_copy()
        return E.ResourceIdRef(self, E.as_expr(index))

    @property
    def props(self) -> E.ReferenceRef:
        """The deployed resource's ``properties`` (``reference(id, apiVersion)``)."""
        return E.ReferenceRef(self)

    def props_at(self, index: Any) -> E.ReferenceRef:
        self._need_copy()
        return E.ReferenceRef(self, E.as_expr(index))

    def _need_copy(self) -> None:
        if self.copy is None:
            raise ModelError(f"{self.symbol} has no copy loop to index")

    # --- ids ---------------------------------------------------------------------------------

    def name_segments(self, index: Expr | None = None) -> list[Any]:
        """The name segments of the resource id (parent first), for instance ``index``."""
        own = self.name if index is None else E.at_index(self.name, index)
        parent = self.parent.name_segments() if self.parent is not None else []
        return [*parent, own]

    def scope(self) -> tuple[Any, Any]:
        top = self
        while top.parent is not None:
            top = top.parent
        return top.subscription_id, top.resource_group

    def resource_id_call(self, index: Expr | None = None) -> E.Call:
        if self.copy is not None and index is None and not self.existing:
            # Inside its own loop a resource's id is the current instance.
            index = E.copy_index()
        sub, rg = self.scope()
        return E.resource_id(self.type, *self.name_segments(index), subscription_id=sub, resource_group=rg)

    def arm_name(self) -> Any:
        """The ``name`` property in ARM JSON: child names are ``parent/child``."""
        segments = self.name_segments()
        if len(segments) == 1:
            return segments[0]
        if all(isinstance(s, str) for s in segments):
            return "/".join(segments)
        return E.format_("/".join(f"{{{i}}}" for i in range(len(segments))), *segments)

    def envelope(self) -> list[tuple[str, Any]]:
        """The optional top-level fields between ``name`` and ``properties``, in the order ARM
        templates and Bicep files conventionally write them (both renderers use this order)."""
        return [
            ("location", self.location),
            ("tags", self.tags),
            ("sku", self.sku),
            ("kind", self.kind),
            ("zones", self.zones),
            ("plan", self.plan),
            ("identity", self.identity),
        ]

    def values(self) -> dict[str, Any]:
        """Every field that may hold expressions, for dependency and reference analysis."""
        out = {
            f: getattr(self, f)
            for f in ("name", "location", "properties", "tags", "zones", "sku", "plan", "identity", "condition")
        }
        if self.copy is not None:
            out["copy"] = self.copy.count
        return out


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Output(Shown):
    """A template output; ``copy_count`` makes it an array built by an output copy loop."""

    name: str
    type: str
    value: Any
    condition: Any = None
    copy_count: Any = None
    description: str | None = None

    def __init__(self, name: str, type: str, value: Any, condition: Any = None, copy_count: Any = None,
                 description: str | None = None) -> None:
        self.name = name
        self.type = type
        self.value = E.lift(value)
        self.condition = E.lift(condition)
        self.copy_count = E.lift(copy_count)
        self.description = description


@dataclasses.dataclass(init=False, repr=False, eq=False)
class Template(Shown):
    """A deployment template: the model every output of armgen is rendered from."""

    description: str | None = None
    parameters: dict[str, Parameter] = dataclasses.field(default_factory=dict)
    variables: dict[str, Variable] = dataclasses.field(default_factory=dict)
    resources: list[Resource] = dataclasses.field(default_factory=list)
    outputs: dict[str, Output] = dataclasses.field(default_factory=dict)
    content_version: str = "1.0.0.0"
    #: createUiDefinition settings that belong to the offer, not to one parameter:
    #: {"steps": [{"name": "network", "label": "Networking"}, ...], "basicsDescription": str}.
    ui: dict[str, Any] = dataclasses.field(default_factory=dict)
    _indexes: dict[str, set[Any]] = dataclasses.field(default_factory=dict, init=False, repr=False)

    def __init__(
        self,
        description: str | None = None,
        parameters: dict[str, Parameter] | None = None,
        variables: dict[str, Variable] | None = None,
        resources: list[Resource] | None = None,
        outputs: dict[str, Output] | None = None,
        content_version: str = "1.0.0.0",
        ui: dict[str, Any] | None = None,
    ) -> None:
        self.description = description
        self.parameters = {} if parameters is None else parameters
        self.variables = {} if variables is None else variables
        self.resources = [] if resources is None else resources
        self.outputs = {} if outputs is None else outputs
        self.content_version = content_version
        self.ui = {} if ui is None else ui
        self._indexes = {}

    # --- building ------------------------------------------------------------------------------

    def param(self, name: str, type: str, **kw: Any) -> Parameter:
        return self.add(Parameter(name, type, **kw))

    def var(self, name: str, value: Any) -> Variable:
        return self.add(Variable(name, E.lift(value)))

    def output(self, name: str, type: str, value: Any, **kw: Any) -> Output:
        return self.add(Output(name, type, value, **kw))

    def add(self, item: Any) -> Any:
        """Add a parameter, variable, resource or output; names must be unique per kind."""
        if isinstance(item, Parameter):
            self._unique(self.parameters, item.name, "parameter")
            self.parameters[item.name] = item
        elif isinstance(item, Variable):
            self._unique(self.variables, item.name, "variable")
            self.variables[item.name] = item
        elif isinstance(item, Output):
            self._unique(self.outputs, item.name, "output")
            self.outputs[item.name] = item
        elif isinstance(item, Resource):
            symbols = self._index("symbol", self.resources, lambda: (r.symbol for r in self.resources))
            if item.symbol in symbols:
                raise ModelError(f"duplicate resource symbol {item.symbol!r}")
            self.resources.append(item)
            symbols.add(item.symbol)
        else:
            raise TypeError(f"cannot add {type(item).__name__} to a template")
        return item

    def extend(self, items: Iterable[Any]) -> None:
        for item in items:
            self.add(item)

    def _unique(self, table: dict[str, Any], name: str, kind: str) -> None:
        names = self._index(kind, table, lambda: (k.lower() for k in table))
        if name.lower() in names:
            raise ModelError(f"duplicate {kind} {name!r}")
        names.add(name.lower())

    def _index(self, kind: str, container: Any, keys: Callable[[], Iterable[Any]]) -> set[Any]:
        """The names of one kind that :meth:`add` checks a new one against, kept between calls so
        that a template of 800 resources is built in linear time, not quadratic. Rebuilt from
        ``keys()`` whenever its size no longer matches ``container``'s (a list or dict changed
        without :meth:`add`)."""
        index = self._indexes.get(kind)
        if index is None or len(index) != len(container):
            index = self._indexes[kind] = set(keys())
        return index

    # --- analysis ------------------------------------------------------------------------------

    @property
    def deployed(self) -> list[Resource]:
        """Resources this template creates (existing ones excluded), in declaration order."""
        return [r for r in self.resources if not r.existing]

    def depends_on(self, resource: Resource) -> list[Any]:
        """``dependsOn`` entries derived from the references ``resource`` makes.

        A reference to one instance of a looped resource depends on that instance; a reference
        to a whole loop depends on the loop by its copy name.
        """
        entries: list[Any] = []
        seen: set[str] = set()

        def add(entry: Any) -> None:
            key = E.to_json(entry) if not isinstance(entry, str) else "copy:" + entry
            if key not in seen:
                seen.add(key)
                entries.append(entry)

        members = self._members()
        targets: list[tuple[Resource, Expr | None]] = []
        for node in E.collect(resource.values(), (E.ResourceIdRef, E.ReferenceRef)):
            targets.append((node.resource, node.index))
        targets.extend((r, None) for r in resource.depends_on)
        if resource.parent is not None and not resource.existing:
            # A child declared at the top level (a ruleset's forwarding rules) exists only once its
            # parent does; Bicep's ``parent:`` implies this, ARM JSON needs it spelled out.
            targets.insert(0, (resource.parent, None))
        for target, index in targets:
            # An existing child of a resource this template deploys (a load balancer's backend
            # pool) is only there once its parent is: depend on the nearest deployed ancestor.
            while target.existing and target.parent is not None:
                target, index = target.parent, None
            if target is resource or target.existing:
                continue
            if id(target) not in members:
                raise ModelError(f"{resource.symbol} refers to {target.symbol}, which is not in the template")
            if target.copy is not None and index is None:
                add(target.copy.name)
            else:
                add(target.resource_id_call(index))
        return entries

    def _members(self) -> set[int]:
        """Identities of the template's resources: membership by identity, as ``in`` on the list
        (Resource compares by identity) tested it, in constant time."""
        return self._index("member", self.resources, lambda: (id(r) for r in self.resources))

    def referenced_names(self) -> tuple[set[str], set[str]]:
        """Names of the parameters and variables that any part of the template refers to."""
        roots: list[Any] = [v.value for v in self.variables.values()]
        roots += [[r.values(), r.resource_group, r.subscription_id] for r in self.resources]
        roots += [[o.value, o.condition, o.copy_count] for o in self.outputs.values()]
        params: set[str] = set()
        variables: set[str] = set()
        members = self._members()
        for node in E.collect(roots, (E.ParamRef, E.VarRef, E.ResourceIdRef, E.ReferenceRef)):
            if isinstance(node, E.ParamRef):
                params.add(node.name)
            elif isinstance(node, E.VarRef):
                variables.add(node.name)
            elif isinstance(node, E.ResourceIdRef | E.ReferenceRef) and id(node.resource) not in members:
                raise ModelError(f"a reference to {node.resource.symbol}, which is not in the template")
        return params, variables

    def check(self) -> None:
        """Refuse a template that refers to undeclared names or declares unused ones.

        arm-ttk fails unused parameters and variables, and a dangling reference only shows up at
        deployment time, so both are caught when the template is rendered.
        """
        params, variables = self.referenced_names()
        declared_p = {k.lower() for k in self.parameters}
        declared_v = {k.lower() for k in self.variables}
        missing = sorted(p for p in params if p.lower() not in declared_p)
        missing += sorted(v for v in variables if v.lower() not in declared_v)
        if missing:
            raise ModelError(f"template refers to undeclared parameters/variables: {', '.join(missing)}")
        used_p = {p.lower() for p in params}
        used_v = {v.lower() for v in variables}
        unused = [p for p in self.parameters if p.lower() not in used_p]
        unused += [v for v in self.variables if v.lower() not in used_v]
        if unused:
            raise ModelError(f"template declares unused parameters/variables: {', '.join(unused)}")
