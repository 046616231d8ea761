"""Derive an apiVersions cache (arm-ttk's ``AllAzureResources.cache.json`` shape) from Azure SDK
for Python management wheels, for the copy shipped with armgen.

Why: arm-ttk's own cache could not be obtained for packaging here (see ``data/README.md``), and
the project may not copy it from its research data. The Azure SDK for Python's management wheels
(PyPI, MIT) carry one request per REST operation: its URL template
(``.../providers/Microsoft.Network/virtualNetworks/{name}/subnets/{name}``) and the
``api-version`` it sends. A resource type and the versions its operations were published with is
exactly what the apiVersions tests read. Four generations of generated code are read:

* TypeSpec and AutoRest 6 builders (``def build_..._request``: ``_params.pop("api-version", "V")``
  or ``api_version: Literal["V"]``, ``_url = "..."``);
* AutoRest 5 methods (``api_version = "V"`` in the method, ``get.metadata = {'url': "..."}`` after it);
* msrest ("track 1") classes (``self.api_version = "V"`` once per operations class);
* multi-API wheels, whose folders name the version (``v2021_02_01_preview/``), used when a
  function names none itself.

Commands (output is deterministic: types sorted, versions newest first, gzip without a timestamp):

``python -m armgen.lint.derive_cache build OUT.json.gz WHEEL...``
    the cache from these wheels;
``python -m armgen.lint.derive_cache select WHEEL...``
    of candidate wheels (newest first), those that add a (type, apiVersion) pair the others
    before them do not: how the shipped list was chosen from each package's releases;
``python -m armgen.lint.derive_cache rebuild [--wheels DIR] [--out FILE]``
    fetches every wheel ``data/apicache.provenance.json`` lists (``pip download``, sha256 checked)
    and rebuilds the shipped file from them; it must come out byte-identical.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data"
SHIPPED = DATA / "AllAzureResources.cache.json.gz"
PROVENANCE = DATA / "apicache.provenance.json"

_DATE = r"\d{4}-\d{2}-\d{2}(?:-[A-Za-z0-9.]+)*"
# a function or method starts a unit: its own api-version (if it names one) and its URL(s)
_UNIT = re.compile(r"\n[ \t]*(?:async[ \t]+)?def[ \t]")
# a line that sets or sends the api-version with a literal: every generation's spelling of it
_VERSION_LINE = re.compile(r"api[_-]version[^\n]*?[\"'](" + _DATE + r")[\"']")
_URL = re.compile(r"[\"'](/(?:[^\"'\s]*/)?providers/[A-Za-z0-9]+\.[A-Za-z0-9.]+/[^\"'\s]+)[\"']")
_RESOURCE_GROUP_URL = re.compile(r"[\"'](/subscriptions/\{[^}/]+\}/resource[gG]roups/\{[^}/]+\})[\"']")
_PROVIDERS = re.compile(r"/providers/([A-Za-z0-9]+\.[A-Za-z0-9.]+)/(.+)$")
_FOLDER = re.compile(r"/v(\d{4})_(\d{2})_(\d{2})((?:_[A-Za-z0-9]+)*)/")
_TYPE_SEGMENT = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
_NAME_SEGMENT = re.compile(r"(?:\{[^{}/]+\}|[A-Za-z0-9][A-Za-z0-9._-]*)\Z")
_WHEEL = re.compile(r"^(?P<dist>[A-Za-z0-9_.]+)-(?P<version>[^-]+)-.+\.whl$")


def resource_type(url: str) -> str | None:
    """``Namespace/type/child`` from a URL template: the path after the last ``/providers/NS/``,
    alternating type and name segments. Names are usually ``{placeholders}`` but may be literal
    (``blobServices/default/containers/{name}``, ``sites/{name}/config/web``); an odd number of
    segments is a collection or an action (``virtualMachines/{name}/start``): not a resource.
    A resource group's own URL has no provider segment and is ``Microsoft.Resources/resourceGroups``."""
    if _RESOURCE_GROUP_URL.fullmatch(f'"{url}"'):
        return "Microsoft.Resources/resourceGroups"
    m = _PROVIDERS.search(url, max(0, url.rfind("/providers/")))
    if m is None:
        return None
    namespace, rest = m.group(1), m.group(2).split("/")
    if len(rest) % 2:
        return None
    types, names = rest[0::2], rest[1::2]
    if not all(_TYPE_SEGMENT.match(t) for t in types) or not all(_NAME_SEGMENT.match(n) for n in names):
        return None
    return "/".join([namespace, *types])


def folder_version(path: str) -> str | None:
    """The api-version a multi-API wheel's folder names (``.../v2021_02_01_preview/...``)."""
    m = _FOLDER.search(path)
    if m is None:
        return None
    suffix = m.group(4).replace("_", "-")
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}{suffix}"


def from_source(text: str, into: dict[str, set[str]], default: str | None = None) -> None:
    """Record (type, version) for each function of one module that names a resource URL: the
    version the function itself names, else the module's only one, else ``default`` (the
    multi-API folder's)."""
    versions_here = set(_VERSION_LINE.findall(text))
    if len(versions_here) == 1:
        default = next(iter(versions_here))  # msrest: one ``self.api_version`` per class and module
    for unit in _UNIT.split(text):
        urls = _URL.findall(unit) + _RESOURCE_GROUP_URL.findall(unit)
        if not urls:
            continue
        own = _VERSION_LINE.search(unit)
        version = own.group(1) if own else default
        if version is None:
            continue
        for url in urls:
            rtype = resource_type(url)
            if rtype is not None:
                into.setdefault(rtype, set()).add(version)


def _source_files(names: list[str]) -> list[str]:
    """The modules that can hold requests: not the async duplicates, models or tests."""
    out = []
    for name in sorted(names):
        if not name.endswith(".py") or name.endswith("__init__.py"):
            continue
        low = "/" + name.lower()
        if "/aio/" in low or "/models/" in low or "/tests/" in low or "/_vendor" in low:
            continue
        out.append(name)
    return out


def from_wheel(path: Path, into: dict[str, set[str]]) -> None:
    with zipfile.ZipFile(path) as zf:
        for name in _source_files(zf.namelist()):
            text = zf.read(name).decode("utf-8", errors="replace")
            if "/providers/" not in text and "resource" not in text.lower():
                continue
            from_source(text, into, folder_version("/" + name))


def wheel_pairs(path: Path) -> set[tuple[str, str]]:
    """One wheel's (type in lower case, apiVersion) pairs."""
    types: dict[str, set[str]] = {}
    from_wheel(path, types)
    return {(t.lower(), v) for t, vs in types.items() for v in vs}


def document(types: dict[str, set[str]]) -> dict[str, list[dict[str, object]]]:
    """arm-ttk's shape, reduced to what lint reads: per type one entry with its apiVersions."""
    merged: dict[str, tuple[str, set[str]]] = {}  # types compare ignoring case, as arm-ttk reads them
    for rtype in sorted(types):
        _name, versions = merged.setdefault(rtype.lower(), (rtype, set()))
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


def build(wheels: list[Path]) -> tuple[bytes, int, int]:
    """The gzip bytes of the cache from these wheels, its type count and its pair count."""
    types: dict[str, set[str]] = {}
    for wheel in wheels:
        from_wheel(wheel, types)
    doc = document(types)
    pairs = sum(len(entries[0]["apiVersions"]) for entries in doc.values())  # type: ignore[arg-type]
    return gzip_json(doc), len(doc), pairs


def select(candidates: list[Path]) -> list[Path]:
    """Of candidate wheels, newest first, those that add a pair the ones kept before them lack."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for wheel in candidates:
        pairs = wheel_pairs(wheel)
        if pairs - seen:
            kept.append(wheel)
            seen |= pairs
    return kept


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(entries: list[dict[str, str]], into: Path) -> list[Path]:
    """Every listed wheel in ``into`` (downloaded with pip where absent), sha256 checked."""
    into.mkdir(parents=True, exist_ok=True)
    out = []
    for entry in entries:
        path = into / entry["file"]
        if not path.is_file():
            m = _WHEEL.match(entry["file"])
            if m is None:
                raise SystemExit(f"not a wheel file name: {entry['file']}")
            project = m.group("dist").replace("_", "-")
            spec = f"{project}=={m.group('version')}"
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                 "--dest", str(into), spec],
                check=True,
            )
        if sha256(path) != entry["sha256"]:
            raise SystemExit(f"{path}: sha256 differs from the provenance record")
        out.append(path)
    return out


def _rebuild(argv: list[str]) -> int:
    wheels_dir = Path("build/apicache-wheels")
    out = SHIPPED
    args = list(argv)
    while args:
        flag = args.pop(0)
        if flag == "--wheels":
            wheels_dir = Path(args.pop(0))
        elif flag == "--out":
            out = Path(args.pop(0))
        else:
            raise SystemExit(f"unknown option {flag}")
    meta = json.loads(PROVENANCE.read_text(encoding="utf-8"))
    wheels = fetch(meta["wheels"], wheels_dir)
    data, ntypes, npairs = build(wheels)
    same = out.is_file() and out.read_bytes() == data
    out.write_bytes(data)
    print(f"{out}: {ntypes} resource types, {npairs} (type, apiVersion) pairs"
          + (" (byte-identical)" if same else ""))
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "build":
        data, ntypes, npairs = build([Path(a) for a in rest[1:]])
        Path(rest[0]).write_bytes(data)
        print(f"{rest[0]}: {ntypes} resource types, {npairs} (type, apiVersion) pairs")
        return 0
    if command == "select":
        for wheel in select([Path(a) for a in rest]):
            print(wheel)
        return 0
    if command == "rebuild":
        return _rebuild(rest)
    raise SystemExit(f"unknown command {command} (build, select, rebuild)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
