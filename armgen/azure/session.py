"""Where armgen talks to Azure and as whom: cloud endpoints, the credential, SDK clients, errors.

Shared by ``what-if``, ``preflight`` and ``rollout``::

    target = AzureTarget.from_options(cloud="public", endpoint=None, subscription=None)
    with azure_errors(target, action="Microsoft.Resources/deployments/whatIf/action"):
        client = target.deployments_client()
        ...

Why this shape:

- The Azure SDK is imported lazily inside functions, so ``armgen --help``/``build``/``lint``
  never load it.
- ``ARMGEN_ACCESS_TOKEN`` (a CI-issued bearer token) wins over ``DefaultAzureCredential``.
- A bearer token is never sent over plain http, except to a loopback address (the test server):
  :func:`check_endpoint` refuses at start-up, and the auth policy keeps the SDK's own https
  enforcement for every other URL (a poll ``Location`` pointing elsewhere is refused too).
- Retries are the SDK's ``RetryPolicy`` (429/5xx/connection errors, ``Retry-After`` honoured),
  bounded in count and with each ``Retry-After`` capped, so a throttled run ends.
- :func:`azure_errors` turns SDK exceptions into one line that says which identity lacked what.

Environment knobs: ``ARMGEN_ACCESS_TOKEN``, ``AZURE_SUBSCRIPTION_ID`` (default subscription),
``ARMGEN_POLL_INTERVAL`` (seconds between LRO polls when the server sends no usable
``Retry-After``; default 5), ``ARMGEN_RETRY_TOTAL`` (default 5), ``ARMGEN_RETRY_BACKOFF`` (backoff
factor, default 0.8), ``ARMGEN_MAX_RETRY_AFTER`` (cap for one ``Retry-After`` wait, default 60),
``ARMGEN_HTTP_TIMEOUT`` (seconds to connect and to wait for each answer, default 120).
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import json
import math
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Pinned api-versions (see the project guide).
DEPLOYMENTS_API_VERSION = "2025-04-01"
RESOURCES_API_VERSION = "2025-04-01"
NETWORK_API_VERSION = "2025-07-01"

EXIT_OK = 0
EXIT_BLOCKED = 1  # the gate stopped the run / a preflight check failed
EXIT_USAGE = 2  # bad options, unknown resource group, unreachable endpoint
EXIT_AZURE = 3  # Azure refused (401/403), what-if failed, throttled beyond the retry budget
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Cloud:
    """One sovereign cloud: its Resource Manager endpoint, token scope and login authority."""

    name: str
    resource_manager: str
    authority: str

    @property
    def scope(self) -> str:
        return self.resource_manager.rstrip("/") + "/.default"


CLOUDS: dict[str, Cloud] = {
    "public": Cloud("public", "https://management.azure.com", "login.microsoftonline.com"),
    "china": Cloud("china", "https://management.chinacloudapi.cn", "login.chinacloudapi.cn"),
    "usgovernment": Cloud("usgovernment", "https://management.usgovcloudapi.net", "login.microsoftonline.us"),
}
_CLOUD_ALIASES = {
    "azurecloud": "public", "azurepubliccloud": "public", "azurechinacloud": "china",
    "azureusgovernment": "usgovernment", "azureusgovernmentcloud": "usgovernment", "usgov": "usgovernment",
}
CLOUD_CHOICES = sorted([*CLOUDS, "AzureCloud", "AzureChinaCloud", "AzureUSGovernment"])


class AzureFailure(Exception):
    """An Azure-side failure reported as one line with an exit code (no traceback).

    ``refused`` marks Resource Manager refusing the identity (401/403): a rollout that meets it
    before anything was deployed stops with exit code 3 instead of trying the next target.
    """

    def __init__(self, message: str, exit_code: int = EXIT_AZURE, refused: bool = False):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.refused = refused


def resolve_cloud(name: str | None) -> Cloud:
    key = (name or "public").strip().lower()
    key = _CLOUD_ALIASES.get(key, key)
    if key not in CLOUDS:
        raise AzureFailure(f"unknown cloud {name!r}; choose one of: {', '.join(CLOUDS)}", EXIT_USAGE)
    return CLOUDS[key]


def is_loopback_host(host: str | None) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: the only places a token may go over http."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str) -> str:
    """Validate ``--endpoint``: https anywhere, http only to a loopback address."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except ValueError as exc:
        raise AzureFailure(f"--endpoint is not a valid URL ({exc}): {url!r}", EXIT_USAGE) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AzureFailure(f"--endpoint must be an http(s) URL, got {url!r}", EXIT_USAGE)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise AzureFailure(f"refusing to send a bearer token over plain http to {parts.hostname}; "
                           "use https (http is allowed only to a loopback address)", EXIT_USAGE)
    return url.rstrip("/")


# Azure's naming rules; both values become URL path segments, so anything else ("a/../..") could
# move a request to another scope.
_SUBSCRIPTION_RX = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_RESOURCE_GROUP_RX = re.compile(r"^[-\w._()]{0,89}[-\w()]\Z")


def check_subscription(sub: str) -> str:
    if not _SUBSCRIPTION_RX.match(sub):
        raise AzureFailure(f"subscription {sub!r} is not a subscription id (a GUID)", EXIT_USAGE)
    return sub


def check_resource_group(name: str) -> str:
    """Azure's rule: 1-90 letters, digits, '-', '_', '.', '(', ')', not ending with '.'."""
    if not _RESOURCE_GROUP_RX.match(name):
        raise AzureFailure(f"resource group {name!r} is not a valid name (1-90 letters, digits, -_.() "
                           "and not ending with '.')", EXIT_USAGE)
    return name


def env_token() -> str | None:
    """``ARMGEN_ACCESS_TOKEN`` stripped; None when unset or blank (then DefaultAzureCredential signs in).

    A token with whitespace or control characters inside is refused without echoing it: the HTTP
    library would otherwise reject the header with an error message that quotes the token.
    """
    token = (os.environ.get("ARMGEN_ACCESS_TOKEN") or "").strip()
    if not token:
        return None
    if any(not ("!" <= ch <= "~") for ch in token):
        raise AzureFailure("ARMGEN_ACCESS_TOKEN is not a bearer token: it holds whitespace, control or "
                           "non-ASCII characters", EXIT_USAGE)
    return token


def redact(text: str) -> str:
    """``text`` with the bearer token (if any) replaced by ``***``: for every message a user sees."""
    token = (os.environ.get("ARMGEN_ACCESS_TOKEN") or "").strip()
    return text.replace(token, "***") if len(token) >= 8 else text


def _env_float(name: str, default: float) -> float:
    """A knob from the environment: a finite number, not negative (NaN or inf would reach sleep())."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise AzureFailure(f"{name} must be a number of 0 or more, got {raw!r}", EXIT_USAGE)
    return value


def _env_int(name: str, default: int) -> int:
    value = _env_float(name, default)
    if value != int(value):
        raise AzureFailure(f"{name} must be a whole number, got {os.environ.get(name)!r}", EXIT_USAGE)
    return int(value)


def _http_timeout() -> float:
    """ARMGEN_HTTP_TIMEOUT: without a bound, a Resource Manager (or proxy) that accepts the
    connection and never answers holds the run for the transport's 300 s per attempt."""
    value = _env_float("ARMGEN_HTTP_TIMEOUT", 120.0)
    if not value > 0:
        raise AzureFailure(f"ARMGEN_HTTP_TIMEOUT must be a number of seconds over 0, got {value:g}", EXIT_USAGE)
    return value


def _jwt_claims(token: str) -> dict[str, Any]:
    """Unverified claims of a JWT, only to name the identity in error messages ({} if not a JWT)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
        return claims if isinstance(claims, dict) else {}
    except (IndexError, ValueError):
        return {}


class StaticTokenCredential:
    """A ``TokenCredential`` over a bearer token handed out by CI (``ARMGEN_ACCESS_TOKEN``)."""

    def __init__(self, token: str):
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        exp = _jwt_claims(self._token).get("exp")
        return AccessToken(self._token, int(exp) if isinstance(exp, int) else int(time.time()) + 3600)


class _RecordingCredential:
    """Wraps a credential to remember the last token, so errors can say which identity was used."""

    def __init__(self, inner: Any, tenant: str | None = None):
        self.inner = inner
        self.tenant = tenant  # --tenant: every token is asked for in it
        self.last_token: str | None = None

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        if self.tenant and not kwargs.get("tenant_id"):
            kwargs["tenant_id"] = self.tenant
        tok = self.inner.get_token(*scopes, **kwargs)
        self.last_token = tok.token
        return tok


def _auth_policy(credential: Any, scope: str) -> Any:
    """ARM's challenge-aware bearer policy; https is enforced except for loopback http URLs."""
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

    class LoopbackAwareArmAuth(ARMChallengeAuthenticationPolicy):  # type: ignore[misc]
        def on_request(self, request: Any) -> None:
            parts = urlsplit(request.http_request.url)
            if parts.scheme == "http" and is_loopback_host(parts.hostname):
                request.context.options["enforce_https"] = False
            super().on_request(request)

    return LoopbackAwareArmAuth(credential, scope)


def _retry_policy(total: int, backoff: float, max_retry_after: float) -> Any:
    from azure.core.pipeline.policies import RetryPolicy

    class BoundedRetryPolicy(RetryPolicy):  # type: ignore[misc]
        """The SDK retry policy (429, 408, 5xx, connection errors; Retry-After honoured), capped."""

        def get_retry_after(self, response: Any) -> float | None:
            after = super().get_retry_after(response)
            return None if after is None else min(after, max_retry_after)

    return BoundedRetryPolicy(retry_total=total, retry_connect=min(total, 2), retry_read=min(total, 2),
                              retry_backoff_factor=backoff, retry_backoff_max=max(backoff * 8, 1))


@dataclass
class AzureTarget:
    """One Resource Manager to talk to: cloud, endpoint, subscription, credential, retry budget."""

    cloud: Cloud
    endpoint: str
    subscription: str
    poll_interval: float = 5.0
    retry_total: int = 5
    retry_backoff: float = 0.8
    max_retry_after: float = 60.0
    http_timeout: float = 120.0  # seconds to connect, and to wait for each answer, per request
    tenant: str | None = None  # --tenant (or the profile's tenant of a subscription picked by name)
    _credential: Any = field(default=None, repr=False)

    @classmethod
    def from_options(cls, cloud: str | None = None, endpoint: str | None = None,
                     subscription: str | None = None, tenant: str | None = None) -> AzureTarget:
        """Build from CLI options plus the environment knobs in the module docstring; the
        subscription (id, name, or az's default) is resolved by :mod:`armgen.azure.subscription`."""
        from armgen.azure import subscription as subscriptions

        c = resolve_cloud(cloud)
        url = check_endpoint(endpoint or c.resource_manager)
        env_token()  # a malformed token is a usage error now, not an HTTP error quoting it later
        target = cls(c, url, "", tenant=subscriptions.check_tenant(tenant),
                     poll_interval=_env_float("ARMGEN_POLL_INTERVAL", 5.0),
                     retry_total=_env_int("ARMGEN_RETRY_TOTAL", 5),
                     retry_backoff=_env_float("ARMGEN_RETRY_BACKOFF", 0.8),
                     max_retry_after=_env_float("ARMGEN_MAX_RETRY_AFTER", 60.0),
                     http_timeout=_http_timeout())
        sub, implied = subscriptions.resolve(subscription, target)
        target.subscription, target.tenant = check_subscription(sub), target.tenant or implied
        return target

    # ------------------------------------------------------------ identity
    @property
    def credential(self) -> _RecordingCredential:
        if self._credential is None:
            token = env_token()
            if token:
                inner: Any = StaticTokenCredential(token)
            else:
                from azure.identity import DefaultAzureCredential

                from armgen.azure.subscription import credential_options

                inner = DefaultAzureCredential(authority=self.cloud.authority, **credential_options(self.tenant))
            self._credential = _RecordingCredential(inner, self.tenant)
        return self._credential

    def identity(self) -> str:
        """Who we are, for error messages: credential source plus upn/app id/object id if known."""
        source = "ARMGEN_ACCESS_TOKEN" if env_token() else "DefaultAzureCredential"
        cred = self._credential
        claims = _jwt_claims(cred.last_token) if cred is not None and cred.last_token else {}
        who = [f"{k} {claims[k]}" for k in ("upn", "unique_name", "appid", "oid") if claims.get(k)]
        return f"{source} ({', '.join(who)})" if who else source

    # ------------------------------------------------------------ clients
    def retry_policy(self) -> Any:
        """The SDK ``RetryPolicy`` of every client (a rollout substitutes its throttle-aware one)."""
        return _retry_policy(self.retry_total, self.retry_backoff, self.max_retry_after)

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments every SDK management client gets (endpoint, scope, auth, retry)."""
        from armgen.azure import guard

        return {
            "base_url": self.endpoint,
            "credential_scopes": [self.cloud.scope],
            "authentication_policy": _auth_policy(self.credential, self.cloud.scope),
            "retry_policy": self.retry_policy(),
            "polling_interval": self.poll_interval,
            "connection_timeout": self.http_timeout,
            "read_timeout": self.http_timeout,
            **guard.client_settings(self),  # hostile answers: one host, bounded bodies and polls
        }

    def deployments_client(self, api_version: str = DEPLOYMENTS_API_VERSION) -> Any:
        """``azure.mgmt.resource.deployments.DeploymentsMgmtClient`` for this target."""
        from azure.mgmt.resource.deployments import DeploymentsMgmtClient

        return DeploymentsMgmtClient(self.credential, self.subscription, api_version=api_version,
                                     **self.client_kwargs())

    def resources_client(self, api_version: str = RESOURCES_API_VERSION) -> Any:
        """``azure.mgmt.resource.resources.ResourceManagementClient`` for this target."""
        from azure.mgmt.resource.resources import ResourceManagementClient

        return ResourceManagementClient(self.credential, self.subscription, api_version=api_version,
                                        **self.client_kwargs())

    def resource_group_id(self, rg: str) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{rg}"


def arm_error_of(exc: Any) -> tuple[str, str]:
    """ARM's ``(code, message)`` from an ``HttpResponseError`` (falls back to the HTTP reason)."""
    err = getattr(exc, "error", None)
    code = getattr(err, "code", None)
    message = getattr(err, "message", None)
    if not code:
        resp = getattr(exc, "response", None)
        try:
            body = resp.json() if resp is not None else None
            e = (body or {}).get("error") or {}
            code, message = e.get("code"), e.get("message")
        except Exception:  # body not JSON
            code = None
    status = getattr(exc, "status_code", None)
    text = message or (str(getattr(exc, "reason", "") or exc).splitlines() or [""])[0]
    return code or f"HTTP{status or ''}", redact(text)


@contextlib.contextmanager
def azure_errors(target: AzureTarget, action: str, resource_group: str | None = None,
                 scope: str | None = None) -> Iterator[None]:
    """Translate SDK exceptions into :class:`AzureFailure` with a message a user can act on.

    ``action`` names what we were trying to do (an ARM action like
    ``Microsoft.Resources/deployments/whatIf/action``) and ``scope`` where (default: the resource
    group, else the subscription), so a 401/403 says which identity lacked what, and where.
    The bearer token is redacted from the message, whatever the server or the HTTP stack put in it.
    """
    try:
        yield
    except AzureFailure:
        raise
    except Exception as exc:
        where = scope or (target.resource_group_id(resource_group) if resource_group
                          else f"/subscriptions/{target.subscription}")
        failure = _failure_of(exc, target, action, resource_group, where)
        if failure is None:
            raise
        failure.message = redact(failure.message)
        failure.args = (failure.message,)
        raise failure from exc


def refusal(exc: Any, target: AzureTarget, action: str, scope: str) -> AzureFailure | None:
    """The exit-3 :class:`AzureFailure` for a 401/403 (None for any other error): names the
    identity (principal), the action and the scope it was refused on."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

    status = getattr(exc, "status_code", None)
    if (isinstance(exc, ClientAuthenticationError) and status is not None) or status == 401:
        code, msg = arm_error_of(exc)
        return AzureFailure(redact(f"{target.endpoint} rejected the credentials of {target.identity()} "
                                   f"({status} {code}) for {action} (scope: {scope}): {msg}"), EXIT_AZURE, refused=True)
    if isinstance(exc, HttpResponseError):
        code, msg = arm_error_of(exc)
        if status == 403 or code in ("AuthorizationFailed", "LinkedAuthorizationFailed"):
            return AzureFailure(redact(f"{target.identity()} lacks permission for {action}: {code}: {msg} "
                                       f"(scope: {scope})"), EXIT_AZURE, refused=True)
    return None


def _failure_of(exc: Exception, target: AzureTarget, action: str, resource_group: str | None,
                scope: str) -> AzureFailure | None:
    """The AzureFailure for an SDK exception; None for exceptions that are not the SDK's."""
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ServiceRequestError,
        ServiceResponseError,
    )

    from armgen.azure import guard

    if isinstance(exc, ClientAuthenticationError) and getattr(exc, "status_code", None) is None:
        # the credential itself failed (no az login, no managed identity...)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return AzureFailure(f"could not get a token from {target.identity()}: {first} "
                            "(run 'az login', or set ARMGEN_ACCESS_TOKEN)", EXIT_AZURE, refused=True)
    refused = refusal(exc, target, action, scope)
    if refused is not None:
        return refused
    if isinstance(exc, HttpResponseError):
        status = getattr(exc, "status_code", None)
        code, msg = arm_error_of(exc)
        if code == "ResourceGroupNotFound":
            rg = f" '{resource_group}'" if resource_group else ""
            return AzureFailure(f"resource group{rg} not found in subscription {target.subscription} "
                                f"({code}: {msg})", EXIT_USAGE)
        if code == "SubscriptionNotFound":
            return AzureFailure(f"subscription {target.subscription} not found ({code}: {msg})", EXIT_USAGE)
        extra = " after retries" if status in (429, 500, 502, 503, 504) else ""
        return AzureFailure(f"Resource Manager answered {status}{extra}: {code}: {msg}", EXIT_AZURE)
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return AzureFailure(f"cannot reach Resource Manager at {target.endpoint}: {first}", EXIT_USAGE)
    return guard.failure_of(exc)  # an answer the SDK could not read
