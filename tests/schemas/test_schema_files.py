"""Every schema we ship is a valid Draft 2020-12 schema, has a unique $id matching its place, and
resolves offline (no $ref points outside our own files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from armgen.checks import schemas as validate

SCHEMAS = sorted(validate.schema_dir().rglob("*.json"))


def test_schema_dir_is_the_checkout_folder() -> None:
    assert (validate.schema_dir() / "template.schema.json").is_file()
    assert len(SCHEMAS) >= 25


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)
    # ids need not share our base (other areas add schemas here) but must name the file's place
    assert doc["$id"].endswith("/schemas/" + path.relative_to(validate.schema_dir()).as_posix())


def test_schema_ids_are_unique() -> None:
    ids = [json.loads(p.read_text(encoding="utf-8"))["$id"] for p in SCHEMAS]
    assert len(ids) == len(set(ids))


def _refs(node: object) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            out.append(ref)
        for v in node.values():
            out.extend(_refs(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_refs(v))
    return out


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_ref_resolves_locally(path: Path) -> None:
    registry, _ = validate._registry()
    doc = json.loads(path.read_text(encoding="utf-8"))
    resolver = registry.resolver(base_uri=doc["$id"])
    for ref in _refs(doc):
        assert not ref.startswith("http"), f"{path.name}: absolute $ref {ref}"
        resolver.lookup(ref)  # raises if unresolvable


def test_every_modeled_resource_type_has_a_dispatch_entry() -> None:
    template = json.loads((validate.schema_dir() / "template.schema.json").read_text())
    modeled = {
        (b["properties"]["type"]["const"], b["properties"]["apiVersion"]["const"])
        for b in template["$defs"]["modeledTypes"]["anyOf"]
    }
    for path in sorted((validate.schema_dir() / "resources").glob("*.json")):
        doc = json.loads(path.read_text())
        pair = (doc["properties"]["type"]["const"], doc["properties"]["apiVersion"]["const"])
        assert pair in modeled, f"{path.name} is not reachable from template.schema.json"
    assert len(modeled) == len(list((validate.schema_dir() / "resources").glob("*.json")))


def test_every_modeled_element_type_is_a_known_type() -> None:
    ui = json.loads((validate.schema_dir() / "createUiDefinition.schema.json").read_text())
    known = set(ui["$defs"]["knownElementTypes"]["enum"])
    dispatched = {b["if"]["properties"]["type"]["const"] for b in ui["$defs"]["element"]["allOf"]}
    files = {p.name.removesuffix(".schema.json") for p in (validate.schema_dir() / "createUiDefinition" / "elements").glob("*.json")}
    assert dispatched == files
    assert files <= known
