"""How the shipped apiVersions cache is derived from Azure SDK for Python wheels
(armgen/lint/derive_cache.py), and that the shipped file is what that derivation writes."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from armgen.lint import derive_cache as dc
from armgen.lint.apicache import BUNDLED, PROVENANCE, load_cache

# one module per generation of generated code the wheels carry (shortened, same shapes)
TYPESPEC = '''
def build_virtual_networks_get_request(name: str, **kwargs: Any) -> HttpRequest:
    api_version: str = kwargs.pop("api_version", _params.pop("api-version", "2026-03-01"))
    _url = "/subscriptions/{subscriptionId}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{name}"
    return HttpRequest(method="GET", url=_url)


def build_virtual_networks_list_request(**kwargs: Any) -> HttpRequest:
    api_version: str = kwargs.pop("api_version", _params.pop("api-version", "2026-03-01"))
    _url = "/subscriptions/{subscriptionId}/providers/Microsoft.Network/virtualNetworks"
    return HttpRequest(method="GET", url=_url)


def build_blob_containers_get_request(**kwargs: Any) -> HttpRequest:
    api_version: Literal["2025-01-01"] = kwargs.pop("api_version", _params.pop("api-version", "2025-01-01"))
    _url = kwargs.pop("template_url", "/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{a}/blobServices/default/containers/{c}")
'''
AUTOREST5 = '''
class DisksOperations(object):
    def get(self, name, **kwargs):
        api_version = "2019-07-01"
        url = self.get.metadata['url']
    get.metadata = {'url': '/subscriptions/{subscriptionId}/resourceGroups/{rg}/providers/Microsoft.Compute/disks/{diskName}'}  # type: ignore

    def begin_delete(self, name, **kwargs):
        return self._delete_initial(name)
    begin_delete.metadata = {'url': '/subscriptions/{subscriptionId}/resourceGroups/{rg}/providers/Microsoft.Compute/disks/{diskName}/beginGetAccess'}
'''
MSREST = '''
class VirtualMachinesOperations(object):
    def __init__(self, client, config, serializer, deserializer):
        self.api_version = "2017-03-30"

    def get(self, resource_group_name, vm_name):
        url = self.get.metadata['url']
        query_parameters['api-version'] = self._serialize.query("self.api_version", self.api_version, 'str')
    get.metadata = {'url': '/subscriptions/{subscriptionId}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vmName}'}

    def start(self, resource_group_name, vm_name):
        url = '/subscriptions/{subscriptionId}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vmName}/start'
'''
FOLDER_ONLY = '''
def build_get_request(**kwargs):
    _url = "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}"
'''


def _wheel(tmp_path: Path) -> Path:
    path = tmp_path / "azure_mgmt_example-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("azure/mgmt/example/operations/_operations.py", TYPESPEC)
        zf.writestr("azure/mgmt/example/aio/operations/_operations.py", TYPESPEC.replace("2026-03-01", "1999-01-01"))
        zf.writestr("azure/mgmt/example/v2019_07_01/operations/_disks_operations.py", AUTOREST5)
        zf.writestr("azure/mgmt/example/operations/virtual_machines_operations.py", MSREST)
        zf.writestr("azure/mgmt/example/v2021_04_01_preview/operations/_rg_operations.py", FOLDER_ONLY)
    return path


def test_every_generation_of_sdk_code_gives_types_and_versions(tmp_path: Path) -> None:
    types: dict[str, set[str]] = {}
    dc.from_wheel(_wheel(tmp_path), types)
    assert types == {
        "Microsoft.Network/virtualNetworks": {"2026-03-01"},  # not the aio copy's version
        "Microsoft.Storage/storageAccounts/blobServices/containers": {"2025-01-01"},
        "Microsoft.Compute/disks": {"2019-07-01"},  # the action URL (odd segment count) is no type
        "Microsoft.Compute/virtualMachines": {"2017-03-30"},  # msrest: the class's one version
        "Microsoft.Resources/resourceGroups": {"2021-04-01-preview"},  # from the multi-API folder
    }


@pytest.mark.parametrize(
    ("url", "rtype"),
    [
        ("/{scope}/providers/Microsoft.Authorization/roleAssignments/{name}", "Microsoft.Authorization/roleAssignments"),
        ("/subscriptions/{s}/providers/Microsoft.Web/sites/{n}/config/web", "Microsoft.Web/sites/config"),
        ("/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Network/virtualNetworks/{v}/providers/"
         "Microsoft.Insights/diagnosticSettings/{n}", "Microsoft.Insights/diagnosticSettings"),
        ("/subscriptions/{s}/providers/Microsoft.Compute/virtualMachines", None),  # a list
        ("/subscriptions/{s}/providers/Microsoft.Compute/virtualMachines/{n}/restart", None),  # an action
        ("/{resourceId}", None),
    ],
)
def test_resource_type_of_a_url(url: str, rtype: str | None) -> None:
    assert dc.resource_type(url) == rtype


def test_select_keeps_only_wheels_that_add_something(tmp_path: Path) -> None:
    first = _wheel(tmp_path)
    again = tmp_path / "azure_mgmt_example-0.9.0-py3-none-any.whl"
    again.write_bytes(first.read_bytes())
    assert dc.select([first, again]) == [first]


def test_build_is_deterministic_and_sorted_newest_first(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    other = tmp_path / "azure_mgmt_other-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("azure/mgmt/other/operations/_ops.py", TYPESPEC.replace("2026-03-01", "2024-05-01"))
    data, ntypes, npairs = dc.build([wheel, other])
    assert data == dc.build([other, wheel])[0]  # wheel order does not matter
    doc = json.loads(gzip.decompress(data))
    assert doc["Microsoft.Network/virtualNetworks"][0]["apiVersions"] == ["2026-03-01", "2024-05-01"]
    assert (ntypes, npairs) == (5, 6)


def test_shipped_cache_is_canonical_and_its_provenance_complete() -> None:
    """The shipped file is exactly what ``document``/``gzip_json`` write for its content (so a
    rebuild from the listed wheels can be byte-identical), and every wheel has its sha256."""
    raw = BUNDLED.read_bytes()
    doc = json.loads(gzip.decompress(raw))
    assert dc.gzip_json(doc) == raw
    meta = json.loads(PROVENANCE.read_text(encoding="utf-8"))
    files = [w["file"] for w in meta["wheels"]]
    assert len(files) == len(set(files)) >= 100
    assert all(len(w["sha256"]) == 64 for w in meta["wheels"])
    assert (meta["types"], meta["pairs"]) == (len(doc), sum(len(e[0]["apiVersions"]) for e in doc.values()))
    assert len(raw) < 1_500_000


def test_shipped_cache_lists_what_armgen_pins() -> None:
    from armgen.resources.api_versions import PINS

    cache = load_cache(BUNDLED)
    for namespace, version in PINS.items():
        listed = [t for t, versions in cache.items() if t.startswith(namespace.lower() + "/") and version in versions]
        assert listed, f"{namespace} {version} is not in the shipped cache"
