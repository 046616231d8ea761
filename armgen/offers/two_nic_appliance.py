"""``two-nic-appliance``: a generic two-NIC network virtual appliance, as a template for your own offer.

It is deliberately small and uses only the public builders, to show the pattern every offer
follows (see ``docs/writing-an-offer.md``):

1. declare parameters with a description and UI hints (``ui={...}``) for createUiDefinition;
2. reference the customer's network as ``existing`` resources (never declare a VNet or subnet);
3. create resources with :mod:`armgen.resources` builders, referring to each other through
   ``.id`` / ``.props`` so ``dependsOn`` is derived;
4. add outputs; return the Template.

The appliance is a plain Ubuntu LTS image (no Marketplace plan): NIC #1 management in one
existing subnet, NIC #2 data (IP forwarding) in another, ``appliancesPerZone`` VMs per zone,
and in the ``ha`` variant an internal load balancer with an HA-ports rule and a TCP probe.
"""

from __future__ import annotations

from typing import Any

from armgen import expr as E
from armgen.errors import InputError
from armgen.offers import Offer
from armgen.resources import compute, network
from armgen.resources.common import child_ref, tags_for
from armgen.template import Copy, Template

IMAGE = compute.Image(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", plan=False)
VM_SIZES = ["Standard_D2s_v5", "Standard_D4s_v5", "Standard_D2as_v5"]
DEFAULTS: dict[str, Any] = {"variant": "ha", "zones": ["1", "2"], "appliancesPerZone": 1, "namePrefix": "nva"}


def build(options: dict[str, Any]) -> Template:
    """One or more 2-NIC appliances in existing subnets, optionally behind an internal LB."""
    if options["variant"] not in ("ha", "standalone"):
        raise InputError("variant must be 'ha' or 'standalone'", path="$.variant")
    zones: list[str] = list(options["zones"])
    count = max(1, len(zones)) * options["appliancesPerZone"]
    ha = options["variant"] == "ha"

    t = Template(description="A generic two-NIC network virtual appliance in an existing VNet.",
                 ui={"title": "Two-NIC appliance", "steps": [{"name": "network", "label": "Networking"},
                                                             {"name": "appliance", "label": "Appliance"}]})
    # 1. Parameters, each with UI hints.
    location = t.param("location", "string", default=E.resource_group().location,
                       description="Region of every resource.")
    prefix = t.param("namePrefix", "string", default=options["namePrefix"], max_length=12,
                     description="Prefix of resource names.",
                     ui={"step": "basics", "control": "text", "label": "Name prefix",
                         "regex": "^[a-z][a-z0-9-]{0,11}$", "validationMessage": "1-12 lower-case letters, digits, '-'."})
    vnet_name = t.param("vnetName", "string", description="Existing virtual network.",
                        ui={"step": "network", "control": "vnet", "part": "name", "label": "Virtual network"})
    vnet_rg = t.param("vnetResourceGroup", "string", default=E.resource_group().prop("name"),
                      description="Resource group of the virtual network.",
                      ui={"step": "network", "control": "vnet", "part": "resourceGroup", "label": "Virtual network"})
    mgmt_subnet_name = t.param("mgmtSubnetName", "string", description="Existing subnet for management NICs.",
                               ui={"step": "network", "control": "subnet", "slot": "zone1", "label": "Management subnet",
                                   "minAddressPrefixSize": "/29", "minAddressCount": count})
    data_subnet_name = t.param("dataSubnetName", "string", description="Existing subnet for data NICs (and the LB).",
                               ui={"step": "network", "control": "subnet", "slot": "zone2", "label": "Data subnet",
                                   "minAddressPrefixSize": "/29", "minAddressCount": count + (1 if ha else 0)})
    size = t.param("vmSize", "string", default=VM_SIZES[0], allowed_values=VM_SIZES, description="VM size.",
                   ui={"step": "appliance", "control": "size", "label": "Size", "osPlatform": "Linux"})
    user = t.param("adminUsername", "string", default="azureuser", description="Administrator user (SSH key only).",
                   ui={"step": "appliance", "control": "username", "label": "User name",
                       "regex": "^[a-z_][a-z0-9_-]{0,31}$", "validationMessage": "A Linux user name."})
    key = t.param("sshPublicKey", "string", description="Administrator's SSH public key.",
                  ui={"step": "appliance", "control": "sshKey", "label": "SSH public key"})
    tags = t.param("tagsByResource", "object", default={}, description="Tags per resource type.",
                   ui={"step": "basics", "control": "tags", "label": "Tags",
                       "resources": [compute.VM, network.NIC, network.LB]})

    # 2. The customer's network, referenced only.
    vnet = t.add(network.existing_virtual_network(symbol="vnet", name=vnet_name, resource_group=vnet_rg))
    mgmt_subnet = t.add(network.existing_subnet(symbol="mgmtSubnet", vnet=vnet, name=mgmt_subnet_name))
    data_subnet = t.add(network.existing_subnet(symbol="dataSubnet", vnet=vnet, name=data_subnet_name))

    # 3. Resources; references through .id give dependsOn for free.
    pool_ids: list[Any] = []
    if ha:
        lb = t.add(network.internal_load_balancer(
            symbol="lb", name=E.format_("{0}-ilb", prefix), location=location, subnet_id=data_subnet.id,
            tags=tags_for(tags, network.LB), frontend_zones=zones or None,
            probe_protocol="Tcp", probe_port=22, probe_interval=5))
        pool_ids = [t.add(child_ref(lb, "backendAddressPools", network.lb_backend_pool_name(lb), "lbPool")).id]
        t.output("lbFrontendIp", "string", network.lb_frontend_ip(lb), description="Next hop for workload routes.")
    loop_name = E.format_("{0}-vm-{1}", prefix, E.copy_index(1))
    mgmt = t.add(network.network_interface(
        symbol="mgmtNic", name=E.concat(loop_name, "-mgmt"), location=location, subnet_id=mgmt_subnet.id,
        tags=tags_for(tags, network.NIC), copy=Copy("mgmtNics", count)))
    data = t.add(network.network_interface(
        symbol="dataNic", name=E.concat(loop_name, "-data"), location=location, subnet_id=data_subnet.id,
        ip_forwarding=True, accelerated_networking=True, backend_pool_ids=pool_ids,
        tags=tags_for(tags, network.NIC), copy=Copy("dataNics", count)))
    zone_list = t.var("zones", zones).ref if zones else None
    t.add(compute.linux_vm(
        symbol="vm", name=loop_name, location=location, size=size, image=IMAGE, admin_username=user,
        ssh_public_key=key, nic_ids=[mgmt.id_at(E.copy_index()), data.id_at(E.copy_index())],
        zones=[zone_list[E.mod(E.copy_index(), len(zones))]] if zone_list is not None else None,
        tags=tags_for(tags, compute.VM), copy=Copy("vms", count)))

    # 4. Outputs.
    t.output("dataIps", "array", data.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress,
             copy_count=count, description="Data NIC address of each appliance.")
    return t


OFFER = Offer(name="two-nic-appliance", description="Example: a generic two-NIC appliance (Ubuntu, optional ILB)",
              defaults=DEFAULTS, builder=build)
