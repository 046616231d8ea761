"""Azure DNS Private Resolver builders: the resolver, its outbound endpoint, a forwarding ruleset,
its forwarding rules and its virtual network links.

The types are ``Microsoft.Network/*`` but belong to the DNS Private Resolver API, pinned at
:data:`armgen.resources.api_versions.DNS_RESOLVER` (2025-05-01, its current GA version).

What each touches (Microsoft's REST API reference for 2025-05-01, and the azure-rest-api-specs
``specification/dnsresolver`` TypeSpec, ``VirtualNetworkLink.tsp``):

* a resolver refers to its VNet (``properties.virtualNetwork.id``, which cannot change after
  creation); one VNet takes one resolver, in the VNet's region;
* an outbound endpoint (a child of the resolver) refers to a subnet delegated to
  ``Microsoft.Network/dnsResolvers`` that nothing else uses (/28 to /24);
* a forwarding ruleset refers to outbound endpoints; its rules (``forwardingRules``) and VNet links
  (``virtualNetworkLinks``) are its own child resources: a link is created by a PUT of
  ``.../dnsForwardingRulesets/{ruleset}/virtualNetworkLinks/{name}`` whose body refers to the VNet
  by id. Linking writes the ruleset's child, not the VNet: a brownfield VNet is referenced, never
  redeployed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from armgen.resources import api_versions
from armgen.resources.common import ref
from armgen.template import Copy, Resource

DNS_RESOLVER = "Microsoft.Network/dnsResolvers"
OUTBOUND_ENDPOINT = "Microsoft.Network/dnsResolvers/outboundEndpoints"
RULESET = "Microsoft.Network/dnsForwardingRulesets"
FORWARDING_RULE = "Microsoft.Network/dnsForwardingRulesets/forwardingRules"
VNET_LINK = "Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks"
#: DNS's port; a forwarding rule's target takes another only for a resolver listening elsewhere.
DNS_PORT = 53
#: The most target servers one forwarding rule takes.
MAX_TARGETS = 6


def dns_resolver(*, symbol: str, name: Any, location: Any, vnet_id: Any, tags: Any = None) -> Resource:
    """A DNS Private Resolver in ``vnet_id`` (referenced by id: the VNet itself is not written)."""
    return Resource(DNS_RESOLVER, api_versions.DNS_RESOLVER, name, symbol, location=location, tags=tags,
                    properties={"virtualNetwork": ref(vnet_id)})


def outbound_endpoint(*, symbol: str, resolver: Resource, name: Any, location: Any, subnet_id: Any,
                      tags: Any = None) -> Resource:
    """The resolver's outbound endpoint in a subnet delegated to Microsoft.Network/dnsResolvers."""
    return Resource(OUTBOUND_ENDPOINT, api_versions.DNS_RESOLVER, name, symbol, parent=resolver, location=location,
                    tags=tags, properties={"subnet": ref(subnet_id)})


def forwarding_ruleset(*, symbol: str, name: Any, location: Any, outbound_endpoint_ids: Sequence[Any],
                       tags: Any = None) -> Resource:
    """A DNS forwarding ruleset sending matching queries out through ``outbound_endpoint_ids``."""
    if not outbound_endpoint_ids:
        raise ValueError("forwarding_ruleset: at least one outbound endpoint")
    return Resource(RULESET, api_versions.DNS_RESOLVER, name, symbol, location=location, tags=tags,
                    properties={"dnsResolverOutboundEndpoints": [ref(i) for i in outbound_endpoint_ids]})


def forwarding_rule(*, symbol: str, ruleset: Resource, name: Any, domain_name: Any, target_ips: Sequence[Any],
                    port: int = DNS_PORT, copy: Copy | None = None) -> Resource:
    """A rule forwarding ``domain_name`` (fully qualified: it ends with a dot) to ``target_ips``."""
    if not 1 <= len(target_ips) <= MAX_TARGETS:
        raise ValueError(f"forwarding_rule: 1 to {MAX_TARGETS} target DNS servers, not {len(target_ips)}")
    return Resource(FORWARDING_RULE, api_versions.DNS_RESOLVER, name, symbol, parent=ruleset, copy=copy,
                    properties={"domainName": domain_name,
                                "targetDnsServers": [{"ipAddress": ip, "port": port} for ip in target_ips],
                                "forwardingRuleState": "Enabled"})


def vnet_link(*, symbol: str, ruleset: Resource, name: Any, vnet_id: Any) -> Resource:
    """The ruleset's link to a VNet: queries from that VNet (using Azure-provided DNS) consult the
    ruleset. A child of the ruleset; the VNet is referenced by id and not written."""
    return Resource(VNET_LINK, api_versions.DNS_RESOLVER, name, symbol, parent=ruleset,
                    properties={"virtualNetwork": ref(vnet_id)})
