"""``armgen new offer NAME``: a starting offer file and its test, outside armgen.

Why generated and not copied from ``armgen/offers/``: a copied built-in offer imports armgen's
private layout and must be registered in armgen to build. The generated file is built as it is
(``armgen build my_offer.py``) and its test passes as written, so a new publisher starts from
green and changes one thing at a time. The test builds through the same path ``armgen build``
takes (schemas, createUiDefinition, Bicep) and runs arm-ttk's tests on the result.
"""

from __future__ import annotations

import re
from pathlib import Path

from armgen.errors import InputError

NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

OFFER_FILE = '''"""``__NAME__``: __TITLE__, an armgen offer.

Build it:   armgen build __MODULE__.py --out build/__NAME__
Test it:    pytest test___MODULE__.py
Package it: armgen package __MODULE__.py --version 0.1.0

The steps every offer follows (docs/writing-an-offer.md in armgen): parameters with UI hints,
the customer's existing network referenced (never declared), resources from armgen's builders
(references through ``.id``/``.props`` derive ``dependsOn``), outputs.
"""

from __future__ import annotations

from typing import Any

from armgen import expr as E
from armgen.offers import Offer
from armgen.resources import compute, network
from armgen.resources.common import tags_for
from armgen.template import Copy, Template

# First-party Ubuntu (no Marketplace plan); your appliance's image is Image(publisher, offer, sku).
IMAGE = compute.Image(publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", plan=False)
VM_SIZES = ["Standard_D2s_v5", "Standard_D4s_v5"]
DEFAULTS: dict[str, Any] = {"zones": ["1", "2"], "appliancesPerZone": 1, "namePrefix": "__PREFIX__"}


def build(options: dict[str, Any]) -> Template:
    """``appliancesPerZone`` two-NIC VMs in each zone, in two existing subnets."""
    zones: list[str] = list(options["zones"])
    count = max(1, len(zones)) * options["appliancesPerZone"]
    t = Template(description="__TITLE__ in an existing virtual network.",
                 ui={"title": "__TITLE__", "steps": [{"name": "network", "label": "Networking"},
                                                     {"name": "appliance", "label": "Appliance"}]})

    # 1. Parameters, each with a description and UI hints for createUiDefinition.
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
    data_subnet_name = t.param("dataSubnetName", "string", description="Existing subnet for data NICs.",
                               ui={"step": "network", "control": "subnet", "slot": "zone2", "label": "Data subnet",
                                   "minAddressPrefixSize": "/29", "minAddressCount": count})
    size = t.param("vmSize", "string", default=VM_SIZES[0], allowed_values=VM_SIZES, description="VM size.",
                   ui={"step": "appliance", "control": "size", "label": "Size", "osPlatform": "Linux"})
    user = t.param("adminUsername", "string", default="azureuser", description="Administrator user (SSH key only).",
                   ui={"step": "appliance", "control": "username", "label": "User name",
                       "regex": "^[a-z_][a-z0-9_-]{0,31}$", "validationMessage": "A Linux user name."})
    key = t.param("sshPublicKey", "string", description="Administrator's SSH public key.",
                  ui={"step": "appliance", "control": "sshKey", "label": "SSH public key"})
    tags = t.param("tagsByResource", "object", default={}, description="Tags per resource type.",
                   ui={"step": "basics", "control": "tags", "label": "Tags", "resources": [compute.VM, network.NIC]})

    # 2. The customer's network: existing resources, only referenced.
    vnet = t.add(network.existing_virtual_network(symbol="vnet", name=vnet_name, resource_group=vnet_rg))
    mgmt_subnet = t.add(network.existing_subnet(symbol="mgmtSubnet", vnet=vnet, name=mgmt_subnet_name))
    data_subnet = t.add(network.existing_subnet(symbol="dataSubnet", vnet=vnet, name=data_subnet_name))

    # 3. Resources from the builders.
    vm_name = E.format_("{0}-vm-{1}", prefix, E.copy_index(1))
    mgmt = t.add(network.network_interface(
        symbol="mgmtNic", name=E.concat(vm_name, "-mgmt"), location=location, subnet_id=mgmt_subnet.id,
        tags=tags_for(tags, network.NIC), copy=Copy("mgmtNics", count)))
    data = t.add(network.network_interface(
        symbol="dataNic", name=E.concat(vm_name, "-data"), location=location, subnet_id=data_subnet.id,
        ip_forwarding=True, tags=tags_for(tags, network.NIC), copy=Copy("dataNics", count)))
    zone_list = t.var("zones", zones).ref if zones else None
    t.add(compute.linux_vm(
        symbol="vm", name=vm_name, location=location, size=size, image=IMAGE, admin_username=user,
        ssh_public_key=key, nic_ids=[mgmt.id_at(E.copy_index()), data.id_at(E.copy_index())],
        zones=[zone_list[E.mod(E.copy_index(), len(zones))]] if zone_list is not None else None,
        tags=tags_for(tags, compute.VM), copy=Copy("vms", count)))
    # For the Marketplace, Partner Center attributes usage by a pid- deployment with your plan's GUID:
    # from armgen.resources import deployments
    # t.add(deployments.tracking_deployment("<your plan's GUID>"))

    # 4. Outputs.
    t.output("dataIps", "array", data.props_at(E.copy_index()).ipConfigurations[0].properties.privateIPAddress,
             copy_count=count, description="Data NIC address of each appliance.")
    return t


OFFER = Offer(name="__NAME__", description="__TITLE__", defaults=DEFAULTS, builder=build)
'''

TEST_FILE = '''"""Tests of the ``__NAME__`` offer: it builds, validates and passes arm-ttk's tests.

Run with ``pytest test___MODULE__.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.build import build, resolve_options
from armgen.lint import lint_path
from armgen.offers import get_offer

OFFER_FILE = str(Path(__file__).with_name("__MODULE__.py"))


def build_files(**options: object) -> dict[str, str]:
    """The offer built as ``armgen build __MODULE__.py`` builds it: template, UI definition and
    Bicep, each validated (an invalid one raises)."""
    return build(resolve_options(OFFER_FILE, {"offer": OFFER_FILE, **options}, {})).files


def test_the_offer_loads_by_file() -> None:
    assert get_offer(OFFER_FILE).name == "__NAME__"


@pytest.mark.parametrize("options", [{}, {"zones": ["1", "2", "3"], "appliancesPerZone": 2}, {"zones": []}], ids=str)
def test_builds_and_passes_arm_ttk(options: dict[str, object], tmp_path: Path) -> None:
    files = build_files(**options)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = lint_path(tmp_path, marketplace=True)
    assert [str(f) for f in report.errors] == []


def test_never_declares_the_customers_network() -> None:
    template = json.loads(build_files()["mainTemplate.json"])
    types = {r["type"].lower() for r in template["resources"]}
    assert not types & {"microsoft.network/virtualnetworks", "microsoft.network/virtualnetworks/subnets"}


def test_one_vm_per_zone_slot() -> None:
    template = json.loads(build_files(zones=["1", "2", "3"], appliancesPerZone=2)["mainTemplate.json"])
    (vm,) = [r for r in template["resources"] if r["type"] == "Microsoft.Compute/virtualMachines"]
    assert vm["copy"]["count"] == 6
'''


def offer_files(name: str) -> dict[str, str]:
    """``{file name: text}`` of a new offer called ``name`` (lower case, digits and dashes)."""
    if not NAME.match(name) or len(name) > 40:
        raise InputError(f"offer name {name!r}: use lower-case letters, digits and single dashes, starting with a "
                         "letter (at most 40 characters), e.g. my-appliance", file="NAME")
    module = name.replace("-", "_")
    prefix = (re.sub(r"[^a-z0-9]", "", name)[:8] or "nva").ljust(2, "x")
    title = name.replace("-", " ").capitalize()
    subst = {"__NAME__": name, "__MODULE__": module, "__PREFIX__": prefix, "__TITLE__": title}

    def fill(text: str) -> str:
        for key, value in subst.items():
            text = text.replace(key, value)
        return text

    return {f"{module}.py": fill(OFFER_FILE), f"test_{module}.py": fill(TEST_FILE)}


def write_offer(name: str, folder: str | Path, *, force: bool = False) -> list[Path]:
    """Write the new offer's files into ``folder``; existing files are kept unless ``force``."""
    from armgen.jsonio import write_all_atomic

    out = Path(folder)
    files = {out / fname: text for fname, text in offer_files(name).items()}
    existing = [str(p) for p in files if p.exists()]
    if existing and not force:
        raise InputError("already exists (choose another folder, or --force to overwrite)", file=existing[0])
    write_all_atomic(files)
    return list(files)
