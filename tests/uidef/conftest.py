"""A synthetic brownfield appliance template that exercises every UI control kind, and a way to
evaluate single createUiDefinition expressions against hand-made step values."""

from __future__ import annotations

from typing import Any

import pytest

from armgen import expr as E
from armgen.template import Resource, Template
from armgen.uidef.expressions import Scope, evaluate


class Evaluator:
    """armgen's evaluator (:mod:`armgen.uidef.expressions`) over hand-made step values.

    ``steps`` maps step names to element values; an element the expression reads must be there
    (armgen refuses an unknown element rather than reading null).
    """

    def __init__(self, steps: dict[str, dict[str, Any]], basics: dict[str, Any] | None = None,
                 location: str = "westeurope", resource_group: str = "rg-app", subscription: str = "0000"):
        self.scope = Scope(location=location,
                           resource_group={"name": resource_group, "location": location, "mode": "Existing"},
                           subscription={"id": f"/subscriptions/{subscription}", "subscriptionId": subscription},
                           steps=steps, basics=basics or {})

    def evaluate(self, text: str) -> Any:
        return evaluate(text, self.scope)

SIZES = ["Standard_D2s_v3", "Standard_D4s_v3", "Standard_DS3_v2"]


def appliance_template(**overrides: object) -> Template:
    """A small template in the shape of the built-in offers (existing VNet, subnets per zone)."""
    t = Template(
        description="Test appliance",
        ui={
            "steps": [
                {"name": "appliance", "label": "Appliance"},
                {"name": "network", "label": "Networking"},
                {"name": "tags", "label": "Tags"},
            ]
        },
    )
    location = t.param("location", "string", default=E.resource_group().location, description="Region.")
    prefix = t.param(
        "namePrefix", "string", default="zscc", min_length=1, max_length=12, description="Name prefix.",
        ui={"step": "basics", "label": "Name prefix", "regex": r"^[a-z][a-z0-9-]{0,11}$",
            "validationMessage": "1-12 lowercase letters, digits or '-', starting with a letter."},
    )
    size = t.param(
        "vmSize", "string", default="Standard_D2s_v3", allowed_values=SIZES, description="VM size.",
        ui={"step": "appliance", "control": "size", "label": "Size",
            "imageReference": {"publisher": "p", "offer": "o", "sku": "s"}},
    )
    user = t.param("adminUsername", "string", default="zsroot", description="Admin user.",
                   ui={"step": "appliance", "control": "username"})
    key = t.param("sshPublicKey", "string", description="SSH public key.",
                  ui={"step": "appliance", "control": "sshKey", "label": "SSH public key"})
    count = t.param("appliancesPerZone", "int", default=2, allowed_values=[1, 2, 3, 4],
                    description="Appliances in each zone.",
                    ui={"step": "appliance", "control": "dropdown", "labels": {"1": "One", "2": "Two"}})
    interval = t.param("probeInterval", "int", default=15, min_value=5, max_value=60,
                       description="Probe interval in seconds.", ui={"step": "appliance"})
    nat = t.param("deployNat", "bool", default=True, description="Create a NAT gateway.",
                  ui={"step": "network", "label": "NAT gateway"})
    vnet = t.param("vnetName", "string", description="Existing VNet.",
                   ui={"step": "network", "control": "vnet", "part": "name", "label": "Virtual network"})
    vnet_rg = t.param("vnetResourceGroup", "string", description="Its resource group.",
                      ui={"step": "network", "control": "vnet", "part": "resourceGroup"})
    sub1 = t.param("subnetZone1", "string", description="Subnet for zone 1.",
                   ui={"step": "network", "control": "subnet", "slot": "zone1",
                       "minAddressPrefixSize": "/28", "minAddressCount": 5})
    sub2 = t.param("subnetZone2", "string", description="Subnet for zone 2.",
                   ui={"step": "network", "control": "subnet", "slot": "zone2",
                       "minAddressPrefixSize": "/28", "minAddressCount": 5})
    tags = t.param("tagsByResource", "object", default={}, description="Tags.",
                   ui={"step": "tags", "control": "tags"})
    internal = t.param("bootstrapPort", "int", default=50000, description="Not shown.")
    for k, v in overrides.items():
        setattr(t, k, v)
    subnet = Resource("Microsoft.Network/virtualNetworks/subnets", "2025-07-01", sub1, "sub",
                      parent=Resource("Microsoft.Network/virtualNetworks", "2025-07-01", vnet, "vnet",
                                      existing=True, resource_group=vnet_rg), existing=True)
    vnet_res = subnet.parent
    t.add(vnet_res)
    t.add(subnet)
    nic = t.add(Resource(
        "Microsoft.Network/networkInterfaces", "2025-07-01", E.concat(prefix, "-nic-", sub2, interval), "nic",
        location=location, tags=tags,
        properties={"ipConfigurations": [{"name": "ip", "properties": {"subnet": {"id": subnet.id}}}],
                    "x": nat, "y": internal, "z": key, "u": user},
    ))
    t.add(Resource(
        "Microsoft.Compute/virtualMachines", "2026-03-01", E.concat(prefix, "-vm"), "vm", location=location,
        zones=E.pick_zones("Microsoft.Compute", "virtualMachines", location),
        copy=None, properties={"hardwareProfile": {"vmSize": size}, "n": count,
                               "networkProfile": {"networkInterfaces": [{"id": nic.id}]}},
    ))
    return t


@pytest.fixture
def template() -> Template:
    return appliance_template()
