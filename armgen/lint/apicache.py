"""Provider apiVersions for the two apiVersions tests: arm-ttk's cache file, and refreshing it.

arm-ttk ships ``AllAzureResources.cache.json``: an object keyed by full resource type
(``Microsoft.Network/virtualNetworks``) whose values are lists of the Resource Manager "provider
resource type" objects (``resourceType``, ``apiVersions``, ``locations``...). ``armgen lint`` reads
that shape from ``--api-versions FILE`` or from the user cache written by
``armgen lint --refresh-api-versions``, which asks a live subscription through azure-mgmt-resource.
The Azure SDK is imported only inside :func:`refresh`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import marshal
import os
import sys
from collections.abc import Iterator, Mapping
from itertools import repeat
from pathlib import Path
from typing import Any

from armgen.errors import InputError
from armgen.lint.reader import load_tolerant
from armgen.records import FrozenRecord

CACHE_NAME = "AllAzureResources.cache.json"
TOKEN_ENV = "ARMGEN_ACCESS_TOKEN"
DATA = Path(__file__).parent / "data"
BUNDLED = DATA / (CACHE_NAME + ".gz")
PROVENANCE = DATA / "apicache.provenance.json"
HOW_TO_GET = (
    "give --api-versions FILE (arm-ttk's AllAzureResources.cache.json) or run "
    "'armgen lint --refresh-api-versions --subscription ID'"
)


class ApiCache(FrozenRecord):
    """The apiVersions a lint run judges against, where they came from, and the day they were
    true (the default date to judge them on: "newest" and "older than 730 days" mean what they
    meant that day)."""

    __slots__ = __match_args__ = ("versions", "source", "date", "path")
    versions: Mapping[str, list[str]]
    source: str  # "file", "user" or "bundled"
    date: _dt.date | None  # None: unknown (an explicit file), judged as of today
    path: str

    def __init__(self, versions: Mapping[str, list[str]], source: str, date: _dt.date | None, path: str) -> None:
        s = object.__setattr__
        s(self, "versions", versions)
        s(self, "source", source)
        s(self, "date", date)
        s(self, "path", path)


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/armgen/AllAzureResources.cache.json`` (``~/.cache`` without XDG)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "armgen" / CACHE_NAME


def _sort_desc(versions: set[str]) -> list[str]:
    """Newest first, as PowerShell's ``Sort-Object -Descending`` orders these strings."""
    return sorted(versions, key=str.lower, reverse=True)


class Versions(Mapping[str, list[str]]):
    """The cache as read: resource type (lower case) -> its apiVersions, newest first.

    Why not a plain dict of lists: a lint run looks up the dozen types its template names among
    some 2,400, and unmarshalling 22,000 version strings from the disk cache took longer than
    everything else the apiVersions tests do. Each type's versions are kept as one line (split on
    first lookup, the list then kept, so a type's list is the same object every time it is
    asked for); an empty list, or one with a version holding a newline, is kept as it is.
    """

    __slots__ = ("_lines", "_lists")

    def __init__(self, lines: dict[str, str | list[str]]) -> None:
        self._lines = lines
        self._lists: dict[str, list[str]] = {}

    @classmethod
    def of(cls, lists: dict[str, list[str]]) -> Versions:
        return cls({k: v if not v or any("\n" in x for x in v) else "\n".join(v) for k, v in lists.items()})

    def __getitem__(self, rtype: str) -> list[str]:
        got = self._lists.get(rtype)
        if got is None:
            line = self._lines[rtype]
            got = self._lists[rtype] = line if type(line) is list else line.split("\n")
        return got

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def __contains__(self, rtype: object) -> bool:
        return rtype in self._lines

    def __repr__(self) -> str:
        return f"Versions({len(self)} resource types)"


#: what the disk cache's entries are keyed by besides a file's bytes: their shape here and Python's
#: marshal format (another Python reads its own entries)
_DISK_FORMAT = f"apiversions 1|{sys.implementation.cache_tag}|{marshal.version}|".encode()


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Versions:
    """The cache file at ``path`` read, from armgen's disk cache when the same bytes were read
    before (:mod:`armgen.checks.diskcache`: decompressing and parsing the shipped file cost a
    tenth of ``armgen package``)."""
    from armgen.checks import diskcache

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read apiVersions cache: {exc}", file=path) from None
    entry = diskcache.user_cache_dir() / "apiversions" / f"{hashlib.sha256(_DISK_FORMAT + raw).hexdigest()}.marshal"
    stored = diskcache.read(entry)
    if stored is not None:
        try:
            lines = marshal.loads(stored)
        except (EOFError, ValueError, TypeError):  # a damaged entry is read from the file again
            lines = None
        if type(lines) is dict:
            return Versions(lines)
    versions = Versions.of(_parse(raw, path))
    diskcache.store(entry, marshal.dumps(versions._lines))
    return versions


def _parse(raw: bytes, path: str) -> dict[str, list[str]]:
    """arm-ttk's cache file (gzip-compressed or not) as {type (lower case): versions newest first}."""
    if raw[:2] == b"\x1f\x8b":  # the bundled cache is gzip-compressed
        import gzip  # only when the disk cache does not have the file yet

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise InputError(f"cannot read apiVersions cache: {exc}", file=path) from None
    doc = load_tolerant(raw, file=path)
    if not isinstance(doc, dict):
        raise InputError("apiVersions cache must be an object keyed by resource type", file=path)
    out: dict[str, list[str]] = {}
    for rtype, entries in doc.items():
        lists: list[list[str]] = []
        for entry in entries if type(entries) is list else [entries]:
            if type(entry) is dict:
                listed = entry.get("apiVersions")  # arm-ttk's spelling; any other case below
                if listed is None:
                    listed = next((v for k, v in entry.items() if k.lower() == "apiversions"), None)
                if type(listed) is list:
                    if all(map(isinstance, listed, repeat(str))):  # the usual case, checked in C
                        lists.append(listed)
                    else:
                        lists.append([x for x in listed if isinstance(x, str)])
        low = rtype.lower()  # keys compare ignoring case: merge a type spelled two ways
        if len(lists) == 1 and low not in out:  # the usual case: one list, no set needed
            out[low] = sorted(dict.fromkeys(lists[0]), key=str.lower, reverse=True)
        else:
            merged = set(out.get(low, ()))
            for listed in lists:
                merged.update(listed)
            out[low] = _sort_desc(merged)
    return out


def load_cache(path: Path) -> Mapping[str, list[str]]:
    """The cache as {resource type (lower case): apiVersions newest first}; read once per file."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise InputError("no such apiVersions cache file", file=str(path)) from None
    return _load(str(path), mtime)


def bundled_date() -> _dt.date | None:
    """The date the bundled cache was true (from its provenance record); None if not installed."""
    return _recorded_date(str(PROVENANCE))


@functools.lru_cache(maxsize=4)
def _recorded_date(provenance: str) -> _dt.date | None:
    """The "date" of a provenance record, kept in the disk cache by the record's bytes (the record
    lists every wheel read: parsing it was a millisecond of each lint run for one field)."""
    from armgen.checks import diskcache

    try:
        raw = Path(provenance).read_bytes()
    except OSError:
        return None
    entry = diskcache.user_cache_dir() / "apiversions" / f"{hashlib.sha256(_DISK_FORMAT + raw).hexdigest()}.date"
    stored = diskcache.read(entry)
    try:
        if stored is not None:
            return _dt.date.fromisoformat(stored.decode("ascii")) if stored else None
    except (ValueError, UnicodeDecodeError):  # a damaged entry: read the record again
        pass
    try:
        day = _dt.date.fromisoformat(json.loads(raw)["date"])
    except (ValueError, KeyError, TypeError):
        day = None
    diskcache.store(entry, day.isoformat().encode("ascii") if day else b"")
    return day


def resolve(api_versions: Path | None = None) -> ApiCache | None:
    """The cache a run uses: ``--api-versions FILE``, else the user cache written by
    ``--refresh-api-versions`` (dated the day it was written), else the one shipped with armgen;
    None when there is none at all (a broken install)."""
    if api_versions is not None:
        return ApiCache(load_cache(Path(api_versions)), "file", None, str(api_versions))
    user = default_cache_path()
    if user.is_file():
        day = _dt.date.fromtimestamp(user.stat().st_mtime)
        return ApiCache(load_cache(user), "user", day, str(user))
    if BUNDLED.is_file():
        return ApiCache(load_cache(BUNDLED), "bundled", bundled_date(), str(BUNDLED))
    return None


def versions_for(cache: dict[str, list[str]], rtype: str) -> list[str]:
    """apiVersions of one resource type (case-insensitive), newest first; [] if unknown."""
    return cache.get(rtype.lower(), [])


def cache_document(providers: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """arm-ttk's cache shape from azure-mgmt-resource ``Provider`` models (deterministic order)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for provider in providers:
        namespace = getattr(provider, "namespace", None)
        if not namespace:
            continue
        for rt in getattr(provider, "resource_types", None) or []:
            name = getattr(rt, "resource_type", None)
            if not name:
                continue
            key = f"{namespace}/{name}"
            out.setdefault(key, []).append(
                {
                    "resourceType": name,
                    "apiVersions": list(getattr(rt, "api_versions", None) or []),
                    "locations": list(getattr(rt, "locations", None) or []),
                    "defaultApiVersion": getattr(rt, "default_api_version", None),
                }
            )
    return {k: out[k] for k in sorted(out, key=str.lower)}


def refresh(subscription_id: str, *, endpoint: str | None = None, out: Path | None = None) -> Path:
    """Write the cache from ``providers.list()`` of a live subscription; returns the file written.

    Credentials: a bearer token in ``$ARMGEN_ACCESS_TOKEN`` if set, else DefaultAzureCredential.
    The SDK's bearer-token policy refuses plain http; for a loopback ``--endpoint`` (a local test
    server) a small policy that only adds the Authorization header is used instead.
    """
    from azure.mgmt.resource.resources import ResourceManagementClient  # lazy: Azure SDK

    target = out or default_cache_path()
    kwargs: dict[str, Any] = {}
    if endpoint:
        kwargs["base_url"] = endpoint.rstrip("/")
    token = os.environ.get(TOKEN_ENV)
    credential: Any
    if token:
        credential = _StaticToken(token)
        if endpoint and _is_loopback_http(endpoint):
            kwargs["authentication_policy"] = _loopback_bearer_policy(token)
    else:
        from azure.identity import DefaultAzureCredential  # lazy: Azure SDK

        credential = DefaultAzureCredential()
    if endpoint and _is_loopback_http(endpoint):
        kwargs.setdefault("retry_total", 0)
    client = ResourceManagementClient(credential, subscription_id, **kwargs)
    try:
        providers = list(client.providers.list())
    except Exception as exc:  # the SDK raises many types; all mean "could not refresh"
        raise InputError(f"could not list resource providers: {exc}") from None
    finally:
        client.close()
    doc = cache_document(providers)
    if not doc:
        raise InputError("the subscription returned no resource providers; cache not written")
    from armgen.jsonio import dumps, write_atomic  # only here: a lint run that writes nothing needs neither

    write_atomic(target, dumps(doc))
    return target


def _is_loopback_http(endpoint: str) -> bool:
    from urllib.parse import urlparse

    u = urlparse(endpoint)
    return u.scheme == "http" and (u.hostname or "") in ("127.0.0.1", "localhost", "::1")


class _StaticToken:
    """A TokenCredential that returns one fixed bearer token (from the environment)."""

    def __init__(self, token: str):
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        import time

        from azure.core.credentials import AccessToken  # lazy: Azure SDK

        return AccessToken(self._token, int(time.time()) + 3600)


def _loopback_bearer_policy(token: str) -> Any:
    from azure.core.pipeline.policies import SansIOHTTPPolicy  # lazy: Azure SDK

    class LoopbackBearerPolicy(SansIOHTTPPolicy):  # type: ignore[misc]
        """Adds ``Authorization: Bearer`` without the https check (used only for 127.0.0.1)."""

        def on_request(self, request: Any) -> None:
            request.http_request.headers["Authorization"] = f"Bearer {token}"

    return LoopbackBearerPolicy()
