"""Derive an apiVersions cache (arm-ttk's ``AllAzureResources.cache.json`` shape) from Azure SDK
for Python wheels, for the copy shipped with armgen.

Why: arm-ttk's own cache could not be obtained for packaging here (see ``data/README.md``), and
the project may not copy it from its research data. The Azure SDK for Python's multi-API
management wheels (PyPI, MIT) carry, per API version, one request builder per REST operation:
its URL template (``.../providers/Microsoft.Network/virtualNetworks/{name}/subnets/{name}``)
and the ``api-version`` it sends. A resource type and the versions its operations were published
with is exactly what the apiVersions tests read.

Usage: ``python -m armgen.lint.derive_cache OUT.json.gz WHEEL...`` (deterministic output: types
sorted, versions newest first, gzip without a timestamp).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
import zipfile
from pathlib import Path

_BUILDER = re.compile(r"\ndef build_\w+\(")
_URL = re.compile(r'"(/(?:subscriptions|providers|\{scope\}|\{resourceId\}|\{resourceUri\})[^"]*)"')
_VERSION = re.compile(
    r"""(?:api_version: Literal\["|_params\.pop\(['"]api-version['"],\s*["'])([0-9]{4}-[0-9]{2}-[0-9]{2}[^"']*)["']"""
)
_PROVIDERS = re.compile(r"/providers/([A-Za-z]+\.[A-Za-z.]+)/(.+)$")


def resource_type(url: str) -> str | None:
    """``Namespace/type/child`` from a URL template: the path after the last ``/providers/NS/``,
    every second segment (names are ``{placeholders}``); None for collection-less or action URLs."""
    m = _PROVIDERS.search(url, max(0, url.rfind("/providers/")))
    if m is None:
        return None
    namespace, rest = m.group(1), m.group(2).split("/")
    types = rest[0::2]
    names = rest[1::2]
    if len(names) != len(types) or not all(n.startswith("{") for n in names):
        return None  # a list, an action or a literal child name: not a resource's own URL
    if any(t.startswith("{") for t in types):
        return None
    return "/".join([namespace, *types])


def from_source(text: str, into: dict[str, set[str]]) -> None:
    """Record (type, version) for each request builder of one operations module."""
    for chunk in _BUILDER.split(text)[1:]:
        version = _VERSION.search(chunk)
        url = _URL.search(chunk)
        if version is None or url is None:
            continue
        rtype = resource_type(url.group(1))
        if rtype is not None:
            into.setdefault(rtype, set()).add(version.group(1))


def from_wheel(path: Path, into: dict[str, set[str]]) -> None:
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if "/operations/" in name and name.endswith(".py") and not name.endswith("__init__.py"):
                from_source(zf.read(name).decode("utf-8"), into)


def document(types: dict[str, set[str]]) -> dict[str, list[dict[str, object]]]:
    """arm-ttk's shape, reduced to what lint reads: per type one entry with its apiVersions."""
    merged: dict[str, tuple[str, set[str]]] = {}  # types compare ignoring case, as arm-ttk reads them
    for rtype in sorted(types):
        name, versions = merged.setdefault(rtype.lower(), (rtype, set()))
        versions.update(types[rtype])
    out: dict[str, list[dict[str, object]]] = {}
    for _low, (name, versions) in sorted(merged.items()):
        out[name] = [{"resourceType": name, "apiVersions": sorted(versions, reverse=True)}]
    return out


def gzip_json(doc: object) -> bytes:
    raw = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    out, wheels = Path(argv[0]), [Path(a) for a in argv[1:]]
    types: dict[str, set[str]] = {}
    for wheel in wheels:
        from_wheel(wheel, types)
    out.write_bytes(gzip_json(document(types)))
    versions = sum(len(v) for v in types.values())
    print(f"{out}: {len(types)} resource types, {versions} (type, apiVersion) pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
