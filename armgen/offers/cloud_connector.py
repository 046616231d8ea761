"""The built-in ``cloud-connector`` offer: Zscaler-Cloud-Connector-style appliances, brownfield.

What it deploys (faithful to Zscaler's reference architecture, ``../shared/seed/``, and its
Terraform modules, ``../shared/reference/cloud-connector-and-peers.md``; where the two disagree
the reference architecture wins, and the code says so where it happens):

* A number of zone *slots* fixed at build time (``zones``, default two), each with its own
  existing subnet (``zone1SubnetName``, ... or one ``subnetName`` without zones): the reference
  architecture puts the appliances of each zone in a different subnet and gives each zone its
  own NAT gateway to associate with that subnet. *Which* zone each slot uses is chosen at deploy
  time (the ``zones`` parameter; the wizard offers the region's zones, each once, as Check
  Point's does). Where ``pickZones`` finds no zones in the region the VMs join an availability
  set instead; a build with ``zones: []`` always uses one.
* HA variant: ``appliancesPerZone`` appliances per slot (default 2, Zscaler's pairs); appliance
  ``i`` (0-based) goes to slot ``i mod slots``. Internal Standard load balancer (frontend in
  slot 1's subnet, zonal with one slot, else zone-redundant over zones 1-3 as Zscaler's module
  sets it), HA-ports rule with floating IP, HTTP probe ``/?cchealth`` on ``httpProbePort``.
  Standalone variant: one appliance per slot and no load balancer; each slot gets its own
  workload route table to its own appliance (workloads in a zone use that zone's appliance, as
  the reference architecture describes), so no appliance sits idle.
* Each appliance: NIC #1 management (no IP forwarding, no accelerated networking), NIC #2
  service (IP forwarding, accelerated networking unless turned off); Zscaler's NSG rules (the
  support-access rule can be turned off, and then denies) or bring-your-own NSGs; SSH key only
  (user ``zsroot`` unless another is given); Premium SSD; managed boot diagnostics; the
  Marketplace image with its plan (the China image in Azure China regions, as Zscaler's
  Terraform does); bootstrap INI in user data AND custom data with the provisioning URL, Key
  Vault URL, probe port, the existing user-assigned identity's client id and ``FIPS_ENABLED``.
  No secret ever enters the template: credentials stay in Key Vault.
* Every name ends with ``nameSuffix`` (8 characters derived from the resource group and the
  deployment's name, as Zscaler's Terraform adds a random tag): running the wizard again into
  the same resource group adds appliances beside the first ones instead of rewriting them.
* A workload route table ``0.0.0.0/0 -> VirtualAppliance`` (per slot in standalone), created
  but associated with nothing, gateway routes propagating unless turned off.
* Optionally a NAT gateway with a zonal Standard public IP per slot.
* ``LegacyVMNVA`` on the VMs (MANA opt-out), ``Vendor: Zscaler`` and the customer's tags per
  resource type on everything, and the ``pid-`` usage-attribution deployment.

Brownfield decisions (state them in the README):

* The template never declares ``Microsoft.Network/virtualNetworks`` or ``.../subnets``: the VNet
  and subnets are ``existing`` references only, so a deployment cannot redeploy (and strip) them.
* **The NAT gateways are NOT associated with the existing subnets by the template.** That is a
  PUT of the customer's subnet, which must reproduce every other property read at deploy time
  and races with the customer's own changes. ``armgen attach`` does it afterwards, checking
  and with If-Match; the outputs name that command (``natGatewayAttachCommand``) and, for those
  without armgen, the ``az network vnet subnet update --nat-gateway`` commands, each with the
  warning that it replaces a NAT gateway the subnet already has. The workload route table is
  never associated either; never with the appliances' own subnets (routing loop).

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
#: Zscaler's Terraform switches to this image when the region's name starts with "china".
CHINA_IMAGE = compute.Image(publisher="cbcnetworks", offer="zscaler-cloud-connector", sku="zs_ser_gen1_cc_01")
VM_SIZES = ["Standard_D2s_v3", "Standard_DS2_v2", "Standard_DS3_v2", "Standard_D2ds_v5", "Standard_D2ads_v5"]
#: The reference architecture recommends Standard_D2s_v3 ("best performance of 300 Mbps");
#: Zscaler's Terraform now defaults to Standard_D2ds_v5 in public Azure and keeps v3 for Azure
#: China. Where the two disagree the reference architecture wins: D2s_v3 stays the default (it
#: is also the one size offered in every cloud, China included), D2ds_v5 is recommended second.
DEFAULT_VM_SIZE = "Standard_D2s_v3"
RECOMMENDED_SIZES = ["Standard_D2s_v3", "Standard_D2ds_v5"]
ADMIN_USERNAME = "zsroot"
HTTP_PROBE_PORT = 50000
PROBE_PATH = "/?cchealth"
#: The reference architecture: "By default, Azure Load Balancer uses a 2-tuple hash (source and
#: destination IP address) ... traffic from a workload communicating with another resource always
#: uses the same Cloud Connector instance". Zscaler's Terraform moved to Default (5-tuple) in
#: v0.3.0; the reference architecture wins, so SourceIP is the default and the others are offered.
DEFAULT_LOAD_DISTRIBUTION = "SourceIP"
#: A zone-redundant load balancer frontend lists every zone (Zscaler sets exactly this).
LB_ZONE_REDUNDANT = ("1", "2", "3")
SUPPORT_SERVER = "199.168.148.101"  # Zscaler remote support (remotesupport.<cloud>), TCP 12002
ZONE_VALUES = ("1", "2", "3")
VENDOR_TAGS = {"Vendor": "Zscaler"}
SLOT_WORDS = ("first", "second", "third")

#: A name prefix that keeps every name a valid Linux host name: the VM name is the host name, so
#: lower-case letters, digits and inner hyphens only (RFC 1123 label), starting with a letter.
NAME_PREFIX_REGEX = r"^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$"
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
#: An Ed25519 key is the shortest key Azure accepts: "ssh-ed25519 " and 68 base-64 characters.
SSH_KEY_MIN_LENGTH = 80

BOOTSTRAP_INI = (
    "[ZSCALER]\n"
    "CC_URL={0}\n"
    "AZURE_VAULT_URL={1}\n"
    "HTTP_PROBE_PORT={2}\n"
    "AZURE_MANAGED_IDENTITY_CLIENT_ID={3}\n"
    "FIPS_ENABLED={4}\n"
)

DEFAULTS: dict[str, Any] = {**COMMON_DEFAULTS, "trackingGuid": TRACKING_GUID}
#: Standalone has no load balancer, so a slot's route table can send its workloads to exactly
#: one appliance: one per slot.
VARIANT_DEFAULTS: dict[str, dict[str, Any]] = {"standalone": {"appliancesPerZone": 1}}


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
    if o["variant"] == "standalone" and n != 1:
        raise InputError("the standalone variant has one appliance per zone: without a load balancer a route "
                         "table can send a zone's workloads to one appliance only (use variant 'ha' for more)",
                         path="$.appliancesPerZone")
    if not isinstance(o["natGateway"], bool):
        raise InputError("natGateway must be true or false", path="$.natGateway")
    if not isinstance(o["namePrefix"], str) or not re.fullmatch(NAME_PREFIX_REGEX, o["namePrefix"]):
        raise InputError("namePrefix: 1-12 lower-case letters, digits or inner hyphens, starting with a letter "
                         "(it becomes part of the appliances' host names)", path="$.namePrefix")


def _slot_label(k: int, slots: int, zoned: bool) -> str:
    if not zoned or slots == 1:
        return "the appliances"
    return f"the {SLOT_WORDS[k]} zone"


def build(options: dict[str, Any]) -> Template:
    """The offer's template for resolved ``options`` (see :data:`DEFAULTS`)."""
    _check_options(options)
    ha = options["variant"] == "ha"
    zones: list[str] = list(options["zones"])
    per_zone: int = options["appliancesPerZone"]
    slots = max(1, len(zones))
    count = slots * per_zone
    nat_option: bool = options["natGateway"]

    steps = [
        {"name": "network", "label": "Networking", "subLabel": {"preValidation": "Existing VNet and subnets",
                                                               "postValidation": "Done"}},
        {"name": "appliance", "label": "Appliances"},
        {"name": "bootstrap", "label": "Provisioning"},
    ]
    if ha:
        steps.append({"name": "loadBalancer", "label": "Load balancer"})
    steps.append({"name": "tags", "label": "Tags"})
    what = (f"{per_zone} per zone behind an internal load balancer" if ha
            else "one per zone, each with its own workload route table")
    where = (f"{slots} zone{'s' if slots > 1 else ''} chosen at deployment" if zones
             else "an availability set")
    notes = []
    if nat_option:
        notes.append({
            "name": "afterDeployment", "step": "tags", "icon": "Warning",
            "text": ("After the deployment, attach each zone's NAT gateway to its subnet, or the appliances have "
                     "no outbound internet path: download the deployment's parameters (Deployments > this "
                     "deployment > Template > Download) and run: armgen attach -g <resource group> -p "
                     "parameters.json. The deployment's outputs also list equivalent az network vnet subnet "
                     "update commands; unlike armgen attach, they replace a NAT gateway the subnet already has."),
        })
    notes.append({
        "name": "workloadRoutes", "step": "tags", "icon": "Info",
        "text": ("Send workload traffic through the appliances by attaching the workload route table (see the "
                 "deployment's outputs) to workload subnets, never to the appliances' own subnets."),
    })
    t = Template(
        description=f"Cloud Connector appliances ({what}, {where}) deployed into an existing virtual network.",
        ui={"title": "Cloud Connector", "steps": steps, "notes": notes},
    )

    # --- parameters --------------------------------------------------------------------------
    location = t.param("location", "string", default=E.resource_group().location,
                       description="Azure region of every resource; defaults to the resource group's region.")
    prefix = t.param(
        "namePrefix", "string", default=options["namePrefix"], min_length=1, max_length=12,
        description=("Prefix of every resource name (e.g. <prefix>-ccvm-1-<suffix>): 1-12 lower-case letters, "
                     "digits or inner hyphens, starting with a letter, since the VM name is the host name."),
        ui={"step": "basics", "label": "Name prefix", "control": "text",
            "toolTip": ("Up to 12 lower-case letters, digits or hyphens, starting with a letter and not ending "
                        "with a hyphen: resource names are <prefix>-ccvm-<n>-<suffix> and so on, and a VM's "
                        "name is its host name."),
            "regex": NAME_PREFIX_REGEX,
            "validationMessage": "1-12 lower-case letters, digits or hyphens, starting with a letter, not ending "
                                 "with a hyphen."},
    )
    suffix = t.param(
        "nameSuffix", "string", default=E.take(E.unique_string(E.resource_group().id, E.deployment().prop("name")), 8),
        min_length=1, max_length=13,
        description=("Ends every resource name, so deploying again adds appliances beside these instead of "
                     "rewriting them. The wizard makes a new one each run; without a value, 8 characters derived "
                     "from the resource group and the deployment's name. Give this deployment's suffix (output "
                     "resourceNameSuffix) to update these resources."),
        # Computed by the portal rather than left to the default: the deployment's parameters then
        # record it, and armgen attach (which must name the NAT gateways exactly) reads it there.
        ui={"control": "computed", "expression": "[take(replace(guid(), '-', ''), 8)]"},
    )
    zones_param = None
    if zones:
        zones_param = t.param(
            "zones", "array", default=list(zones), allowed_values=list(ZONE_VALUES), min_length=slots, max_length=slots,
            description=(f"The availability zone ('1', '2' or '3') of each of the {slots} zone slot(s), in slot "
                         "order (the slot's subnet, appliances, NAT gateway), each zone once; ignored where the "
                         "region has no zones."),
            ui={"step": "network", "control": "zones", "label": "Zones",
                "toolTip": "Availability zones of the region chosen on Basics; each zone can be chosen once."},
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
    for k in range(slots):
        who = _slot_label(k, slots, bool(zones))
        frontend = ha and k == 0
        needed = 2 * per_zone + (1 if frontend else 0)
        name = f"zone{k + 1}SubnetName" if zones else "subnetName"
        nics = f"{2 * per_zone} NIC{'s' if 2 * per_zone > 1 else ''}"
        subnet_params.append(t.param(
            name, "string",
            description=(f"Existing subnet for {who if who != 'the appliances' else 'the appliances'}"
                         + ("" if who == "the appliances" else "'s appliances")
                         + " (management and service NICs" + (", and the load balancer frontend)." if frontend else ").")
                         + (" Different from every other zone's subnet (reference architecture)." if slots > 1 else "")),
            ui={"step": "network", "control": "subnet", "slot": f"zone{k + 1}",
                "label": "Subnet for the appliances" if who == "the appliances" else f"Subnet for {who}",
                "toolTip": (f"A /28 or larger subnet with at least {needed} free addresses ({nics}"
                            + (" and the load balancer frontend" if frontend else "")
                            + "). Only subnets that qualify are listed; the subnet is not modified."
                            + (" Each zone needs its own subnet." if slots > 1 else "")),
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
                        "TCP 12002 to Zscaler support (unless turned off) and all other outbound traffic.")},
    )
    support_access = t.param(
        "supportAccess", "bool", default=True,
        description=("Let the appliances reach Zscaler's remote-support server on TCP 12002 (a rule of the created "
                     "management NSG); off, that rule denies it instead."),
        ui={"step": "network", "control": "checkbox", "label": "Allow Zscaler remote support",
            "toolTip": ("Zscaler support can only reach an appliance you open a support tunnel on through this "
                        "rule (TCP 12002 to remotesupport.<your Zscaler cloud>). Off, the created management NSG "
                        "denies that traffic. Used only by a management NSG this template creates.")},
    )
    support_server = t.param(
        "supportServerAddress", "string", default=SUPPORT_SERVER,
        description=("IPv4 address (or CIDR) of Zscaler's remote-support server, which the created management "
                     "NSG lets the appliances reach on TCP 12002 (or denies, with supportAccess off)."),
        ui={"step": "network", "control": "text", "label": "Zscaler support server address",
            "shownWhen": "supportAccess",
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
    propagate = t.param(
        "propagateGatewayRoutes", "bool", default=True,
        description=("Whether the workload route table takes routes learned over ExpressRoute or VPN gateways "
                     "(BGP). On by default: workload subnets attached to it keep reaching on-premises networks."),
        ui={"step": "network", "control": "checkbox", "label": "Workload route table: propagate gateway routes",
            "toolTip": ("Keep on unless your workloads must not use ExpressRoute or VPN routes: turned off, a workload "
                        "subnet attached to the route table loses its on-premises routes. The table's 0.0.0.0/0 "
                        "route to the appliances wins over a gateway's default route either way.")},
    )

    vm_size = t.param(
        "vmSize", "string", default=DEFAULT_VM_SIZE, allowed_values=list(VM_SIZES),
        description="VM size of the appliances (2 NICs).",
        ui={"step": "appliance", "control": "size", "label": "Appliance size", "osPlatform": "Linux",
            "recommended": list(RECOMMENDED_SIZES),
            "imageReference": {"publisher": IMAGE.publisher, "offer": IMAGE.offer, "sku": IMAGE.sku},
            "toolTip": ("Sizes Zscaler supports for Cloud Connector. The reference architecture recommends "
                        "Standard_D2s_v3 (the default, offered in every cloud); Zscaler's current modules use "
                        "Standard_D2ds_v5 in public Azure and keep the v3/DSv2 sizes for Azure China.")},
    )
    admin_user = t.param(
        "adminUsername", "string", default=ADMIN_USERNAME, min_length=1, max_length=32,
        description="Administrator user name on the appliances (SSH key only); zsroot, as Zscaler's images expect.",
        ui={"step": "appliance", "control": "username", "label": "Administrator user name",
            "toolTip": ("Leave empty for zsroot, the account Zscaler's Cloud Connector images are administered as; "
                        "enter another name only if Zscaler tells you to."),
            "regex": "^[a-z_][a-z0-9_-]{0,31}$", "validationMessage": "A Linux user name (lower case)."},
    )
    ssh_key = t.param(
        "sshPublicKey", "string", min_length=SSH_KEY_MIN_LENGTH,
        description=("OpenSSH public key of the administrator (the only way to log in): RSA of 2048 bits or more, "
                     "or Ed25519."),
        ui={"step": "appliance", "control": "sshKey", "label": "SSH public key",
            "toolTip": ("Your OpenSSH public key (ssh-ed25519 or ssh-rsa of 2048 bits or more, on one line); the "
                        "appliances accept key-based login only. Keep the private key: it is not stored in Azure.")},
    )
    accelerated = t.param(
        "acceleratedNetworking", "bool", default=True,
        description=("Accelerated networking on the service NICs (Zscaler's default). Turn off for a size or host "
                     "that does not support it; the management NICs never use it."),
        ui={"step": "appliance", "control": "checkbox", "label": "Accelerated networking (service NICs)",
            "toolTip": ("Zscaler enables it on the service NICs. Turn it off only if the chosen size or region "
                        "refuses it (the deployment then fails on the NICs).")},
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
        description=("Port the appliances answer health probes on: 80 or 1024-65535, as Zscaler's module allows "
                     "(the template's range cannot express the gap; the wizard enforces it)."),
        ui={"step": "bootstrap", "control": "text", "label": "HTTP probe port",
            "toolTip": ("The appliance answers HTTP 200 on /?cchealth on this port when healthy (503 or nothing "
                        "when not); the load balancer probes it. 80 or 1024-65535."),
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
            "loadDistribution", "string", default=DEFAULT_LOAD_DISTRIBUTION,
            allowed_values=["Default", "SourceIP", "SourceIPProtocol"],
            description=("Load distribution of the HA-ports rule: SourceIP (2-tuple, the reference architecture's), "
                         "Default (5-tuple, Zscaler's Terraform's) or SourceIPProtocol (3-tuple)."),
            ui={"step": "loadBalancer", "control": "dropdown", "label": "Session affinity",
                "labels": {"Default": "None (5-tuple hash)", "SourceIP": "Client IP (2-tuple hash)",
                           "SourceIPProtocol": "Client IP and protocol (3-tuple hash)"},
                "toolTip": ("Client IP keeps all traffic between a workload and a destination on one appliance, as "
                            "the reference architecture describes; None spreads each flow.")},
        )
    deployed_types = [compute.VM, network.NIC, network.NSG, network.ROUTE_TABLE]
    if ha:
        deployed_types.append(network.LB)
    if nat_option:
        deployed_types += [network.NAT_GATEWAY, network.PUBLIC_IP]
    deployed_types.append(compute.AVAILABILITY_SET)
    tags = t.param(
        "tagsByResource", "object", default={},
        description="Tags per resource type, e.g. {\"Microsoft.Compute/virtualMachines\": {\"env\": \"prod\"}}.",
        ui={"step": "tags", "control": "tags", "label": "Tags", "resources": sorted(deployed_types),
            "toolTip": "Tags for each type of resource this deployment creates (Vendor: Zscaler is added to all)."},
    )

    def tagged(resource_type: str, extra: Any = None) -> Any:
        return tags_for(tags, resource_type, extra=extra, vendor=VENDOR_TAGS)

    def named(fmt: str, *args: Any) -> E.Call:
        """``<prefix>-<fmt>-<suffix>``: every name carries the deployment's suffix."""
        n = len(args)
        return E.format_("{0}-" + fmt.format(*(f"{{{i + 1}}}" for i in range(n))) + f"-{{{n + 1}}}",
                         prefix, *args, suffix)

    # --- variables and existing resources ------------------------------------------------------
    use_zones: Any = None
    if zones_param is not None:
        use_zones = t.var(
            "useZones", E.not_(E.empty(E.pick_zones("Microsoft.Compute", "virtualMachines", location)))).ref
    in_china = t.var("inChinaCloud", E.call("startsWith", E.to_lower(location), "china")).ref
    image = compute.image_by_cloud(in_china, CHINA_IMAGE, IMAGE)

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
        symbol="mgmtNsg", name=named("cc-mgmt-nsg"), location=location,
        tags=tagged(network.NSG), condition=E.empty(mgmt_nsg_param),
        rules=[
            network.security_rule("SSH_VNET", priority=4000, direction="Inbound", protocol="Tcp",
                                  source="VirtualNetwork", destination_ports="22"),
            network.security_rule("ICMP_VNET", priority=4001, direction="Inbound", protocol="Icmp",
                                  source="VirtualNetwork"),
            # Zscaler's module leaves the rule out when support access is off, which the OUTBOUND
            # allow-all below then still allows; a Deny makes "off" mean off.
            network.security_rule("Zscaler_Support_Access", priority=3000, direction="Outbound", protocol="Tcp",
                                  destination=support_server, destination_ports="12002",
                                  access=E.if_(support_access, "Allow", "Deny")),
            network.security_rule("OUTBOUND", priority=4000, direction="Outbound"),
        ],
    ))
    svc_nsg = t.add(network.network_security_group(
        symbol="serviceNsg", name=named("cc-service-nsg"), location=location,
        tags=tagged(network.NSG), condition=E.empty(svc_nsg_param),
        rules=[
            network.security_rule("ALL_VNET", priority=4000, direction="Inbound", source="VirtualNetwork"),
            network.security_rule("OUTBOUND", priority=4000, direction="Outbound"),
        ],
    ))

    # --- load balancer ---------------------------------------------------------------------------
    lb: Resource | None = None
    pool: Resource | None = None
    if ha:
        frontend_zones: Any = None
        if zones_param is not None:
            # Zscaler's rule ("follow Azure Network API"): zonal with one zone slot, otherwise
            # zone-redundant over all three zones, never a subset.
            fz = (E.create_array(zones_param.ref[0]) if slots == 1 else E.create_array(*LB_ZONE_REDUNDANT))
            frontend_zones = E.if_(use_zones, fz, E.null())
        lb = t.add(network.internal_load_balancer(
            symbol="lb", name=named("cc-lb"), location=location,
            tags=tagged(network.LB),
            subnet_id=subnets[0].id,
            frontend_zones=frontend_zones,
            frontend_name="cc-lb-ip", backend_pool_name="cc-lb-backend", probe_name="cc-lb-probe",
            rule_name="cc-lb-rule",
            probe_protocol="Http", probe_port=probe_port, probe_path=PROBE_PATH,
            probe_interval=probe_interval, probe_threshold=2, number_of_probes=1,
            load_distribution=load_distribution, floating_ip=True,
        ))
        pool = t.add(child_ref(lb, "backendAddressPools", network.lb_backend_pool_name(lb), "lbBackendPool"))

    # --- appliances -----------------------------------------------------------------------------
    mgmt_nic = t.add(network.network_interface(
        symbol="mgmtNic", name=named("ccvm-{0}-mgmt-nic", E.copy_index(1)), location=location,
        tags=tagged(network.NIC), copy=Copy("mgmtNicLoop", count),
        subnet_id=subnet_of_appliance, ip_forwarding=False, accelerated_networking=False,
        nsg_id=E.if_(E.empty(mgmt_nsg_param), mgmt_nsg.id, mgmt_nsg_param),
        ip_config_name="mgmt-ipconfig",
    ))
    svc_nic = t.add(network.network_interface(
        symbol="serviceNic", name=named("ccvm-{0}-fwd-nic", E.copy_index(1)), location=location,
        tags=tagged(network.NIC), copy=Copy("serviceNicLoop", count),
        subnet_id=subnet_of_appliance, ip_forwarding=True, accelerated_networking=accelerated,
        nsg_id=E.if_(E.empty(svc_nsg_param), svc_nsg.id, svc_nsg_param),
        backend_pool_ids=[pool.id] if pool is not None else (),
        ip_config_name="fwd-ipconfig",
    ))

    avset = t.add(compute.availability_set(
        symbol="availabilitySet", name=named("ccvm-availability-set"), location=location,
        tags=tagged(compute.AVAILABILITY_SET),
        condition=E.not_(use_zones) if zones_param is not None else None,
    ))
    if zones_param is not None:
        vm_zones: Any = E.if_(use_zones, E.create_array(per_slot(zones_param)), E.null())
        vm_avset: Any = E.if_(use_zones, E.null(), E.create_object(id=avset.id))
    else:
        vm_zones, vm_avset = None, {"id": avset.id}

    def bootstrap() -> E.Expr:
        # Built per use: reference() may not appear in variables.
        return E.base64(E.format_(BOOTSTRAP_INI, cc_url, vault_url, probe_port, identity.client_id(uami),
                                  E.if_(fips, "True", "False")))

    appliance_name = named("ccvm-{0}", E.copy_index(1))
    t.add(compute.linux_vm(
        symbol="ccvm", name=appliance_name, location=location,
        tags=tagged(compute.VM, extra=E.if_(legacy_tag, E.create_object(LegacyVMNVA="true"), E.create_object())),
        copy=Copy("ccvmLoop", count),
        size=vm_size, image=image, admin_username=admin_user, ssh_public_key=ssh_key,
        nic_ids=[mgmt_nic.id_at(E.copy_index()), svc_nic.id_at(E.copy_index())], nic_delete_option="Delete",
        os_disk_type="Premium_LRS", user_data=bootstrap(), custom_data=bootstrap(),
        zones=vm_zones, availability_set=vm_avset, identity_ids=[uami.id],
        encryption_at_host=encryption_at_host, allow_extension_operations=allow_extensions,
    ))

    # --- NAT gateways (not associated: see the module docstring) ----------------------------------
    pip = nat = None
    if nat_option:
        slot_zone = (E.if_(use_zones, E.create_array(zones_param.ref[E.copy_index()]), E.null())
                     if zones_param is not None else None)
        pip = t.add(network.public_ip(
            symbol="natPublicIp", name=named("public-ip-{0}", E.copy_index(1)), location=location,
            tags=tagged(network.PUBLIC_IP), copy=Copy("natPublicIpLoop", slots),
            zones=slot_zone, idle_timeout_minutes=30,
        ))
        nat = t.add(network.nat_gateway(
            symbol="natGateway", name=named("ngw-{0}", E.copy_index(1)), location=location,
            tags=tagged(network.NAT_GATEWAY), copy=Copy("natGatewayLoop", slots),
            zones=slot_zone, idle_timeout_minutes=10, public_ip_ids=[pip.id_at(E.copy_index())],
        ))

    # --- workload route table(s) (never associated) -------------------------------------------------
    if lb is not None:
        rt = t.add(network.route_table(
            symbol="workloadRouteTable", name=named("workload-rt"), location=location,
            tags=tagged(network.ROUTE_TABLE), disable_bgp_route_propagation=E.not_(propagate),
            routes=[network.route("default-route", address_prefix="0.0.0.0/0",
                                  next_hop_ip=network.lb_frontend_ip(lb))],
        ))
    else:
        # Standalone: slot k's table sends to slot k's appliance (appliance k: one per slot).
        rt = t.add(network.route_table(
            symbol="workloadRouteTable", name=named("workload-rt-{0}", E.copy_index(1)), location=location,
            tags=tagged(network.ROUTE_TABLE), disable_bgp_route_propagation=E.not_(propagate),
            copy=Copy("workloadRouteTableLoop", slots),
            routes=[network.route(
                "default-route", address_prefix="0.0.0.0/0",
                next_hop_ip=svc_nic.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress)],
        ))

    t.add(deployments.tracking_deployment(options["trackingGuid"]))

    # --- outputs ------------------------------------------------------------------------------------
    t.output("resourceNameSuffix", "string", suffix,
             description="The suffix of every name: give it as nameSuffix to update these resources later.")
    if lb is not None and pool is not None:
        t.output("lbFrontendIp", "string", network.lb_frontend_ip(lb),
                 description="Private IP of the load balancer frontend: the next hop for workload routes.")
        t.output("lbBackendPoolId", "string", pool.id,
                 description="The load balancer's backend pool, for service NICs of appliances added later.")
    t.output("applianceNames", "array", appliance_name, copy_count=count,
             description="VM (and host) name of each appliance, in appliance order.")
    t.output("managementIps", "array", mgmt_nic.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress,
             copy_count=count, description="Management NIC address of each appliance, in appliance order.")
    t.output("serviceIps", "array", svc_nic.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress,
             copy_count=count, description="Service NIC address of each appliance, in appliance order.")
    if pip is not None and nat is not None:
        t.output("natPublicIps", "array", pip.props_at(E.copy_index()).ipAddress, copy_count=slots,
                 description="Public IP of each zone slot's NAT gateway (allow-list these at Zscaler).")
        t.output(
            "natGatewayAttachCommand", "string",
            E.format_("armgen attach -g {0} -p parameters.json   # this deployment's parameters, nameSuffix {1}",
                      E.resource_group().prop("name"), suffix),
            description=("Associates each zone slot's NAT gateway with its subnet, checking the subnet first and "
                         "writing it with If-Match. parameters.json holds this deployment's parameters, including "
                         "nameSuffix (the portal's download has it). Until then the appliances have no outbound "
                         "path through the NAT gateways."),
        )
        t.output(
            "natGatewayAzCommands", "array",
            [E.format_("az network vnet subnet update --resource-group {0} --vnet-name {1} --name {2} "
                       "--nat-gateway {3}   # WARNING: replaces any NAT gateway the subnet already has; prefer "
                       "armgen attach", vnet_rg, vnet_name, p, nat.id_at(k))
             for k, p in enumerate(subnet_params)],
            description=("The same association with the Azure CLI, one command per zone slot. WARNING: each replaces "
                         "a NAT gateway the subnet already has, without asking; armgen attach does not."),
        )
    rt_command = ("az network vnet subnet update --resource-group <WORKLOAD_RG> --vnet-name <WORKLOAD_VNET> "
                  "--name <WORKLOAD_SUBNET> --route-table {0}")
    if lb is not None:
        t.output("routeTableId", "string", rt.id, description="The workload route table (0.0.0.0/0 to the appliances).")
        t.output("routeTableAssociationCommand", "string", E.format_(rt_command, rt.id),
                 description="Associate the route table with workload subnets only, never with the appliances' subnets.")
    else:
        t.output("routeTableIds", "array", rt.id_at(E.copy_index()), copy_count=slots,
                 description=("Workload route table of each zone slot, sending 0.0.0.0/0 to that slot's appliance: "
                              "attach it to workload subnets of that zone."))
        t.output("routeTableAssociationCommands", "array", E.format_(rt_command, rt.id_at(E.copy_index())),
                 copy_count=slots,
                 description="Associate each with workload subnets only, never with the appliances' subnets.")
    return t


OFFER = Offer(
    name=NAME,
    description="Zscaler-Cloud-Connector-style appliances across zones behind an internal LB, into an existing VNet",
    defaults=DEFAULTS,
    builder=build,
    variant_defaults=VARIANT_DEFAULTS,
)
