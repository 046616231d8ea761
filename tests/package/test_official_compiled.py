"""Official validation through compiled checks (issue 18) reports exactly what jsonschema alone
reports: on the default offer, on hostile variants of it, and on every package of the corpus."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from armgen.checks import compiled, official


def _both(fn: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    monkeypatch.setattr(official, "_SETS", {})
    fast = fn()
    with monkeypatch.context() as m:
        m.setattr(official, "_SETS", {})
        m.setattr(official.SchemaSet, "_check", lambda self, key, schema, top_of=None: None)
        plain = fn()
    return fast, plain


def _default_offer() -> dict[str, str]:
    from armgen.build import build_files

    return build_files("cloud-connector", with_bicep=False)


HOSTILE: list[Any] = ["[parameters('x')]", "[[literal]", 5, True, None, "", "text", {"id": "[x]"}, [], ["[x]"]]


def _variants(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each resource's top-level and properties values replaced by hostile ones, a few at a time;
    the template's own top-level values too (its check is made with ``resources`` emptied)."""
    for j, key in enumerate([k for k in doc if k != "resources"] + ["extraKey"]):
        for value in (HOSTILE[j % len(HOSTILE)], {"p": {"type": "strin"}}):
            out = copy.deepcopy(doc)
            out[key] = value
            yield out
    yield {**copy.deepcopy(doc), "resources": {}}
    yield {**copy.deepcopy(doc), "resources": "[variables('r')]"}
    for i, res in enumerate(doc["resources"]):
        keys = [(k,) for k in res if k not in ("type", "apiVersion")]
        keys += [("properties", k) for k in (res.get("properties") or {})]
        for j, path in enumerate(keys):
            if (i + j) % 2:  # half of the places, each with another hostile value
                continue
            out = copy.deepcopy(doc)
            node = out["resources"][i]
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = HOSTILE[(i + j) % len(HOSTILE)]
            yield out


def test_default_offer_and_its_variants_get_the_same_answer(schemas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _default_offer()
    template = json.loads(files["mainTemplate.json"])
    uidef = json.loads(files["createUiDefinition.json"])

    def run() -> list[list[official.OfficialProblem]]:
        ss = official.load_schemas(schemas)
        out = [official.validate_document(template, "t.json", ss), official.validate_document(uidef, "u.json", ss)]
        out += [official.validate_document(v, "v.json", ss) for v in _variants(template)]
        return out

    fast, plain = _both(run, monkeypatch)
    assert fast == plain
    assert sum(1 for found in plain if any(p.severity == "error" for p in found)) > 10  # the variants do fail


def test_compiled_checks_are_used_for_the_default_offer(schemas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(official, "_SETS", {})
    proven = []
    real = compiled.passes

    def counting(check: Any, doc: Any) -> bool:
        proven.append(real(check, doc))
        return proven[-1]

    monkeypatch.setattr(compiled, "passes", counting)
    template = json.loads(_default_offer()["mainTemplate.json"])
    assert official.validate_document(template, "t.json", official.load_schemas(schemas)) == []
    # every resource (tags given as an expression included) is proven valid without jsonschema
    assert proven and all(proven)


def test_an_expression_is_not_excused_inside_a_branch(schemas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # where an expression decides between oneOf branches, the check stays strict and jsonschema answers
    ss = official.load_schemas(schemas)
    branches = ss._check("test:branches", {"oneOf": [{"type": "integer"}, {"type": "object"}]})
    plain = ss._check("test:plain", {"type": "object"})
    assert branches is not None and plain is not None
    assert not compiled.passes(branches, "[parameters('x')]")
    assert compiled.passes(plain, "[parameters('x')]")
    assert not compiled.passes(plain, "[[not an expression]")


def test_the_corpus_gets_the_same_answer(shared: Path, schemas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packages = sorted(p for p in (shared / "corpus").iterdir() if p.is_dir())[::2]  # a sample, to stay quick

    def run() -> list[official.OfficialProblem]:
        return [p for pkg in packages for p in official.validate_path(pkg, schemas)]

    fast, plain = _both(run, monkeypatch)
    assert fast == plain and len(plain) > 50
