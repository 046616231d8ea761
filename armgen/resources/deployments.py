"""Microsoft.Resources/deployments: the ``pid-<GUID>-partnercenter`` usage-attribution deployment.

Partner Center injects this empty deployment itself unless the template already contains
``Microsoft.Resources/deployments`` resources; armgen always adds it explicitly so the package
uploads either way and the tracking id is visible in what-if. The name must be the literal
tracking id (not a variable) and the resource must sit at the template's top level.
"""

from __future__ import annotations

import re

from armgen.resources import api_versions
from armgen.template import Resource

DEPLOYMENT = "Microsoft.Resources/deployments"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
EMPTY_TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#"


def tracking_deployment(guid: str, *, symbol: str = "partnerCenterTracking",
                        suffix: str = "-partnercenter") -> Resource:
    """An Incremental deployment named ``pid-<guid><suffix>`` with an inline empty template."""
    if not _GUID.match(guid):
        raise ValueError(f"tracking_deployment: {guid!r} is not a GUID")
    return Resource(
        DEPLOYMENT,
        api_versions.RESOURCES_DEPLOYMENTS,
        f"pid-{guid.lower()}{suffix}",
        symbol,
        properties={
            "mode": "Incremental",
            "template": {
                "$schema": EMPTY_TEMPLATE_SCHEMA,
                "contentVersion": "1.0.0.0",
                "resources": [],
            },
        },
    )
