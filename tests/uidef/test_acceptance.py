"""Resource Manager's parameter checks, offline (armgen.uidef.acceptance)."""

from __future__ import annotations

from typing import Any

import pytest

from armgen.uidef.acceptance import check_parameters

TEMPLATE: dict[str, Any] = {"parameters": {
    "name": {"type": "string", "minLength": 2, "maxLength": 5},
    "size": {"type": "string", "defaultValue": "S", "allowedValues": ["S", "M"]},
    "count": {"type": "int", "defaultValue": 2, "minValue": 1, "maxValue": 4},
    "zones": {"type": "array", "defaultValue": ["1"], "allowedValues": ["1", "2", "3"], "minLength": 1, "maxLength": 2},
    "on": {"type": "bool", "defaultValue": True},
    "tags": {"type": "object", "defaultValue": {}},
    "secret": {"type": "securestring", "defaultValue": ""},
}}


def test_values_the_template_accepts() -> None:
    assert check_parameters(TEMPLATE, {"name": "ab", "count": 4, "zones": ["3", "1"], "on": False,
                                       "tags": {"a": "b"}, "secret": "s3cret"}) == []
    assert check_parameters(TEMPLATE, {"NAME": "abc", "Count": 3.0}) == []  # names case-insensitive; 3.0 is whole


@pytest.mark.parametrize(("values", "problem"), [
    ({}, "$.name: no value for a parameter without a default"),
    ({"name": "ab", "nope": 1}, "$.nope: the template has no parameter 'nope'"),
    ({"name": "a"}, "$.name: 1 characters, fewer than minLength 2"),
    ({"name": "abcdef"}, "$.name: 6 characters, more than maxLength 5"),
    ({"name": "ab", "size": "s"}, "$.size: 's' not in allowedValues ['S', 'M']"),
    ({"name": "ab", "count": 0}, "$.count: 0 is less than minValue 1"),
    ({"name": "ab", "count": 5}, "$.count: 5 is more than maxValue 4"),
    ({"name": "ab", "count": "3"}, "$.count: '3' is not of type int"),
    ({"name": "ab", "count": True}, "$.count: True is not of type int"),
    ({"name": "ab", "count": 2.5}, "$.count: 2.5 is not of type int"),
    ({"name": "ab", "on": "true"}, "$.on: 'true' is not of type bool"),
    ({"name": "ab", "zones": ["4"]}, "$.zones: '4' not in allowedValues ['1', '2', '3']"),
    ({"name": "ab", "zones": []}, "$.zones: 0 items, fewer than minLength 1"),
    ({"name": "ab", "zones": "1"}, "$.zones: '1' is not of type array"),
    ({"name": "ab", "tags": []}, "$.tags: [] is not of type object"),
    ({"name": None}, "$.name: null is not a valid string"),
    ({"name": "[parameters('x')]"}, "$.name: \"[parameters('x')]\" is an unevaluated expression, not a value"),
])
def test_values_resource_manager_refuses(values: dict[str, Any], problem: str) -> None:
    assert check_parameters(TEMPLATE, values) == [problem]


def test_allowed_values_compare_exactly() -> None:
    t = {"parameters": {"n": {"type": "int", "allowedValues": [1, 2]}, "b": {"type": "bool", "allowedValues": [True]}}}
    assert check_parameters(t, {"n": 1, "b": True}) == []
    assert check_parameters(t, {"n": 1.0, "b": True}) == []
    assert check_parameters(t, {"n": 3, "b": True}) == ["$.n: 3 not in allowedValues [1, 2]"]
