"""The example offer: a generic two-NIC appliance built from the same builders."""

from __future__ import annotations

import json
from typing import Any

import pytest

from armgen.offers import get_offer
from armgen.render.arm_json import render


def build(**options: Any) -> dict[str, Any]:
    return render(get_offer("two-nic-appliance").build(options))


def of_type(doc: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in doc["resources"] if r["type"] == type_]


@pytest.mark.parametrize("options", [{}, {"variant": "standalone", "zones": []}, {"zones": ["1", "2", "3"], "appliancesPerZone": 2}],
                         ids=str)
def test_builds_and_validates(options: dict[str, Any], official_schemas: Any) -> None:
    from armgen.checks import official

    doc = build(**options)
    assert [str(p) for p in official.validate_template(doc, "mainTemplate.json", official_schemas)] == []
    validate = pytest.importorskip("armgen.checks.schemas")
    assert [str(p) for p in validate.validate_document(doc, "template")] == []


def test_generic_image_two_nics_optional_lb() -> None:
    doc = build()
    (vm,) = of_type(doc, "Microsoft.Compute/virtualMachines")
    assert "plan" not in vm
    assert vm["properties"]["storageProfile"]["imageReference"]["publisher"] == "Canonical"
    assert vm["zones"] == ["[variables('zones')[mod(copyIndex(), 2)]]"]
    mgmt, data = of_type(doc, "Microsoft.Network/networkInterfaces")
    assert mgmt["properties"]["enableIPForwarding"] is False and data["properties"]["enableIPForwarding"] is True
    assert "mgmtSubnetName" in mgmt["properties"]["ipConfigurations"][0]["properties"]["subnet"]["id"]
    assert "dataSubnetName" in data["properties"]["ipConfigurations"][0]["properties"]["subnet"]["id"]
    (lb,) = of_type(doc, "Microsoft.Network/loadBalancers")
    assert lb["properties"]["probes"][0]["properties"]["protocol"] == "Tcp"
    assert any("loadBalancers" in d for d in data["dependsOn"])
    assert "lbFrontendIp" in doc["outputs"]
    standalone = build(variant="standalone", zones=[])
    assert of_type(standalone, "Microsoft.Network/loadBalancers") == []
    assert "zones" not in of_type(standalone, "Microsoft.Compute/virtualMachines")[0]
    assert "virtualNetworks" not in json.dumps([r["type"] for r in doc["resources"]])
