"""Small helpers shared by the builders: tags per resource type, optional fields, sub-resource ids.

Why here and not in each builder: every offer tags resources the same way (the createUiDefinition
``Microsoft.Common.TagsByResource`` output is an object keyed by resource type), and every
builder needs ``{"id": ...}`` references and "drop this key when unset" the same way.
"""

from __future__ import annotations

from typing import Any

from armgen import expr as E
from armgen.template import Resource


def tags_for(tags_by_resource: Any, resource_type: str, extra: Any = None, vendor: dict[str, str] | None = None) -> Any:
    """The tags for ``resource_type`` taken from a TagsByResource object parameter.

    Renders as ``if(contains(p, type), p[type], {})``; ``extra`` (tags such as ``LegacyVMNVA``,
    a dict or an object expression) and ``vendor`` (e.g. ``{"Vendor": "Zscaler"}``, on every
    resource) are merged over it with ``union(...)``, so the customer cannot drop or rename them
    by accident. The lookup and the test use the same key on purpose (a peer template reads
    another type's tags after testing its own).
    """
    p = E.as_expr(tags_by_resource)
    own = E.if_(E.contains(p, resource_type), p[resource_type], E.create_object())
    parts: list[Any] = [own]
    for more in (extra, vendor):
        if more is not None:
            parts.append(more if isinstance(more, E.Expr) else E.create_object(**more))
    return own if len(parts) == 1 else E.union(*parts)


def ref(resource_id: Any) -> dict[str, Any]:
    """A sub-resource reference ``{"id": ...}``."""
    return {"id": resource_id}


def prune(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` without the keys whose value is None (unset optional properties are not emitted)."""
    return {k: v for k, v in d.items() if v is not None}


def child_id(parent: Resource, child_type: str, name: Any) -> E.Call:
    """The id of an inline child (a load balancer's probe, frontend, pool) of ``parent``.

    Used for references *inside* the parent's own properties, where a separate child resource
    would make the parent depend on itself (and make Bicep report a cycle).
    """
    sub, rg = parent.scope()
    return E.resource_id(
        f"{parent.type}/{child_type}", *parent.name_segments(), name, subscription_id=sub, resource_group=rg
    )


def child_ref(parent: Resource, child_type: str, name: str, symbol: str) -> Resource:
    """An ``existing`` child of a resource the template deploys (e.g. a load balancer's pool).

    Other resources refer to it through ``.id``; the template derives their dependency on the
    deployed parent (see :meth:`armgen.template.Template.depends_on`). Add it to the template
    like any resource; it is never emitted.
    """
    return Resource(
        type=f"{parent.type}/{child_type}",
        api_version=parent.api_version,
        name=name,
        symbol=symbol,
        parent=parent,
        existing=True,
    )
