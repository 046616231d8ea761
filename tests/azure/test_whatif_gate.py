"""The brownfield gate's view of "resources this template creates"."""

from __future__ import annotations

import json
from pathlib import Path

from armgen.azure.whatif_gate import Partial, Scope, check_gate, declared_resources, evaluate

DATA = Path(__file__).parent / "data"
SUB = "sub1"
RG = "rg1"


def ids(template: dict, params: dict | None = None) -> list:
    return [d.id for d in declared_resources(template, params or {}, SUB, RG, "westeurope")]


def test_evaluator_functions() -> None:
    t = {"parameters": {"p": {"type": "string", "defaultValue": "dflt"}},
         "variables": {"v": "[concat(parameters('p'), '-x')]", "o": {"a": ["q", "r"]}}}
    s = Scope({"P2": "given"}, t, SUB, RG, "westeurope")
    assert evaluate("[variables('v')]", s) == "dflt-x"
    assert evaluate("[parameters('p2')]", s) == "given"  # case-insensitive names
    assert evaluate("[format('{0}-{1:D}', 'a', 7)]", s) == "a-7"
    assert evaluate("[toLower(concat('A', resourceGroup().name))]", s) == "arg1"
    assert evaluate("[variables('o').a[1]]", s) == "r"
    assert evaluate("[if(equals(parameters('p'), 'dflt'), 'yes', 'no')]", s) == "yes"
    assert evaluate("[[literal]", s) == "[literal]"
    assert evaluate("[resourceId('other', 'Microsoft.Network/virtualNetworks/subnets', 'v', 's')]", s) == \
        f"/subscriptions/{SUB}/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
    gate = Scope({"P2": "given"}, t, SUB, RG, "westeurope", hashes=False)  # the gate's mode: hashes are wildcards
    part = evaluate("[concat('lb-', uniqueString(resourceGroup().id))]", gate)
    assert isinstance(part, Partial) and part.regex() == "lb\\-[^/]*"
    assert not isinstance(evaluate("[bogus(]", s), str)


def test_declared_ids_from_test_template() -> None:
    t = json.loads((DATA / "mainTemplate.json").read_text())
    got = declared_resources(t, {"prefix": "zcc", "vnetName": "v", "vnetResourceGroup": "n", "subnetName": "s"}, SUB, RG)
    base = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Network"
    assert got[0].id == f"{base}/loadBalancers/zcc-lb"
    assert got[1].matches(f"{base}/networkInterfaces/zcc-nic-0") and not got[1].matches(f"{base}/networkInterfaces/x-nic-0")
    assert got[-1].matches(f"{base}/natGateways/zcc-natgw-k3j2") and not got[-1].matches(f"{base}/natGateways/zcc-natgw-a/b")


def test_children_nested_deployments_and_existing() -> None:
    t = {"resources": [
        {"type": "Microsoft.Network/virtualNetworks", "name": "own-vnet",
         "resources": [{"type": "subnets", "name": "a"},
                       {"type": "Microsoft.Network/virtualNetworks/subnets", "name": "own-vnet/b"}]},
        {"type": "Microsoft.Network/virtualNetworks", "name": "customer", "existing": True},
        {"type": "Microsoft.Resources/deployments", "name": "attach", "resourceGroup": "[parameters('netRg')]",
         "properties": {"expressionEvaluationOptions": {"scope": "inner"},
                        "parameters": {"rt": {"value": "[concat(parameters('prefix'), '-rt')]"}},
                        "template": {"parameters": {"rt": {"type": "string"}},
                                     "resources": [{"type": "Microsoft.Network/routeTables", "name": "[parameters('rt')]"}]}}},
        {"type": "Microsoft.Resources/deployments", "name": "linked",
         "properties": {"templateLink": {"uri": "https://example.com/t.json"}}},
    ]}
    got = ids(t, {"netRg": "net", "prefix": "zz"})
    n = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Network/virtualNetworks"
    assert got[:3] == [f"{n}/own-vnet", f"{n}/own-vnet/subnets/a", f"{n}/own-vnet/subnets/b"]
    assert f"/subscriptions/{SUB}/resourceGroups/net/providers/Microsoft.Network/routeTables/zz-rt" in got
    assert not any("customer" in str(i) for i in got)


def test_gate_verdicts() -> None:
    t = {"resources": [{"type": "Microsoft.Network/loadBalancers", "name": "lb"}]}
    declared = declared_resources(t, {}, SUB, RG)
    lb = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Network/loadBalancers/LB"
    vnet = f"/subscriptions/{SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v"
    result = {"properties": {
        "changes": [{"resourceId": lb, "changeType": "Modify"}, {"resourceId": lb, "changeType": "Delete"},
                    {"resourceId": vnet + "/subnets/s", "changeType": "Modify"},
                    {"resourceId": vnet, "changeType": "NoChange"}, {"resourceId": vnet + "/x", "changeType": "Create"}],
        "potentialChanges": [{"resourceId": vnet, "changeType": "Modify"}]}}
    got = [(f.resource_id.rsplit("/", 1)[-1], f.change_type, f.verdict) for f in check_gate(result, declared, [vnet.upper()])]
    assert got == [("LB", "Delete", "blocked"), ("s", "Modify", "blocked"), ("v", "Modify", "accepted")]


def test_a_parameter_default_that_refers_to_itself_is_unknown_not_a_crash() -> None:
    """ARM rejects such a template; the gate must not recurse until Python's stack runs out."""
    template = {"parameters": {"p": {"type": "string", "defaultValue": "[parameters('q')]"},
                               "q": {"type": "string", "defaultValue": "[concat('x', parameters('p'))]"}}}
    scope = Scope({}, template, "sub", "rg")
    assert not isinstance(evaluate("[parameters('p')]", scope), str)
