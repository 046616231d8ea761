metadata description = 'Cloud Connector appliances (2 per zone behind an internal load balancer, 2 zones chosen at deployment) deployed into an existing virtual network.'

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

@description('Name of the existing virtual network the appliances join.')
param vnetName string

@description('Resource group of the existing virtual network (may differ from the deployment\'s).')
param vnetResourceGroup string = resourceGroup().name

@description('Existing subnet for the first zone\'s appliances (management and service NICs, and the load balancer frontend). Different from every other zone\'s subnet (reference architecture).')
param zone1SubnetName string

@description('Existing subnet for the second zone\'s appliances (management and service NICs). Different from every other zone\'s subnet (reference architecture).')
param zone2SubnetName string

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

@description('Seconds between health probes; two failures take an appliance out (15 s -> 30 s).')
@minValue(5)
@maxValue(300)
param probeIntervalInSeconds int = 15

@description('Load distribution of the HA-ports rule: SourceIP (2-tuple, the reference architecture\'s), Default (5-tuple, Zscaler\'s Terraform\'s) or SourceIPProtocol (3-tuple).')
@allowed([
  'Default'
  'SourceIP'
  'SourceIPProtocol'
])
param loadDistribution string = 'SourceIP'

@description('Tags per resource type, e.g. {"Microsoft.Compute/virtualMachines": {"env": "prod"}}.')
param tagsByResource object = {}

var useZones = !empty(pickZones('Microsoft.Compute', 'virtualMachines', location))

var inChinaCloud = toLower(environment().name) == 'azurechinacloud' || startsWith(toLower(location), 'china')

var keyVaultUri = (startsWith(toLower(keyVaultUrl), 'https://') ? keyVaultUrl : uri('https://${keyVaultUrl}${environment().suffixes.keyvaultDns}', '/'))

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

resource vnet 'Microsoft.Network/virtualNetworks@2025-07-01' existing = {
  name: vnetName
  scope: resourceGroup(vnetResourceGroup)
}

resource subnet1 'Microsoft.Network/virtualNetworks/subnets@2025-07-01' existing = {
  parent: vnet
  name: zone1SubnetName
}

resource subnet2 'Microsoft.Network/virtualNetworks/subnets@2025-07-01' existing = {
  parent: vnet
  name: zone2SubnetName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
  scope: resourceGroup(identitySubscriptionId, identityResourceGroup)
}

resource lb 'Microsoft.Network/loadBalancers@2025-07-01' = {
  name: '${namePrefix}-cc-lb-${nameSuffix}'
  location: location
  tags: union((contains(tagsByResource, 'Microsoft.Network/loadBalancers') ? tagsByResource['Microsoft.Network/loadBalancers'] : {}), {
    Vendor: 'Zscaler'
  })
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    frontendIPConfigurations: [
      {
        name: 'cc-lb-ip'
        zones: (useZones ? [
          '1'
          '2'
          '3'
        ] : null)
        properties: {
          privateIPAllocationMethod: 'Dynamic'
          privateIPAddressVersion: 'IPv4'
          subnet: {
            id: subnet1.id
          }
        }
      }
    ]
    backendAddressPools: [
      {
        name: 'cc-lb-backend'
      }
    ]
    probes: [
      {
        name: 'cc-lb-probe'
        properties: {
          protocol: 'Http'
          port: httpProbePort
          requestPath: '/?cchealth'
          intervalInSeconds: probeIntervalInSeconds
          numberOfProbes: 1
          probeThreshold: 2
        }
      }
    ]
    loadBalancingRules: [
      {
        name: 'cc-lb-rule'
        properties: {
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', '${namePrefix}-cc-lb-${nameSuffix}', 'cc-lb-ip')
          }
          backendAddressPool: {
            id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', '${namePrefix}-cc-lb-${nameSuffix}', 'cc-lb-backend')
          }
          probe: {
            id: resourceId('Microsoft.Network/loadBalancers/probes', '${namePrefix}-cc-lb-${nameSuffix}', 'cc-lb-probe')
          }
          protocol: 'All'
          frontendPort: 0
          backendPort: 0
          enableFloatingIP: true
          loadDistribution: loadDistribution
        }
      }
    ]
  }
}

resource lbBackendPool 'Microsoft.Network/loadBalancers/backendAddressPools@2025-07-01' existing = {
  parent: lb
  name: 'cc-lb-backend'
}

resource mgmtNic 'Microsoft.Network/networkInterfaces@2025-07-01' = [
  for i in range(0, 4): {
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
  }
]

resource serviceNic 'Microsoft.Network/networkInterfaces@2025-07-01' = [
  for i in range(0, 4): {
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
            privateIPAllocationMethod: 'Dynamic'
            privateIPAddressVersion: 'IPv4'
            subnet: {
              id: subnetIds[i % 2]
            }
            primary: true
            loadBalancerBackendAddressPools: [
              {
                id: lbBackendPool.id
              }
            ]
          }
        }
      ]
    }
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
  for i in range(0, 4): {
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

resource workloadRouteTable 'Microsoft.Network/routeTables@2025-07-01' = {
  name: '${namePrefix}-workload-rt-${nameSuffix}'
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
          nextHopIpAddress: lb.properties.frontendIPConfigurations[0].properties.privateIPAddress
        }
      }
    ]
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

@description('Private IP of the load balancer frontend: the next hop for workload routes.')
output lbFrontendIp string = lb.properties.frontendIPConfigurations[0].properties.privateIPAddress

@description('The load balancer\'s backend pool, for service NICs of appliances added later.')
output lbBackendPoolId string = lbBackendPool.id

@description('VM (and host) name of each appliance, in appliance order.')
output applianceNames array = [for i in range(0, 4): '${namePrefix}-ccvm-${i + 1}-${nameSuffix}']

@description('Management NIC address of each appliance, in appliance order.')
output managementIps array = [for i in range(0, 4): mgmtNic[i].properties.ipConfigurations[0].properties.privateIPAddress]

@description('Service NIC address of each appliance, in appliance order.')
output serviceIps array = [for i in range(0, 4): serviceNic[i].properties.ipConfigurations[0].properties.privateIPAddress]

@description('The NAT gateway of each zone slot, in slot order.')
output natGatewayIds array = [
  natGateway[0].id
  natGateway[1].id
]

@description('Public IP of each zone slot\'s NAT gateway (allow-list these at Zscaler).')
output natPublicIps array = [for i in range(0, 2): natPublicIp[i].properties.ipAddress]

@description('Associates each zone slot\'s NAT gateway with its subnet, checking the subnet first and writing it with If-Match. parameters.json holds this deployment\'s parameters, including nameSuffix (the portal\'s download has it). Until then the appliances have no outbound path through the NAT gateways.')
output natGatewayAttachCommand string = 'armgen attach -g ${resourceGroup().name} -p parameters.json   # this deployment\'s parameters, nameSuffix ${nameSuffix}'

@description('The same association with the Azure CLI, one command per zone slot. WARNING: each replaces a NAT gateway the subnet already has, without asking; armgen attach does not.')
output natGatewayAzCommands array = [
  'az network vnet subnet update --resource-group ${vnetResourceGroup} --vnet-name ${vnetName} --name ${zone1SubnetName} --nat-gateway ${natGateway[0].id}   # WARNING: replaces any NAT gateway the subnet already has; prefer armgen attach'
  'az network vnet subnet update --resource-group ${vnetResourceGroup} --vnet-name ${vnetName} --name ${zone2SubnetName} --nat-gateway ${natGateway[1].id}   # WARNING: replaces any NAT gateway the subnet already has; prefer armgen attach'
]

@description('The workload route table (0.0.0.0/0 to the appliances).')
output routeTableId string = workloadRouteTable.id

@description('Associate the route table with workload subnets only, never with the appliances\' subnets.')
output routeTableAssociationCommand string = 'az network vnet subnet update --resource-group <WORKLOAD_RG> --vnet-name <WORKLOAD_VNET> --name <WORKLOAD_SUBNET> --route-table ${workloadRouteTable.id}'
