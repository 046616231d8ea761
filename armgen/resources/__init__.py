"""Resource builders: one small module per provider, each function returning a Resource.

Builders never add to a template; an offer composes them (see ``armgen/offers``). apiVersions
are pinned in :mod:`armgen.resources.api_versions`.
"""

from armgen.resources import api_versions, common, compute, deployments, dnsresolver, identity, network

__all__ = ["api_versions", "common", "compute", "deployments", "dnsresolver", "identity", "network"]
