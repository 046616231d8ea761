"""Microsoft.Compute builders: a Linux appliance VM from the Marketplace, and availability sets.

The VM builder encodes the choices every appliance in armgen makes, so offers cannot forget
them: SSH key only (``disablePasswordAuthentication``; there is no password argument at all),
managed boot diagnostics (``enabled`` without a storage account), a managed OS disk, NICs listed
with explicit ``primary`` flags (the first NIC is primary: appliances treat NIC #1 as management),
and the Marketplace ``plan`` whenever the image needs one (a missing plan fails with
``VMMarketplaceInvalidInput``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from armgen import expr as E
from armgen.records import FrozenRecord
from armgen.resources import api_versions
from armgen.resources.common import prune
from armgen.template import Copy, Resource

VM = "Microsoft.Compute/virtualMachines"
AVAILABILITY_SET = "Microsoft.Compute/availabilitySets"


@dataclasses.dataclass(init=False, repr=False, eq=False)  # no generated code: see armgen.records
class Image(FrozenRecord):
    """A Marketplace image; ``plan=True`` when the publisher sells it with terms (third-party images).

    Fields may be expressions: an image published under another name in Azure China is chosen at
    deployment time (see :func:`image_by_cloud`), and the plan follows the image.
    """

    publisher: Any
    offer: Any
    sku: Any
    version: str = "latest"
    plan: bool = True

    def __init__(self, publisher: Any, offer: Any, sku: Any, version: str = "latest", plan: bool = True) -> None:
        object.__setattr__(self, "publisher", publisher)
        object.__setattr__(self, "offer", offer)
        object.__setattr__(self, "sku", sku)
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "plan", plan)

    def reference(self) -> dict[str, Any]:
        return {"publisher": self.publisher, "offer": self.offer, "sku": self.sku, "version": self.version}

    def plan_block(self) -> dict[str, Any] | None:
        """ARM's ``plan``: name = sku, product = offer (the same triple ``az vm image terms accept`` takes)."""
        if not self.plan:
            return None
        return {"name": self.sku, "publisher": self.publisher, "product": self.offer}

    @property
    def urn(self) -> str:
        return f"{self.publisher}:{self.offer}:{self.sku}:{self.version}"


def image_by_cloud(condition: Any, when_true: Image, otherwise: Image) -> Image:
    """``when_true`` where ``condition`` holds at deployment time (e.g. a region in Azure China),
    else ``otherwise``: each differing field becomes an ``if()``, so the image and its plan agree."""
    if when_true.version != otherwise.version or when_true.plan != otherwise.plan:
        raise ValueError("image_by_cloud: both images need the same version and plan setting")

    def pick(a: Any, b: Any) -> Any:
        return a if a == b else E.if_(condition, a, b)

    return Image(pick(when_true.publisher, otherwise.publisher), pick(when_true.offer, otherwise.offer),
                 pick(when_true.sku, otherwise.sku), otherwise.version, otherwise.plan)


def linux_vm(
    *,
    symbol: str,
    name: Any,
    location: Any,
    size: Any,
    image: Image,
    admin_username: Any,
    ssh_public_key: Any,
    nic_ids: Sequence[Any],
    nic_delete_option: str = "Detach",
    computer_name: Any = None,
    os_disk_type: str = "Premium_LRS",
    os_disk_caching: str = "ReadWrite",
    os_disk_delete_option: str = "Delete",
    os_disk_size_gb: Any = None,
    user_data: Any = None,
    custom_data: Any = None,
    zones: Any = None,
    availability_set: Any = None,
    identity_ids: Sequence[Any] = (),
    boot_diagnostics: bool = True,
    encryption_at_host: Any = None,
    allow_extension_operations: Any = None,
    tags: Any = None,
    copy: Copy | None = None,
    condition: Any = None,
) -> Resource:
    """A Linux VM that only accepts SSH keys.

    ``nic_ids``: the first is primary. ``user_data``/``custom_data`` must already be base64
    (wrap with :func:`armgen.expr.base64`). ``availability_set`` is an expression for the
    ``availabilitySet`` object (``{"id": ...}``) or None; ``zones`` an array expression or None.
    ``identity_ids``: user-assigned identity ids (dict keys in ARM, so built with createObject).
    ``encryption_at_host`` needs the subscription feature ``Microsoft.Compute/EncryptionAtHost``;
    ``allow_extension_operations=False`` keeps VM extensions (and Run Command) off a closed appliance.
    None leaves either property unset (Azure's defaults: off, allowed).
    """
    if not nic_ids:
        raise ValueError("linux_vm: at least one NIC")
    if nic_delete_option not in ("Delete", "Detach") or os_disk_delete_option not in ("Delete", "Detach"):
        raise ValueError("linux_vm: deleteOption is Delete or Detach")
    key_path = E.format_("/home/{0}/.ssh/authorized_keys", admin_username)
    os_profile = prune({
        "computerName": computer_name if computer_name is not None else name,
        "adminUsername": admin_username,
        "customData": custom_data,
        "allowExtensionOperations": allow_extension_operations,
        "linuxConfiguration": {
            "disablePasswordAuthentication": True,
            "ssh": {"publicKeys": [{"path": key_path, "keyData": ssh_public_key}]},
            "provisionVMAgent": True,
        },
    })
    os_disk = prune({
        "createOption": "FromImage",
        "caching": os_disk_caching,
        "diskSizeGB": os_disk_size_gb,
        "managedDisk": {"storageAccountType": os_disk_type},
        "deleteOption": os_disk_delete_option,
    })
    nics = [
        {"id": nic_id, "properties": {"primary": i == 0, "deleteOption": nic_delete_option}}
        for i, nic_id in enumerate(nic_ids)
    ]
    props = prune({
        "hardwareProfile": {"vmSize": size},
        "availabilitySet": availability_set,
        "storageProfile": {"imageReference": image.reference(), "osDisk": os_disk},
        "osProfile": os_profile,
        "networkProfile": {"networkInterfaces": nics},
        "securityProfile": {"encryptionAtHost": encryption_at_host} if encryption_at_host is not None else None,
        "diagnosticsProfile": {"bootDiagnostics": {"enabled": True}} if boot_diagnostics else None,
        "userData": user_data,
    })
    identity = None
    if identity_ids:
        entries: list[Any] = []
        for i in identity_ids:
            entries.extend([i, E.create_object()])
        identity = {"type": "UserAssigned", "userAssignedIdentities": E.call("createObject", *entries)}
    return Resource(VM, api_versions.COMPUTE, name, symbol, location=location, tags=tags, zones=zones,
                    plan=image.plan_block(), identity=identity, properties=props, copy=copy, condition=condition)


def availability_set(*, symbol: str, name: Any, location: Any, fault_domains: int = 2, update_domains: int = 5,
                     tags: Any = None, condition: Any = None) -> Resource:
    """An availability set for managed disks (sku ``Aligned``).

    Two fault domains exist in every region (three only in some), so 2 is the safe default.
    """
    return Resource(AVAILABILITY_SET, api_versions.COMPUTE, name, symbol, location=location, tags=tags,
                    condition=condition, sku={"name": "Aligned"},
                    properties={"platformFaultDomainCount": fault_domains,
                                "platformUpdateDomainCount": update_domains})
