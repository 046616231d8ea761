"""Expression rendering: quoting, escaping, nesting and the tree utilities."""

from __future__ import annotations

import pytest

from armgen import expr as E


@pytest.mark.parametrize(
    ("node", "text"),
    [
        (E.Lit("plain"), "'plain'"),
        (E.Lit("it's"), "'it''s'"),
        (E.Lit("''"), "''''''"),
        (E.Lit(""), "''"),
        (E.Lit(0), "0"),
        (E.Lit(-3), "-3"),
        (E.Lit(True), "true()"),
        (E.Lit(False), "false()"),
        (E.Lit(None), "null()"),
        (E.parameters("vm's name"), "parameters('vm''s name')"),
        (E.variables("x"), "variables('x')"),
        (E.copy_index(), "copyIndex()"),
        (E.copy_index(1), "copyIndex(1)"),
        (E.copy_index(2, loop="nics"), "copyIndex('nics', 2)"),
        (E.resource_group().location, "resourceGroup().location"),
        (E.subscription().subscriptionId, "subscription().subscriptionId"),
        (E.deployment().properties.templateLink.uri, "deployment().properties.templateLink.uri"),
        (E.parameters("tags")["Microsoft.Network/loadBalancers"], "parameters('tags')['Microsoft.Network/loadBalancers']"),
        (E.parameters("o").prop("my-key"), "parameters('o')['my-key']"),
        (E.parameters("a")[0].properties, "parameters('a')[0].properties"),
        (E.concat("a", E.parameters("p"), 1), "concat('a', parameters('p'), 1)"),
        (E.format_("{0}-{1}", E.parameters("p"), E.copy_index(1)), "format('{0}-{1}', parameters('p'), copyIndex(1))"),
        (E.if_(E.equals(E.parameters("v"), "ha"), 1, 0), "if(equals(parameters('v'), 'ha'), 1, 0)"),
        (E.and_(E.not_(True), E.or_(False, True)), "and(not(true()), or(false(), true()))"),
        (E.unique_string(E.resource_group().id), "uniqueString(resourceGroup().id)"),
        (E.guid("a", "b"), "guid('a', 'b')"),
        (E.pick_zones("Microsoft.Compute", "virtualMachines", E.parameters("location"), 3),
         "pickZones('Microsoft.Compute', 'virtualMachines', parameters('location'), 3)"),
        (E.union(E.parameters("a"), E.create_object(k="v")), "union(parameters('a'), createObject('k', 'v'))"),
        (E.contains(E.parameters("a"), "x"), "contains(parameters('a'), 'x')"),
        (E.empty(E.create_array()), "empty(createArray())"),
        (E.length(E.parameters("z")), "length(parameters('z'))"),
        (E.take(E.parameters("z"), 2), "take(parameters('z'), 2)"),
        (E.split("a,b", ","), "split('a,b', ',')"),
        (E.string(5), "string(5)"),
        (E.int_("5"), "int('5')"),
        (E.resource_id("Microsoft.Network/virtualNetworks/subnets", E.parameters("v"), "s", resource_group=E.parameters("rg")),
         "resourceId(parameters('rg'), 'Microsoft.Network/virtualNetworks/subnets', parameters('v'), 's')"),
        (E.resource_id("T/u", "n", subscription_id="sub", resource_group="rg"), "resourceId('sub', 'rg', 'T/u', 'n')"),
        (E.reference(E.resource_id("T/u", "n"), "2025-07-01", full=True), "reference(resourceId('T/u', 'n'), '2025-07-01', 'Full')"),
    ],
)
def test_renders(node: E.Expr, text: str) -> None:
    assert node.arm() == text
    assert node.to_arm() == f"[{text}]"


def test_resource_id_needs_group_with_subscription() -> None:
    with pytest.raises(ValueError):
        E.resource_id("T/u", "n", subscription_id="s")


def test_unsupported_value_in_expression_is_refused() -> None:
    with pytest.raises(TypeError):
        E.concat({"a": 1})


@pytest.mark.parametrize(
    ("value", "json"),
    [
        ("[literal]", "[[literal]"),
        ("[[already]", "[[[already]"),
        ("[not an expression", "[not an expression"),
        ("plain ]", "plain ]"),
        ({"a": ["[x]", E.parameters("p")]}, {"a": ["[[x]", "[parameters('p')]"]}),
        (E.Lit("[x]"), "[[x]"),
        (E.Lit(5), 5),
        (None, None),
    ],
)
def test_to_json_escapes_literal_brackets(value: object, json: object) -> None:
    assert E.to_json(value) == json


def test_add_folds_literals_and_copy_index() -> None:
    assert E.add(E.copy_index(), 1) == E.copy_index(1)
    assert E.add(2, 3) == E.Lit(5)
    assert E.add(E.parameters("x"), 0) == E.parameters("x")
    assert E.add(E.parameters("x"), 2).arm() == "add(parameters('x'), 2)"


def test_at_index_replaces_copy_index_only_of_own_loop() -> None:
    name = E.format_("{0}-{1}-{2}", E.parameters("p"), E.copy_index(1), E.copy_index(loop="outer"))
    swapped = E.at_index(name, E.Lit(4))
    assert swapped.arm() == "format('{0}-{1}-{2}', parameters('p'), 5, copyIndex('outer'))"
    assert E.at_index(name, E.copy_index()).arm() == name.arm()


def test_walk_finds_nested_nodes() -> None:
    tree = {"a": [E.concat(E.parameters("x"), E.variables("y"))], "b": "s"}
    kinds = [type(n).__name__ for n in E.walk(tree)]
    assert "ParamRef" in kinds and "VarRef" in kinds and kinds.count("Call") == 1
