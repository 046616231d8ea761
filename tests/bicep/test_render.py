"""The Bicep spelling of each expression form and model feature, checked on small templates."""

from __future__ import annotations

from typing import Any

import pytest

from armgen import expr as E
from armgen.errors import InputError
from armgen.render import bicep
from armgen.render.bicep import BicepRenderer, _Scope, bicep_string, property_key
from armgen.template import Copy, ModelError, Resource, Template


def _template() -> tuple[Template, dict[str, Any]]:
    t = Template()
    refs = {
        "s": t.param("s", "string", default="x"),
        "n": t.param("n", "int", default=1),
        "b": t.param("b", "bool", default=True),
        "arr": t.param("arr", "array", default=[]),
        "o": t.param("o", "object", default={}),
    }
    refs["nic"] = t.add(Resource("Microsoft.Network/networkInterfaces", "2025-07-01", E.concat("nic-", E.copy_index()),
                                 "nic", copy=Copy("nicLoop", 2)))
    refs["lb"] = t.add(Resource("Microsoft.Network/loadBalancers", "2025-07-01", "lb", "lb"))
    return t, refs


def render_expr(build: Any, loop: bool = False) -> str:
    t, refs = _template()
    e = build(refs)
    r = BicepRenderer(t)
    return r.value(e, 0, _Scope(loop_var="i" if loop else None))


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda r: E.concat(r["s"], "-", r["n"]), "'${s}-${n}'"),
        (lambda r: E.concat("a", E.concat(r["s"], "b"), 3), "'a${s}b3'"),
        (lambda r: E.concat(r["s"]), "s"),
        (lambda r: E.concat(r["arr"], E.create_array(1)), "concat(arr, [\n  1\n])"),
        (lambda r: E.format_("{0}-{1}-{0}", r["s"], r["n"]), "'${s}-${n}-${s}'"),
        (lambda r: E.format_("{{{0}}}", r["s"]), "'{${s}}'"),
        (lambda r: E.format_("{0}", r["s"]), "s"),
        (lambda r: E.format_("{0}", r["n"]), "'${n}'"),
        (lambda r: E.format_("{0:D2}", r["n"]), "format('{0:D2}', n)"),
        (lambda r: E.format_("{0}-x", E.format_("{0}-{1}", r["s"], E.concat("a", r["n"]))), "'${s}-a${n}-x'"),
        (lambda r: E.concat(E.format_("{0}", "lit"), 7, r["s"]), "'lit7${s}'"),
        (lambda r: E.if_(r["b"], "a", E.null()), "(b ? 'a' : null)"),
        (lambda r: E.equals(r["s"], "x"), "s == 'x'"),
        (lambda r: E.not_(E.equals(r["s"], "x")), "!(s == 'x')"),
        (lambda r: E.not_(r["b"]), "!b"),
        (lambda r: E.and_(r["b"], E.or_(r["b"], r["b"]), r["b"]), "b && (b || b) && b"),
        (lambda r: E.or_(E.and_(r["b"], r["b"]), r["b"]), "b && b || b"),
        (lambda r: E.mul(E.add(r["n"], 1), 2), "(n + 1) * 2"),
        (lambda r: E.add(E.mul(r["n"], 2), 1), "n * 2 + 1"),
        (lambda r: E.call("sub", r["n"], E.call("sub", r["n"], 1)), "n - (n - 1)"),
        (lambda r: E.div(r["n"], E.mod(r["n"], 3)), "n / (n % 3)"),
        (lambda r: E.call("less", r["n"], 2), "n < 2"),
        (lambda r: E.call("greaterOrEquals", r["n"], 2), "n >= 2"),
        (lambda r: E.null(), "null"),
        (lambda r: E.call("true"), "true"),
        (lambda r: E.call("false"), "false"),
        (lambda r: E.create_array(), "[]"),
        (lambda r: E.create_object(), "{}"),
        (lambda r: E.create_object(a=1, **{"b-c": r["s"]}), "{\n  a: 1\n  'b-c': s\n}"),
        (lambda r: E.resource_group().location, "resourceGroup().location"),
        (lambda r: E.subscription().subscriptionId, "subscription().subscriptionId"),
        (lambda r: E.parameters("S"), "s"),  # ARM names are case-insensitive; Bicep's are not
        (lambda r: E.call("parameters", "n"), "n"),
        (lambda r: r["o"].ref.prop("odd-key").x, "o['odd-key'].x"),
        (lambda r: r["arr"].ref[E.add(r["n"], 1)], "arr[n + 1]"),
        (lambda r: E.to_lower(E.unique_string(E.resource_group().id)), "toLower(uniqueString(resourceGroup().id))"),
        (lambda r: r["lb"].id, "lb.id"),
        (lambda r: r["lb"].props.frontendIPConfigurations[0], "lb.properties.frontendIPConfigurations[0]"),
        (lambda r: E.ReferenceRef(r["lb"], full=True).location, "lb.location"),
        (lambda r: r["nic"].id_at(1), "nic[1].id"),
        (lambda r: r["nic"].props_at(E.add(r["n"], -1)).x, "nic[n + -1].properties.x"),
        (lambda r: E.resource_id("Microsoft.Network/loadBalancers", "lb"), "lb.id"),
        (lambda r: E.reference(E.resource_id("Microsoft.Network/loadBalancers", "lb"), "2025-07-01"), "lb.properties"),
        (lambda r: E.reference(E.resource_id("Microsoft.Network/loadBalancers", "lb"), "2020-01-01"),
         "reference(lb.id, '2020-01-01')"),
        (lambda r: E.resource_id("Microsoft.Network/loadBalancers", "other"),
         "resourceId('Microsoft.Network/loadBalancers', 'other')"),
        (lambda r: E.call("createObject", r["lb"].id, 1), "{\n  '${lb.id}': 1\n}"),
        (lambda r: 1.5, "json('1.5')"),
        (lambda r: {"true": 1, "if": 2, "9x": 3, "_ok": 4}, "{\n  'true': 1\n  if: 2\n  '9x': 3\n  _ok: 4\n}"),
    ],
)
def test_expression_forms(build: Any, expected: str) -> None:
    assert render_expr(build) == expected


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda r: E.copy_index(), "i"),
        (lambda r: E.copy_index(2), "i + 2"),
        (lambda r: E.copy_index(-1), "i - 1"),
        (lambda r: E.mul(E.copy_index(1), 2), "(i + 1) * 2"),
        (lambda r: r["nic"].id, "nic[i].id"),  # the whole loop inside another loop: the same instance
        (lambda r: r["nic"].id_at(E.copy_index()), "nic[i].id"),
        (lambda r: E.concat("vm-", E.copy_index(1)), "'vm-${i + 1}'"),
    ],
)
def test_loop_forms(build: Any, expected: str) -> None:
    assert render_expr(build, loop=True) == expected


def test_copy_index_outside_a_loop_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="outside a copy loop"):
        render_expr(lambda r: E.copy_index())


@pytest.mark.parametrize(
    ("raw", "bicep_text"),
    [
        ("plain", "'plain'"),
        ("it's", "'it\\'s'"),
        ("back\\slash", "'back\\\\slash'"),
        ("${x}", "'\\${x}'"),
        ("$ and {} alone", "'$ and {} alone'"),
        ("a\nb\rc\td", "'a\\nb\\rc\\td'"),
        ("\x07", "'\\u{7}'"),
        ("[not an expression]", "'[not an expression]'"),
    ],
)
def test_string_escaping(raw: str, bicep_text: str) -> None:
    assert bicep_string(raw) == bicep_text


def test_property_keys_are_quoted_only_when_needed() -> None:
    assert property_key("name") == "name"
    assert property_key("cost-center") == "'cost-center'"
    assert property_key("$schema") == "'$schema'"
    assert property_key("null") == "'null'"


def _full_template() -> Template:
    t = Template()
    loc = t.param("location", "string", default=E.resource_group().location)
    pw = t.param("pw", "securestring", description="Password.")
    count = t.param("count", "int", default=2, min_value=1, max_value=3)
    vnet_rg = t.param("vnetRg", "string")
    vnet = t.add(Resource("Microsoft.Network/virtualNetworks", "2025-07-01", "net", "vnet", existing=True,
                          resource_group=vnet_rg))
    subnet = t.add(Resource("Microsoft.Network/virtualNetworks/subnets", "2025-07-01", "sn", "subnet",
                            existing=True, parent=vnet))
    nsg = t.add(Resource("Microsoft.Network/networkSecurityGroups", "2025-07-01", "nsg", "nsg", location=loc))
    nics = t.add(Resource("Microsoft.Network/networkInterfaces", "2025-07-01", E.concat("nic-", E.copy_index()),
                          "nics", location=loc, copy=Copy("nicLoop", count, mode="Serial", batch_size=2),
                          condition=E.equals(E.copy_index(), 0),
                          properties={"subnet": {"id": subnet.id}, "nsg": {"id": nsg.id}}, depends_on=[nsg]))
    t.add(Resource("Microsoft.Compute/virtualMachines", "2026-03-01", "vm", "vm", location=loc,
                   properties={"pw": pw}, depends_on=[nics, vnet], comments="The VM.\nSecond line."))
    t.output("ids", "array", nics.id_at(E.copy_index()), copy_count=count)
    t.output("sub", "string", subnet.id, condition=E.equals(count, 2), description="Subnet.")
    return t


def test_declarations() -> None:
    text = bicep.render(_full_template())
    assert "@description('Password.')\n@secure()\nparam pw string\n" in text
    assert "@minValue(1)\n@maxValue(3)\nparam count int = 2\n" in text
    assert "param location string = resourceGroup().location\n" in text
    # The existing VNet carries the scope; its subnet only names its parent.
    assert "existing = {\n  name: 'net'\n  scope: resourceGroup(vnetRg)\n}" in text
    assert "existing = {\n  parent: vnet\n  name: 'sn'\n}" in text
    # Loop, batch size and condition; dependsOn on nsg is implied by nsg.id and so not written.
    assert "@batchSize(2)\nresource nics 'Microsoft.Network/networkInterfaces@2025-07-01' = [\n" in text
    assert "  for i in range(0, count): if (i == 0) {\n    name: 'nic-${i}'\n" in text
    assert "dependsOn: [\n      nsg" not in text
    # The VM's dependency on the NICs has no data flow: it stays, as the whole loop; the existing
    # VNet never becomes a dependency.
    assert "  dependsOn: [\n    nics\n  ]\n" in text
    assert "// The VM.\n// Second line.\nresource vm " in text
    assert "output ids array = [for i in range(0, count): nics[i].id]\n" in text
    assert "@description('Subnet.')\noutput sub string = (count == 2 ? subnet.id : '')\n" in text


def test_serial_without_batch_size_is_batch_size_one() -> None:
    t = Template()
    t.add(Resource("Microsoft.Network/publicIPAddresses", "2025-07-01", E.concat("p", E.copy_index()), "pips",
                   location=E.resource_group().location, copy=Copy("l", 2, mode="Serial")))
    assert "@batchSize(1)\nresource pips " in bicep.render(t)


def test_own_ids_are_spelled_out() -> None:
    """A resource cannot use its own symbol (BCP079) nor an existing child of its own (BCP080)."""
    t = Template()
    lb = t.add(Resource("Microsoft.Network/loadBalancers", "2025-07-01", "lb", "lb",
                        location=E.resource_group().location))
    pool = t.add(Resource("Microsoft.Network/loadBalancers/backendAddressPools", "2025-07-01", "pool", "pool",
                          parent=lb, existing=True))
    lb.properties = {"rules": [{"pool": {"id": pool.id}}], "me": {"id": lb.id}}
    t.add(Resource("Microsoft.Network/networkInterfaces", "2025-07-01", "nic", "nic",
                   location=E.resource_group().location, properties={"pool": {"id": pool.id}}, depends_on=[lb]))
    text = bicep.render(t)
    assert "id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', 'lb', 'pool')" in text
    assert "id: resourceId('Microsoft.Network/loadBalancers', 'lb')" in text
    # The NIC reaches lb through its existing child: Bicep infers the dependency, none written.
    nic = text[text.index("resource nic "):]
    assert "pool.id" in nic and "dependsOn" not in nic


def test_names_are_made_valid_and_distinct() -> None:
    t = Template()
    p = t.param("store", "string", default="x")
    v = t.var("my-var", E.concat(p, "-y"))
    t.var("resourceGroup", "rg")
    t.add(Resource("Microsoft.Storage/storageAccounts", "2025-01-01", v, "store",
                   location=E.resource_group().location, tags={"rg": E.variables("resourceGroup")}))
    text = bicep.render(t)
    assert "var my_var = '${store}-y'" in text
    assert "resource store2 'Microsoft.Storage/storageAccounts@2025-01-01'" in text
    assert "location: az.resourceGroup().location" in text


def test_output_named_like_a_parameter_is_refused() -> None:
    t = Template()
    p = t.param("x", "string", default="a")
    t.output("x", "string", p)
    with pytest.raises(ModelError, match="distinct"):
        bicep.render(t)


def test_new_child_of_an_existing_parent_elsewhere_is_refused() -> None:
    t = Template()
    rg = t.param("rg", "string")
    vnet = t.add(Resource("Microsoft.Network/virtualNetworks", "2025-07-01", "v", "vnet", existing=True,
                          resource_group=rg))
    t.add(Resource("Microsoft.Network/virtualNetworks/subnets", "2025-07-01", "s", "subnet", parent=vnet))
    with pytest.raises(ModelError, match="BCP165"):
        bicep.render(t)


def test_unused_parameters_are_refused_as_for_arm() -> None:
    t = Template()
    t.param("unused", "string", default="a")
    with pytest.raises(ModelError, match="unused"):
        bicep.render(t)


# --- .bicepparam ---------------------------------------------------------------------------------


def test_render_params_plain_values() -> None:
    t = _full_template()
    text = bicep.render_params(t, {"VNETRG": "rg-net", "count": 3, "location": "westeurope"})
    assert text == (
        "using 'main.bicep'\n\n"
        "param vnetRg = 'rg-net'\n"
        "param count = 3\n"
        "param location = 'westeurope'\n"
    )


def test_render_params_from_an_arm_parameters_file() -> None:
    t = _full_template()
    doc = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "vnetRg": {"value": "rg"},
            "pw": {"reference": {"keyVault": {"id": "/subscriptions/s1/resourceGroups/kv-rg/providers/"
                                              "Microsoft.KeyVault/vaults/kv1"}, "secretName": "pw"}},
        },
    }
    text = bicep.render_params(t, doc, "../main.bicep")
    assert text.startswith("using '../main.bicep'\n\n")
    assert "param vnetRg = 'rg'\n" in text
    assert "param pw = az.getSecret('s1', 'kv-rg', 'kv1', 'pw')\n" in text


def test_render_params_never_writes_a_secret() -> None:
    with pytest.raises(InputError, match="secure parameter pw"):
        bicep.render_params(_full_template(), {"pw": "hunter2hunter2"})


def test_render_params_refuses_unknown_names() -> None:
    with pytest.raises(InputError, match="not declared") as info:
        bicep.render_params(_full_template(), {"nope": 1}, file="p.json")
    assert info.value.file == "p.json" and info.value.path == "$.nope"


def test_render_params_objects_are_multiline() -> None:
    t = Template()
    t.param("tags", "object", default={})
    t.add(Resource("Microsoft.Network/routeTables", "2025-07-01", "rt", "rt",
                   location=E.resource_group().location, tags=E.parameters("tags")))
    text = bicep.render_params(t, {"tags": {"a-b": "c", "list": [1, True, None]}})
    assert text.endswith("param tags = {\n  'a-b': 'c'\n  list: [\n    1\n    true\n    null\n  ]\n}\n")
