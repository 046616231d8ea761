"""The template model: dependencies derived from references, checks, ARM JSON rendering."""

from __future__ import annotations

import json

import pytest

from armgen import expr as E
from armgen.render.arm_json import render
from armgen.template import Copy, ModelError, Parameter, Resource, Template


def _net(t: Template) -> tuple[Resource, Resource]:
    vnet = t.add(Resource("Microsoft.Network/virtualNetworks", "2025-07-01", t.param("vnetName", "string"), "vnet",
                          existing=True, resource_group=t.param("vnetResourceGroup", "string")))
    subnet = t.add(Resource("Microsoft.Network/virtualNetworks/subnets", "2025-07-01",
                            t.param("subnetName", "string"), "subnet", existing=True, parent=vnet))
    return vnet, subnet


def _looped() -> tuple[Template, Resource, Resource, Resource]:
    t = Template()
    loc = t.param("location", "string", default=E.resource_group().location)
    n = t.param("count", "int", default=2, min_value=1, max_value=4)
    _, subnet = _net(t)
    lb = t.add(Resource("Microsoft.Network/loadBalancers", "2025-07-01", "lb", "lb", location=loc,
                        properties={"frontendIPConfigurations": [{"name": "fe", "properties": {"subnet": {"id": subnet.id}}}]}))
    nic = t.add(Resource("Microsoft.Network/networkInterfaces", "2025-07-01", E.format_("nic-{0}", E.copy_index(1)),
                         "nics", location=loc, copy=Copy("nics", n),
                         properties={"ipConfigurations": [{"name": "ip", "properties": {
                             "subnet": {"id": subnet.id},
                             "loadBalancerBackendAddressPools": [{"id": E.concat(lb.id, "/backendAddressPools/be")}]}}]}))
    vm = t.add(Resource("Microsoft.Compute/virtualMachines", "2026-03-01", E.format_("vm-{0}", E.copy_index(1)), "vms",
                        location=loc, copy=Copy("vms", n),
                        properties={"networkProfile": {"networkInterfaces": [{"id": nic.id_at(E.copy_index())}]}}))
    t.output("lbIp", "string", lb.props.frontendIPConfigurations[0].properties.privateIPAddress)
    t.output("nicIps", "array", nic.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress, copy_count=n)
    return t, lb, nic, vm


def test_existing_resources_are_not_emitted_and_ids_carry_their_scope() -> None:
    t, *_ = _looped()
    doc = render(t)
    types = [r["type"] for r in doc["resources"]]
    assert "Microsoft.Network/virtualNetworks" not in types
    assert "Microsoft.Network/virtualNetworks/subnets" not in types
    fe = doc["resources"][0]["properties"]["frontendIPConfigurations"][0]["properties"]["subnet"]["id"]
    assert fe == ("[resourceId(parameters('vnetResourceGroup'), 'Microsoft.Network/virtualNetworks/subnets', "
                  "parameters('vnetName'), parameters('subnetName'))]")


def test_depends_on_is_derived_from_references() -> None:
    t, _lb, _nic, _vm = _looped()
    doc = render(t)
    by_type = {r["type"]: r for r in doc["resources"]}
    assert "dependsOn" not in by_type["Microsoft.Network/loadBalancers"]  # existing subnet is no dependency
    assert by_type["Microsoft.Network/networkInterfaces"]["dependsOn"] == [
        "[resourceId('Microsoft.Network/loadBalancers', 'lb')]"]
    # VM i depends on NIC i, not on the whole loop
    assert by_type["Microsoft.Compute/virtualMachines"]["dependsOn"] == [
        "[resourceId('Microsoft.Network/networkInterfaces', format('nic-{0}', copyIndex(1)))]"]


def test_reference_to_a_whole_loop_depends_on_the_copy_name() -> None:
    t, _lb, nic, _vm = _looped()
    extra = t.add(Resource("Microsoft.Network/routeTables", "2025-07-01", "rt", "rt", location=t.parameters["location"],
                           properties={"routes": []}, depends_on=[nic]))
    assert t.depends_on(extra) == ["nics"]


def test_outputs_and_copy_loops_render() -> None:
    t, *_ = _looped()
    doc = render(t)
    assert doc["outputs"]["lbIp"]["value"] == (
        "[reference(resourceId('Microsoft.Network/loadBalancers', 'lb'), '2025-07-01')"
        ".frontendIPConfigurations[0].properties.privateIPAddress]")
    assert doc["outputs"]["nicIps"]["copy"]["count"] == "[parameters('count')]"
    assert "format('nic-{0}', copyIndex(1))" in doc["outputs"]["nicIps"]["copy"]["input"]
    assert doc["resources"][1]["copy"] == {"name": "nics", "count": "[parameters('count')]"}


def test_key_order_is_conventional_and_stable() -> None:
    t, *_ = _looped()
    first = json.dumps(render(t))
    assert first == json.dumps(render(_looped()[0]))
    doc = render(t)
    assert list(doc) == ["$schema", "contentVersion", "metadata", "parameters", "resources", "outputs"]
    assert list(doc["resources"][1]) == ["type", "apiVersion", "name", "location", "copy", "dependsOn", "properties"]
    assert list(doc["parameters"]["count"]) == ["type", "defaultValue", "minValue", "maxValue"]


def test_unused_and_undeclared_names_are_refused() -> None:
    t = Template()
    t.param("unused", "string", default="x")
    with pytest.raises(ModelError, match="unused"):
        render(t)
    t2 = Template()
    t2.add(Resource("Microsoft.Network/routeTables", "2025-07-01", E.parameters("ghost"), "rt"))
    with pytest.raises(ModelError, match=r"undeclared.*ghost"):
        render(t2)


def test_reference_to_a_resource_outside_the_template_is_refused() -> None:
    t = Template()
    stray = Resource("Microsoft.Network/loadBalancers", "2025-07-01", "lb", "lb")
    t.add(Resource("Microsoft.Network/routeTables", "2025-07-01", "rt", "rt", properties={"x": stray.id}))
    with pytest.raises(ModelError, match="not in the template"):
        render(t)


def test_model_errors() -> None:
    with pytest.raises(ModelError):
        Parameter("p", "text")
    with pytest.raises(ModelError, match="secure"):
        Parameter("pw", "securestring", default="hunter2")
    t = Template()
    t.param("a", "string")
    with pytest.raises(ModelError, match="duplicate"):
        t.param("A", "string")
    parent = Resource("Microsoft.Network/virtualNetworks", "2025-07-01", "v", "v")
    with pytest.raises(ModelError):
        Resource("Microsoft.Network/networkInterfaces", "2025-07-01", "n", "n", parent=parent)
    with pytest.raises(ModelError, match="no copy loop"):
        parent.id_at(0)


def test_child_resource_name_and_condition() -> None:
    t = Template()
    on = t.param("create", "bool", default=True)
    vnet = t.add(Resource("Microsoft.Network/virtualNetworks", "2025-07-01", "v", "vnet", properties={}))
    t.add(Resource("Microsoft.Network/virtualNetworks/subnets", "2025-07-01", E.concat("s", "1"), "sub",
                   parent=vnet, condition=on, properties={}, depends_on=[vnet]))
    doc = render(t)
    sub = doc["resources"][1]
    assert next(iter(sub)) == "condition" and sub["condition"] == "[parameters('create')]"
    assert sub["name"] == "[format('{0}/{1}', 'v', concat('s', '1'))]"
    assert sub["dependsOn"] == ["[resourceId('Microsoft.Network/virtualNetworks', 'v')]"]
