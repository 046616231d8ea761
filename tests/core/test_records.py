"""armgen.records: classes cheaper to define than dataclasses, that behave as the dataclasses they
replaced (==, hash, repr, immutability, pickling; dataclasses' own functions where declared)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys

import pytest

from armgen import expr as E
from armgen.lint.model import Finding, LintReport
from armgen.package import Check
from armgen.records import FrozenRecord, Record
from armgen.template import Copy, Parameter, Resource


class Point(FrozenRecord):
    __slots__ = __match_args__ = ("x", "y")

    def __init__(self, x: int, y: int = 0) -> None:
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)


class Box(Record):
    __slots__ = __match_args__ = ("items",)

    def __init__(self, items: list[int]) -> None:
        self.items = items


def test_frozen_records_compare_hash_and_show_their_fields_in_order() -> None:
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(Point(1, 2)) and len({Point(1, 2), Point(1, 2), Point(2, 1)}) == 2
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    assert Point(1, 2) != (1, 2) and Point(1, 2).__eq__((1, 2)) is NotImplemented
    with pytest.raises(AttributeError):
        Point(1, 2).x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del Point(1, 2).y
    match Point(3, 4):
        case Point(a, b):
            assert (a, b) == (3, 4)


def test_records_are_mutable_and_unhashable_as_eq_dataclasses_are() -> None:
    b = Box([1])
    b.items.append(2)
    assert b == Box([1, 2]) and repr(b) == "Box(items=[1, 2])"
    with pytest.raises(TypeError):
        hash(b)


@pytest.mark.parametrize("value", [
    Point(1, 2), Finding("T", "Id", "error", "f.json", "$.a", 3, "m"), Check("lint", "error", "f", "$", "m", "r"),
    E.call("concat", E.parameters("p"), "x"), Copy("loop", 3), LintReport(findings=[Finding("T", "I", "w", "f", "", None, "m")]),
])
def test_records_pickle_and_copy_to_equal_values(value: object) -> None:
    for again in (pickle.loads(pickle.dumps(value)), copy.copy(value), copy.deepcopy(value)):
        assert again == value and type(again) is type(value)


def test_declared_dataclasses_keep_dataclass_functions() -> None:
    check = Check("lint", "error", "mainTemplate.json", "$.x", "message", "Rule-Name")
    assert dataclasses.asdict(check) == {"source": "lint", "severity": "error", "file": "mainTemplate.json",
                                         "path": "$.x", "message": "message", "rule": "Rule-Name"}
    node = E.CopyIndex("outer", 2)
    assert [f.name for f in dataclasses.fields(node)] == ["loop", "offset"]
    assert dataclasses.replace(node, offset=5) == E.CopyIndex("outer", 5)
    assert dataclasses.is_dataclass(Copy) and dataclasses.replace(Copy("c", 2), count=4) == Copy("c", 4)


def test_model_objects_keep_identity_equality() -> None:
    a = Parameter("p", "string")
    assert a != Parameter("p", "string") and a == a and hash(a) == hash(a)
    r = Resource("Microsoft.Network/virtualNetworks", "2024-05-01", "v", "vnet")
    assert r.depends_on == [] and r.depends_on is not Resource("t/u", "1", "n", "s").depends_on
    assert repr(a).startswith("Parameter(name='p', type='string', default=MISSING")


def test_the_records_armgen_package_imports_make_no_dataclass_code() -> None:
    probe = ("import dataclasses, sys\n"
             "made = []\n"
             "real = dataclasses._create_fn\n"
             "dataclasses._create_fn = lambda name, *a, **k: made.append(name) or real(name, *a, **k)\n"
             "import armgen.package, armgen.build, armgen.lint.engine, armgen.lint.apicache, armgen.offers.cloud_connector\n"
             "import armgen.uidef, armgen.render.arm_json\n"
             "print(made)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_jsonio_does_not_import_tempfile_until_it_writes() -> None:
    probe = "import sys, armgen.jsonio; print('tempfile' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
