"""Shared test data for the what-if and preflight tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fakearm.fixtures import SUBSCRIPTION

DATA = Path(__file__).parent / "data"
TEMPLATE_DIR = str(DATA)
PARAMS = str(DATA / "parameters.json")
RG = "appliance-rg"
RG_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}"
NET_RG_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/network-rg"
VNET_ID = f"{NET_RG_ID}/providers/Microsoft.Network/virtualNetworks/hub-vnet"
SUBNET_ID = f"{VNET_ID}/subnets/appliance-snet"
LB_ID = f"{RG_ID}/providers/Microsoft.Network/loadBalancers/zcc-lb"
NIC0_ID = f"{RG_ID}/providers/Microsoft.Network/networkInterfaces/zcc-nic-0"
NIC1_ID = f"{RG_ID}/providers/Microsoft.Network/networkInterfaces/zcc-nic-1"
NATGW_ID = f"{RG_ID}/providers/Microsoft.Network/natGateways/zcc-natgw-abc123xyz"


def create(rid: str, **after: Any) -> dict[str, Any]:
    name = rid.rsplit("/", 1)[-1]
    body = {"apiVersion": "2025-07-01", "id": rid, "name": name, "location": "westeurope", **after}
    return {"resourceId": rid, "changeType": "Create", "after": body}


def modify(rid: str, delta: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceId": rid, "changeType": "Modify", "before": {"apiVersion": "2025-07-01", "id": rid},
            "after": {"apiVersion": "2025-07-01", "id": rid}, "delta": delta}


def delete(rid: str) -> dict[str, Any]:
    return {"resourceId": rid, "changeType": "Delete", "before": {"apiVersion": "2025-07-01", "id": rid, "name": rid.rsplit("/", 1)[-1]}}


CREATES = [
    create(LB_ID, sku={"name": "Standard"}, properties={"frontendIPConfigurations": [{"name": "fe"}]}),
    create(NIC0_ID),
    create(NIC1_ID),
    create(NATGW_ID, sku={"name": "Standard"}),
]
SUBNET_MODIFY = modify(SUBNET_ID, [
    {"path": "properties.natGateway.id", "propertyChangeType": "Create", "after": NATGW_ID},
    {"path": "properties.routeTable", "propertyChangeType": "Delete", "before": {"id": f"{NET_RG_ID}/providers/Microsoft.Network/routeTables/rt"}},
])
