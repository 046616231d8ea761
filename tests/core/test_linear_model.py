"""The model stays linear as templates grow (issue 18): uniqueness checks use kept indexes, and
the tree walks look up each node class's fields once. Same answers as before, at any size."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from armgen import expr as E
from armgen.offers import get_offer
from armgen.template import ModelError, Parameter, Resource, Template


def _resource(symbol: str) -> Resource:
    return Resource("Microsoft.Network/routeTables", "2025-07-01", symbol, symbol, location="x")


def test_duplicate_names_are_refused_by_the_kept_indexes() -> None:
    t = Template()
    t.param("Location", "string")
    with pytest.raises(ModelError, match="duplicate parameter 'location'"):
        t.param("location", "string")
    t.var("v", 1)
    with pytest.raises(ModelError, match="duplicate variable 'V'"):
        t.var("V", 2)
    t.output("o", "string", "x")
    with pytest.raises(ModelError, match="duplicate output 'O'"):
        t.output("O", "string", "y")
    t.add(_resource("a"))
    with pytest.raises(ModelError, match="duplicate resource symbol 'a'"):
        t.add(_resource("a"))
    t.add(_resource("A"))  # symbols are case-sensitive, as before


def test_changes_made_without_add_are_still_seen() -> None:
    t = Template()
    t.add(_resource("a"))
    t.resources.append(_resource("b"))  # not through add()
    with pytest.raises(ModelError, match="'b'"):
        t.add(_resource("b"))
    t.parameters["p"] = Parameter("p", "string")
    with pytest.raises(ModelError, match="'P'"):
        t.param("P", "string")
    t.resources.clear()
    t.add(_resource("a"))  # removed, so free again


def test_dependencies_on_a_resource_outside_the_template_are_refused() -> None:
    t = Template()
    outside = _resource("outside")
    r = t.add(Resource("Microsoft.Network/networkInterfaces", "2025-07-01", "n", "nic", location="x",
                       properties={"rt": outside.id}))
    with pytest.raises(ModelError, match="not in the template"):
        t.depends_on(r)


def _old_walk(value: Any) -> list[Any]:
    """walk() as it was: dataclasses.fields on every node."""
    out, stack = [], [value]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, dict):
            kids = list(node.values())
        elif isinstance(node, list | tuple):
            kids = list(node)
        elif isinstance(node, E.ResourceIdRef | E.ReferenceRef):
            kids = [node.index] if node.index is not None else []
        elif dataclasses.is_dataclass(node) and isinstance(node, E.Expr):
            kids = [getattr(node, f.name) for f in dataclasses.fields(node)]
        else:
            kids = []
        stack.extend(reversed(kids))
    return out


def test_walk_and_collect_visit_what_the_field_by_field_walk_visited() -> None:
    t = get_offer("cloud-connector").build({})
    roots = [[r.values() for r in t.resources], [o.value for o in t.outputs.values()],
             [v.value for v in t.variables.values()]]
    old = _old_walk(roots)
    new = list(E.walk(roots))
    assert len(new) == len(old) > 1000
    assert all(a is b for a, b in zip(new, old, strict=True))
    kinds = (E.ParamRef, E.ResourceIdRef, E.Call)
    assert E.collect(roots, kinds) == [n for n in old if isinstance(n, kinds)]
