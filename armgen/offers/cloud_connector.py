"""The built-in ``cloud-connector`` offer: Zscaler-Cloud-Connector-style appliances.

What it deploys (faithful to Zscaler's reference architecture, ``../shared/seed/``, and its
Terraform modules, ``../shared/reference/cloud-connector-and-peers.md``; where the two disagree
the reference architecture wins, and the code says so where it happens). Three shapes, by build
option, each serving one of the reference architecture's use cases:

* **Brownfield** (``network: existing``, the default; the Marketplace application the reference
  architecture recommends "in a brownfield deployment"): into the customer's existing VNet and one
  existing subnet per zone slot, which the template never declares.
* **Greenfield starter** (``network: new``; Zscaler's "Starter Deployment Template (with Load
  Balancer)", and the Transit/Egress hub of the hub-and-spoke design): the template creates the
  VNet (address space a parameter, subnets carved with ``cidrSubnet``), a Cloud Connector subnet
  per zone slot with their route table and NAT gateways associated (the template owns them, so
  that write is safe), optionally a workload subnet on the workload route table (for testing) and
  a small SSH-key-only management host with a public IP (Zscaler's starter creates one).
* **ZPA** (``zpa: true``, with either network; the reference architecture's "DNS requests from
  these cloud workloads must transit the Cloud Connector"): Azure DNS Private Resolver with an
  outbound endpoint in a subnet delegated to it (chosen in the wizard in brownfield, created in
  greenfield), a forwarding ruleset with one rule per ZPA application domain sending the query to
  the load balancer frontend (or each appliance's service address, standalone) on port 53, and the
  ruleset's link to the VNet, as Zscaler's Terraform does with ``zpa_enabled``.

Common to all:

* A number of zone *slots* fixed at build time (``zones``, default two), each with its own subnet:
  the reference architecture puts the appliances of each zone in a different subnet and gives
  each zone its own NAT gateway. *Which* zone each slot uses is chosen at deploy time (the
  ``zones`` parameter). Where ``pickZones`` finds no zones in the region the VMs join an
  availability set instead; a build with ``zones: []`` always uses one.
* HA variant: ``appliancesPerZone`` appliances per slot (default 2, Zscaler's pairs); appliance
  ``i`` (0-based) goes to slot ``i mod slots``. Internal Standard load balancer (frontend in
  slot 1's subnet, zonal with one slot, else zone-redundant over zones 1-3 as Zscaler's module
  sets it), HA-ports rule with floating IP, HTTP probe ``/?cchealth`` on ``httpProbePort``.
  Standalone variant: one appliance per slot and no load balancer; each slot gets its own
  workload route table to its own appliance.
* Each appliance: NIC #1 management, NIC #2 service (IP forwarding, accelerated networking unless
  turned off); Zscaler's NSG rules or bring-your-own NSGs; SSH key only; Premium SSD; managed boot
  diagnostics; the Marketplace image with its plan (Zscaler's China image in Azure China, chosen
  from ``environment().name`` or the region, as Zscaler's Terraform does); bootstrap INI in user
  data AND custom data. The Key Vault may be given by name: its URL is then built with the
  cloud's Key Vault DNS suffix (``environment().suffixes.keyvaultDns``). No secret ever enters
  the template.
* Every name ends with ``nameSuffix``: running the wizard again into the same resource group adds
  appliances beside the first ones instead of rewriting them.
* NAT gateways (optional, default on): one per slot with a zonal Standard public IP, or, with the
  build option ``byoNatGateway``, the customer's existing NAT gateways (one per slot, possibly in
  another resource group, with their public IPs: Zscaler's ``byo_nat_gws``), chosen in the wizard.
* ``LegacyVMNVA`` on the VMs, ``Vendor: Zscaler`` and the customer's tags per resource type on
  everything, and the ``pid-`` usage-attribution deployment.

Brownfield decisions (stated in the README):

* The template never declares ``Microsoft.Network/virtualNetworks`` or ``.../subnets`` of the
  customer: they are ``existing`` references only, so a deployment cannot redeploy (and strip)
  them. The DNS resolver, its outbound endpoint and the ruleset's link refer to the VNet and the
  delegated subnet by id; none writes them.
* **The NAT gateways (created or brought) are NOT associated with the existing subnets by the
  template.** That is a PUT of the customer's subnet; ``armgen attach`` does it afterwards,
  checking and with If-Match, and reads which NAT gateways from the deployment's parameters. The
  workload route table is never associated with a customer subnet either.

Sovereign clouds: the image and the Key Vault suffix follow the cloud; whether the pinned
apiVersions are published in Azure Government and Azure China cannot be known offline, so the
offer says so (:data:`CLOUD_SUPPORT`, the wizard and the README).

The tracking GUID defaults to :data:`TRACKING_GUID`, armgen's own for this offer; a publisher
sets the build option ``trackingGuid`` to the GUID of their Partner Center plan.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from armgen import expr as E
from armgen.errors import InputError
from armgen.offers import COMMON_DEFAULTS, Offer
from armgen.resources import api_versions, compute, deployments, dnsresolver, identity, network
from armgen.resources.common import child_ref, tags_for
from armgen.template import Copy, Resource, Template

NAME = "cloud-connector"
TRACKING_GUID = "6a357855-14c7-4d01-8297-0bb7ebb133a1"
IMAGE = compute.Image(publisher="zscaler1579058425289", offer="zia_cloud_connector", sku="zs_ser_gen1_cc_01")
#: Zscaler's Terraform switches to this image in Azure China (``^china`` regions); Azure Government
#: uses the public image (the ccvm module's README: "same IDs for usgovernment").
CHINA_IMAGE = compute.Image(publisher="cbcnetworks", offer="zscaler-cloud-connector", sku="zs_ser_gen1_cc_01")
#: The management host of the greenfield starter: a plain Ubuntu LTS server (no Marketplace plan).
BASTION_IMAGE = compute.Image(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", plan=False)
BASTION_SIZES = ["Standard_B1s", "Standard_B2s", "Standard_D2s_v3"]
BASTION_USER = "azureuser"
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

#: The greenfield VNet's default address space (Zscaler's network module: 10.1.0.0/16).
DEFAULT_ADDRESS_SPACE = "10.1.0.0/16"
#: Address spaces the wizard takes: /16 (Zscaler's default) down to /24.
ADDRESS_SPACE_LENGTHS = (16, 24)
#: The greenfield VNet is cut into eighths, no larger than /24 each (a DNS resolver subnet may
#: not be larger than /24): a /16 gives /24 subnets, a /24 gives /27 ones (27 usable addresses,
#: enough for the largest slot: 10 appliances' 20 NICs and the load balancer frontend).
SUBNET_SPLIT_BITS = 3
LARGEST_SUBNET = 24
#: Which eighth each subnet takes. Zone slots first, then the resolver's, the workload's and the
#: management host's; the last two are left free.
LAYOUT = {"zone1": 0, "zone2": 1, "zone3": 2, "dns": 3, "workload": 4, "bastion": 5}

#: Clouds the offer is built for, and what is known about each (the README and wizard say it).
CLOUD_SUPPORT = {
    "AzureCloud": "supported: every pinned apiVersion is published there",
    "AzureUSGovernment": ("image and Key Vault suffix adapt; the pinned apiVersions are not verified there "
                          "(check with az provider show before deploying)"),
    "AzureChinaCloud": ("Zscaler's China image and the Key Vault suffix adapt; the pinned apiVersions are not "
                        "verified there (check with az provider show before deploying)"),
}

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
#: An IPv4 CIDR /16 to /24: the greenfield VNet's address space.
ADDRESS_SPACE_REGEX = rf"^({_OCTET}\.){{3}}{_OCTET}/(1[6-9]|2[0-4])$"
#: Zscaler's provisioning URL: host (optional https://, optional port) and path, no spaces.
CC_URL_REGEX = (
    r"^(https://)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(:[0-9]{1,5})?(/[^\s]*)?$"
)
#: Key Vault DNS suffixes of the clouds with a Marketplace (public, Azure Government, Azure China).
VAULT_SUFFIXES = ("vault.azure.net", "vault.usgovcloudapi.net", "vault.azure.cn")
_VAULT_NAME = r"(?=[A-Za-z0-9-]{3,24}$)[A-Za-z](-?[A-Za-z0-9])+"
#: A vault's name (the template adds the cloud's Key Vault suffix), or its URL
#: ``https://<vault>.<suffix>`` with an optional trailing slash. A vault name is 3-24 letters,
#: digits and hyphens, starts with a letter, ends with a letter or digit, and has no "--".
KEY_VAULT_URL_REGEX = (
    rf"^({_VAULT_NAME}|https://(?=[A-Za-z0-9-]{{3,24}}\.)[A-Za-z](-?[A-Za-z0-9])+\.("
    + "|".join(x.replace(".", r"\.") for x in VAULT_SUFFIXES)
    + r")/?)$"
)
#: One ZPA application domain, fully qualified: labels ending in a dot (a forwarding rule's domain
#: name must end with one), e.g. ``corp.example.com.``.
ZPA_DOMAIN_REGEX = r"([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+"
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

NETWORK_CHOICES = ("existing", "new")
DEFAULTS: dict[str, Any] = {
    **COMMON_DEFAULTS, "trackingGuid": TRACKING_GUID, "network": "existing", "zpa": False,
    "byoNatGateway": False, "workloadSubnet": False, "bastion": False,
}
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
    for key in ("natGateway", "zpa", "byoNatGateway", "workloadSubnet", "bastion"):
        if not isinstance(o[key], bool):
            raise InputError(f"{key} must be true or false", path=f"$.{key}")
    if not isinstance(o["namePrefix"], str) or not re.fullmatch(NAME_PREFIX_REGEX, o["namePrefix"]):
        raise InputError("namePrefix: 1-12 lower-case letters, digits or inner hyphens, starting with a letter "
                         "(it becomes part of the appliances' host names)", path="$.namePrefix")
    if o["network"] not in NETWORK_CHOICES:
        raise InputError(f"network must be 'existing' or 'new', not {o['network']!r}", path="$.network")
    if o["byoNatGateway"] and not o["natGateway"]:
        raise InputError("byoNatGateway offers existing NAT gateways instead of new ones: it needs natGateway",
                         path="$.byoNatGateway")
    if o["network"] == "new" and not o["natGateway"]:
        raise InputError("network 'new' needs NAT gateways: its subnets are private (no default outbound access), "
                         "so without one the appliances could not reach Zscaler", path="$.natGateway")
    for key in ("workloadSubnet", "bastion"):
        if o[key] and o["network"] != "new":
            raise InputError(f"{key} belongs to network 'new' (the template creates that subnet in its own VNet)",
                             path=f"$.{key}")


def check_values(values: dict[str, Any]) -> list[tuple[str, str]]:
    """What the wizard checks and the template cannot (``armgen build --values``): every ZPA domain
    fully qualified with its trailing dot, the greenfield address space a /16 to /24, the management
    host's SSH source not the whole internet. Names are matched as ARM does, ignoring case."""
    problems: list[tuple[str, str]] = []
    lower = {k.lower(): (k, v) for k, v in values.items()}
    if "zpadomains" in lower:
        name, domains = lower["zpadomains"]
        for i, d in enumerate(domains if isinstance(domains, list) else []):
            if not isinstance(d, str) or not re.fullmatch(ZPA_DOMAIN_REGEX, d):
                problems.append((f"$.{name}[{i}]", f"{d!r} is not a domain ending in a dot (e.g. corp.example.com.): "
                                                   "a forwarding rule's domain must be fully qualified"))
    if "vnetaddressspace" in lower:
        name, space = lower["vnetaddressspace"]
        if isinstance(space, str) and not re.fullmatch(ADDRESS_SPACE_REGEX, space):
            problems.append((f"$.{name}", f"{space!r} is not an IPv4 CIDR from /16 to /24, such as "
                                          f"{DEFAULT_ADDRESS_SPACE}"))
    if "bastionsshsourceaddress" in lower:
        name, source = lower["bastionsshsourceaddress"]
        if isinstance(source, str) and (not re.fullmatch(SUPPORT_SERVER_REGEX, source) or source.startswith("0.0.0.0")):
            problems.append((f"$.{name}", f"{source!r} is not the address or range you connect from (an IPv4 "
                                          "address or CIDR, never 0.0.0.0/0)"))
    return problems


def _slot_label(k: int, slots: int, zoned: bool) -> str:
    if not zoned or slots == 1:
        return "the appliances"
    return f"the {SLOT_WORDS[k]} zone"


def subnet_length(space_length: int) -> int:
    """Prefix length of every subnet of a greenfield VNet of ``space_length``: an eighth of the
    space, at most a /24 (the template computes the same with ``max(add(len, 3), 24)``)."""
    return max(space_length + SUBNET_SPLIT_BITS, LARGEST_SUBNET)


def greenfield_layout(address_space: str = DEFAULT_ADDRESS_SPACE) -> dict[str, str]:
    """The subnet prefixes a greenfield deployment into ``address_space`` gets (``LAYOUT`` names),
    computed with :mod:`ipaddress`: the same eighths the template carves with ``cidrSubnet``."""
    net = ipaddress.ip_network(address_space, strict=False)
    length = subnet_length(net.prefixlen)
    pieces = list(net.subnets(new_prefix=length))
    return {role: str(pieces[index]) for role, index in LAYOUT.items()}


def lb_frontend_address(slot1_prefix: str) -> str:
    """The greenfield load balancer frontend's static address: the highest one Azure lets a subnet
    use (``parseCidr(...).lastUsable``), far from the dynamic addresses NICs take from the bottom."""
    net = ipaddress.ip_network(slot1_prefix)
    return str(net.broadcast_address - 1)


def build(options: dict[str, Any]) -> Template:
    """The offer's template for resolved ``options`` (see :data:`DEFAULTS`)."""
    _check_options(options)
    ha = options["variant"] == "ha"
    zones: list[str] = list(options["zones"])
    per_zone: int = options["appliancesPerZone"]
    slots = max(1, len(zones))
    count = slots * per_zone
    nat_option: bool = options["natGateway"]
    byo_nat: bool = options["byoNatGateway"]
    greenfield = options["network"] == "new"
    zpa: bool = options["zpa"]
    workload_subnet: bool = options["workloadSubnet"]
    bastion: bool = options["bastion"]

    steps = [
        {"name": "network", "label": "Networking",
         "subLabel": {"preValidation": "New VNet" if greenfield else "Existing VNet and subnets",
                      "postValidation": "Done"}},
        {"name": "appliance", "label": "Appliances"},
        {"name": "bootstrap", "label": "Provisioning"},
    ]
    if ha:
        steps.append({"name": "loadBalancer", "label": "Load balancer"})
    if bastion:
        steps.append({"name": "management", "label": "Management host"})
    if zpa:
        steps.append({"name": "zpa", "label": "ZPA DNS"})
    steps.append({"name": "tags", "label": "Tags"})
    what = (f"{per_zone} per zone behind an internal load balancer" if ha
            else "one per zone, each with its own workload route table")
    where = (f"{slots} zone{'s' if slots > 1 else ''} chosen at deployment" if zones
             else "an availability set")
    into = ("a new virtual network with its subnets, route tables and NAT gateways" if greenfield
            else "an existing virtual network")
    extra = " ZPA application domains are resolved through the appliances (Azure DNS Private Resolver)." if zpa else ""
    notes = _notes(greenfield, nat_option, byo_nat, zpa)
    t = Template(
        description=f"Cloud Connector appliances ({what}, {where}) deployed into {into}.{extra}",
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

    vnet_name = vnet_rg = address_space = None
    subnet_params: list[Any] = []
    if greenfield:
        layout = greenfield_layout()
        address_space = t.param(
            "vnetAddressSpace", "string", default=DEFAULT_ADDRESS_SPACE, min_length=9, max_length=18,
            description=("Address space of the new virtual network, an IPv4 CIDR from /16 to /24. It is cut into "
                         f"eighths (at most /24 each): with the default {DEFAULT_ADDRESS_SPACE}, the zone subnets "
                         f"get {', '.join(layout[f'zone{k + 1}'] for k in range(slots))}"
                         + (f", the DNS resolver {layout['dns']}" if zpa else "")
                         + (f", the workload subnet {layout['workload']}" if workload_subnet else "")
                         + (f", the management host {layout['bastion']}" if bastion else "") + "."),
            ui={"step": "network", "control": "text", "label": "Virtual network address space",
                "toolTip": ("An IPv4 range from /16 to /24 that does not overlap the networks you will peer or connect "
                            "it to (workload VNets, on-premises). Every subnet is an eighth of it, at most a /24."),
                "regex": ADDRESS_SPACE_REGEX,
                "validationMessage": "An IPv4 CIDR from /16 to /24, such as 10.1.0.0/16."},
        )
    else:
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
                             + " (management and service NICs"
                             + (", and the load balancer frontend)." if frontend else ").")
                             + (" Different from every other zone's subnet (reference architecture)." if slots > 1
                                else "")),
                ui={"step": "network", "control": "subnet", "slot": f"zone{k + 1}",
                    "label": "Subnet for the appliances" if who == "the appliances" else f"Subnet for {who}",
                    "toolTip": (f"A /28 or larger subnet with at least {needed} free addresses ({nics}"
                                + (" and the load balancer frontend" if frontend else "")
                                + "). Only subnets that qualify are listed; the subnet is not modified."
                                + (" Each zone needs its own subnet." if slots > 1 else "")),
                    "minAddressPrefixSize": "/28", "minAddressCount": needed},
            ))
    existing_nats = None
    if byo_nat:
        slot_names = [("the appliances" if slots == 1 else f"the {SLOT_WORDS[k]} zone") for k in range(slots)]
        existing_nats = t.param(
            "existingNatGatewayIds", "array", default=[], min_length=0, max_length=slots,
            description=(f"Resource ids of existing NAT gateways to use instead of creating them: one per zone slot "
                         f"({slots}), in slot order, or one for all slots; each with its public IPs, in the "
                         "deployment's region, possibly in another resource group. Empty creates one per slot."
                         + ("" if greenfield else " armgen attach associates them with the zone subnets.")),
            ui={"step": "network", "control": "resourceId", "resourceType": network.NAT_GATEWAY,
                "label": "NAT gateways",
                "labels": {"new": "Create one per zone, each with a new public IP",
                           "existing": "Use existing NAT gateways"},
                "itemLabels": [f"NAT gateway for {w}" for w in slot_names],
                "toolTip": ("Zscaler's Terraform lets you bring your own NAT gateways (byo_nat_gws): their public IPs "
                            "are then the ones you allow-list at Zscaler. Each must be in the region chosen on "
                            "Basics and not associated with subnets of another virtual network; one in the "
                            "slot's zone keeps each zone's egress in that zone.")},
        )
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
                     "or Ed25519." + (" The management host takes the same key." if bastion else "")),
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
        description=("The Key Vault that holds the Cloud Connector credentials: its name (the URL is then built with "
                     "this cloud's Key Vault DNS suffix, environment().suffixes.keyvaultDns) or its URL, e.g. "
                     "https://<vault>.vault.azure.net/ (vault.usgovcloudapi.net, vault.azure.cn in other clouds)."),
        ui={"step": "bootstrap", "control": "text", "label": "Key Vault name or URL",
            "toolTip": ("The vault's name, or its URI such as https://<vault>.vault.azure.net/ (Azure Government: "
                        ".vault.usgovcloudapi.net, Azure China: .vault.azure.cn). It holds the Cloud Connector "
                        "credentials; the managed identity needs Get and List on its secrets."),
            "regex": KEY_VAULT_URL_REGEX,
            "validationMessage": ("A vault name (3-24 letters, digits and single hyphens, starting with a letter) or "
                                  "https://<vault name>.vault.azure.net/ (or .vault.usgovcloudapi.net, "
                                  ".vault.azure.cn)."),
            "validations": [{
                "isValid": ("[or(not(startsWith(toLower({self}), 'https://')), contains(toLower({self}), "
                            "if(startsWith(toLower(location()), 'china'), '.vault.azure.cn', "
                            "if(or(startsWith(toLower(location()), 'usgov'), startsWith(toLower(location()), 'usdod')), "
                            "'.vault.usgovcloudapi.net', '.vault.azure.net'))))]"),
                "message": ("That URL is a Key Vault of another cloud than the region chosen on Basics: Azure China "
                            "vaults end in .vault.azure.cn, Azure Government ones in .vault.usgovcloudapi.net, the "
                            "others in .vault.azure.net. Or enter the vault's name only."),
            }]},
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
    bastion_source = bastion_size = bastion_user = None
    if bastion:
        bastion_source = t.param(
            "bastionSshSourceAddress", "string", min_length=7, max_length=18,
            description=("IPv4 address or CIDR allowed to reach the management host's public IP on SSH (TCP 22), "
                         "e.g. your office's egress address. Nothing else reaches it from the internet."),
            ui={"step": "management", "control": "text", "label": "Allow SSH from",
                "toolTip": ("The address (or range) you connect from. The host accepts SSH keys only (the appliances' "
                            "key); never 0.0.0.0/0."),
                "regex": SUPPORT_SERVER_REGEX,
                "validationMessage": "An IPv4 address such as 203.0.113.10, or a CIDR such as 203.0.113.0/24.",
                "validations": [{"isValid": "[not(startsWith({self}, '0.0.0.0'))]",
                                 "message": "Not the whole internet: give the address or range you connect from."}]},
        )
        bastion_size = t.param(
            "bastionVmSize", "string", default=BASTION_SIZES[0], allowed_values=list(BASTION_SIZES),
            description="VM size of the management host (one NIC).",
            ui={"step": "management", "control": "size", "label": "Management host size", "osPlatform": "Linux",
                "recommended": [BASTION_SIZES[0]],
                "imageReference": {"publisher": BASTION_IMAGE.publisher, "offer": BASTION_IMAGE.offer,
                                   "sku": BASTION_IMAGE.sku},
                "toolTip": "A small size is enough: the host is for SSH to the appliances and for troubleshooting."},
        )
        bastion_user = t.param(
            "bastionAdminUsername", "string", default=BASTION_USER, min_length=1, max_length=32,
            description="Administrator user name on the management host (SSH key only).",
            ui={"step": "management", "control": "username", "label": "Management host user name",
                "toolTip": f"Leave empty for {BASTION_USER}.",
                "regex": "^[a-z_][a-z0-9_-]{0,31}$", "validationMessage": "A Linux user name (lower case)."},
        )
    dns_subnet_param = zpa_domains = None
    if zpa:
        if not greenfield:
            dns_subnet_param = t.param(
                "dnsOutboundSubnet", "string",
                description=("Existing subnet of the same virtual network, delegated to Microsoft.Network/dnsResolvers "
                             "and used by nothing else (/28 to /24), for the DNS resolver's outbound endpoint."),
                ui={"step": "zpa", "control": "subnet", "slot": "dns", "label": "Subnet for the DNS resolver",
                    "toolTip": ("A /28 to /24 subnet of the virtual network chosen on Networking, delegated to "
                                "Microsoft.Network/dnsResolvers and empty. Only subnets that qualify are listed; the "
                                "subnet is not modified."),
                    "minAddressPrefixSize": "/28", "maxAddressPrefixSize": "/24", "minAddressCount": 1,
                    "delegation": network.DNS_RESOLVERS_DELEGATION},
            )
        target = "the load balancer frontend" if ha else "each zone's appliance (service address)"
        zpa_domains = t.param(
            "zpaDomains", "array", min_length=1, max_length=1000,
            description=("ZPA application domains whose DNS queries go to the appliances, each fully qualified with "
                         f"a trailing dot (e.g. corp.example.com.): one forwarding rule each, to {target} on "
                         "port 53."),
            ui={"step": "zpa", "control": "list", "label": "ZPA application domains",
                "toolTip": ("The domains of your ZPA application segments, separated by commas, each ending in a dot "
                            "(e.g. corp.example.com., apps.example.net.). Queries for them from the linked virtual "
                            f"network are forwarded to {target}, where the Cloud Connector answers with ZPA's "
                            "synthetic addresses."),
                "regex": ZPA_DOMAIN_REGEX, "placeholder": "corp.example.com., apps.example.net.",
                "validationMessage": ("Domains separated by commas, each ending in a dot, e.g. corp.example.com., "
                                      "apps.example.net.")},
        )

    deployed_types = [compute.VM, network.NIC, network.NSG, network.ROUTE_TABLE]
    if ha:
        deployed_types.append(network.LB)
    if nat_option:
        deployed_types += [network.NAT_GATEWAY, network.PUBLIC_IP]
    deployed_types.append(compute.AVAILABILITY_SET)
    if greenfield:
        deployed_types.append(network.VNET)
    if bastion and network.PUBLIC_IP not in deployed_types:
        deployed_types.append(network.PUBLIC_IP)
    if zpa:
        deployed_types += [dnsresolver.DNS_RESOLVER, dnsresolver.RULESET]
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

    def per_slot(values: Any, index: Any = None) -> Any:
        """``values[i mod nSlots]`` for appliance ``i`` (``values[0]`` with one slot)."""
        i = E.copy_index() if index is None else index
        return E.as_expr(values)[0 if slots == 1 else E.mod(i, slots)]

    # --- variables and the network --------------------------------------------------------------
    use_zones: Any = None
    if zones_param is not None:
        use_zones = t.var(
            "useZones", E.not_(E.empty(E.pick_zones("Microsoft.Compute", "virtualMachines", location)))).ref
    # Zscaler's Terraform picks the China image by region (^china); environment() names the cloud.
    in_china = t.var("inChinaCloud", E.or_(E.equals(E.to_lower(E.call("environment").prop("name")), "azurechinacloud"),
                                           E.call("startsWith", E.to_lower(location), "china"))).ref
    image = compute.image_by_cloud(in_china, CHINA_IMAGE, IMAGE)
    vault_uri = t.var("keyVaultUri", E.if_(
        E.call("startsWith", E.to_lower(vault_url), "https://"), vault_url,
        E.call("uri", E.format_("https://{0}{1}", vault_url, E.call("environment").suffixes.keyvaultDns), "/"))).ref

    slot_subnet_ids: list[Any]
    vnet: Resource
    subnet_prefixes: list[Any] = []
    static_frontend: Any = None
    static_service_ips: Any = None
    nat_ids: list[Any] = []
    if greenfield:
        assert address_space is not None
        cidr = E.call("parseCidr", address_space)
        space = t.var("vnetAddressPrefix", E.format_("{0}/{1}", cidr.network, cidr.cidr)).ref
        sub_len = t.var("subnetPrefixLength",
                        E.call("max", E.add(E.call("parseCidr", address_space).cidr, SUBNET_SPLIT_BITS),
                               LARGEST_SUBNET)).ref
        roles = [f"zone{k + 1}" for k in range(slots)] + (["dns"] if zpa else []) + (
            ["workload"] if workload_subnet else []) + (["bastion"] if bastion else [])
        prefixes = t.var("subnetPrefixes", E.create_object(
            **{role: E.call("cidrSubnet", space, sub_len, LAYOUT[role]) for role in roles})).ref
        subnet_prefixes = [prefixes.prop(f"zone{k + 1}") for k in range(slots)]
        if ha:
            static_frontend = t.var("lbFrontendAddress", E.call("parseCidr", subnet_prefixes[0]).lastUsable).ref
        else:
            static_service_ips = t.var("serviceAddresses", [E.call("parseCidr", p).lastUsable for p in subnet_prefixes]).ref

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

    # --- NAT gateways (one per slot, or the customer's own) ---------------------------------------
    # Built here, added where they belong: before the greenfield VNet that associates them, after
    # the appliances in brownfield (where nothing in the template refers to them).
    pip = nat = None
    if nat_option:
        slot_zone = (E.if_(use_zones, E.create_array(zones_param.ref[E.copy_index()]), E.null())
                     if zones_param is not None else None)
        create_nats = E.empty(existing_nats) if existing_nats is not None else None
        pip = (network.public_ip(
            symbol="natPublicIp", name=named("public-ip-{0}", E.copy_index(1)), location=location,
            tags=tagged(network.PUBLIC_IP), copy=Copy("natPublicIpLoop", slots),
            zones=slot_zone, idle_timeout_minutes=30, condition=create_nats,
        ))
        nat = (network.nat_gateway(
            symbol="natGateway", name=named("ngw-{0}", E.copy_index(1)), location=location,
            tags=tagged(network.NAT_GATEWAY), copy=Copy("natGatewayLoop", slots),
            zones=slot_zone, idle_timeout_minutes=10, public_ip_ids=[pip.id_at(E.copy_index())],
            condition=create_nats,
        ))
        for k in range(slots):
            if existing_nats is None:
                nat_ids.append(nat.id_at(k))
            else:
                # One id for every slot, or one per slot; max(1, ...) keeps mod() defined either way.
                brought = existing_nats.ref[E.mod(k, E.call("max", 1, E.length(existing_nats)))]
                nat_ids.append(E.if_(E.empty(existing_nats), nat.id_at(k), brought))

    # --- the appliance subnets' route table (greenfield) ---------------------------------------------
    # The reference architecture's "default route ... towards the NAT Gateway": 0.0.0.0/0 to the
    # internet (which the subnet's NAT gateway then carries) wins over a default route learned from a
    # gateway, so the appliances always reach Zscaler directly. Gateway routes still propagate.
    if greenfield:
        cc_rt = t.add(network.route_table(
            symbol="applianceRouteTable", name=named("cc-rt"), location=location,
            tags=tagged(network.ROUTE_TABLE), disable_bgp_route_propagation=False,
            routes=[network.route("default-route", address_prefix="0.0.0.0/0", next_hop_type="Internet")],
        ))

    # --- workload route table(s) -------------------------------------------------------------------
    def workload_route_tables(next_hop: Any) -> Resource:
        """0.0.0.0/0 to the appliances: one table (HA) or one per slot to its appliance (standalone).
        ``next_hop`` gives the address (for slot ``copyIndex()`` in standalone)."""
        if ha:
            return t.add(network.route_table(
                symbol="workloadRouteTable", name=named("workload-rt"), location=location,
                tags=tagged(network.ROUTE_TABLE), disable_bgp_route_propagation=E.not_(propagate),
                routes=[network.route("default-route", address_prefix="0.0.0.0/0", next_hop_ip=next_hop())],
            ))
        return t.add(network.route_table(
            symbol="workloadRouteTable", name=named("workload-rt-{0}", E.copy_index(1)), location=location,
            tags=tagged(network.ROUTE_TABLE), disable_bgp_route_propagation=E.not_(propagate),
            copy=Copy("workloadRouteTableLoop", slots),
            routes=[network.route("default-route", address_prefix="0.0.0.0/0", next_hop_ip=next_hop())],
        ))

    rt: Resource | None = None
    if greenfield and pip is not None and nat is not None:
        t.add(pip)
        t.add(nat)
    if greenfield:
        # Addresses the template fixes (the frontend, or each standalone service NIC, at the top of
        # its subnet): the VNet's workload subnet refers to the table, which then needs nothing the
        # VNet holds (reading the load balancer's address would close a dependency cycle).
        rt = workload_route_tables(lambda: static_frontend if ha else static_service_ips[E.copy_index()])

    if greenfield:
        subnets_inline = []
        for k in range(slots):
            subnets_inline.append(network.subnet(
                named("cc-subnet-{0}", k + 1), address_prefix=subnet_prefixes[k], nat_gateway_id=nat_ids[k],
                route_table_id=cc_rt.id))
        if zpa:
            subnets_inline.append(network.subnet(named("dns-resolver-subnet"), address_prefix=prefixes.dns,
                                                 delegation=network.DNS_RESOLVERS_DELEGATION))
        if workload_subnet:
            assert rt is not None
            subnets_inline.append(network.subnet(named("workload-subnet"), address_prefix=prefixes.workload,
                                                 route_table_id=rt.id if ha else rt.id_at(0)))
        if bastion:
            subnets_inline.append(network.subnet(named("bastion-subnet"), address_prefix=prefixes.bastion))
        vnet = t.add(network.virtual_network(
            symbol="vnet", name=named("vnet"), location=location, tags=tagged(network.VNET),
            address_prefixes=[space], subnets=subnets_inline))
        owned = [t.add(child_ref(vnet, "subnets", s["name"], f"subnet{k + 1}"))
                 for k, s in enumerate(subnets_inline[:slots])]
        slot_subnet_ids = [s.id for s in owned]
        dns_subnet_id = (t.add(child_ref(vnet, "subnets", subnets_inline[slots]["name"], "dnsSubnet")).id
                         if zpa else None)
        bastion_subnet_id = (t.add(child_ref(vnet, "subnets", subnets_inline[-1]["name"], "bastionSubnet")).id
                             if bastion else None)
    else:
        vnet = t.add(network.existing_virtual_network(symbol="vnet", name=vnet_name, resource_group=vnet_rg))
        existing = [t.add(network.existing_subnet(symbol=f"subnet{k + 1}", vnet=vnet, name=p))
                    for k, p in enumerate(subnet_params)]
        slot_subnet_ids = [s.id for s in existing]
        dns_subnet_id = (t.add(network.existing_subnet(symbol="dnsSubnet", vnet=vnet, name=dns_subnet_param)).id
                         if zpa else None)
        bastion_subnet_id = None
    uami = t.add(identity.existing_user_assigned_identity(symbol="identity", name=identity_name,
                                                          resource_group=identity_rg, subscription_id=identity_sub))

    if slots == 1:
        subnet_of_appliance: Any = slot_subnet_ids[0]
    else:
        subnet_ids = t.var("subnetIds", slot_subnet_ids)
        subnet_of_appliance = per_slot(subnet_ids)

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
            subnet_id=slot_subnet_ids[0], private_ip_address=static_frontend,
            frontend_zones=frontend_zones,
            frontend_name="cc-lb-ip", backend_pool_name="cc-lb-backend", probe_name="cc-lb-probe",
            rule_name="cc-lb-rule",
            probe_protocol="Http", probe_port=probe_port, probe_path=PROBE_PATH,
            probe_interval=probe_interval, probe_threshold=2, number_of_probes=1,
            load_distribution=load_distribution, floating_ip=True,
        ))
        pool = t.add(child_ref(lb, "backendAddressPools", network.lb_backend_pool_name(lb), "lbBackendPool"))
        lb_frontend = network.lb_frontend_ip(lb)

    # --- appliances -----------------------------------------------------------------------------
    mgmt_nic = t.add(network.network_interface(
        symbol="mgmtNic", name=named("ccvm-{0}-mgmt-nic", E.copy_index(1)), location=location,
        tags=tagged(network.NIC), copy=Copy("mgmtNicLoop", count),
        subnet_id=subnet_of_appliance, ip_forwarding=False, accelerated_networking=False,
        nsg_id=E.if_(E.empty(mgmt_nsg_param), mgmt_nsg.id, mgmt_nsg_param),
        ip_config_name="mgmt-ipconfig",
    ))
    if greenfield:
        # The NICs find their subnet through the subnetIds variable, which hides the VNet from the
        # dependency analysis: say it.
        mgmt_nic.depends_on.append(vnet)
    svc_nic = t.add(network.network_interface(
        symbol="serviceNic", name=named("ccvm-{0}-fwd-nic", E.copy_index(1)), location=location,
        tags=tagged(network.NIC), copy=Copy("serviceNicLoop", count),
        subnet_id=subnet_of_appliance, ip_forwarding=True, accelerated_networking=accelerated,
        nsg_id=E.if_(E.empty(svc_nsg_param), svc_nsg.id, svc_nsg_param),
        backend_pool_ids=[pool.id] if pool is not None else (),
        private_ip_address=static_service_ips[E.copy_index()] if static_service_ips is not None else None,
        ip_config_name="fwd-ipconfig",
    ))
    if greenfield:
        svc_nic.depends_on.append(vnet)

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
        return E.base64(E.format_(BOOTSTRAP_INI, cc_url, vault_uri, probe_port, identity.client_id(uami),
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

    if not greenfield and pip is not None and nat is not None:
        t.add(pip)
        t.add(nat)
    if rt is None:
        # Brownfield: the addresses Azure gave the frontend or each slot's service NIC.
        rt = workload_route_tables(
            lambda: lb_frontend if ha else svc_nic.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress)

    # --- management host (greenfield starter) ------------------------------------------------------
    bastion_pip = None
    if bastion:
        bastion_nsg = t.add(network.network_security_group(
            symbol="bastionNsg", name=named("bastion-nsg"), location=location, tags=tagged(network.NSG),
            rules=[network.security_rule("SSH_IN", priority=1000, direction="Inbound", protocol="Tcp",
                                         source=bastion_source, destination_ports="22")],
        ))
        bastion_pip = t.add(network.public_ip(
            symbol="bastionPublicIp", name=named("bastion-public-ip"), location=location,
            tags=tagged(network.PUBLIC_IP)))
        bastion_nic = t.add(network.network_interface(
            symbol="bastionNic", name=named("bastion-nic"), location=location, tags=tagged(network.NIC),
            subnet_id=bastion_subnet_id, nsg_id=bastion_nsg.id, public_ip_id=bastion_pip.id))
        t.add(compute.linux_vm(
            symbol="bastion", name=named("bastion"), location=location, tags=tagged(compute.VM),
            size=bastion_size, image=BASTION_IMAGE, admin_username=bastion_user, ssh_public_key=ssh_key,
            nic_ids=[bastion_nic.id], nic_delete_option="Delete", os_disk_type="StandardSSD_LRS",
            allow_extension_operations=False))

    # --- ZPA: DNS Private Resolver, forwarding ruleset, rules, link ----------------------------------
    resolver = ruleset = None
    if zpa:
        assert zpa_domains is not None and dns_subnet_id is not None
        resolver = t.add(dnsresolver.dns_resolver(
            symbol="dnsResolver", name=named("dns-resolver"), location=location,
            tags=tagged(dnsresolver.DNS_RESOLVER), vnet_id=vnet.id))
        endpoint = t.add(dnsresolver.outbound_endpoint(
            symbol="dnsOutboundEndpoint", resolver=resolver, name=named("dns-outbound"), location=location,
            tags=tagged(dnsresolver.DNS_RESOLVER), subnet_id=dns_subnet_id))
        ruleset = t.add(dnsresolver.forwarding_ruleset(
            symbol="dnsForwardingRuleset", name=named("zpa-ruleset"), location=location,
            tags=tagged(dnsresolver.RULESET), outbound_endpoint_ids=[endpoint.id]))
        if ha:
            targets = [static_frontend if greenfield else lb_frontend]
        elif greenfield:
            targets = [static_service_ips[k] for k in range(slots)]
        else:
            targets = [svc_nic.props_at(k).ipConfigurations[0].properties.privateIPAddress for k in range(slots)]
        t.add(dnsresolver.forwarding_rule(
            symbol="zpaForwardingRule", ruleset=ruleset, name=E.format_("zpa-{0}", E.copy_index(1)),
            domain_name=zpa_domains.ref[E.copy_index()], target_ips=targets,
            copy=Copy("zpaForwardingRuleLoop", E.length(zpa_domains))))
        t.add(dnsresolver.vnet_link(symbol="zpaVnetLink", ruleset=ruleset, name=named("vnet-link"),
                                    vnet_id=vnet.id))

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
    if greenfield:
        t.output("virtualNetworkId", "string", vnet.id,
                 description=("The virtual network this deployment created: peer workload (spoke) VNets with it and "
                              "attach the workload route table to their subnets."))
        t.output("applianceSubnetIds", "array", slot_subnet_ids,
                 description="The zone subnets of the appliances, in slot order (their NAT gateways are associated).")
    if pip is not None and nat is not None:
        t.output("natGatewayIds", "array", nat_ids,
                 description=("The NAT gateway of each zone slot, in slot order"
                              + (": the ones created, or your own (existingNatGatewayIds)." if byo_nat else ".")))
        t.output("natPublicIps", "array", pip.props_at(E.copy_index()).ipAddress, copy_count=slots,
                 condition=E.empty(existing_nats) if existing_nats is not None else None,
                 description="Public IP of each zone slot's NAT gateway (allow-list these at Zscaler).")
        if not greenfield:
            assert vnet_name is not None and vnet_rg is not None
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
                           "armgen attach", vnet_rg, vnet_name, p, nat_ids[k])
                 for k, p in enumerate(subnet_params)],
                description=("The same association with the Azure CLI, one command per zone slot. WARNING: each "
                             "replaces a NAT gateway the subnet already has, without asking; armgen attach does not."),
            )
    if bastion_pip is not None:
        t.output("managementHostPublicIp", "string", bastion_pip.props.ipAddress,
                 description="Public IP of the management host: ssh <user>@<this address>, then on to the appliances.")
    if resolver is not None and ruleset is not None:
        t.output("dnsResolverId", "string", resolver.id, description="The DNS Private Resolver (ZPA).")
        t.output("dnsForwardingRulesetId", "string", ruleset.id,
                 description=("The ZPA forwarding ruleset, linked to this virtual network. Link workload (spoke) VNets "
                              "to it too (az dns-resolver vnet-link create) so their ZPA queries reach the "
                              "appliances."))
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


def _notes(greenfield: bool, nat: bool, byo_nat: bool, zpa: bool) -> list[dict[str, Any]]:
    """The InfoBoxes of the wizard's last steps: what to do after deploying, and the clouds."""
    notes: list[dict[str, Any]] = []
    if nat and not greenfield:
        which = "the NAT gateways (created, or the ones you chose)" if byo_nat else "each zone's NAT gateway"
        notes.append({
            "name": "afterDeployment", "step": "tags", "icon": "Warning",
            "text": (f"After the deployment, attach {which} to the zone subnets, or the appliances have "
                     "no outbound internet path: download the deployment's parameters (Deployments > this "
                     "deployment > Template > Download) and run: armgen attach -g <resource group> -p "
                     "parameters.json. The deployment's outputs also list equivalent az network vnet subnet "
                     "update commands; unlike armgen attach, they replace a NAT gateway the subnet already has."),
        })
    notes.append({
        "name": "workloadRoutes", "step": "tags", "icon": "Info",
        "text": ("Send workload traffic through the appliances by attaching the workload route table (see the "
                 "deployment's outputs) to workload subnets, never to the appliances' own subnets."
                 + (" In the hub-and-spoke design, peer the workload VNets with this one first." if greenfield else "")),
    })
    if zpa:
        notes.append({
            "name": "zpaLinks", "step": "zpa", "icon": "Info",
            "text": ("The forwarding ruleset is linked to this virtual network: its workloads' queries for these domains "
                     "go to the appliances (when the VNet uses Azure-provided DNS). Workload VNets peered with it need "
                     "a link of their own to the ruleset (output dnsForwardingRulesetId). A virtual network takes one "
                     "DNS resolver: the deployment fails if it already has one."),
        })
    notes.append({
        "name": "sovereignClouds", "step": "tags", "icon": "Warning",
        "visible": ("[or(startsWith(toLower(location()), 'china'), startsWith(toLower(location()), 'usgov'), "
                    "startsWith(toLower(location()), 'usdod'))]"),
        "text": ("Azure China and Azure Government: the image (Zscaler's China image in Azure China) and the Key Vault "
                 "suffix follow the cloud, but this offer's API versions (Microsoft.Network "
                 f"{api_versions.NETWORK}, Microsoft.Compute {api_versions.COMPUTE}, Microsoft.ManagedIdentity "
                 f"{api_versions.MANAGED_IDENTITY}"
                 + (f", DNS resolver {api_versions.DNS_RESOLVER}" if zpa else "")
                 + ") are not verified there. Check first, e.g. az provider show --namespace Microsoft.Network "
                   "--query \"resourceTypes[?resourceType=='loadBalancers'].apiVersions\"."),
    })
    return notes


OFFER = Offer(
    name=NAME,
    description="Zscaler-Cloud-Connector-style appliances across zones behind an internal LB: into an existing VNet, "
                "a new one (starter) and/or with ZPA DNS forwarding",
    defaults=DEFAULTS,
    builder=build,
    variant_defaults=VARIANT_DEFAULTS,
    values_check=check_values,
)
