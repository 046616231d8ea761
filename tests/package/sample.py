"""A small, clean Marketplace package built by hand at the pinned apiVersions.

Tests start from it and break one thing at a time, so each test shows which rule or check
catches which mistake. Built fresh for every call: tests may mutate what they get.
"""

from __future__ import annotations

import json
from typing import Any

PID = "pid-3d2c4a1e-7b5f-4c8e-9a6d-0f1e2d3c4b5a-partnercenter"


def main_template() -> dict[str, Any]:
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "location": {
                "type": "string",
                "defaultValue": "[resourceGroup().location]",
                "metadata": {"description": "Region of every resource."},
            },
            "namePrefix": {
                "type": "string",
                "defaultValue": "cc",
                "metadata": {"description": "Prefix of every resource name."},
            },
            "subnetId": {
                "type": "string",
                "metadata": {"description": "Resource ID of the existing subnet the NIC joins."},
            },
        },
        "variables": {"nicName": "[concat(parameters('namePrefix'), '-nic')]"},
        "resources": [
            {
                "type": "Microsoft.Resources/deployments",
                "apiVersion": "2025-04-01",
                "name": PID,
                "properties": {
                    "mode": "Incremental",
                    "template": {
                        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                        "contentVersion": "1.0.0.0",
                        "resources": [],
                    },
                },
            },
            {
                "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
                "apiVersion": "2024-11-30",
                "name": "[concat(parameters('namePrefix'), '-id')]",
                "location": "[parameters('location')]",
            },
            {
                "type": "Microsoft.Network/networkInterfaces",
                "apiVersion": "2025-07-01",
                "name": "[variables('nicName')]",
                "location": "[parameters('location')]",
                "properties": {
                    "enableAcceleratedNetworking": True,
                    "ipConfigurations": [
                        {
                            "name": "ipconfig1",
                            "properties": {
                                "privateIPAllocationMethod": "Dynamic",
                                "subnet": {"id": "[parameters('subnetId')]"},
                            },
                        }
                    ],
                },
            },
        ],
        "outputs": {
            "nicId": {
                "type": "string",
                "value": "[resourceId('Microsoft.Network/networkInterfaces', variables('nicName'))]",
            }
        },
    }


def ui_definition() -> dict[str, Any]:
    return {
        "$schema": "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#",
        "handler": "Microsoft.Azure.CreateUIDef",
        "version": "0.1.2-preview",
        "parameters": {
            "basics": [
                {
                    "name": "namePrefix",
                    "type": "Microsoft.Common.TextBox",
                    "label": "Name prefix",
                    "defaultValue": "cc",
                    "toolTip": "Prefix of every resource name.",
                    "constraints": {
                        "required": True,
                        "regex": "^[a-z][a-z0-9-]{1,10}$",
                        "validationMessage": "2-11 lower-case letters, digits or dashes.",
                    },
                    "visible": True,
                }
            ],
            "steps": [
                {
                    "name": "network",
                    "label": "Network",
                    "elements": [
                        {
                            "name": "subnetId",
                            "type": "Microsoft.Common.TextBox",
                            "label": "Subnet resource ID",
                            "toolTip": "Resource ID of the existing subnet.",
                            "constraints": {
                                "required": True,
                                "regex": "^/subscriptions/.+/subnets/[^/]+$",
                                "validationMessage": "A subnet resource ID.",
                            },
                            "visible": True,
                        }
                    ],
                }
            ],
            "outputs": {
                "location": "[location()]",
                "namePrefix": "[basics('namePrefix')]",
                "subnetId": "[steps('network').subnetId]",
            },
        },
    }


def files() -> dict[str, bytes]:
    """The package's entries (name -> bytes), as a build would hand them to the packager."""
    return {
        "mainTemplate.json": dump(main_template()),
        "createUiDefinition.json": dump(ui_definition()),
    }


def dump(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2) + "\n").encode()
