"""Microsoft.ManagedIdentity: a reference to an EXISTING user-assigned identity.

Appliances such as Cloud Connector read their credentials from Key Vault with a pre-existing
user-assigned identity that the customer has already granted roles and vault access; the
template must not create (or recreate) it, only refer to it, possibly in another resource group
or subscription.
"""

from __future__ import annotations

from typing import Any

from armgen import expr as E
from armgen.resources import api_versions
from armgen.template import Resource

USER_ASSIGNED_IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities"


def existing_user_assigned_identity(*, symbol: str, name: Any, resource_group: Any = None,
                                    subscription_id: Any = None) -> Resource:
    """The identity as an ``existing=True`` resource (never emitted; ``.id`` carries its scope)."""
    return Resource(USER_ASSIGNED_IDENTITY, api_versions.MANAGED_IDENTITY, name, symbol, existing=True,
                    resource_group=resource_group, subscription_id=subscription_id)


def client_id(identity: Resource) -> E.Expr:
    """The identity's client id at deploy time: ``reference(id, '2024-11-30').clientId``."""
    return identity.props.clientId
