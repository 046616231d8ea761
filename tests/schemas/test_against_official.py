"""Our closed resource schemas may only allow what Azure's official schemas define.

Walks each of our per-type schemas beside the official resource definition for the same type and
apiVersion (../shared/arm-schemas): every property name we allow must exist there at the same
place, and every enum value we allow must be one of the official values. This keeps our
strictness honest: we reject typos, never real properties, and never accept invented ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from armgen.checks import schemas as validate

OFFICIAL_FILES = {
    "Microsoft.Network": "2025-07-01/Microsoft.Network.NRP.json",
    "Microsoft.Compute": "2026-03-01/Microsoft.Compute.json",
    "Microsoft.ManagedIdentity": "2024-11-30/Microsoft.ManagedIdentity.json",
    "Microsoft.Resources": "2025-04-01/Microsoft.Resources.json",
}
# keys that belong to the template language, not to the resource provider's schema
TEMPLATE_KEYS = {"condition", "copy", "dependsOn", "comments", "metadata", "resourceGroup", "subscriptionId", "scope",
                 "resources"}  # child resources get only the generic checks
ALL_RESOURCE_SCHEMAS = sorted((validate.schema_dir() / "resources").glob("*.schema.json"))
#: (type, apiVersion) of our schemas that the official subset in ../shared/arm-schemas does not hold:
#: Azure DNS Private Resolver's API (its own versions, 2025-05-01). Their property names come from
#: the REST API specification (specification/dnsresolver, 2025-05-01) instead; a test below keeps
#: this list honest, so a subset that gains them puts them back under the comparison.
NOT_IN_SUBSET = {
    ("Microsoft.Network/dnsResolvers", "2025-05-01"),
    ("Microsoft.Network/dnsResolvers/outboundEndpoints", "2025-05-01"),
    ("Microsoft.Network/dnsForwardingRulesets", "2025-05-01"),
    ("Microsoft.Network/dnsForwardingRulesets/forwardingRules", "2025-05-01"),
    ("Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks", "2025-05-01"),
}


def _type_and_version(path: Path) -> tuple[str, str]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc["properties"]["type"]["const"], doc["properties"]["apiVersion"]["const"]


RESOURCE_SCHEMAS = [p for p in ALL_RESOURCE_SCHEMAS if _type_and_version(p) not in NOT_IN_SUBSET]


class Walker:
    """Resolves $ref/anyOf/oneOf/allOf in one family of schemas down to object/enum leaves."""

    def __init__(self, lookup: Any) -> None:
        self.lookup = lookup

    def flatten(self, schema: Any, base: str, seen: frozenset[str] = frozenset()) -> list[tuple[dict[str, Any], str]]:
        if not isinstance(schema, dict):
            return []
        out: list[tuple[dict[str, Any], str]] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref.endswith("/expression") or ref.endswith("#/$defs/expr"):
                return []
            target, new_base = self.lookup(ref, base)
            key = new_base + "|" + ref
            if key not in seen:
                out += self.flatten(target, new_base, seen | {key})
        for k in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(k, []):
                out += self.flatten(sub, base, seen)
        if "properties" in schema or "enum" in schema or "items" in schema:
            out.append((schema, base))
        return out


def _mine_walker() -> Walker:
    registry, _ = validate._registry()

    def lookup(ref: str, base: str) -> tuple[Any, str]:
        resolved = registry.resolver(base_uri=base).lookup(ref)
        return resolved.contents, str(resolved.resolver._base_uri)

    return Walker(lookup)


def _official_walker(shared: Path, file: str) -> tuple[Walker, dict[str, Any]]:
    root = shared / "arm-schemas"
    docs = {
        "main": json.loads((root / file).read_text(encoding="utf-8")),
        "common": json.loads((root / "common" / "definitions.json").read_text(encoding="utf-8")),
    }

    def lookup(ref: str, base: str) -> tuple[Any, str]:
        where, _, pointer = ref.partition("#")
        doc_key = "common" if "common/definitions.json" in where else base
        node: Any = docs[doc_key]
        for part in pointer.strip("/").split("/"):
            node = node[part]
        return node, doc_key

    return Walker(lookup), docs["main"]


def _compare(mine: Walker, official: Walker, m_schema: Any, m_base: str, o_schema: Any, o_base: str,
             where: str, top: bool, errors: list[str]) -> None:
    m_leaves = mine.flatten(m_schema, m_base)
    o_leaves = official.flatten(o_schema, o_base)
    o_props: dict[str, list[tuple[Any, str]]] = {}
    o_enums: set[Any] = set()
    o_has_enum = False
    o_items: list[tuple[Any, str]] = []
    for node, base in o_leaves:
        for name, sub in node.get("properties", {}).items():
            o_props.setdefault(name, []).append((sub, base))
        if "enum" in node:
            o_has_enum = True
            o_enums.update(node["enum"])
        if "items" in node:
            o_items.append((node["items"], base))
    if not o_leaves or not (o_props or o_has_enum or o_items):
        return  # Azure leaves this value free-form (e.g. an inline template): nothing to compare
    for node, base in m_leaves:
        if "enum" in node and o_has_enum:
            # Microsoft.Resources/deployments enums are read case-insensitively by ARM itself
            folded = {str(v).lower() for v in o_enums} if "Microsoft.Resources" in m_base else None
            extra = [v for v in node["enum"] if v not in o_enums and not (folded and str(v).lower() in folded)]
            if extra:
                errors.append(f"{where}: enum values {extra} not in Azure's {sorted(map(str, o_enums))}")
        if "items" in node:
            for o_item, o_b in o_items or [(None, o_base)]:
                if o_item is not None:
                    _compare(mine, official, node["items"], base, o_item, o_b, where + "[]", False, errors)
        for name, sub in node.get("properties", {}).items():
            if top and name in TEMPLATE_KEYS:
                continue
            if name not in o_props:
                errors.append(f"{where}.{name}: not a property in Azure's schema")
                continue
            for o_sub, o_b in o_props[name]:
                _compare(mine, official, sub, base, o_sub, o_b, f"{where}.{name}", False, errors)


@pytest.mark.parametrize("path", RESOURCE_SCHEMAS, ids=lambda p: p.name)
def test_resource_schema_is_a_subset_of_azures(shared: Path, path: Path) -> None:
    mine_doc = json.loads(path.read_text(encoding="utf-8"))
    rtype = mine_doc["properties"]["type"]["const"]
    namespace, _, rest = rtype.partition("/")
    official, main = _official_walker(shared, OFFICIAL_FILES[namespace])
    definition = main["resourceDefinitions"][rest.replace("/", "_")]
    errors: list[str] = []
    _compare(_mine_walker(), official, mine_doc, mine_doc["$id"], definition, "main", "$", True, errors)
    assert errors == []


def test_types_left_out_are_really_not_in_the_official_subset(shared: Path) -> None:
    """Each schema left out of the comparison names a type and apiVersion the subset lacks."""
    left_out = [_type_and_version(p) for p in ALL_RESOURCE_SCHEMAS if _type_and_version(p) in NOT_IN_SUBSET]
    assert sorted(left_out) == sorted(NOT_IN_SUBSET)
    for rtype, version in left_out:
        namespace, _, rest = rtype.partition("/")
        assert not (shared / "arm-schemas" / version).exists() or not any(
            rest.replace("/", "_") in json.loads(f.read_text(encoding="utf-8")).get("resourceDefinitions", {})
            for f in (shared / "arm-schemas" / version).glob(f"{namespace}*.json")), rtype
        # and the namespace's file at the pinned Network version does not define it either
        _, main = _official_walker(shared, OFFICIAL_FILES[namespace])
        assert rest.replace("/", "_") not in main["resourceDefinitions"], rtype


def test_comparison_catches_invented_properties_and_enum_values(shared: Path) -> None:
    path = validate.schema_dir() / "resources" / "Microsoft.Network.loadBalancers.2025-07-01.schema.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["properties"]["inventedKey"] = {"type": "string"}
    doc["$defs"]["probe"]["properties"]["properties"]["properties"]["protocol"] = {"enum": ["Http", "Icmp"]}
    official, main = _official_walker(shared, OFFICIAL_FILES["Microsoft.Network"])
    errors: list[str] = []
    # resolve our $refs against a registry that holds the modified document
    from referencing.jsonschema import DRAFT202012

    registry, _ = validate._registry()
    registry = registry.with_resource(doc["$id"], DRAFT202012.create_resource(doc))

    def lookup(ref: str, base: str) -> tuple[Any, str]:
        resolved = registry.resolver(base_uri=base).lookup(ref)
        return resolved.contents, str(resolved.resolver._base_uri)

    _compare(Walker(lookup), official, doc, doc["$id"], main["resourceDefinitions"]["loadBalancers"], "main", "$", True, errors)
    assert "$.inventedKey: not a property in Azure's schema" in errors
    assert any(e.startswith("$.properties.probes[].properties.protocol: enum values ['Icmp']") for e in errors)
