"""Fixtures for rollout tests: a fake Resource Manager with deployments, what-if and a fleet of
existing networks, and a writer for inventory files pointing at a small template."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from armgen.armeval import unique_string
from tests.fakearm.deployments import DeploymentService, install_deployments
from tests.fakearm.network import install_network
from tests.fakearm.server import FakeArm
from tests.fakearm.whatif import WhatIfService, install_what_if

ROOT = Path(__file__).resolve().parents[2]
SUB = "00000000-0000-0000-0000-0000000000a1"
SUB2 = "00000000-0000-0000-0000-0000000000b2"

TEMPLATE: dict[str, Any] = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {
        "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
        "vnetName": {"type": "string"},
        "vnetResourceGroup": {"type": "string"},
        "subnetName1": {"type": "string"},
        "subnetName2": {"type": "string", "defaultValue": ""},
        "vmSize": {"type": "string", "defaultValue": "Standard_D2s_v5"},
        "adminPassword": {"type": "securestring", "defaultValue": ""},
    },
    "resources": [{
        "type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2025-07-01",
        "name": "[concat('cc-nsg-', parameters('vmSize'))]", "location": "[parameters('location')]",
        "properties": {"securityRules": []},
        "tags": {"vnet": "[parameters('vnetName')]", "rg": "[parameters('vnetResourceGroup')]",
                 "s1": "[parameters('subnetName1')]", "s2": "[parameters('subnetName2')]",
                 "p": "[if(empty(parameters('adminPassword')), 'none', 'set')]"},
    }],
}


@pytest.fixture(autouse=True)
def _armgen_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Static token, immediate polls, no backoff: the tests wait only where they mean to."""
    monkeypatch.setenv("ARMGEN_ACCESS_TOKEN", "test-token")
    monkeypatch.setenv("ARMGEN_POLL_INTERVAL", "0")
    monkeypatch.setenv("ARMGEN_RETRY_BACKOFF", "0")
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)


class Fleet:
    """The fake ARM plus its services and helpers to lay out existing networks."""

    def __init__(self, arm: FakeArm):
        self.arm = arm
        self.deployments: DeploymentService = install_deployments(arm, polls=1)
        self.whatif: WhatIfService = install_what_if(arm)

    def add_network(self, sub: str, name: str, location: str = "westeurope") -> None:
        self.arm.add_resource_group(sub, f"rg-{name}", location)
        self.arm.add_resource_group(sub, f"net-{name}", location)
        vnet = f"/subscriptions/{sub}/resourceGroups/net-{name}/providers/Microsoft.Network/virtualNetworks/vnet-{name}"
        subnets = []
        for i in (1, 2):
            sid = f"{vnet}/subnets/snet-{i}"
            doc = {"id": sid, "name": f"snet-{i}", "properties": {"addressPrefix": f"10.0.{i}.0/24",
                                                                   "ipConfigurations": []}}
            self.arm.put_resource(sid, doc)
            subnets.append(doc)
        self.arm.put_resource(vnet, {"location": location, "properties": {
            "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": subnets}})

    def accepted_puts(self) -> dict[str, int]:
        """Accepted (2xx) PUTs per deployment, from the server's request log."""
        out: dict[str, int] = {}
        for r in self.arm.requests_matching("PUT", r"/providers/Microsoft\.Resources/deployments/"):
            if 200 <= r.status < 300:
                out[r.path.lower()] = out.get(r.path.lower(), 0) + 1
        return out


@pytest.fixture
def fleet() -> Iterator[Fleet]:
    arm = FakeArm(default_subscription=SUB)
    with arm:
        yield Fleet(arm)


def target_names(n: int) -> list[str]:
    return [f"site-{i:03d}" for i in range(n)]


@pytest.fixture
def write_inventory(tmp_path: Path, fleet: Fleet) -> Callable[..., Path]:
    """``write_inventory(n, **top_level)``: a template file, n targets with networks, the inventory."""
    (tmp_path / "mainTemplate.json").write_text(json.dumps(TEMPLATE), encoding="utf-8")

    def write(n: int = 3, subs: tuple[str, ...] = (SUB,), **top: Any) -> Path:
        targets = []
        for i, name in enumerate(target_names(n)):
            sub = subs[i % len(subs)]
            fleet.add_network(sub, name)
            targets.append({"name": name, "subscription": sub, "resourceGroup": f"rg-{name}",
                            "vnet": {"name": f"vnet-{name}", "resourceGroup": f"net-{name}"},
                            "subnets": {"zone1": "snet-1", "zone2": "snet-2"}})
        doc: dict[str, Any] = {"name": "cc", "template": "mainTemplate.json",
                               "defaults": {"location": "westeurope", "parameters": {"vmSize": "Standard_D2s_v5"}},
                               "targets": targets, **top}
        path = tmp_path / "fleet.json"
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        return path

    return write


# ---------------------------------------------------------------- rollouts with an attach step
NAT_NAME = "[format('cc-ngw-{0}-{1}', copyIndex(1), parameters('nameSuffix'))]"


def attach_template() -> dict[str, Any]:
    """TEMPLATE plus the offer's per-deployment name suffix and one NAT gateway per zone slot."""
    t = copy.deepcopy(TEMPLATE)
    t["parameters"]["nameSuffix"] = {"type": "string",
                                     "defaultValue": "[take(uniqueString(resourceGroup().id, deployment().name), 8)]"}
    t["resources"].append({"type": "Microsoft.Network/natGateways", "apiVersion": "2025-07-01", "name": NAT_NAME,
                           "location": "[parameters('location')]", "sku": {"name": "Standard"},
                           "copy": {"name": "natLoop", "count": 2}, "properties": {}})
    t["outputs"] = {"resourceNameSuffix": {"type": "string", "value": "[parameters('nameSuffix')]"}}
    return t


class AttachFleet(Fleet):
    """A fleet whose networks are Microsoft.Network's as attach meets them (etags, If-Match,
    subnet PUTs as operations: tests/fakearm/network.py), and whose deployments create their
    NAT gateways when they succeed, named as ARM names them (uniqueString of the resource
    group's id and the deployment's name)."""

    def __init__(self, arm: FakeArm):
        super().__init__(arm)
        self.net = install_network(arm, polls=1, fallback=self.whatif.handle)
        self.deployments.default.polls = 0
        self.deployments.on_success = self._created

    def add_network(self, sub: str, name: str, location: str = "westeurope") -> None:
        self.arm.add_resource_group(sub, f"rg-{name}", location)
        vnet = f"/subscriptions/{sub}/resourceGroups/net-{name}/providers/Microsoft.Network/virtualNetworks/vnet-{name}"
        self.net.add_vnet(vnet, location=location)
        for i in (1, 2):
            self.net.add_subnet(f"{vnet}/subnets/snet-{i}", {"addressPrefix": f"10.0.{i}.0/24", "ipConfigurations": []})

    @staticmethod
    def nat_ids(sub: str, rg: str, deployment: str) -> list[str]:
        rg_id = f"/subscriptions/{sub}/resourceGroups/{rg}"
        suffix = unique_string(rg_id, deployment)[:8]
        return [f"{rg_id}/providers/Microsoft.Network/natGateways/cc-ngw-{k}-{suffix}" for k in (1, 2)]

    def _created(self, rec: Any) -> dict[str, Any]:
        ids = self.nat_ids(rec.sub, rec.rg, rec.name)
        for rid in ids:
            if self.arm.get_resource(rid) is None:
                self.net.add_nat_gateway(rid)
        return {"outputResources": [{"id": i} for i in ids]}

    def subnet_ids(self, sub: str, name: str) -> list[str]:
        vnet = f"/subscriptions/{sub}/resourceGroups/net-{name}/providers/Microsoft.Network/virtualNetworks/vnet-{name}"
        return [f"{vnet}/subnets/snet-{i}" for i in (1, 2)]

    def accepted_subnet_puts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.net.puts:
            if 200 <= p.status < 300:
                out[p.subnet_id.lower()] = out.get(p.subnet_id.lower(), 0) + 1
        return out


@pytest.fixture
def attach_fleet() -> Iterator[AttachFleet]:
    arm = FakeArm(default_subscription=SUB)
    with arm:
        yield AttachFleet(arm)


@pytest.fixture
def write_attach_inventory(tmp_path: Path, attach_fleet: AttachFleet) -> Callable[..., Path]:
    """``write_attach_inventory(n, **top_level)``: like write_inventory, with the attach template
    and ``"attach": {"natGateway": true}`` in the defaults."""
    (tmp_path / "mainTemplate.json").write_text(json.dumps(attach_template()), encoding="utf-8")

    def write(n: int = 3, **top: Any) -> Path:
        targets = []
        for name in target_names(n):
            attach_fleet.add_network(SUB, name)
            targets.append({"name": name, "subscription": SUB, "resourceGroup": f"rg-{name}",
                            "vnet": {"name": f"vnet-{name}", "resourceGroup": f"net-{name}"},
                            "subnets": {"zone1": "snet-1", "zone2": "snet-2"}})
        doc: dict[str, Any] = {"name": "cc", "template": "mainTemplate.json",
                               "defaults": {"location": "westeurope", "parameters": {"vmSize": "Standard_D2s_v5"},
                                            "attach": {"natGateway": True}},
                               "targets": targets, **top}
        path = tmp_path / "fleet.json"
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        return path

    return write
