"""The one place where armgen pins resource-provider apiVersions.

Every builder reads its version from here, so moving a provider to a newer GA version is a
one-line change. All pins are GA (never ``-preview``) and are covered by the official schemas in
``../shared/arm-schemas``; arm-ttk's "apiVersions Should Be Recent" wants them younger than two
years, which is why they move together rather than per resource.
"""

from __future__ import annotations

NETWORK = "2025-07-01"
COMPUTE = "2026-03-01"
MANAGED_IDENTITY = "2024-11-30"
RESOURCES_DEPLOYMENTS = "2025-04-01"

#: Provider namespace -> pinned apiVersion (for tests and for readers of generated templates).
PINS: dict[str, str] = {
    "Microsoft.Network": NETWORK,
    "Microsoft.Compute": COMPUTE,
    "Microsoft.ManagedIdentity": MANAGED_IDENTITY,
    "Microsoft.Resources": RESOURCES_DEPLOYMENTS,
}


def for_type(resource_type: str) -> str:
    """The pinned apiVersion for a resource type such as ``Microsoft.Network/loadBalancers``."""
    namespace = resource_type.split("/", 1)[0]
    try:
        return PINS[namespace]
    except KeyError:
        raise KeyError(f"no pinned apiVersion for {resource_type}; add its provider to PINS") from None
