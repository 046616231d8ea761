metadata description = 'A generic two-NIC network virtual appliance in an existing VNet.'

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Prefix of resource names.')
@maxLength(12)
param namePrefix string = 'nva'

@description('Existing virtual network.')
param vnetName string

@description('Resource group of the virtual network.')
param vnetResourceGroup string = resourceGroup().name

@description('Existing subnet for management NICs.')
param mgmtSubnetName string

@description('Existing subnet for data NICs (and the LB).')
param dataSubnetName string

@description('VM size.')
@allowed([
  'Standard_D2s_v5'
  'Standard_D4s_v5'
  'Standard_D2as_v5'
])
param vmSize string = 'Standard_D2s_v5'

@description('Administrator user (SSH key only).')
param adminUsername string = 'azureuser'

@description('Administrator\'s SSH public key.')
param sshPublicKey string

@description('Tags per resource type.')
param tagsByResource object = {}

var zones = [
  '1'
  '2'
]

resource vnet 'Microsoft.Network/virtualNetworks@2025-07-01' existing = {
  name: vnetName
  scope: resourceGroup(vnetResourceGroup)
}

resource mgmtSubnet 'Microsoft.Network/virtualNetworks/subnets@2025-07-01' existing = {
  parent: vnet
  name: mgmtSubnetName
}

resource dataSubnet 'Microsoft.Network/virtualNetworks/subnets@2025-07-01' existing = {
  parent: vnet
  name: dataSubnetName
}

resource lb 'Microsoft.Network/loadBalancers@2025-07-01' = {
  name: '${namePrefix}-ilb'
  location: location
  tags: (contains(tagsByResource, 'Microsoft.Network/loadBalancers') ? tagsByResource['Microsoft.Network/loadBalancers'] : {})
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    frontendIPConfigurations: [
      {
        name: 'frontend'
        zones: [
          '1'
          '2'
        ]
        properties: {
          privateIPAllocationMethod: 'Dynamic'
          privateIPAddressVersion: 'IPv4'
          subnet: {
            id: dataSubnet.id
          }
        }
      }
    ]
    backendAddressPools: [
      {
        name: 'backend'
      }
    ]
    probes: [
      {
        name: 'probe'
        properties: {
          protocol: 'Tcp'
          port: 22
          intervalInSeconds: 5
          numberOfProbes: 2
          probeThreshold: 2
        }
      }
    ]
    loadBalancingRules: [
      {
        name: 'ha-ports'
        properties: {
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', '${namePrefix}-ilb', 'frontend')
          }
          backendAddressPool: {
            id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', '${namePrefix}-ilb', 'backend')
          }
          probe: {
            id: resourceId('Microsoft.Network/loadBalancers/probes', '${namePrefix}-ilb', 'probe')
          }
          protocol: 'All'
          frontendPort: 0
          backendPort: 0
          enableFloatingIP: true
          loadDistribution: 'Default'
        }
      }
    ]
  }
}

resource lbPool 'Microsoft.Network/loadBalancers/backendAddressPools@2025-07-01' existing = {
  parent: lb
  name: 'backend'
}

resource mgmtNic 'Microsoft.Network/networkInterfaces@2025-07-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-vm-${i + 1}-mgmt'
    location: location
    tags: (contains(tagsByResource, 'Microsoft.Network/networkInterfaces') ? tagsByResource['Microsoft.Network/networkInterfaces'] : {})
    properties: {
      enableIPForwarding: false
      enableAcceleratedNetworking: false
      ipConfigurations: [
        {
          name: 'ipconfig1'
          properties: {
            privateIPAllocationMethod: 'Dynamic'
            privateIPAddressVersion: 'IPv4'
            subnet: {
              id: mgmtSubnet.id
            }
            primary: true
          }
        }
      ]
    }
  }
]

resource dataNic 'Microsoft.Network/networkInterfaces@2025-07-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-vm-${i + 1}-data'
    location: location
    tags: (contains(tagsByResource, 'Microsoft.Network/networkInterfaces') ? tagsByResource['Microsoft.Network/networkInterfaces'] : {})
    properties: {
      enableIPForwarding: true
      enableAcceleratedNetworking: true
      ipConfigurations: [
        {
          name: 'ipconfig1'
          properties: {
            privateIPAllocationMethod: 'Dynamic'
            privateIPAddressVersion: 'IPv4'
            subnet: {
              id: dataSubnet.id
            }
            primary: true
            loadBalancerBackendAddressPools: [
              {
                id: lbPool.id
              }
            ]
          }
        }
      ]
    }
  }
]

resource vm 'Microsoft.Compute/virtualMachines@2026-03-01' = [
  for i in range(0, 2): {
    name: '${namePrefix}-vm-${i + 1}'
    location: location
    tags: (contains(tagsByResource, 'Microsoft.Compute/virtualMachines') ? tagsByResource['Microsoft.Compute/virtualMachines'] : {})
    zones: [
      zones[i % 2]
    ]
    properties: {
      hardwareProfile: {
        vmSize: vmSize
      }
      storageProfile: {
        imageReference: {
          publisher: 'Canonical'
          offer: 'ubuntu-24_04-lts'
          sku: 'server'
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
        computerName: '${namePrefix}-vm-${i + 1}'
        adminUsername: adminUsername
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
              deleteOption: 'Detach'
            }
          }
          {
            id: dataNic[i].id
            properties: {
              primary: false
              deleteOption: 'Detach'
            }
          }
        ]
      }
      diagnosticsProfile: {
        bootDiagnostics: {
          enabled: true
        }
      }
    }
  }
]

@description('Next hop for workload routes.')
output lbFrontendIp string = lb.properties.frontendIPConfigurations[0].properties.privateIPAddress

@description('Data NIC address of each appliance.')
output dataIps array = [for i in range(0, 2): dataNic[i].properties.ipConfigurations[0].properties.privateIPAddress]
