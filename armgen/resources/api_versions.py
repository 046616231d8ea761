"""The one place where armgen pins resource-provider apiVersions.

Every builder reads its version from here, so moving a provider to a newer GA version is a
one-line change. All pins are GA (never ``-preview``); arm-ttk's "apiVersions Should Be Recent"
wants them younger than two years, which is why they move together rather than per resource.

Most types follow their namespace's pin (:data:`PINS`). A few resource types of one namespace are
versioned by a different service and so have versions of their own (:data:`TYPE_PINS`): Azure DNS
Private Resolver's types live in ``Microsoft.Network`` but its REST API
(``specification/dnsresolver`` in Azure/azure-rest-api-specs) has its own GA versions, 2022-07-01
and 2025-05-01, none of which is Microsoft.Network's 2025-07-01.

Sovereign clouds: whether these versions are published in Azure Government and Azure China cannot
be checked offline (Microsoft's "Develop ARM templates for cloud consistency" says to list a
provider's versions in the target cloud, ``az provider show --namespace NS``); the offers say
which clouds they support and print that command (see the README's offer section).
"""

from __future__ import annotations

NETWORK = "2025-07-01"
COMPUTE = "2026-03-01"
MANAGED_IDENTITY = "2024-11-30"
RESOURCES_DEPLOYMENTS = "2025-04-01"
#: Azure DNS Private Resolver (dnsResolvers, their outbound endpoints, forwarding rulesets, rules
#: and virtual network links): the current GA version of its REST API.
DNS_RESOLVER = "2025-05-01"

#: Provider namespace -> pinned apiVersion (for tests and for readers of generated templates).
PINS: dict[str, str] = {
    "Microsoft.Network": NETWORK,
    "Microsoft.Compute": COMPUTE,
    "Microsoft.ManagedIdentity": MANAGED_IDENTITY,
    "Microsoft.Resources": RESOURCES_DEPLOYMENTS,
}

#: Top-level resource type -> pinned apiVersion, where it differs from its namespace's (children
#: follow their top-level type).
TYPE_PINS: dict[str, str] = {
    "Microsoft.Network/dnsResolvers": DNS_RESOLVER,
    "Microsoft.Network/dnsForwardingRulesets": DNS_RESOLVER,
}


def for_type(resource_type: str) -> str:
    """The pinned apiVersion for a resource type such as ``Microsoft.Network/loadBalancers``."""
    top = "/".join(resource_type.split("/")[:2])
    for known, version in TYPE_PINS.items():
        if known.lower() == top.lower():
            return version
    namespace = resource_type.split("/", 1)[0]
    try:
        return PINS[namespace]
    except KeyError:
        raise KeyError(f"no pinned apiVersion for {resource_type}; add its provider to PINS") from None
