"""Per-resource-type schemas: realistic resources pass; a misspelled property, a wrong enum value
or a wrong literal type fails at its exact JSON path; an expression is accepted in place of any
typed value."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from armgen.checks.schemas import Problem, validate_document

from . import samples


def check(resource: dict[str, Any]) -> list[Problem]:
    """Validate one resource inside a template, so paths read ``$.resources[0]...``."""
    return validate_document(samples.template(resource), "template", file="t.json")


def paths(problems: list[Problem]) -> list[str]:
    return [p.path for p in problems]


@pytest.mark.parametrize("rtype", sorted(samples.RESOURCES))
def test_sample_resource_is_valid(rtype: str) -> None:
    assert check(samples.RESOURCES[rtype]()) == []


@pytest.mark.parametrize("rtype", sorted(samples.RESOURCES))
def test_unknown_top_level_key_fails(rtype: str) -> None:
    res = samples.RESOURCES[rtype]()
    res["dependOn"] = []
    problems = check(res)
    assert paths(problems) == ["$.resources[0].dependOn"]
    assert "did you mean 'dependsOn'" in problems[0].message


@pytest.mark.parametrize("rtype", sorted(samples.RESOURCES))
def test_properties_may_not_hold_unknown_keys(rtype: str) -> None:
    res = samples.RESOURCES[rtype]()
    res.setdefault("properties", {})["notAProperty"] = 1
    assert paths(check(res)) == ["$.resources[0].properties.notAProperty"]


def test_resource_schema_usable_on_its_own() -> None:
    res = samples.nic()
    assert validate_document(res, "Microsoft.Network.networkInterfaces.2025-07-01") == []
    assert validate_document(res, "Microsoft.Network/networkInterfaces") == []
    res["properties"]["enableIpForwarding"] = True
    problems = validate_document(res, "Microsoft.Network.networkInterfaces")
    assert [str(p) for p in problems] == [
        "<memory>: $.properties.enableIpForwarding: unknown property 'enableIpForwarding' (did you mean 'enableIPForwarding'?)"
    ]


# --- misspelled nested properties: the path names the misspelled key itself -------------------

MISSPELLINGS = [
    (samples.nic, ["properties", "ipConfigurations", 0, "properties"], "subnet", "subnett",
     "$.resources[0].properties.ipConfigurations[0].properties.subnett"),
    (samples.nsg, ["properties", "securityRules", 0, "properties"], "destinationPortRange", "destinationPortRnage",
     "$.resources[0].properties.securityRules[0].properties.destinationPortRnage"),
    (samples.lb, ["properties", "probes", 0, "properties"], "intervalInSeconds", "intervalInSecond",
     "$.resources[0].properties.probes[0].properties.intervalInSecond"),
    (samples.lb, ["properties", "loadBalancingRules", 0, "properties"], "enableFloatingIP", "enableFloatingIp",
     "$.resources[0].properties.loadBalancingRules[0].properties.enableFloatingIp"),
    (samples.lb, ["properties", "frontendIPConfigurations", 0, "properties"], "privateIPAllocationMethod", "privateIpAllocationMethod",
     "$.resources[0].properties.frontendIPConfigurations[0].properties.privateIpAllocationMethod"),
    (samples.nat_gateway, ["properties"], "publicIpAddresses", "publicIPAddresses",
     "$.resources[0].properties.publicIPAddresses"),
    (samples.public_ip, ["properties"], "publicIPAllocationMethod", "publicIpAllocationMethod",
     "$.resources[0].properties.publicIpAllocationMethod"),
    (samples.route_table, ["properties", "routes", 0, "properties"], "nextHopIpAddress", "nextHopIPAddress",
     "$.resources[0].properties.routes[0].properties.nextHopIPAddress"),
    (samples.subnet, ["properties"], "serviceEndpoints", "serviceEndPoints",
     "$.resources[0].properties.serviceEndPoints"),
    (samples.availability_set, ["properties"], "platformFaultDomainCount", "platformFaultDomainsCount",
     "$.resources[0].properties.platformFaultDomainsCount"),
    (samples.vm, ["properties", "osProfile", "linuxConfiguration"], "disablePasswordAuthentication", "disablePasswordAuth",
     "$.resources[0].properties.osProfile.linuxConfiguration.disablePasswordAuth"),
    (samples.vm, ["properties", "storageProfile", "osDisk", "managedDisk"], "storageAccountType", "storageType",
     "$.resources[0].properties.storageProfile.osDisk.managedDisk.storageType"),
    (samples.vm, ["properties", "networkProfile", "networkInterfaces", 0, "properties"], "primary", "isPrimary",
     "$.resources[0].properties.networkProfile.networkInterfaces[0].properties.isPrimary"),
    (samples.vm, ["properties", "diagnosticsProfile", "bootDiagnostics"], "enabled", "enable",
     "$.resources[0].properties.diagnosticsProfile.bootDiagnostics.enable"),
    (samples.vm, ["plan"], "product", "offer", "$.resources[0].plan.offer"),
    (samples.pid_deployment, ["properties"], "mode", "Mode", "$.resources[0].properties.Mode"),
]


def _at(doc: Any, where: list[str | int]) -> Any:
    for key in where:
        doc = doc[key]
    return doc


@pytest.mark.parametrize(("make", "where", "good", "bad", "expected"), MISSPELLINGS, ids=[m[4] for m in MISSPELLINGS])
def test_misspelled_property_fails_at_its_path(make: Any, where: list[str | int], good: str, bad: str, expected: str) -> None:
    res = make()
    parent = _at(res, where)
    parent[bad] = parent.pop(good)
    problems = check(res)
    assert expected in paths(problems)
    hit = next(p for p in problems if p.path == expected)
    assert f"unknown property '{bad}'" in hit.message
    assert "\n" not in hit.message


# --- wrong enum values ---------------------------------------------------------------------------

ENUMS = [
    (samples.lb, ["properties", "probes", 0, "properties"], "protocol", "Udp"),
    (samples.lb, ["properties", "loadBalancingRules", 0, "properties"], "protocol", "any"),
    (samples.lb, ["properties", "loadBalancingRules", 0, "properties"], "loadDistribution", "SourceIp"),
    (samples.lb, ["sku"], "name", "Premium"),
    (samples.nsg, ["properties", "securityRules", 0, "properties"], "access", "Permit"),
    (samples.nsg, ["properties", "securityRules", 0, "properties"], "protocol", "TCP"),
    (samples.route_table, ["properties", "routes", 0, "properties"], "nextHopType", "Appliance"),
    (samples.public_ip, ["sku"], "tier", "Local"),
    (samples.nic, ["properties", "ipConfigurations", 0, "properties"], "privateIPAllocationMethod", "Dynamc"),
    (samples.vm, ["properties", "storageProfile", "osDisk", "managedDisk"], "storageAccountType", "Premium_SSD"),
    (samples.vm, ["properties", "storageProfile", "osDisk"], "caching", "WriteOnly"),
    (samples.vm, ["identity"], "type", "UserAssignedIdentity"),
    (samples.availability_set, ["sku"], "name", "Managed"),
    (samples.pid_deployment, ["properties"], "mode", "Incremetal"),
]


@pytest.mark.parametrize(("make", "where", "key", "value"), ENUMS, ids=[f"{e[2]}={e[3]}" for e in ENUMS])
def test_wrong_enum_value_fails_naming_the_allowed_values(make: Any, where: list[str | int], key: str, value: str) -> None:
    res = make()
    _at(res, where)[key] = value
    problems = check(res)
    assert len(problems) == 1, problems
    expected_path = "$.resources[0]" + "".join(f"[{w}]" if isinstance(w, int) else f".{w}" for w in [*where, key])
    assert problems[0].path == expected_path
    assert f'"{value}" is not one of' in problems[0].message
    assert "ARM expression" in problems[0].message


# --- literal type errors and ranges ------------------------------------------------------------

def test_wrong_literal_types_fail() -> None:
    res = samples.nic()
    res["properties"]["enableIPForwarding"] = "yes"
    (problem,) = check(res)
    assert problem.path == "$.resources[0].properties.enableIPForwarding"
    assert problem.message.startswith("expected boolean (or an ARM expression '[...]'), got string")


@pytest.mark.parametrize(
    ("make", "where", "key", "value"),
    [
        (samples.lb, ["properties", "probes", 0, "properties"], "port", 70000),
        (samples.lb, ["properties", "probes", 0, "properties"], "intervalInSeconds", 4),
        (samples.nsg, ["properties", "securityRules", 0, "properties"], "priority", 99),
        (samples.nat_gateway, ["properties"], "idleTimeoutInMinutes", 121),
        (samples.availability_set, ["properties"], "platformFaultDomainCount", 4),
    ],
)
def test_out_of_range_numbers_fail(make: Any, where: list[str | int], key: str, value: int) -> None:
    res = make()
    _at(res, where)[key] = value
    (problem,) = check(res)
    assert problem.path.endswith("." + key)


def test_missing_required_rule_property() -> None:
    res = samples.nsg()
    del res["properties"]["securityRules"][0]["properties"]["direction"]
    (problem,) = check(res)
    assert problem.path == "$.resources[0].properties.securityRules[0].properties"
    assert problem.message == "missing required property 'direction'"


# --- expressions stand in for typed values -------------------------------------------------------

EXPR = "[parameters('x')]"


@pytest.mark.parametrize(
    ("make", "where", "key"),
    [
        (samples.lb, ["properties", "probes", 0, "properties"], "port"),  # int
        (samples.lb, ["properties", "loadBalancingRules", 0, "properties"], "enableFloatingIP"),  # bool
        (samples.lb, ["properties", "loadBalancingRules", 0, "properties"], "protocol"),  # enum
        (samples.nic, ["properties"], "networkSecurityGroup"),  # object
        (samples.nic, ["properties", "ipConfigurations", 0, "properties"], "loadBalancerBackendAddressPools"),  # array
        (samples.vm, [], "zones"),
        (samples.vm, [], "tags"),
        (samples.vm, ["properties"], "storageProfile"),
        (samples.vm, [], "properties"),
        (samples.nsg, ["properties", "securityRules", 0, "properties"], "priority"),
    ],
)
def test_expression_accepted_in_place_of_typed_value(make: Any, where: list[str | int], key: str) -> None:
    res = make()
    _at(res, where)[key] = EXPR
    assert check(res) == []


def test_escaped_literal_is_not_an_expression() -> None:
    res = samples.lb()
    res["properties"]["probes"][0]["properties"]["port"] = "[[parameters('x')]"
    (problem,) = check(res)
    assert problem.path == "$.resources[0].properties.probes[0].properties.port"


def test_other_api_versions_get_generic_checks_only() -> None:
    res = samples.nic()
    res["apiVersion"] = "2023-09-01"
    res["properties"]["madeUpProperty"] = True
    assert check(res) == []
    res["dependOn"] = []
    assert paths(check(res)) == ["$.resources[0].dependOn"]


def test_nested_inline_template_resources_are_checked() -> None:
    outer = samples.pid_deployment()
    inner = samples.route_table()
    inner["properties"]["routes"][0]["properties"]["nextHopType"] = "Appliance"
    outer["properties"]["template"]["resources"] = [inner]
    problems = check(outer)
    assert paths(problems) == ["$.resources[0].properties.template.resources[0].properties.routes[0].properties.nextHopType"]


def test_deployment_needs_template_or_link() -> None:
    dep = samples.pid_deployment()
    del dep["properties"]["template"]
    (problem,) = check(dep)
    assert problem.path == "$.resources[0].properties"
    assert "'template'" in problem.message and "'templateLink'" in problem.message


def test_deployment_name_pattern_and_expression() -> None:
    dep = samples.pid_deployment()
    dep["name"] = "pid with spaces"
    assert paths(check(dep)) == ["$.resources[0].name"]
    dep["name"] = "[concat('pid-', parameters('guid'))]"
    assert check(dep) == []


def test_vm_identity_values_must_be_empty_objects() -> None:
    res = samples.vm()
    res["identity"]["userAssignedIdentities"] = {"[parameters('identityId')]": {"clientId": "x"}}
    assert paths(check(res)) == ["$.resources[0].identity.userAssignedIdentities[\"[parameters('identityId')]\"]"]


def test_copy_needs_name_and_count() -> None:
    res = samples.nic()
    res["copy"] = {"count": 2, "mode": "Sequential"}
    msgs = sorted(p.message for p in check(res))
    assert any("missing required property 'name'" in m for m in msgs)
    assert any('"Sequential" is not one of' in m for m in msgs)


def test_problem_is_one_line_with_file_and_path() -> None:
    res = copy.deepcopy(samples.nic())
    res["properties"]["ipConfigurations"][0]["properties"]["subnett"] = {"id": "x"}
    problems = check(res)
    assert [str(p) for p in problems] == [
        "t.json: $.resources[0].properties.ipConfigurations[0].properties.subnett: unknown property 'subnett' (did you mean 'subnet'?)"
    ]
