"""The built-in ``cloud-connector`` offer: Zscaler-Cloud-Connector-style appliances, brownfield.

What it deploys (faithful to Zscaler's reference architecture and its Terraform modules, see
``../shared/reference/cloud-connector-and-peers.md``):

* ``appliancesPerZone`` appliances in each build-time zone slot (default 2 x zones 1 and 2).
  Appliance ``i`` (0-based) goes to slot ``i mod nSlots``: that slot's zone and that slot's
  existing subnet (parameters ``zone1SubnetName``, ``zone2SubnetName``, ...; one ``subnetName``
  when the build has no zones). Management and service NIC share the slot's subnet, as Zscaler
  does by default.
* Zones are decided at deploy time: where ``pickZones('Microsoft.Compute', 'virtualMachines',
  location)`` is empty the VMs get no zones and join an availability set (created only then).
  A build with ``zones: []`` always uses the availability set.
* Each appliance: NIC #1 management (no IP forwarding, no accelerated networking), NIC #2
  service (IP forwarding, accelerated networking); Zscaler's NSG rules or bring-your-own NSGs;
  SSH key only (user ``zsroot``); Premium SSD; managed boot diagnostics; the Marketplace image
  with its plan; bootstrap INI in user data AND custom data (Zscaler sets both: user data for
  newer images, custom data as the fallback) with the provisioning URL, Key Vault URL, probe
  port, the existing user-assigned identity's client id and ``FIPS_ENABLED``. The identity may
  live in another resource group or subscription of the tenant, as Zscaler's identity module
  allows. No secret ever enters the template: credentials stay in Key Vault.
* HA variant: internal Standard load balancer (frontend in slot 1's subnet, zonal with one build
  zone, else zone-redundant over zones 1-3 as Zscaler's module sets it, non-zonal where the region
  has none), HA-ports
  rule with floating IP, HTTP probe ``/?cchealth`` on ``httpProbePort`` (probe threshold 2,
  number of probes 1, interval 15 s: Zscaler's module defaults), load distribution Default,
  SourceIP or SourceIPProtocol. Standalone variant: no load balancer.
* A workload route table ``0.0.0.0/0 -> VirtualAppliance`` (the LB frontend in HA, the first
  appliance's service IP in standalone, as Zscaler's modules do), created but associated with
  nothing.
* Optionally a NAT gateway with a zonal Standard public IP per zone slot.
* ``LegacyVMNVA`` tag on the VMs (MANA opt-out), tags per resource type, and the ``pid-``
  usage-attribution deployment.

Brownfield decisions (state them in the README):

* The template never declares ``Microsoft.Network/virtualNetworks`` or ``.../subnets``: the VNet
  and subnets are ``existing`` references only, so a deployment cannot redeploy (and strip) them.
* **The NAT gateways are NOT associated with the existing subnets.** Associating means a PUT of
  the customer's subnet, which must reproduce every other property (NSG, route table, service
  endpoints, delegations, private-endpoint policies, default outbound access, ...) read at
  deploy time, races with the customer's own changes, and is undone by the next deployment of
  whoever owns the VNet. Instead the template outputs the exact ``az network vnet subnet update
  --nat-gateway`` command per subnet (``natGatewayAssociationCommands``). The same goes for the
  workload route table (``routeTableAssociationCommand``); never associate it with the
  appliances' own subnets (routing loop).

The tracking GUID defaults to :data:`TRACKING_GUID`, armgen's own for this offer; a publisher
sets the build option ``trackingGuid`` to the GUID of their Partner Center plan, so the
``pid-<GUID>-partnercenter`` deployment attributes usage to them.
"""

from __future__ import annotations

import re
from typing import Any

from armgen import expr as E
from armgen.errors import InputError
from armgen.offers import COMMON_DEFAULTS, Offer
from armgen.resources import compute, deployments, identity, network
from armgen.resources.common import child_ref, tags_for
from armgen.template import Copy, Resource, Template

NAME = "cloud-connector"
TRACKING_GUID = "6a357855-14c7-4d01-8297-0bb7ebb133a1"
IMAGE = compute.Image(publisher="zscaler1579058425289", offer="zia_cloud_connector", sku="zs_ser_gen1_cc_01")
VM_SIZES = ["Standard_D2s_v3", "Standard_DS2_v2", "Standard_DS3_v2", "Standard_D2ds_v5", "Standard_D2ads_v5"]
DEFAULT_VM_SIZE = "Standard_D2s_v3"  # the seed's size; Zscaler's Terraform now defaults to D2ds_v5
ADMIN_USERNAME = "zsroot"
HTTP_PROBE_PORT = 50000
PROBE_PATH = "/?cchealth"
#: A zone-redundant load balancer frontend lists every zone (Zscaler sets exactly this).
LB_ZONE_REDUNDANT = ("1", "2", "3")
SUPPORT_SERVER = "199.168.148.101"  # Zscaler remote support (remotesupport.<cloud>), TCP 12002
ZONE_VALUES = ("1", "2", "3")

#: Port 80 or 1024-65535, as Zscaler's module validates it.
PROBE_PORT_REGEX = (
    r"^(80|102[4-9]|10[3-9][0-9]|1[1-9][0-9]{2}|[2-9][0-9]{3}|[1-5][0-9]{4}|6[0-4][0-9]{3}"
    r"|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$"
)
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
#: An IPv4 address or CIDR without leading zeros (an NSG rule refuses "010.1.1.1").
SUPPORT_SERVER_REGEX = rf"^({_OCTET}\.){{3}}{_OCTET}(/([0-9]|[12][0-9]|3[0-2]))?$"
#: Zscaler's provisioning URL: host (optional https://, optional port) and path, no spaces.
CC_URL_REGEX = (
    r"^(https://)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(:[0-9]{1,5})?(/[^\s]*)?$"
)
#: Key Vault DNS suffixes of the clouds with a Marketplace (public, Azure Government, Azure China).
VAULT_SUFFIXES = ("vault.azure.net", "vault.usgovcloudapi.net", "vault.azure.cn")
#: ``https://<vault>.<suffix>`` with an optional trailing slash. A vault name is 3-24 letters, digits
#: and hyphens, starts with a letter, ends with a letter or digit, and has no "--".
KEY_VAULT_URL_REGEX = (
    r"^https://(?=[A-Za-z0-9-]{3,24}\.)[A-Za-z](-?[A-Za-z0-9])+\.("
    + "|".join(x.replace(".", r"\.") for x in VAULT_SUFFIXES)
    + r")/?$"
)

BOOTSTRAP_INI = (
    "[ZSCALER]\n"
    "CC_URL={0}\n"
    "AZURE_VAULT_URL={1}\n"
    "HTTP_PROBE_PORT={2}\n"
    "AZURE_MANAGED_IDENTITY_CLIENT_ID={3}\n"
    "FIPS_ENABLED={4}\n"
)

DEFAULTS: dict[str, Any] = {**COMMON_DEFAULTS, "trackingGuid": TRACKING_GUID}


def _check_options(o: dict[str, Any]) -> None:
    """Sanity checks for Python API callers (the CLI validated against the options schema already)."""
    if o["variant"] not in ("ha", "standalone"):
        raise InputError(f"variant must be 'ha' or 'standalone', not {o['variant']!r}", path="$.variant")
    zones = o["zones"]
    if not isinstance(zones, list) or any(z not in ZONE_VALUES for z in zones) or len(set(zones)) != len(zones):
        raise InputError(f"zones must be distinct values of {list(ZONE_VALUES)}, got {zones!r}", path="$.zones")
    n = o["appliancesPerZone"]
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10:
        raise InputError(f"appliancesPerZone must be an integer 1-10, got {n!r}", path="$.appliancesPerZone")
    if not isinstance(o["natGateway"], bool):
        raise InputError("natGateway must be true or false", path="$.natGateway")
    if not isinstance(o["namePrefix"], str) or not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9-]{0,11}", o["namePrefix"]):
        raise InputError("namePrefix: 1-12 letters, digits or '-', starting with a letter", path="$.namePrefix")


def build(options: dict[str, Any]) -> Template:
    """The offer's template for resolved ``options`` (see :data:`DEFAULTS`)."""
    _check_options(options)
    ha = options["variant"] == "ha"
    zones: list[str] = list(options["zones"])
    per_zone: int = options["appliancesPerZone"]
    slots = max(1, len(zones))
    count = slots * per_zone

    steps = [
        {"name": "network", "label": "Networking", "subLabel": {"preValidation": "Existing VNet and subnets",
                                                               "postValidation": "Done"}},
        {"name": "appliance", "label": "Appliances"},
        {"name": "bootstrap", "label": "Provisioning"},
    ]
    if ha:
        steps.append({"name": "loadBalancer", "label": "Load balancer"})
    steps.append({"name": "tags", "label": "Tags"})
    zone_text = ", ".join(zones) if zones else "none (availability set)"
    t = Template(
        description=(
            f"Cloud Connector appliances ({options['variant']}, {per_zone} per zone, zones: {zone_text}) "
            "deployed into an existing virtual network."
        ),
        ui={"title": "Cloud Connector", "steps": steps},
    )

    # --- parameters --------------------------------------------------------------------------
    location = t.param("location", "string", default=E.resource_group().location,
                       description="Azure region of every resource; defaults to the resource group's region.")
    prefix = t.param(
        "namePrefix", "string", default=options["namePrefix"], min_length=1, max_length=12,
        description="Prefix of every resource name (e.g. <prefix>-ccvm-1).",
        ui={"step": "basics", "label": "Name prefix", "control": "text",
            "toolTip": "Up to 12 letters, digits or hyphens; resource names are <prefix>-ccvm-<n> etc.",
            "regex": "^[a-zA-Z][a-zA-Z0-9-]{0,11}$",
            "validationMessage": "1-12 letters, digits or hyphens, starting with a letter."},
    )

    vnet_name = t.param(
        "vnetName", "string", description="Name of the existing virtual network the appliances join.",
        ui={"step": "network", "control": "vnet", "part": "name", "label": "Virtual network",
            "toolTip": ("An existing virtual network in the region chosen on Basics (only those are listed); "
                        "it is referenced, never modified.")},
    )
    vnet_rg = t.param(
        "vnetResourceGroup", "string", default=E.resource_group().prop("name"),
        description="Resource group of the existing virtual network (may differ from the deployment's).",
        ui={"step": "network", "control": "vnet", "part": "resourceGroup", "label": "Virtual network",
            "toolTip": "Taken from the selected virtual network."},
    )
    subnet_params = []
    for k in range(1, slots + 1):
        zone_label = f"zone {zones[k - 1]}" if zones else "the appliances"
        frontend = ha and k == 1
        needed = 2 * per_zone + (1 if frontend else 0)
        name = f"zone{k}SubnetName" if zones else "subnetName"
        subnet_params.append(t.param(
            name, "string",
            description=(f"Existing subnet for the appliances of {zone_label} (management and service NICs"
                         + (", and the load balancer frontend)." if ha and k == 1 else ").")),
            ui={"step": "network", "control": "subnet", "slot": f"zone{k}", "label": f"Subnet for {zone_label}",
                "toolTip": (f"A /28 or larger subnet with at least {needed} free addresses ({2 * per_zone} NICs"
                            + (" and the load balancer frontend" if frontend else "")
                            + "). Only subnets that qualify are listed; the subnet is not modified."),
                "minAddressPrefixSize": "/28", "minAddressCount": needed},
        ))
    mgmt_nsg_param = t.param(
        "existingMgmtNsgId", "string", default="",
        description=("Resource id of an existing NSG for the management NICs; empty creates one with Zscaler's "
                     "management rules."),
        ui={"step": "network", "control": "resourceId", "resourceType": network.NSG, "label": "Management NSG",
            "labels": {"new": "Create one with Zscaler's management rules", "existing": "Use an existing NSG"},
            "selectorLabel": "Existing management NSG",
            "toolTip": ("For the management NICs. Zscaler's rules allow SSH and ICMP from the virtual network, "
                        "TCP 12002 to Zscaler support and all other outbound traffic.")},
    )
    support_server = t.param(
        "supportServerAddress", "string", default=SUPPORT_SERVER,
        description=("IPv4 address (or CIDR) of Zscaler's remote-support server, which the created management "
                     "NSG lets the appliances reach on TCP 12002."),
        ui={"step": "network", "control": "text", "label": "Zscaler support server address",
            "toolTip": ("The IPv4 address of remotesupport.<your Zscaler cloud> (199.168.148.101 for most clouds). "
                        "Used only by a management NSG this template creates."),
            "regex": SUPPORT_SERVER_REGEX,
            "validationMessage": "An IPv4 address such as 199.168.148.101, or a CIDR such as 199.168.148.0/24."},
    )

    svc_nsg_param = t.param(
        "existingServiceNsgId", "string", default="",
        description=("Resource id of an existing NSG for the service NICs; empty creates one with Zscaler's "
                     "service rules (all traffic from the virtual network)."),
        ui={"step": "network", "control": "resourceId", "resourceType": network.NSG, "label": "Service NSG",
            "labels": {"new": "Create one with Zscaler's service rules", "existing": "Use an existing NSG"},
            "selectorLabel": "Existing service NSG",
            "toolTip": ("For the service NICs. Zscaler's rules allow all traffic from the virtual network and all "
                        "outbound traffic. An existing NSG must keep allowing the load balancer's health probe "
                        "(service tag AzureLoadBalancer) to the probe port.")},
    )

    vm_size = t.param(
        "vmSize", "string", default=DEFAULT_VM_SIZE, allowed_values=list(VM_SIZES),
        description="VM size of the appliances (2 NICs, accelerated networking).",
        ui={"step": "appliance", "control": "size", "label": "Appliance size", "osPlatform": "Linux",
            "imageReference": {"publisher": IMAGE.publisher, "offer": IMAGE.offer, "sku": IMAGE.sku},
            "toolTip": ("Sizes Zscaler supports for Cloud Connector. The reference architecture recommends "
                        "Standard_D2s_v3; Zscaler's current modules default to Standard_D2ds_v5 in public Azure "
                        "and keep the v3/DSv2 sizes for Azure China.")},
    )
    admin_user = t.param(
        "adminUsername", "string", default=ADMIN_USERNAME, min_length=1, max_length=32,
        description="Administrator user name on the appliances (SSH key only).",
        ui={"step": "appliance", "control": "username", "label": "Administrator user name",
            "toolTip": ("Zscaler's Cloud Connector images are administered as zsroot (the template's default); "
                        "enter zsroot unless Zscaler tells you otherwise."),
            "regex": "^[a-z_][a-z0-9_-]{0,31}$", "validationMessage": "A Linux user name (lower case)."},
    )
    ssh_key = t.param(
        "sshPublicKey", "string",
        description="SSH public key of the administrator (the only way to log in).",
        ui={"step": "appliance", "control": "sshKey", "label": "SSH public key",
            "toolTip": "OpenSSH public key; the appliances accept key-based login only."},
    )
    legacy_tag = t.param(
        "legacyVmNvaTag", "bool", default=True,
        description="Tag the VMs LegacyVMNVA=true (opts the appliances out of MANA hosts; Zscaler sets it).",
        ui={"step": "appliance", "control": "checkbox", "label": "Apply LegacyVMNVA tag",
            "toolTip": ("Opts the appliances out of Azure Boost (MANA) hosts, as Zscaler's templates do. Keep it on "
                        "until Zscaler supports MANA.")},
    )

    encryption_at_host = t.param(
        "encryptionAtHost", "bool", default=False,
        description=("Encrypt the VMs' disks and caches at the host. Needs the subscription feature "
                     "Microsoft.Compute/EncryptionAtHost registered, hence off by default."),
        ui={"step": "appliance", "control": "checkbox", "label": "Encryption at host",
            "toolTip": "Register Microsoft.Compute/EncryptionAtHost in the subscription first."},
    )
    allow_extensions = t.param(
        "allowExtensionOperations", "bool", default=False,
        description="Allow VM extensions and Run Command on the appliances (the appliance does not use them).",
        ui={"step": "appliance", "control": "checkbox", "label": "Allow VM extensions",
            "toolTip": "Off keeps extensions and Run Command off the appliance VMs."},
    )

    cc_url = t.param(
        "ccUrl", "string", min_length=1,
        description=("Provisioning URL of a Cloud Connector provisioning template in the Zscaler portal "
                     "(e.g. connector.zscaler.net/api/v1/provUrl?name=azure_prov_url)."),
        ui={"step": "bootstrap", "control": "text", "label": "Provisioning URL",
            "toolTip": ("From the Cloud Connector provisioning template in the Zscaler portal, e.g. "
                        "connector.zscaler.net/api/v1/provUrl?name=azure_prov_url. Its template must be for "
                        "the VM size chosen here."),
            "regex": CC_URL_REGEX,
            "validationMessage": "A host name with an optional https://, port and path, without spaces."},
    )
    vault_url = t.param(
        "keyVaultUrl", "string", min_length=1,
        description=("URL of the Key Vault that holds the Cloud Connector credentials, e.g. "
                     "https://<vault>.vault.azure.net/ (vault.usgovcloudapi.net, vault.azure.cn in other clouds)."),
        ui={"step": "bootstrap", "control": "text", "label": "Key Vault URL",
            "toolTip": ("The vault's URI, e.g. https://<vault>.vault.azure.net/ (Azure Government: "
                        ".vault.usgovcloudapi.net, Azure China: .vault.azure.cn). It holds the Cloud Connector "
                        "credentials; the managed identity needs Get and List on its secrets."),
            "regex": KEY_VAULT_URL_REGEX,
            "validationMessage": ("https://<vault name>.vault.azure.net/ (or .vault.usgovcloudapi.net, "
                                  ".vault.azure.cn); a vault name is 3-24 letters, digits and single hyphens, "
                                  "starting with a letter.")},
    )
    identity_tip = ("An existing user-assigned managed identity. It needs Get and List on the Key Vault's secrets "
                    "and Network Contributor (at least Microsoft.Network/networkInterfaces/read) on this "
                    "subscription or resource group, and you need Managed Identity Operator on it to assign "
                    "it. One with a Regional isolation scope must be in the appliances' region.")
    identity_name = t.param(
        "identityName", "string", min_length=3, max_length=128,
        description=("Name of the existing user-assigned managed identity the appliances use: Get and List on the "
                     "Key Vault's secrets, Network Contributor (at least networkInterfaces/read) on the subscription "
                     "or resource group. The deploying user needs Managed Identity Operator on it."),
        ui={"step": "bootstrap", "control": "identity", "part": "name", "label": "Managed identity",
            "toolTip": identity_tip},
    )
    identity_rg = t.param(
        "identityResourceGroup", "string", default=E.resource_group().prop("name"), min_length=1, max_length=90,
        description="Resource group of the existing managed identity; defaults to the deployment's.",
        ui={"step": "bootstrap", "control": "identity", "part": "resourceGroup", "label": "Managed identity",
            "toolTip": "Taken from the selected identity."},
    )
    identity_sub = t.param(
        "identitySubscriptionId", "string", default=E.subscription().subscriptionId, min_length=36, max_length=36,
        description=("Subscription of the existing managed identity (same tenant); defaults to the deployment's. "
                     "Zscaler's modules allow an identity in another subscription too."),
        ui={"step": "bootstrap", "control": "identity", "part": "subscriptionId", "label": "Managed identity",
            "toolTip": "Taken from the selected identity."},
    )
    probe_port = t.param(
        "httpProbePort", "int", default=HTTP_PROBE_PORT, min_value=80, max_value=65535,
        description="Port the appliances answer health probes on (80 or 1024-65535).",
        ui={"step": "bootstrap", "control": "text", "label": "HTTP probe port",
            "toolTip": ("The appliance answers HTTP 200 on /?cchealth on this port when healthy (503 or nothing "
                        "when not); the load balancer probes it."),
            "regex": PROBE_PORT_REGEX, "validationMessage": "80 or 1024-65535."},
    )
    fips = t.param(
        "fipsEnabled", "bool", default=False,
        description="Provision the appliances in FIPS mode (FIPS_ENABLED in the bootstrap; new deployments only).",
        ui={"step": "bootstrap", "control": "checkbox", "label": "FIPS mode",
            "toolTip": "Zscaler applies FIPS mode at provisioning only; it cannot be switched on later."},
    )
    if ha:
        probe_interval = t.param(
            "probeIntervalInSeconds", "int", default=15, min_value=5, max_value=300,
            description="Seconds between health probes; two failures take an appliance out (15 s -> 30 s).",
            ui={"step": "loadBalancer", "control": "text", "label": "Probe interval (seconds)",
                "toolTip": "Zscaler's default is 15; Azure allows down to 5 for faster failover.",
                "regex": "^([5-9]|[1-9][0-9]|[12][0-9]{2}|300)$", "validationMessage": "5-300 seconds."},
        )
        load_distribution = t.param(
            "loadDistribution", "string", default="Default", allowed_values=["Default", "SourceIP", "SourceIPProtocol"],
            description=("Load distribution of the HA-ports rule: Default (5-tuple), SourceIP (2-tuple) or "
                         "SourceIPProtocol (3-tuple), the values Zscaler's module allows."),
            ui={"step": "loadBalancer", "control": "dropdown", "label": "Session affinity",
                "labels": {"Default": "None (5-tuple hash)", "SourceIP": "Client IP (2-tuple hash)",
                           "SourceIPProtocol": "Client IP and protocol (3-tuple hash)"},
                "toolTip": ("Default spreads each flow; Client IP keeps all traffic between a workload and a "
                            "destination on one appliance, as the reference architecture describes.")},
        )
    deployed_types = [compute.VM, network.NIC, network.NSG, network.ROUTE_TABLE]
    if ha:
        deployed_types.append(network.LB)
    if options["natGateway"]:
        deployed_types += [network.NAT_GATEWAY, network.PUBLIC_IP]
    deployed_types.append(compute.AVAILABILITY_SET)
    tags = t.param(
        "tagsByResource", "object", default={},
        description="Tags per resource type, e.g. {\"Microsoft.Compute/virtualMachines\": {\"env\": \"prod\"}}.",
        ui={"step": "tags", "control": "tags", "label": "Tags", "resources": sorted(deployed_types),
            "toolTip": "Tags for each type of resource this deployment creates."},
    )

    # --- variables and existing resources ------------------------------------------------------
    use_zones: Any = None
    zones_var: Any = None
    if zones:
        zones_var = t.var("zones", list(zones)).ref
        use_zones = t.var(
            "useZones", E.not_(E.empty(E.pick_zones("Microsoft.Compute", "virtualMachines", location)))).ref

    vnet = t.add(network.existing_virtual_network(symbol="vnet", name=vnet_name, resource_group=vnet_rg))
    subnets = [
        t.add(network.existing_subnet(symbol=f"subnet{k + 1}", vnet=vnet, name=p))
        for k, p in enumerate(subnet_params)
    ]
    uami = t.add(identity.existing_user_assigned_identity(symbol="identity", name=identity_name,
                                                          resource_group=identity_rg, subscription_id=identity_sub))

    def per_slot(values: Any, index: Any = None) -> Any:
        """``values[i mod nSlots]`` for appliance ``i`` (``values[0]`` with one slot)."""
        i = E.copy_index() if index is None else index
        return E.as_expr(values)[0 if slots == 1 else E.mod(i, slots)]

    if slots == 1:
        subnet_of_appliance: Any = subnets[0].id
    else:
        subnet_ids = t.var("subnetIds", [s.id for s in subnets])
        subnet_of_appliance = per_slot(subnet_ids)

    # --- NSGs ------------------------------------------------------------------------------------
    mgmt_nsg = t.add(network.network_security_group(
        symbol="mgmtNsg", name=E.format_("{0}-cc-mgmt-nsg", prefix), location=location,
        tags=tags_for(tags, network.NSG), condition=E.empty(mgmt_nsg_param),
        rules=[
            network.security_rule("SSH_VNET", priority=4000, direction="Inbound", protocol="Tcp",
                                  source="VirtualNetwork", destination_ports="22"),
            network.security_rule("ICMP_VNET", priority=4001, direction="Inbound", protocol="Icmp",
                                  source="VirtualNetwork"),
            network.security_rule("Zscaler_Support_Access", priority=3000, direction="Outbound", protocol="Tcp",
                                  destination=support_server, destination_ports="12002"),
            network.security_rule("OUTBOUND", priority=4000, direction="Outbound"),
        ],
    ))
    svc_nsg = t.add(network.network_security_group(
        symbol="serviceNsg", name=E.format_("{0}-cc-service-nsg", prefix), location=location,
        tags=tags_for(tags, network.NSG), condition=E.empty(svc_nsg_param),
        rules=[
            network.security_rule("ALL_VNET", priority=4000, direction="Inbound", source="VirtualNetwork"),
            network.security_rule("OUTBOUND", priority=4000, direction="Outbound"),
        ],
    ))

    # --- load balancer ---------------------------------------------------------------------------
    lb: Resource | None = None
    pool: Resource | None = None
    if ha:
        lb = t.add(network.internal_load_balancer(
            symbol="lb", name=E.format_("{0}-cc-lb", prefix), location=location,
            tags=tags_for(tags, network.LB),
            subnet_id=subnets[0].id,
            # Zscaler's rule ("follow Azure Network API"): zonal with one build zone, otherwise
            # zone-redundant over all three zones, never a subset.
            frontend_zones=(E.if_(use_zones, E.create_array(*(zones if len(zones) == 1 else LB_ZONE_REDUNDANT)),
                                  E.null()) if zones else None),
            frontend_name="cc-lb-ip", backend_pool_name="cc-lb-backend", probe_name="cc-lb-probe",
            rule_name="cc-lb-rule",
            probe_protocol="Http", probe_port=probe_port, probe_path=PROBE_PATH,
            probe_interval=probe_interval, probe_threshold=2, number_of_probes=1,
            load_distribution=load_distribution, floating_ip=True,
        ))
        pool = t.add(child_ref(lb, "backendAddressPools", network.lb_backend_pool_name(lb), "lbBackendPool"))

    # --- appliances -----------------------------------------------------------------------------
    mgmt_nic = t.add(network.network_interface(
        symbol="mgmtNic", name=E.format_("{0}-ccvm-{1}-mgmt-nic", prefix, E.copy_index(1)), location=location,
        tags=tags_for(tags, network.NIC), copy=Copy("mgmtNicLoop", count),
        subnet_id=subnet_of_appliance, ip_forwarding=False, accelerated_networking=False,
        nsg_id=E.if_(E.empty(mgmt_nsg_param), mgmt_nsg.id, mgmt_nsg_param),
        ip_config_name="mgmt-ipconfig",
    ))
    svc_nic = t.add(network.network_interface(
        symbol="serviceNic", name=E.format_("{0}-ccvm-{1}-fwd-nic", prefix, E.copy_index(1)), location=location,
        tags=tags_for(tags, network.NIC), copy=Copy("serviceNicLoop", count),
        subnet_id=subnet_of_appliance, ip_forwarding=True, accelerated_networking=True,
        nsg_id=E.if_(E.empty(svc_nsg_param), svc_nsg.id, svc_nsg_param),
        backend_pool_ids=[pool.id] if pool is not None else (),
        ip_config_name="fwd-ipconfig",
    ))

    avset = t.add(compute.availability_set(
        symbol="availabilitySet", name=E.format_("{0}-ccvm-availability-set", prefix), location=location,
        tags=tags_for(tags, compute.AVAILABILITY_SET),
        condition=E.not_(use_zones) if zones else None,
    ))
    if zones:
        vm_zones: Any = E.if_(use_zones, E.create_array(per_slot(zones_var)), E.null())
        vm_avset: Any = E.if_(use_zones, E.null(), E.create_object(id=avset.id))
    else:
        vm_zones, vm_avset = None, {"id": avset.id}

    def bootstrap() -> E.Expr:
        # Built per use: reference() may not appear in variables.
        return E.base64(E.format_(BOOTSTRAP_INI, cc_url, vault_url, probe_port, identity.client_id(uami),
                                  E.if_(fips, "True", "False")))

    t.add(compute.linux_vm(
        symbol="ccvm", name=E.format_("{0}-ccvm-{1}", prefix, E.copy_index(1)), location=location,
        tags=tags_for(tags, compute.VM,
                      extra=E.if_(legacy_tag, E.create_object(LegacyVMNVA="true"), E.create_object())),
        copy=Copy("ccvmLoop", count),
        size=vm_size, image=IMAGE, admin_username=admin_user, ssh_public_key=ssh_key,
        nic_ids=[mgmt_nic.id_at(E.copy_index()), svc_nic.id_at(E.copy_index())], nic_delete_option="Delete",
        os_disk_type="Premium_LRS", user_data=bootstrap(), custom_data=bootstrap(),
        zones=vm_zones, availability_set=vm_avset, identity_ids=[uami.id],
        encryption_at_host=encryption_at_host, allow_extension_operations=allow_extensions,
    ))

    # --- NAT gateways (not associated: see the module docstring) ----------------------------------
    pip = nat = None
    if options["natGateway"]:
        slot_zone = E.if_(use_zones, E.create_array(zones_var[E.copy_index()]), E.null()) if zones else None
        pip = t.add(network.public_ip(
            symbol="natPublicIp", name=E.format_("{0}-public-ip-{1}", prefix, E.copy_index(1)), location=location,
            tags=tags_for(tags, network.PUBLIC_IP), copy=Copy("natPublicIpLoop", slots),
            zones=slot_zone, idle_timeout_minutes=30,
        ))
        nat = t.add(network.nat_gateway(
            symbol="natGateway", name=E.format_("{0}-ngw-{1}", prefix, E.copy_index(1)), location=location,
            tags=tags_for(tags, network.NAT_GATEWAY), copy=Copy("natGatewayLoop", slots),
            zones=slot_zone, idle_timeout_minutes=10, public_ip_ids=[pip.id_at(E.copy_index())],
        ))

    # --- workload route table (never associated) ----------------------------------------------------
    next_hop = (network.lb_frontend_ip(lb) if lb is not None
                else svc_nic.props_at(0).ipConfigurations[0].properties.privateIPAddress)
    rt = t.add(network.route_table(
        symbol="workloadRouteTable", name=E.format_("{0}-workload-rt", prefix), location=location,
        tags=tags_for(tags, network.ROUTE_TABLE), disable_bgp_route_propagation=True,
        routes=[network.route("default-route", address_prefix="0.0.0.0/0", next_hop_ip=next_hop)],
    ))

    t.add(deployments.tracking_deployment(options["trackingGuid"]))

    # --- outputs ------------------------------------------------------------------------------------
    if lb is not None and pool is not None:
        t.output("lbFrontendIp", "string", network.lb_frontend_ip(lb),
                 description="Private IP of the load balancer frontend: the next hop for workload routes.")
        t.output("lbBackendPoolId", "string", pool.id,
                 description="The load balancer's backend pool, for service NICs of appliances added later.")
    t.output("applianceNames", "array", E.format_("{0}-ccvm-{1}", prefix, E.copy_index(1)), copy_count=count,
             description="VM (and host) name of each appliance, in appliance order.")
    t.output("managementIps", "array", mgmt_nic.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress,
             copy_count=count, description="Management NIC address of each appliance, in appliance order.")
    t.output("serviceIps", "array", svc_nic.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress,
             copy_count=count, description="Service NIC address of each appliance, in appliance order.")
    if pip is not None and nat is not None:
        t.output("natPublicIps", "array", pip.props_at(E.copy_index()).ipAddress, copy_count=slots,
                 description="Public IP of each zone slot's NAT gateway (allow-list these at Zscaler).")
        t.output(
            "natGatewayAssociationCommands", "array",
            [E.format_("az network vnet subnet update --resource-group {0} --vnet-name {1} --name {2} "
                       "--nat-gateway {3}", vnet_rg, vnet_name, p, nat.id_at(k))
             for k, p in enumerate(subnet_params)],
            description=("Run these to associate each zone slot's NAT gateway with its subnet; the template "
                         "does not modify existing subnets. A command replaces any NAT gateway the subnet already has."),
        )
    t.output("routeTableId", "string", rt.id, description="The workload route table (0.0.0.0/0 to the appliances).")
    t.output(
        "routeTableAssociationCommand", "string",
        E.format_("az network vnet subnet update --resource-group <WORKLOAD_RG> --vnet-name <WORKLOAD_VNET> "
                  "--name <WORKLOAD_SUBNET> --route-table {0}", rt.id),
        description="Associate the route table with workload subnets only, never with the appliances' subnets.",
    )
    return t


OFFER = Offer(
    name=NAME,
    description="Zscaler-Cloud-Connector-style appliances across zones behind an internal LB, into an existing VNet",
    defaults=DEFAULTS,
    builder=build,
)
