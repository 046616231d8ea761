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
import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from armgen.errors import InputError
from armgen.jsonio import dumps, write_atomic
from armgen.lint.reader import load_tolerant

CACHE_NAME = "AllAzureResources.cache.json"
TOKEN_ENV = "ARMGEN_ACCESS_TOKEN"
DATA = Path(__file__).parent / "data"
BUNDLED = DATA / (CACHE_NAME + ".gz")
PROVENANCE = DATA / "apicache.provenance.json"
HOW_TO_GET = (
    "give --api-versions FILE (arm-ttk's AllAzureResources.cache.json) or run "
    "'armgen lint --refresh-api-versions --subscription ID'"
)


@dataclass(frozen=True)
class ApiCache:
    """The apiVersions a lint run judges against, where they came from, and the day they were
    true (the default date to judge them on: "newest" and "older than 730 days" mean what they
    meant that day)."""

    versions: dict[str, list[str]]
    source: str  # "file", "user" or "bundled"
    date: _dt.date | None  # None: unknown (an explicit file), judged as of today
    path: str


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/armgen/AllAzureResources.cache.json`` (``~/.cache`` without XDG)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "armgen" / CACHE_NAME


def _sort_desc(versions: set[str]) -> list[str]:
    """Newest first, as PowerShell's ``Sort-Object -Descending`` orders these strings."""
    return sorted(versions, key=lambda v: v.lower(), reverse=True)


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> dict[str, list[str]]:
    try:
        raw = Path(path).read_bytes()
        if raw[:2] == b"\x1f\x8b":  # the bundled cache is gzip-compressed
            raw = gzip.decompress(raw)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read apiVersions cache: {exc}", file=path) from None
    doc = load_tolerant(raw, file=path)
    if not isinstance(doc, dict):
        raise InputError("apiVersions cache must be an object keyed by resource type", file=path)
    out: dict[str, list[str]] = {}
    for rtype, entries in doc.items():
        versions: set[str] = set()
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, dict):
                for k, v in entry.items():
                    if k.lower() == "apiversions" and isinstance(v, list):
                        versions.update(x for x in v if isinstance(x, str))
        low = rtype.lower()  # keys compare ignoring case: merge a type spelled two ways
        out[low] = _sort_desc(versions | set(out.get(low, ())))
    return out


def load_cache(path: Path) -> dict[str, list[str]]:
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
    try:
        meta = json.loads(Path(provenance).read_text(encoding="utf-8"))
        return _dt.date.fromisoformat(meta["date"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


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
