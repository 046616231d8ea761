"""A template at Resource Manager's limits, for the growth benchmark (``bench_scale``).

ARM allows 800 resources and 256 parameters per template. :func:`big_template` builds one with
armgen's own builders, as an offer would: groups of four resources (NSG, public IP, NIC, VM)
that refer to each other (so ``dependsOn`` is derived), in an existing VNet and subnet, and
parameters of every common control kind (text boxes with regexes, dropdowns, checkboxes,
integers) spread over several wizard steps, each parameter used by some group. ``big_template(100,
32)`` is the same shape at an eighth of the size, so time(800) / time(100) shows whether build,
validation and lint grow linearly.

``armgen build bench.big_template:SCALE_800 --out DIR`` (from the project folder) builds it as a
user builds an offer; ``SCALE_100`` is the small one.
"""

from __future__ import annotations

from typing import Any

from armgen import expr as E
from armgen.offers import Offer
from armgen.resources import compute, network
from armgen.resources.common import tags_for
from armgen.template import Template

IMAGE = compute.Image(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", plan=False)
SIZES = ["Standard_D2s_v5", "Standard_D4s_v5", "Standard_D2as_v5"]
PER_GROUP = 4  # NSG, public IP, NIC, VM
STEPS = 8
# parameters every group shares, besides the per-kind ones below
FIXED = ("location", "vnetName", "vnetResourceGroup", "subnetName", "adminUsername", "sshPublicKey",
         "tagsByResource")


def big_template(resources: int = 800, parameters: int = 256) -> Template:
    """A template of ``resources`` deployed resources (a multiple of 4) and ``parameters`` parameters."""
    if resources % PER_GROUP or resources <= 0:
        raise ValueError(f"resources must be a positive multiple of {PER_GROUP}")
    groups = resources // PER_GROUP
    free = parameters - len(FIXED)
    if free < 4:
        raise ValueError(f"need at least {len(FIXED) + 4} parameters")
    steps = [{"name": f"step{i}", "label": f"Step {i}"} for i in range(STEPS)]
    t = Template(description="Growth benchmark: a template at Resource Manager's limits.",
                 ui={"title": "Scale", "steps": steps})
    location = t.param("location", "string", default=E.resource_group().location, description="Region.")
    vnet_name = t.param("vnetName", "string", description="Existing virtual network.",
                        ui={"step": "step0", "control": "vnet", "part": "name", "label": "Virtual network"})
    vnet_rg = t.param("vnetResourceGroup", "string", default=E.resource_group().prop("name"),
                      description="Resource group of the virtual network.",
                      ui={"step": "step0", "control": "vnet", "part": "resourceGroup", "label": "Virtual network"})
    subnet_name = t.param("subnetName", "string", description="Existing subnet.",
                          ui={"step": "step0", "control": "subnet", "slot": "zone1", "label": "Subnet",
                              "minAddressPrefixSize": "/24", "minAddressCount": groups})
    user = t.param("adminUsername", "string", default="azureuser", description="Administrator user.",
                   ui={"step": "step1", "control": "username", "label": "User name",
                       "regex": "^[a-z_][a-z0-9_-]{0,31}$", "validationMessage": "A Linux user name."})
    key = t.param("sshPublicKey", "string", description="Administrator's SSH public key.",
                  ui={"step": "step1", "control": "sshKey", "label": "SSH public key"})
    tags = t.param("tagsByResource", "object", default={}, description="Tags per resource type.",
                   ui={"step": "basics", "control": "tags", "label": "Tags",
                       "resources": [compute.VM, network.NIC, network.NSG, network.PUBLIC_IP]})

    # the free parameters, in four kinds, each group using one of each kind (round robin)
    kinds: dict[str, list[Any]] = {"prefix": [], "size": [], "accel": [], "timeout": []}
    names = list(kinds)
    for i in range(free):
        kind = names[i % len(names)]
        n = len(kinds[kind])
        step = f"step{2 + i % (STEPS - 2)}"
        if kind == "prefix":
            p = t.param(f"namePrefix{n}", "string", default=f"app{n}", max_length=12,
                        description=f"Prefix of the names of group set {n}.",
                        ui={"step": step, "label": f"Name prefix {n}", "regex": "^[a-z][a-z0-9-]{0,11}$",
                            "validationMessage": "1-12 lower-case letters, digits, '-'."})
        elif kind == "size":
            p = t.param(f"vmSize{n}", "string", default=SIZES[n % len(SIZES)], allowed_values=SIZES,
                        description=f"VM size of group set {n}.",
                        ui={"step": step, "control": "size", "label": f"Size {n}", "osPlatform": "Linux"})
        elif kind == "accel":
            p = t.param(f"acceleratedNetworking{n}", "bool", default=n % 2 == 0,
                        description=f"Accelerated networking in group set {n}.",
                        ui={"step": step, "label": f"Accelerated networking {n}"})
        else:
            p = t.param(f"idleTimeout{n}", "int", default=4, min_value=4, max_value=30,
                        description=f"Public IP idle timeout (minutes) of group set {n}.",
                        ui={"step": step, "label": f"Idle timeout {n}"})
        kinds[kind].append(p)

    vnet = t.add(network.existing_virtual_network(symbol="vnet", name=vnet_name, resource_group=vnet_rg))
    subnet = t.add(network.existing_subnet(symbol="subnet", vnet=vnet, name=subnet_name))
    rule = network.security_rule("ssh", priority=100, direction="Inbound", protocol="Tcp",
                                 source="VirtualNetwork", destination_ports="22")
    for g in range(groups):
        prefix = kinds["prefix"][g % len(kinds["prefix"])]
        size = kinds["size"][g % len(kinds["size"])]
        accel = kinds["accel"][g % len(kinds["accel"])]
        timeout = kinds["timeout"][g % len(kinds["timeout"])]
        base = E.format_("{0}-" + str(g), prefix)
        nsg = t.add(network.network_security_group(
            symbol=f"nsg{g}", name=E.concat(base, "-nsg"), location=location, rules=[rule],
            tags=tags_for(tags, network.NSG)))
        pip = t.add(network.public_ip(
            symbol=f"pip{g}", name=E.concat(base, "-pip"), location=location, tags=tags_for(tags, network.PUBLIC_IP)))
        pip.properties["idleTimeoutInMinutes"] = timeout.expr()
        nic = t.add(network.network_interface(
            symbol=f"nic{g}", name=E.concat(base, "-nic"), location=location, subnet_id=subnet.id,
            accelerated_networking=accel.expr(), nsg_id=nsg.id, tags=tags_for(tags, network.NIC)))
        nic.properties["ipConfigurations"][0]["properties"]["publicIPAddress"] = {"id": pip.id}
        t.add(compute.linux_vm(
            symbol=f"vm{g}", name=E.concat(base, "-vm"), location=location, size=size, image=IMAGE,
            admin_username=user, ssh_public_key=key, nic_ids=[nic.id], tags=tags_for(tags, compute.VM),
            allow_extension_operations=False))
        if g < 8:
            t.output(f"nicIp{g}", "string", nic.props.ipConfigurations[0].properties.privateIPAddress,
                     description=f"Private address of group {g}.")
    return t


def _offer(resources: int, parameters: int) -> Offer:
    return Offer(name=f"scale-{resources}", description=f"growth benchmark: {resources} resources, {parameters} parameters",
                 defaults={}, builder=lambda _options: big_template(resources, parameters))


#: ``armgen build bench.big_template:SCALE_800 --out DIR`` builds it as a user builds an offer
SCALE_800 = _offer(800, 256)
SCALE_100 = _offer(100, 32)
