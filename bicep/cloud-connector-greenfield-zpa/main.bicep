metadata description = 'Cloud Connector appliances (one per zone, each with its own workload route table, 2 zones chosen at deployment) deployed into a new virtual network with its subnets, route tables and NAT gateways. ZPA application domains are resolved through the appliances (Azure DNS Private Resolver).'

@description('Azure region of every resource; defaults to the resource group\'s region.')
param location string = resourceGroup().location

@description('Prefix of every resource name (e.g. <prefix>-ccvm-1-<suffix>): 1-12 lower-case letters, digits or inner hyphens, starting with a letter, since the VM name is the host name.')
@minLength(1)
@maxLength(12)
param namePrefix string = 'zscc'

@description('Ends every resource name, so deploying again adds appliances beside these instead of rewriting them. The wizard makes a new one each run; without a value, 8 characters derived from the resource group and the deployment\'s name. Give this deployment\'s suffix (output resourceNameSuffix) to update these resources.')
@minLength(1)
@maxLength(13)
param nameSuffix string = take(uniqueString(resourceGroup().id, deployment().name), 8)

@description('The availability zone (\'1\', \'2\' or \'3\') of each of the 2 zone slot(s), in slot order (the slot\'s subnet, appliances, NAT gateway), each zone once; ignored where the region has no zones.')
@allowed([
  '1'
  '2'
  '3'
])
@minLength(2)
@maxLength(2)
param zones array = [
  '1'
  '2'
]

@description('Address space of the new virtual network, an IPv4 CIDR from /16 to /24. It is cut into eighths (at most /24 each): with the default 10.1.0.0/16, the zone subnets get 10.1.0.0/24, 10.1.1.0/24, the DNS resolver 10.1.3.0/24.')
@minLength(9)
@maxLength(18)
param vnetAddressSpace string = '10.1.0.0/16'

@description('Resource id of an existing NSG for the management NICs; empty creates one with Zscaler\'s management rules.')
param existingMgmtNsgId string = ''

@description('Let the appliances reach Zscaler\'s remote-support server on TCP 12002 (a rule of the created management NSG); off, that rule denies it instead.')
param supportAccess bool = true

@description('IPv4 address (or CIDR) of Zscaler\'s remote-support server, which the created management NSG lets the appliances reach on TCP 12002 (or denies, with supportAccess off).')
param supportServerAddress string = '199.168.148.101'

@description('Resource id of an existing NSG for the service NICs; empty creates one with Zscaler\'s service rules (all traffic from the virtual network).')
param existingServiceNsgId string = ''

@description('Whether the workload route table takes routes learned over ExpressRoute or VPN gateways (BGP). On by default: workload subnets attached to it keep reaching on-premises networks.')
param propagateGatewayRoutes bool = true

@description('VM size of the appliances (2 NICs).')
@allowed([
  'Standard_D2s_v3'
  'Standard_DS2_v2'
  'Standard_DS3_v2'
  'Standard_D2ds_v5'
  'Standard_D2ads_v5'
])
param vmSize string = 'Standard_D2s_v3'

@description('Administrator user name on the appliances (SSH key only); zsroot, as Zscaler\'s images expect.')
@minLength(1)
@maxLength(32)
param adminUsername string = 'zsroot'

@description('OpenSSH public key of the administrator (the only way to log in): RSA of 2048 bits or more, or Ed25519.')
@minLength(80)
param sshPublicKey string

@description('Accelerated networking on the service NICs (Zscaler\'s default). Turn off for a size or host that does not support it; the management NICs never use it.')
param acceleratedNetworking bool = true

@description('Tag the VMs LegacyVMNVA=true (opts the appliances out of MANA hosts; Zscaler sets it).')
param legacyVmNvaTag bool = true

@description('Encrypt the VMs\' disks and caches at the host. Needs the subscription feature Microsoft.Compute/EncryptionAtHost registered, hence off by default.')
param encryptionAtHost bool = false

@description('Allow VM extensions and Run Command on the appliances (the appliance does not use them).')
param allowExtensionOperations bool = false

@description('Provisioning URL of a Cloud Connector provisioning template in the Zscaler portal (e.g. connector.zscaler.net/api/v1/provUrl?name=azure_prov_url).')
@minLength(1)
param ccUrl string

@description('The Key Vault that holds the Cloud Connector credentials: its name (the URL is then built with this cloud\'s Key Vault DNS suffix, environment().suffixes.keyvaultDns) or its URL, e.g. https://<vault>.vault.azure.net/ (vault.usgovcloudapi.net, vault.azure.cn in other clouds).')
@minLength(1)
param keyVaultUrl string

@description('Name of the existing user-assigned managed identity the appliances use: Get and List on the Key Vault\'s secrets, Network Contributor (at least networkInterfaces/read) on the subscription or resource group. The deploying user needs Managed Identity Operator on it.')
@minLength(3)
@maxLength(128)
param identityName string

@description('Resource group of the existing managed identity; defaults to the deployment\'s.')
@minLength(1)
@maxLength(90)
param identityResourceGroup string = resourceGroup().name

@description('Subscription of the existing managed identity (same tenant); defaults to the deployment\'s. Zscaler\'s modules allow an identity in another subscription too.')
@minLength(36)
@maxLength(36)
param identitySubscriptionId string = subscription().subscriptionId

@description('Port the appliances answer health probes on: 80 or 1024-65535, as Zscaler\'s module allows (the template\'s range cannot express the gap; the wizard enforces it).')
@minValue(80)
@maxValue(65535)
param httpProbePort int = 50000

@description('Provision the appliances in FIPS mode (FIPS_ENABLED in the bootstrap; new deployments only).')
param fipsEnabled bool = false

@description('ZPA application domains whose DNS queries go to the appliances, each fully qualified with a trailing dot (e.g. corp.example.com.): one forwarding rule each, to each zone\'s appliance (service address) on port 53.')
@minLength(1)
@maxLength(1000)
param zpaDomains array

@description('Tags per resource type, e.g. {"Microsoft.Compute/virtualMachines": {"env": "prod"}}.')
param tagsByResource object = {}

var useZones = !empty(pickZones('Microsoft.Compute', 'virtualMachines', location))

var inChinaCloud = toLower(environment().name) == 'azurechinacloud' || startsWith(toLower(location), 'china')

var keyVaultUri = (startsWith(toLower(keyVaultUrl), 'https://') ? keyVaultUrl : uri('https://${keyVaultUrl}${environment().suffixes.keyvaultDns}', '/'))

var vnetAddressPrefix = '${parseCidr(vnetAddressSpace).network}/${parseCidr(vnetAddressSpace).cidr}'

var subnetPrefixLength = max(parseCidr(vnetAddressSpace).cidr + 3, 24)

var subnetPrefixes = {
  zone1: cidrSubnet(vnetAddressPrefix, subnetPrefixLength, 0)
  zone2: cidrSubnet(vnetAddressPrefix, subnetPrefixLength, 1)
  dns: cidrSubnet(vnetAddressPrefix, subnetPrefixLength, 3)
}

var serviceAddresses = [
  parseCidr(subnetPrefixes.zone1).lastUsable
  parseCidr(subnetPrefixes.zone2).lastUsable
]

var subnetIds = [
  subnet1.id
  subnet2.id
]

resource mgmtNsg 'Microsoft.Network/networkSecurityGroups@2025-07-01' = if (empty(existingMgmtNsgId)) {
  name: '${namePrefix}-cc-mgmt-nsg-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Network/networkSecurityGroups') ? tagsByResource['Microsoft.Network/networkSecurityGroups'] : {}), {
    Vendor: 'Zscaler'
  })
  properties: {
    securityRules: [
      {
        name: 'SSH_VNET'
        properties: {
          protocol: 'Tcp'
          sourcePortRange: '*'
          destinationPortRange: '22'
          sourceAddressPrefix: 'VirtualNetwork'
          destinationAddressPrefix: '*'
          access: 'Allow'
          priority: 4000
          direction: 'Inbound'
        }
      }
      {
        name: 'ICMP_VNET'
        properties: {
          protocol: 'Icmp'
          sourcePortRange: '*'
          destinationPortRange: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          destinationAddressPrefix: '*'
          access: 'Allow'
          priority: 4001
          direction: 'Inbound'
        }
      }
      {
        name: 'Zscaler_Support_Access'
        properties: {
          protocol: 'Tcp'
          sourcePortRange: '*'
          destinationPortRange: '12002'
          sourceAddressPrefix: '*'
          destinationAddressPrefix: supportServerAddress
          access: (supportAccess ? 'Allow' : 'Deny')
          priority: 3000
          direction: 'Outbound'
        }
      }
      {
        name: 'OUTBOUND'
        properties: {
          protocol: '*'
          sourcePortRange: '*'
          destinationPortRange: '*'
          sourceAddressPrefix: '*'
          destinationAddressPrefix: '*'
          access: 'Allow'
          priority: 4000
          direction: 'Outbound'
        }
      }
    ]
  }
}

resource serviceNsg 'Microsoft.Network/networkSecurityGroups@2025-07-01' = if (empty(existingServiceNsgId)) {
  name: '${namePrefix}-cc-service-nsg-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Network/networkSecurityGroups') ? tagsByResource['Microsoft.Network/networkSecurityGroups'] : {}), {
    Vendor: 'Zscaler'
  })
  properties: {
    securityRules: [
      {
        name: 'ALL_VNET'
        properties: {
          protocol: '*'
          sourcePortRange: '*'
          destinationPortRange: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          destinationAddressPrefix: '*'
          access: 'Allow'
          priority: 4000
          direction: 'Inbound'
        }
      }
      {
        name: 'OUTBOUND'
        properties: {
          protocol: '*'
          sourcePortRange: '*'
          destinationPortRange: '*'
          sourceAddressPrefix: '*'
          destinationAddressPrefix: '*'
          access: 'Allow'
          priority: 4000
          direction: 'Outbound'
        }
      }
    ]
  }
}

resource applianceRouteTable 'Microsoft.Network/routeTables@2025-07-01' = {
  name: '${namePrefix}-cc-rt-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Network/routeTables') ? tagsByResource['Microsoft.Network/routeTables'] : {}), {
    Vendor: 'Zscaler'
  })
  properties: {
    disableBgpRoutePropagation: false
    routes: [
      {
        name: 'default-route'
        properties: {
          addressPrefix: '0.0.0.0/0'
          nextHopType: 'Internet'
        }
      }
    ]
  }
}

resource natPublicIp 'Microsoft.Network/publicIPAddresses@2025-07-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-public-ip-${i + 1}-${nameSuffix}'
    location: location
    tags: union((contains(tagsByResource, 'Microsoft.Network/publicIPAddresses') ? tagsByResource['Microsoft.Network/publicIPAddresses'] : {}), {
      Vendor: 'Zscaler'
    })
    sku: {
      name: 'Standard'
      tier: 'Regional'
    }
    zones: (useZones ? [
      zones[i]
    ] : null)
    properties: {
      publicIPAllocationMethod: 'Static'
      publicIPAddressVersion: 'IPv4'
      idleTimeoutInMinutes: 30
    }
  }
]

resource natGateway 'Microsoft.Network/natGateways@2025-07-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-ngw-${i + 1}-${nameSuffix}'
    location: location
    tags: union((contains(tagsByResource, 'Microsoft.Network/natGateways') ? tagsByResource['Microsoft.Network/natGateways'] : {}), {
      Vendor: 'Zscaler'
    })
    sku: {
      name: 'Standard'
    }
    zones: (useZones ? [
      zones[i]
    ] : null)
    properties: {
      idleTimeoutInMinutes: 10
      publicIpAddresses: [
        {
          id: natPublicIp[i].id
        }
      ]
    }
  }
]

resource workloadRouteTable 'Microsoft.Network/routeTables@2025-07-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-workload-rt-${i + 1}-${nameSuffix}'
    location: location
    tags: union((contains(tagsByResource, 'Microsoft.Network/routeTables') ? tagsByResource['Microsoft.Network/routeTables'] : {}), {
      Vendor: 'Zscaler'
    })
    properties: {
      disableBgpRoutePropagation: !propagateGatewayRoutes
      routes: [
        {
          name: 'default-route'
          properties: {
            addressPrefix: '0.0.0.0/0'
            nextHopType: 'VirtualAppliance'
            nextHopIpAddress: serviceAddresses[i]
          }
        }
      ]
    }
  }
]

resource vnet 'Microsoft.Network/virtualNetworks@2025-07-01' = {
  name: '${namePrefix}-vnet-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Network/virtualNetworks') ? tagsByResource['Microsoft.Network/virtualNetworks'] : {}), {
    Vendor: 'Zscaler'
  })
  properties: {
    addressSpace: {
      addressPrefixes: [
        vnetAddressPrefix
      ]
    }
    subnets: [
      {
        name: '${namePrefix}-cc-subnet-1-${nameSuffix}'
        properties: {
          addressPrefix: subnetPrefixes.zone1
          natGateway: {
            id: natGateway[0].id
          }
          routeTable: {
            id: applianceRouteTable.id
          }
          defaultOutboundAccess: false
        }
      }
      {
        name: '${namePrefix}-cc-subnet-2-${nameSuffix}'
        properties: {
          addressPrefix: subnetPrefixes.zone2
          natGateway: {
            id: natGateway[1].id
          }
          routeTable: {
            id: applianceRouteTable.id
          }
          defaultOutboundAccess: false
        }
      }
      {
        name: '${namePrefix}-dns-resolver-subnet-${nameSuffix}'
        properties: {
          addressPrefix: subnetPrefixes.dns
          delegations: [
            {
              name: 'Microsoft.Network.dnsResolvers'
              properties: {
                serviceName: 'Microsoft.Network/dnsResolvers'
              }
            }
          ]
          defaultOutboundAccess: false
        }
      }
    ]
  }
}

resource subnet1 'Microsoft.Network/virtualNetworks/subnets@2025-07-01' existing = {
  parent: vnet
  name: '${namePrefix}-cc-subnet-1-${nameSuffix}'
}

resource subnet2 'Microsoft.Network/virtualNetworks/subnets@2025-07-01' existing = {
  parent: vnet
  name: '${namePrefix}-cc-subnet-2-${nameSuffix}'
}

resource dnsSubnet 'Microsoft.Network/virtualNetworks/subnets@2025-07-01' existing = {
  parent: vnet
  name: '${namePrefix}-dns-resolver-subnet-${nameSuffix}'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
  scope: resourceGroup(identitySubscriptionId, identityResourceGroup)
}

resource mgmtNic 'Microsoft.Network/networkInterfaces@2025-07-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-ccvm-${i + 1}-mgmt-nic-${nameSuffix}'
    location: location
    tags: union((contains(tagsByResource, 'Microsoft.Network/networkInterfaces') ? tagsByResource['Microsoft.Network/networkInterfaces'] : {}), {
      Vendor: 'Zscaler'
    })
    properties: {
      enableIPForwarding: false
      enableAcceleratedNetworking: false
      networkSecurityGroup: {
        id: (empty(existingMgmtNsgId) ? mgmtNsg.id : existingMgmtNsgId)
      }
      ipConfigurations: [
        {
          name: 'mgmt-ipconfig'
          properties: {
            privateIPAllocationMethod: 'Dynamic'
            privateIPAddressVersion: 'IPv4'
            subnet: {
              id: subnetIds[i % 2]
            }
            primary: true
          }
        }
      ]
    }
    dependsOn: [
      vnet
    ]
  }
]

resource serviceNic 'Microsoft.Network/networkInterfaces@2025-07-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-ccvm-${i + 1}-fwd-nic-${nameSuffix}'
    location: location
    tags: union((contains(tagsByResource, 'Microsoft.Network/networkInterfaces') ? tagsByResource['Microsoft.Network/networkInterfaces'] : {}), {
      Vendor: 'Zscaler'
    })
    properties: {
      enableIPForwarding: true
      enableAcceleratedNetworking: acceleratedNetworking
      networkSecurityGroup: {
        id: (empty(existingServiceNsgId) ? serviceNsg.id : existingServiceNsgId)
      }
      ipConfigurations: [
        {
          name: 'fwd-ipconfig'
          properties: {
            privateIPAllocationMethod: 'Static'
            privateIPAddress: serviceAddresses[i]
            privateIPAddressVersion: 'IPv4'
            subnet: {
              id: subnetIds[i % 2]
            }
            primary: true
          }
        }
      ]
    }
    dependsOn: [
      vnet
    ]
  }
]

resource availabilitySet 'Microsoft.Compute/availabilitySets@2026-03-01' = if (!useZones) {
  name: '${namePrefix}-ccvm-availability-set-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Compute/availabilitySets') ? tagsByResource['Microsoft.Compute/availabilitySets'] : {}), {
    Vendor: 'Zscaler'
  })
  sku: {
    name: 'Aligned'
  }
  properties: {
    platformFaultDomainCount: 2
    platformUpdateDomainCount: 5
  }
}

resource ccvm 'Microsoft.Compute/virtualMachines@2026-03-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-ccvm-${i + 1}-${nameSuffix}'
    location: location
    tags: union((contains(tagsByResource, 'Microsoft.Compute/virtualMachines') ? tagsByResource['Microsoft.Compute/virtualMachines'] : {}), (legacyVmNvaTag ? {
      LegacyVMNVA: 'true'
    } : {}), {
      Vendor: 'Zscaler'
    })
    zones: (useZones ? [
      zones[i % 2]
    ] : null)
    plan: {
      name: 'zs_ser_gen1_cc_01'
      publisher: (inChinaCloud ? 'cbcnetworks' : 'zscaler1579058425289')
      product: (inChinaCloud ? 'zscaler-cloud-connector' : 'zia_cloud_connector')
    }
    identity: {
      type: 'UserAssigned'
      userAssignedIdentities: {
        '${identity.id}': {}
      }
    }
    properties: {
      hardwareProfile: {
        vmSize: vmSize
      }
      availabilitySet: (useZones ? null : {
        id: availabilitySet.id
      })
      storageProfile: {
        imageReference: {
          publisher: (inChinaCloud ? 'cbcnetworks' : 'zscaler1579058425289')
          offer: (inChinaCloud ? 'zscaler-cloud-connector' : 'zia_cloud_connector')
          sku: 'zs_ser_gen1_cc_01'
          version: 'latest'
        }
        osDisk: {
          createOption: 'FromImage'
          caching: 'ReadWrite'
          managedDisk: {
            storageAccountType: 'Premium_LRS'
          }
          deleteOption: 'Delete'
        }
      }
      osProfile: {
        computerName: '${namePrefix}-ccvm-${i + 1}-${nameSuffix}'
        adminUsername: adminUsername
        customData: base64('[ZSCALER]\nCC_URL=${ccUrl}\nAZURE_VAULT_URL=${keyVaultUri}\nHTTP_PROBE_PORT=${httpProbePort}\nAZURE_MANAGED_IDENTITY_CLIENT_ID=${identity.properties.clientId}\nFIPS_ENABLED=${(fipsEnabled ? 'True' : 'False')}\n')
        allowExtensionOperations: allowExtensionOperations
        linuxConfiguration: {
          disablePasswordAuthentication: true
          ssh: {
            publicKeys: [
              {
                path: '/home/${adminUsername}/.ssh/authorized_keys'
                keyData: sshPublicKey
              }
            ]
          }
          provisionVMAgent: true
        }
      }
      networkProfile: {
        networkInterfaces: [
          {
            id: mgmtNic[i].id
            properties: {
              primary: true
              deleteOption: 'Delete'
            }
          }
          {
            id: serviceNic[i].id
            properties: {
              primary: false
              deleteOption: 'Delete'
            }
          }
        ]
      }
      securityProfile: {
        encryptionAtHost: encryptionAtHost
      }
      diagnosticsProfile: {
        bootDiagnostics: {
          enabled: true
        }
      }
      userData: base64('[ZSCALER]\nCC_URL=${ccUrl}\nAZURE_VAULT_URL=${keyVaultUri}\nHTTP_PROBE_PORT=${httpProbePort}\nAZURE_MANAGED_IDENTITY_CLIENT_ID=${identity.properties.clientId}\nFIPS_ENABLED=${(fipsEnabled ? 'True' : 'False')}\n')
    }
  }
]

resource dnsResolver 'Microsoft.Network/dnsResolvers@2025-05-01' = {
  name: '${namePrefix}-dns-resolver-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Network/dnsResolvers') ? tagsByResource['Microsoft.Network/dnsResolvers'] : {}), {
    Vendor: 'Zscaler'
  })
  properties: {
    virtualNetwork: {
      id: vnet.id
    }
  }
}

resource dnsOutboundEndpoint 'Microsoft.Network/dnsResolvers/outboundEndpoints@2025-05-01' = {
  parent: dnsResolver
  name: '${namePrefix}-dns-outbound-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Network/dnsResolvers') ? tagsByResource['Microsoft.Network/dnsResolvers'] : {}), {
    Vendor: 'Zscaler'
  })
  properties: {
    subnet: {
      id: dnsSubnet.id
    }
  }
}

resource dnsForwardingRuleset 'Microsoft.Network/dnsForwardingRulesets@2025-05-01' = {
  name: '${namePrefix}-zpa-ruleset-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Network/dnsForwardingRulesets') ? tagsByResource['Microsoft.Network/dnsForwardingRulesets'] : {}), {
    Vendor: 'Zscaler'
  })
  properties: {
    dnsResolverOutboundEndpoints: [
      {
        id: dnsOutboundEndpoint.id
      }
    ]
  }
}

resource zpaForwardingRule 'Microsoft.Network/dnsForwardingRulesets/forwardingRules@2025-05-01' = [
  for i in range(0, length(zpaDomains)): {
    parent: dnsForwardingRuleset
    name: 'zpa-${i + 1}'
    properties: {
      domainName: zpaDomains[i]
      targetDnsServers: [
        {
          ipAddress: serviceAddresses[0]
          port: 53
        }
        {
          ipAddress: serviceAddresses[1]
          port: 53
        }
      ]
      forwardingRuleState: 'Enabled'
    }
  }
]

resource zpaVnetLink 'Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks@2025-05-01' = {
  parent: dnsForwardingRuleset
  name: '${namePrefix}-vnet-link-${nameSuffix}'
  properties: {
    virtualNetwork: {
      id: vnet.id
    }
  }
}

resource partnerCenterTracking 'Microsoft.Resources/deployments@2025-04-01' = {
  name: 'pid-6a357855-14c7-4d01-8297-0bb7ebb133a1-partnercenter'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: []
    }
  }
}

@description('The suffix of every name: give it as nameSuffix to update these resources later.')
output resourceNameSuffix string = nameSuffix

@description('VM (and host) name of each appliance, in appliance order.')
output applianceNames array = [for i in range(0, 2): '${namePrefix}-ccvm-${i + 1}-${nameSuffix}']

@description('Management NIC address of each appliance, in appliance order.')
output managementIps array = [for i in range(0, 2): mgmtNic[i].properties.ipConfigurations[0].properties.privateIPAddress]

@description('Service NIC address of each appliance, in appliance order.')
output serviceIps array = [for i in range(0, 2): serviceNic[i].properties.ipConfigurations[0].properties.privateIPAddress]

@description('The virtual network this deployment created: peer workload (spoke) VNets with it and attach the workload route table to their subnets.')
output virtualNetworkId string = vnet.id

@description('The zone subnets of the appliances, in slot order (their NAT gateways are associated).')
output applianceSubnetIds array = [
  subnet1.id
  subnet2.id
]

@description('The NAT gateway of each zone slot, in slot order.')
output natGatewayIds array = [
  natGateway[0].id
  natGateway[1].id
]

@description('Public IP of each zone slot\'s NAT gateway (allow-list these at Zscaler).')
output natPublicIps array = [for i in range(0, 2): natPublicIp[i].properties.ipAddress]

@description('The DNS Private Resolver (ZPA).')
output dnsResolverId string = dnsResolver.id

@description('The ZPA forwarding ruleset, linked to this virtual network. Link workload (spoke) VNets to it too (az dns-resolver vnet-link create) so their ZPA queries reach the appliances.')
output dnsForwardingRulesetId string = dnsForwardingRuleset.id

@description('Workload route table of each zone slot, sending 0.0.0.0/0 to that slot\'s appliance: attach it to workload subnets of that zone.')
output routeTableIds array = [for i in range(0, 2): workloadRouteTable[i].id]

@description('Associate each with workload subnets only, never with the appliances\' subnets.')
output routeTableAssociationCommands array = [for i in range(0, 2): 'az network vnet subnet update --resource-group <WORKLOAD_RG> --vnet-name <WORKLOAD_VNET> --name <WORKLOAD_SUBNET> --route-table ${workloadRouteTable[i].id}']
