"""Small, realistic documents that must pass our schemas; tests derive bad variants from copies.

Each is what an appliance template plausibly writes at armgen's pinned apiVersions, with
expressions where a real template has them.
"""

from __future__ import annotations

import copy
from typing import Any

LOC = "[parameters('location')]"
SUBNET = "[resourceId(parameters('vnetResourceGroup'), 'Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), parameters('serviceSubnet'))]"


def nic() -> dict[str, Any]:
    return {
        "type": "Microsoft.Network/networkInterfaces",
        "apiVersion": "2025-07-01",
        "name": "[format('{0}-srv-nic{1}', parameters('namePrefix'), copyIndex(1))]",
        "location": LOC,
        "tags": "[if(contains(parameters('tagsByResource'), 'Microsoft.Network/networkInterfaces'), parameters('tagsByResource')['Microsoft.Network/networkInterfaces'], json('{}'))]",
        "copy": {"name": "srvNics", "count": "[parameters('count')]"},
        "dependsOn": ["[resourceId('Microsoft.Network/loadBalancers', 'lb')]"],
        "properties": {
            "enableIPForwarding": True,
            "enableAcceleratedNetworking": True,
            "networkSecurityGroup": {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"},
            "ipConfigurations": [
                {
                    "name": "ipconfig1",
                    "properties": {
                        "subnet": {"id": SUBNET},
                        "privateIPAllocationMethod": "Dynamic",
                        "primary": True,
                        "loadBalancerBackendAddressPools": [
                            {"id": "[resourceId('Microsoft.Network/loadBalancers/backendAddressPools', 'lb', 'pool')]"}
                        ],
                    },
                }
            ],
        },
    }


def nsg() -> dict[str, Any]:
    return {
        "type": "Microsoft.Network/networkSecurityGroups",
        "apiVersion": "2025-07-01",
        "name": "nsg",
        "location": LOC,
        "properties": {
            "securityRules": [
                {
                    "name": "allow-ssh",
                    "properties": {
                        "description": "SSH from the management network",
                        "protocol": "Tcp",
                        "sourcePortRange": "*",
                        "destinationPortRange": "22",
                        "sourceAddressPrefixes": ["10.0.0.0/8"],
                        "destinationAddressPrefix": "*",
                        "access": "Allow",
                        "priority": 100,
                        "direction": "Inbound",
                    },
                }
            ]
        },
    }


def lb() -> dict[str, Any]:
    lb_id = "resourceId('Microsoft.Network/loadBalancers', 'lb')"
    return {
        "type": "Microsoft.Network/loadBalancers",
        "apiVersion": "2025-07-01",
        "name": "lb",
        "location": LOC,
        "sku": {"name": "Standard", "tier": "Regional"},
        "properties": {
            "frontendIPConfigurations": [
                {
                    "name": "fe",
                    "zones": ["1", "2"],
                    "properties": {
                        "subnet": {"id": SUBNET},
                        "privateIPAllocationMethod": "Dynamic",
                        "privateIPAddressVersion": "IPv4",
                    },
                }
            ],
            "backendAddressPools": [{"name": "pool"}],
            "probes": [
                {
                    "name": "health",
                    "properties": {
                        "protocol": "Http",
                        "port": 50000,
                        "requestPath": "/?cchealth",
                        "intervalInSeconds": "[parameters('probeInterval')]",
                        "numberOfProbes": 2,
                        "probeThreshold": 2,
                    },
                }
            ],
            "loadBalancingRules": [
                {
                    "name": "ha-ports",
                    "properties": {
                        "frontendIPConfiguration": {"id": f"[concat({lb_id}, '/frontendIPConfigurations/fe')]"},
                        "backendAddressPool": {"id": f"[concat({lb_id}, '/backendAddressPools/pool')]"},
                        "probe": {"id": f"[concat({lb_id}, '/probes/health')]"},
                        "protocol": "All",
                        "frontendPort": 0,
                        "backendPort": 0,
                        "enableFloatingIP": True,
                        "idleTimeoutInMinutes": 4,
                        "loadDistribution": "[parameters('loadDistribution')]",
                        "enableTcpReset": False,
                        "disableOutboundSnat": True,
                    },
                }
            ],
        },
    }


def nat_gateway() -> dict[str, Any]:
    return {
        "type": "Microsoft.Network/natGateways",
        "apiVersion": "2025-07-01",
        "name": "nat-1",
        "location": LOC,
        "zones": ["1"],
        "sku": {"name": "Standard"},
        "properties": {
            "idleTimeoutInMinutes": 4,
            "publicIpAddresses": [{"id": "[resourceId('Microsoft.Network/publicIPAddresses', 'nat-1-pip')]"}],
        },
    }


def public_ip() -> dict[str, Any]:
    return {
        "type": "Microsoft.Network/publicIPAddresses",
        "apiVersion": "2025-07-01",
        "name": "nat-1-pip",
        "location": LOC,
        "zones": ["1"],
        "sku": {"name": "Standard", "tier": "Regional"},
        "properties": {
            "publicIPAllocationMethod": "Static",
            "publicIPAddressVersion": "IPv4",
            "idleTimeoutInMinutes": 4,
        },
    }


def route_table() -> dict[str, Any]:
    return {
        "type": "Microsoft.Network/routeTables",
        "apiVersion": "2025-07-01",
        "name": "workload-rt",
        "location": LOC,
        "properties": {
            "disableBgpRoutePropagation": True,
            "routes": [
                {
                    "name": "default-to-appliances",
                    "properties": {
                        "addressPrefix": "0.0.0.0/0",
                        "nextHopType": "VirtualAppliance",
                        "nextHopIpAddress": "[reference(resourceId('Microsoft.Network/loadBalancers', 'lb'), '2025-07-01').frontendIPConfigurations[0].properties.privateIPAddress]",
                    },
                }
            ],
        },
    }


def subnet() -> dict[str, Any]:
    return {
        "type": "Microsoft.Network/virtualNetworks/subnets",
        "apiVersion": "2025-07-01",
        "name": "[format('{0}/{1}', parameters('vnetName'), parameters('subnetName'))]",
        "properties": {
            "addressPrefix": "10.1.2.0/24",
            "networkSecurityGroup": {"id": "[parameters('existingNsgId')]"},
            "routeTable": {"id": "[parameters('existingRouteTableId')]"},
            "natGateway": {"id": "[resourceId('Microsoft.Network/natGateways', 'nat-1')]"},
            "serviceEndpoints": [{"service": "Microsoft.Storage", "locations": ["westeurope"]}],
            "delegations": [],
            "privateEndpointNetworkPolicies": "Disabled",
        },
    }


def availability_set() -> dict[str, Any]:
    return {
        "type": "Microsoft.Compute/availabilitySets",
        "apiVersion": "2026-03-01",
        "name": "avset",
        "location": LOC,
        "sku": {"name": "Aligned"},
        "properties": {"platformFaultDomainCount": 2, "platformUpdateDomainCount": 5},
    }


def identity() -> dict[str, Any]:
    return {
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
        "apiVersion": "2024-11-30",
        "name": "appliance-id",
        "location": LOC,
    }


def vm() -> dict[str, Any]:
    return {
        "type": "Microsoft.Compute/virtualMachines",
        "apiVersion": "2026-03-01",
        "name": "[format('{0}-vm{1}', parameters('namePrefix'), copyIndex(1))]",
        "location": LOC,
        "zones": ["[string(parameters('zones')[0])]"],
        "tags": {"LegacyVMNVA": "true"},
        "plan": {"name": "zs_ser_gen1_cc_01", "publisher": "zscaler1579058425289", "product": "zia_cloud_connector"},
        "identity": {
            "type": "UserAssigned",
            "userAssignedIdentities": {"[parameters('identityId')]": {}},
        },
        "copy": {"name": "vms", "count": 2, "mode": "Parallel"},
        "properties": {
            "hardwareProfile": {"vmSize": "[parameters('vmSize')]"},
            "storageProfile": {
                "imageReference": {
                    "publisher": "zscaler1579058425289",
                    "offer": "zia_cloud_connector",
                    "sku": "zs_ser_gen1_cc_01",
                    "version": "latest",
                },
                "osDisk": {
                    "createOption": "FromImage",
                    "caching": "ReadWrite",
                    "diskSizeGB": 128,
                    "deleteOption": "Delete",
                    "managedDisk": {"storageAccountType": "Premium_LRS"},
                },
            },
            "osProfile": {
                "computerName": "[format('{0}-vm{1}', parameters('namePrefix'), copyIndex(1))]",
                "adminUsername": "[parameters('adminUsername')]",
                "linuxConfiguration": {
                    "disablePasswordAuthentication": True,
                    "ssh": {
                        "publicKeys": [
                            {
                                "path": "[format('/home/{0}/.ssh/authorized_keys', parameters('adminUsername'))]",
                                "keyData": "[parameters('sshPublicKey')]",
                            }
                        ]
                    },
                },
            },
            "networkProfile": {
                "networkInterfaces": [
                    {"id": "[resourceId('Microsoft.Network/networkInterfaces', 'mgmt-nic1')]", "properties": {"primary": True, "deleteOption": "Delete"}},
                    {"id": "[resourceId('Microsoft.Network/networkInterfaces', 'srv-nic1')]", "properties": {"primary": False}},
                ]
            },
            "diagnosticsProfile": {"bootDiagnostics": {"enabled": True}},
            "userData": "[base64(format('URL={0}', parameters('provUrl')))]",
            "securityProfile": {"securityType": "Standard"},
        },
    }


def pid_deployment() -> dict[str, Any]:
    return {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2025-04-01",
        "name": "pid-00000000-0000-0000-0000-000000000000-partnercenter",
        "properties": {
            "mode": "Incremental",
            "template": {
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "resources": [],
            },
        },
    }


RESOURCES = {
    "Microsoft.Network/networkInterfaces": nic,
    "Microsoft.Network/networkSecurityGroups": nsg,
    "Microsoft.Network/loadBalancers": lb,
    "Microsoft.Network/natGateways": nat_gateway,
    "Microsoft.Network/publicIPAddresses": public_ip,
    "Microsoft.Network/routeTables": route_table,
    "Microsoft.Network/virtualNetworks/subnets": subnet,
    "Microsoft.Compute/availabilitySets": availability_set,
    "Microsoft.Compute/virtualMachines": vm,
    "Microsoft.ManagedIdentity/userAssignedIdentities": identity,
    "Microsoft.Resources/deployments": pid_deployment,
}


def template(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "metadata": {"generator": {"name": "armgen"}},
        "parameters": {
            "location": {
                "type": "string",
                "defaultValue": "[resourceGroup().location]",
                "metadata": {"description": "Region of the appliances."},
            },
            "adminUsername": {"type": "string", "minLength": 1, "maxLength": 64},
            "sshPublicKey": {"type": "securestring"},
            "count": {"type": "int", "defaultValue": 2, "minValue": 1, "maxValue": 10, "allowedValues": [1, 2, 3]},
            "enableNat": {"type": "bool", "defaultValue": False},
            "zones": {"type": "array", "defaultValue": ["1", "2"]},
            "tagsByResource": {"type": "object", "defaultValue": {}},
        },
        "variables": {"prefix": "cc"},
        "resources": [copy.deepcopy(r) for r in resources],
        "outputs": {
            "lbFrontendIp": {
                "type": "string",
                "value": "[reference(resourceId('Microsoft.Network/loadBalancers', 'lb'), '2025-07-01').frontendIPConfigurations[0].properties.privateIPAddress]",
            },
            "mgmtIps": {
                "type": "array",
                "copy": {"count": "[parameters('count')]", "input": "[copyIndex()]"},
            },
        },
    }


def ui_definition() -> dict[str, Any]:
    return {
        "$schema": "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#",
        "handler": "Microsoft.Azure.CreateUIDef",
        "version": "0.1.2-preview",
        "parameters": {
            "config": {"basics": {"resourceGroup": {"allowExisting": True}}},
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
                        "validationMessage": "2-11 lower-case letters, digits or hyphens, starting with a letter.",
                    },
                },
                {"name": "adminUsername", "type": "Microsoft.Compute.UserNameTextBox", "label": "Admin user", "osPlatform": "Linux", "toolTip": "Login user.", "constraints": {"required": True}},
                {
                    "name": "sshKey",
                    "type": "Microsoft.Compute.CredentialsCombo",
                    "label": {"authenticationType": "Authentication type", "password": "Password", "confirmPassword": "Confirm password", "sshPublicKey": "SSH public key"},
                    "toolTip": {"sshPublicKey": "Key for the admin user."},
                    "osPlatform": "Linux",
                    "options": {"hidePassword": True},
                    "constraints": {"required": True},
                },
            ],
            "steps": [
                {
                    "name": "network",
                    "label": "Network",
                    "subLabel": {"preValidation": "Pick the network", "postValidation": "Done"},
                    "bladeTitle": "Network",
                    "elements": [
                        {"name": "zonesApi", "type": "Microsoft.Solutions.ArmApiControl", "request": {"method": "GET", "path": "[concat(subscription().id, '/providers/Microsoft.Compute/skus?api-version=2021-07-01')]"}},
                        {
                            "name": "vnet",
                            "type": "Microsoft.Network.VirtualNetworkCombo",
                            "label": {"virtualNetwork": "Virtual network", "subnets": "Subnets"},
                            "toolTip": {"virtualNetwork": "An existing VNet", "subnets": "Existing subnets"},
                            "defaultValue": {"name": "vnet", "addressPrefixSize": "/16"},
                            "constraints": {"minAddressPrefixSize": "/24"},
                            "options": {"hideExisting": False},
                            "subnets": {
                                "mgmt": {"label": "Management subnet", "defaultValue": {"name": "mgmt", "addressPrefixSize": "/26"}, "constraints": {"minAddressPrefixSize": "/28", "minAddressCount": 2, "requireContiguousAddresses": False}},
                                "service": {"label": "Service subnet", "constraints": {"minAddressPrefixSize": "/28"}},
                            },
                        },
                        {
                            "name": "identity",
                            "type": "Microsoft.Solutions.ResourceSelector",
                            "label": "Managed identity",
                            "resourceType": "Microsoft.ManagedIdentity/userAssignedIdentities",
                            "options": {"filter": {"subscription": "onBasics", "location": "onBasics"}},
                        },
                    ],
                },
                {
                    "name": "appliances",
                    "label": "Appliances",
                    "elements": [
                        {
                            "name": "vmSize",
                            "type": "Microsoft.Compute.SizeSelector",
                            "label": "Size",
                            "toolTip": "VM size",
                            "recommendedSizes": ["Standard_D2s_v3"],
                            "constraints": {"allowedSizes": ["Standard_D2s_v3", "Standard_D4s_v3"]},
                            "osPlatform": "Linux",
                            "imageReference": {"publisher": "zscaler1579058425289", "offer": "zia_cloud_connector", "sku": "zs_ser_gen1_cc_01"},
                            "count": "[steps('appliances').count]",
                        },
                        {"name": "count", "type": "Microsoft.Common.Slider", "label": "Appliances per zone", "min": 1, "max": 10, "defaultValue": 2, "showStepMarkers": True},
                        {"name": "lbMode", "type": "Microsoft.Common.DropDown", "label": "Load distribution", "defaultValue": "5-tuple", "toolTip": "Hashing", "constraints": {"allowedValues": [{"label": "5-tuple", "value": "Default"}, {"label": "Source IP", "value": "SourceIP", "description": "2-tuple"}], "required": True}},
                        {"name": "nat", "type": "Microsoft.Common.OptionsGroup", "label": "NAT gateway", "defaultValue": "Yes", "constraints": {"allowedValues": [{"label": "Yes", "value": True}, {"label": "No", "value": False}]}},
                        {"name": "accept", "type": "Microsoft.Common.CheckBox", "label": "I accept", "constraints": {"required": True, "validationMessage": "Please accept."}},
                        {
                            "name": "advanced",
                            "type": "Microsoft.Common.Section",
                            "label": "Advanced",
                            "elements": [
                                {"name": "note", "type": "Microsoft.Common.InfoBox", "visible": True, "options": {"icon": "Info", "text": "Read the docs.", "uri": "https://example.com"}},
                                {"name": "probeText", "type": "Microsoft.Common.TextBlock", "options": {"text": "Probe every 15 s."}},
                            ],
                        },
                        {"name": "tags", "type": "Microsoft.Common.TagsByResource", "resources": ["Microsoft.Compute/virtualMachines", "Microsoft.Network/networkInterfaces"]},
                    ],
                },
            ],
            "outputs": {
                "location": "[location()]",
                "namePrefix": "[basics('namePrefix')]",
                "vmSize": "[steps('appliances').vmSize]",
                "vnetName": "[steps('network').vnet.name]",
            },
        },
    }
