"""Which subscription (and tenant) a command works in, found the way ``az`` finds it.

Order: ``--subscription`` (an id or a name), then ``AZURE_SUBSCRIPTION_ID``, then az's default
subscription for the chosen cloud from its profile (``$AZURE_CONFIG_DIR/azureProfile.json``,
default ``~/.azure``; az writes it with a UTF-8 byte-order mark). A name is looked up in that
profile first (no request), then through the Subscriptions API with the command's credential
(``azure-mgmt-resource-subscriptions``, imported only then). Only a subscription *id* ever becomes
part of a request URL; a name is only compared with the names Azure lists.

Why here and not in :mod:`armgen.azure.session`: resolving is a policy (where az keeps its
settings, how names map to ids) that session only needs one call of.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from armgen.azure.session import EXIT_USAGE, AzureFailure, azure_errors

if TYPE_CHECKING:
    from armgen.azure.session import AzureTarget

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SUBSCRIPTIONS_API_VERSION = "2022-12-01"
LIST_ACTION = "Microsoft.Resources/subscriptions/read"

# armgen's cloud name -> az's environmentName in the profile
AZ_ENVIRONMENTS = {"public": "AzureCloud", "china": "AzureChinaCloud", "usgovernment": "AzureUSGovernment"}


@dataclass(frozen=True)
class Subscription:
    id: str
    name: str = ""
    tenant: str | None = None
    is_default: bool = False
    environment: str | None = None


def config_dir() -> Path:
    """az's configuration folder: ``AZURE_CONFIG_DIR``, else ``~/.azure``."""
    env = os.environ.get("AZURE_CONFIG_DIR")
    return Path(env).expanduser() if env else Path.home() / ".azure"


def profile_subscriptions(cloud: str | None = None) -> list[Subscription]:
    """The subscriptions in az's profile (for ``cloud``'s environment when the profile says);
    [] when there is no profile. A profile that is not readable JSON is an error naming it,
    not a silent fall-through to another subscription."""
    path = config_dir() / "azureProfile.json"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise AzureFailure(f"{path}: cannot read az's profile: {exc.strerror or exc}", EXIT_USAGE) from None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise AzureFailure(f"{path}: az's profile is not JSON (run 'az account list' to repair it, "
                           "or pass --subscription)", EXIT_USAGE) from None
    subs = doc.get("subscriptions") if isinstance(doc, dict) else None
    env = AZ_ENVIRONMENTS.get(cloud or "public")
    out: list[Subscription] = []
    for s in subs if isinstance(subs, list) else []:
        if not isinstance(s, dict) or not isinstance(s.get("id"), str) or not GUID.match(s["id"]):
            continue
        environment = s.get("environmentName") if isinstance(s.get("environmentName"), str) else None
        if env and environment and environment.lower() != env.lower():
            continue
        out.append(Subscription(s["id"], str(s.get("name") or ""),
                                s["tenantId"] if isinstance(s.get("tenantId"), str) else None,
                                s.get("isDefault") is True, environment))
    return out


def _one(matches: list[Subscription], wanted: str, where: str) -> Subscription | None:
    unique = {m.id.lower(): m for m in matches}
    if len(unique) > 1:
        ids = ", ".join(sorted(unique))
        raise AzureFailure(f"subscription name {wanted!r} is ambiguous in {where}: {ids}; pass the id", EXIT_USAGE)
    return next(iter(unique.values()), None)


def _listed(target: AzureTarget) -> list[Subscription]:
    """Every subscription the credential can see, through the Subscriptions API (real SDK)."""
    from azure.mgmt.resource.subscriptions import SubscriptionClient

    with azure_errors(target, LIST_ACTION):
        client = SubscriptionClient(target.credential, api_version=SUBSCRIPTIONS_API_VERSION, **target.client_kwargs())
        try:
            return [Subscription(str(s.subscription_id), str(s.display_name or ""), getattr(s, "tenant_id", None))
                    for s in client.subscriptions.list() if s.subscription_id]
        finally:
            client.close()


def resolve(wanted: str | None, target: AzureTarget) -> tuple[str, str | None]:
    """``(subscription id, tenant or None)`` for ``--subscription`` (see the module docstring).

    The tenant is the one az's profile records for a subscription picked by name, so the token
    is asked for in the subscription's tenant as az would; None leaves the credential's default.
    """
    given = (wanted or "").strip()
    if wanted is not None and not given:
        raise AzureFailure("--subscription is empty: give a subscription id or name", EXIT_USAGE)
    if not given:
        env = (os.environ.get("AZURE_SUBSCRIPTION_ID") or "").strip()
        if env:
            return _must_be_id(env, "AZURE_SUBSCRIPTION_ID"), None
        default = next((s for s in profile_subscriptions(target.cloud.name) if s.is_default), None)
        if default is None:
            raise AzureFailure("no subscription: pass --subscription ID|NAME, set AZURE_SUBSCRIPTION_ID, "
                               "or choose a default with 'az account set'", EXIT_USAGE)
        return default.id, None
    if GUID.match(given):
        return given, None
    profile = profile_subscriptions(target.cloud.name)
    hit = _one([s for s in profile if s.name.lower() == given.lower()], given, "az's profile")
    if hit is not None:
        return hit.id, hit.tenant
    listed = _listed(target)
    hit = _one([s for s in listed if s.name.lower() == given.lower()], given, "the subscriptions you can see")
    if hit is None:
        seen = ", ".join(sorted({s.name for s in listed if s.name})[:10]) or "none"
        raise AzureFailure(f"no subscription named {given!r} (not an id, not in az's profile, and not among "
                           f"the subscriptions {target.identity()} can see: {seen})", EXIT_USAGE)
    return hit.id, hit.tenant


_TENANT_DOMAIN = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def check_tenant(tenant: str | None) -> str | None:
    """``--tenant``: a tenant id or a verified domain (it becomes part of the sign-in URL)."""
    if tenant is None:
        return None
    value = tenant.strip()
    if not (GUID.match(value) or _TENANT_DOMAIN.match(value)):
        raise AzureFailure(f"--tenant {tenant!r} is neither a tenant id (GUID) nor a domain such as "
                           "contoso.onmicrosoft.com", EXIT_USAGE)
    return value


def _must_be_id(value: str, where: str) -> str:
    if not GUID.match(value):
        raise AzureFailure(f"{where} {value!r} is not a subscription id (a GUID)", EXIT_USAGE)
    return value


def credential_options(tenant: str | None) -> dict[str, Any]:
    """``DefaultAzureCredential`` keywords that sign in to ``tenant`` (it takes no ``tenant_id``
    of its own: each credential in its chain has its own keyword, and tokens for another tenant
    than the configured one need ``additionally_allowed_tenants``)."""
    if not tenant:
        return {}
    return {key: tenant for key in ("interactive_browser_tenant_id", "workload_identity_tenant_id",
                                    "shared_cache_tenant_id", "visual_studio_code_tenant_id")} | \
        {"additionally_allowed_tenants": [tenant]}
