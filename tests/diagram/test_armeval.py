"""The shared static evaluator: copy loops, placeholders, references and the functions it knows."""

from __future__ import annotations

from armgen.armeval import UNKNOWN, Hole, Partial, Ref, Scope, evaluate


def scope(template: dict, values: dict | None = None, **kw: object) -> Scope:
    return Scope(values or {}, template, "sub", "rg", "westeurope", **kw)  # type: ignore[arg-type]


def test_copy_index_only_inside_a_loop() -> None:
    s = scope({})
    assert evaluate("[copyIndex()]", s) is UNKNOWN  # what the what-if gate relies on: a wildcard
    inner = s.at("vmLoop", 2, own=True)
    assert evaluate("[copyIndex()]", inner) == 2
    assert evaluate("[copyIndex(1)]", inner) == 3
    assert evaluate("[copyIndex('vmLoop', 10)]", inner) == 12
    assert evaluate("[copyIndex('otherLoop')]", inner) is UNKNOWN
    assert evaluate("[format('vm-{0}', copyIndex(1))]", inner) == "vm-3"


def test_property_and_variable_copy_loops() -> None:
    t = {"parameters": {"n": {"type": "int", "defaultValue": 3}},
         "variables": {"copy": [{"name": "names", "count": "[parameters('n')]",
                                 "input": "[concat('s', copyIndex('names'))]"}]}}
    s = scope(t)
    assert evaluate("[variables('names')]", s) == ["s0", "s1", "s2"]
    props = s.value({"a": 1, "copy": [{"name": "subnets", "count": 2,
                                       "input": {"name": "[concat('n', copyIndex('subnets', 1))]"}}]})
    assert props == {"a": 1, "subnets": [{"name": "n1"}, {"name": "n2"}]}
    unknown_count = s.value({"copy": [{"name": "x", "count": "[parameters('missing')]", "input": 1}]})
    assert unknown_count["x"] is UNKNOWN


def test_placeholders_name_the_parameter_and_compare_as_unknown() -> None:
    t = {"parameters": {"vnet": {"type": "string"}, "rg": {"type": "string", "defaultValue": "[resourceGroup().name]"},
                        "mode": {"type": "string"}}}
    plain = scope(t)
    assert evaluate("[parameters('vnet')]", plain) is UNKNOWN
    s = Scope({}, t, Hole.named("subscription"), Hole.named("resource group"), placeholders=True)
    assert evaluate("[parameters('vnet')]", s) == "‹vnet›"
    assert isinstance(evaluate("[toLower(parameters('vnet'))]", s), Hole)
    assert evaluate("[concat(parameters('vnet'), '-x')]", s) == "‹vnet›-x"
    # a default taken from the deployment shows the parameter's own name
    assert evaluate("[parameters('rg')]", s) == "‹rg›"
    assert evaluate("[equals(parameters('mode'), 'new')]", s) is UNKNOWN
    assert evaluate("[resourceId(parameters('rg'), 'Microsoft.Network/virtualNetworks', parameters('vnet'))]", s) == \
        "/subscriptions/‹subscription›/resourceGroups/‹rg›/providers/Microsoft.Network/virtualNetworks/‹vnet›"


def test_pick_zones_only_when_assumed() -> None:
    expr = "[pickZones('Microsoft.Compute', 'virtualMachines', 'westeurope', 2)]"
    assert evaluate(expr, scope({})) is UNKNOWN
    zonal = scope({}, assume_zones=True)
    assert evaluate(expr, zonal) == ["1", "2"]
    assert evaluate("[not(empty(pickZones('Microsoft.Compute', 'virtualMachines', 'x')))]", zonal) is True
    assert evaluate("[not(empty(pickZones('Microsoft.Compute', 'virtualMachines', 'x')))]",
                    zonal.without_assumptions()) is UNKNOWN


def test_reference_keeps_the_resource_it_reads() -> None:
    got = evaluate("[reference(resourceId('Microsoft.Network/loadBalancers', 'lb'), '2024-01-01')"
                   ".frontendIPConfigurations[0].properties.privateIPAddress]", scope({}))
    assert isinstance(got, Ref)
    assert got.id == "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb"
    assert got.path == ("frontendIPConfigurations", 0, "properties", "privateIPAddress")


def test_functions() -> None:
    s = scope({"variables": {"o": {"a": 1}, "l": ["x", "y", "z"]}})
    cases = {
        "[mod(7, 3)]": 1, "[div(-7, 2)]": -3, "[add(1, mul(2, 3))]": 7, "[sub(1, 2)]": -1, "[div(1, 0)]": UNKNOWN,
        "[length(variables('l'))]": 3, "[empty(createArray())]": True, "[contains(variables('o'), 'A')]": True,
        "[contains(variables('l'), 'q')]": False, "[first(variables('l'))]": "x", "[last('abc')]": "c",
        "[take(variables('l'), 2)]": ["x", "y"], "[skip('abcd', 2)]": "cd", "[range(2, 3)]": [2, 3, 4],
        "[createObject('k', 1)]": {"k": 1}, "[union(variables('o'), createObject('b', 2))]": {"a": 1, "b": 2},
        "[coalesce(null(), 'x')]": "x", "[and(true(), false())]": False, "[or(false(), true())]": True,
        "[greater(2, 1)]": True, "[lessOrEquals(2, 1)]": False, "[int('42')]": 42, "[bool('True')]": True,
        "[json('null')]": None, "[split('a,b', ',')]": ["a", "b"], "[substring('abcdef', 1, 2)]": "bc",
        "[padLeft('7', 3, '0')]": "007", "[startsWith('Abc', 'a')]": True, "[string(createArray(1))]": "[1]",
        "[min(3, 1, 2)]": 1, "[max(createArray(3, 9))]": 9, "[trim('  x ')]": "x",
        "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')]":
            "/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/r",
        "[and(equals(uniqueString('x'), 'y'), false())]": False,
    }
    for expr, want in cases.items():
        assert evaluate(expr, s) == want if want is not UNKNOWN else evaluate(expr, s) is UNKNOWN, expr
    assert isinstance(evaluate("[concat('lb-', uniqueString(resourceGroup().id))]", s), Partial)


def test_cidr_functions_as_microsoft_documents_them() -> None:
    """The examples of Microsoft's template-functions-cidr page, and what cannot be known."""
    s = scope({"parameters": {"space": {"type": "string", "defaultValue": "10.144.0.0/20"}, "open": {"type": "string"}}})
    assert evaluate("[parseCidr('10.144.0.0/20')]", s) == {
        "network": "10.144.0.0", "netmask": "255.255.240.0", "broadcast": "10.144.15.255",
        "firstUsable": "10.144.0.1", "lastUsable": "10.144.15.254", "cidr": 20}
    assert [evaluate(f"[cidrSubnet(parameters('space'), 24, {i})]", s) for i in range(5)] == [
        f"10.144.{i}.0/24" for i in range(5)]
    assert [evaluate(f"[cidrHost('10.144.3.0/24', {i})]", s) for i in range(5)] == [f"10.144.3.{i + 1}" for i in range(5)]
    assert evaluate("[cidrSubnet('fdad:3236:5555::/48', 52, 1)]", s) == "fdad:3236:5555:1000::/52"
    assert evaluate("[parseCidr('10.1.7.9/16').network]", s) == "10.1.0.0"
    # out of range, malformed or not known: unknown, never a guess
    for expr in ("[cidrSubnet('10.0.0.0/24', 20, 0)]", "[cidrSubnet('10.0.0.0/24', 26, 4)]",
                 "[cidrHost('10.0.0.0/30', 5)]", "[parseCidr('not-a-cidr')]", "[cidrSubnet(parameters('open'), 24, 0)]"):
        assert evaluate(expr, s) is UNKNOWN, expr


def test_environment_is_known_where_the_region_says_the_cloud() -> None:
    for location, cloud, vault in (("westeurope", "AzureCloud", ".vault.azure.net"),
                                   ("usgovvirginia", "AzureUSGovernment", ".vault.usgovcloudapi.net"),
                                   ("China North 3", "AzureChinaCloud", ".vault.azure.cn")):
        s = Scope({}, {}, "sub", "rg", location)
        assert evaluate("[environment().name]", s) == cloud
        assert evaluate("[environment().suffixes.keyvaultDns]", s) == vault
    assert evaluate("[environment().name]", Scope({}, {}, "sub", "rg")) is UNKNOWN  # no region, no cloud
