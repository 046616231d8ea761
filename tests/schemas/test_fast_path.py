"""The speed-ups of schema validation (issue 18) change no answer.

* the dispatch tables are derived from the schema files and pick what their if/then chains pick;
* the compiled check (fastjsonschema) never calls valid what jsonschema finds wrong, and is in
  use for the documents armgen writes;
* its code is cached on disk by content, rebuilt when an entry is damaged;
* a document is validated once per run.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from armgen.checks import schemas as S
from tests.schemas import samples

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "createUiDefinition"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh disk cache and fresh in-process caches for each test."""
    monkeypatch.setenv("ARMGEN_CACHE_DIR", str(tmp_path / "cache"))
    S._fast_validator.cache_clear()
    yield
    S._fast_validator.cache_clear()


def _golden(name: str) -> list[Any]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLDEN.glob(f"*/{name}"))]


# --- dispatch tables --------------------------------------------------------------------------


def test_resource_dispatch_table_is_read_off_template_schema() -> None:
    template = json.loads((S.schema_dir() / "template.schema.json").read_text(encoding="utf-8"))
    tables = S.dispatch_tables()
    spec = tables["https://armgen.invalid/schemas/template.schema.json#/$defs/resource"]
    assert spec["on"] == ["type", "apiVersion"]
    modeled = {(b["properties"]["type"]["const"], b["properties"]["apiVersion"]["const"])
               for b in template["$defs"]["modeledTypes"]["anyOf"]}
    assert {tuple(json.loads(k)) for k in spec["table"]} == modeled
    for key, refs in spec["table"].items():
        rtype, api = json.loads(key)
        stem = rtype.replace("/", ".") + "." + api
        assert refs == [f"https://armgen.invalid/schemas/resources/{stem}.schema.json"]
    assert spec["default"] == ["https://armgen.invalid/schemas/template.schema.json#/$defs/genericResource"]


def test_element_dispatch_table_is_read_off_ui_schema() -> None:
    spec = S.dispatch_tables()["https://armgen.invalid/schemas/createUiDefinition.schema.json#/$defs/element"]
    files = sorted(p.name.removesuffix(".schema.json")
                   for p in (S.schema_dir() / "createUiDefinition" / "elements").glob("*.json"))
    assert spec["on"] == ["type"] and spec["default"] == []
    assert sorted(json.loads(k)[0] for k in spec["table"]) == files


def test_a_chain_of_another_shape_is_left_as_written() -> None:
    odd = {"if": {"$ref": "#/$defs/m"}, "then": {"allOf": [{"if": {"properties": {"kind": {"const": "x"}}},
                                                           "then": {"$ref": "#/$defs/x"}}]},
           "else": {"$ref": "#/$defs/g"}}
    docs = {"https://e.invalid/s.json": {"$defs": {"m": {"anyOf": [{"required": ["type", "apiVersion"], "properties": {
        "type": {"const": "T"}, "apiVersion": {"const": "1"}}}]}, "r": odd}}}
    assert S._chain_dispatch(odd, "https://e.invalid/s.json", docs) is None
    assert S._with_dispatch(docs)["https://e.invalid/s.json"]["$defs"]["r"] == odd


def _wrong_resources() -> list[dict[str, Any]]:
    bad_vm = samples.vm()
    bad_vm["properties"]["hardwareProfile"]["vmSizee"] = "x"
    wrong_api = samples.nic()
    wrong_api["apiVersion"] = "2020-01-01"
    wrong_api["bogus"] = 1
    no_api = samples.nsg()
    del no_api["apiVersion"]
    no_api["bogus"] = 1
    nested = samples.pid_deployment()
    inner = samples.route_table()
    inner["properties"]["routes"][0]["properties"]["nextHopType"] = "Appliance"
    nested["properties"]["template"]["resources"] = [inner, "not a resource"]
    typed = samples.lb()
    typed["type"] = 5
    return [bad_vm, wrong_api, no_api, nested, typed, "a string", 3, None, [samples.nic()],
            {"type": "Microsoft.Foo/bars", "name": "x", "apiVersion": "2020-01-01", "sku": 4}]


@pytest.mark.parametrize("index", range(10))
def test_dispatch_reports_what_the_if_then_chain_reports(index: int) -> None:
    doc = samples.template(_wrong_resources()[index])
    via_table = S._explained(doc, "template", "t.json")
    assert via_table, "each of these resources is wrong somewhere"
    assert via_table == S._explained(doc, "template", "t.json", dispatch=False)


def test_element_dispatch_reports_what_the_chain_reports() -> None:
    ui = samples.ui_definition()
    steps = ui["parameters"]["steps"]
    steps[0]["elements"][0]["bogus"] = 1
    steps[0]["elements"].append("not an element")
    steps[0]["elements"].append({"name": "n", "type": "Microsoft.Common.Slider", "label": 3})
    via_table = S._explained(ui, "createUiDefinition", "c.json")
    assert via_table and via_table == S._explained(ui, "createUiDefinition", "c.json", dispatch=False)


def test_patterns_of_per_type_schemas_read_dollar_as_ecma_does() -> None:
    # jsonschema used to switch to its own class inside each schema file (by its $schema), and so
    # to Python's '$', which accepts a trailing newline
    pid = samples.pid_deployment()
    pid["name"] = "pid-x\n"
    problems = S.validate_document(samples.template(pid), "template", "t.json")
    assert [p.path for p in problems] == ["$.resources[0].name"]


# --- the compiled check -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(S.KINDS))
def test_compiled_check_is_used_for_every_document_kind(kind: str) -> None:
    # fails when a schema edit or a fastjsonschema release makes the fast path silently unavailable
    assert S._fast_validator(kind) is not None


def test_golden_documents_are_proven_valid_without_jsonschema() -> None:
    for name, kind in (("mainTemplate.json", "template"), ("createUiDefinition.json", "createUiDefinition")):
        docs = _golden(name)
        assert docs
        for doc in docs:
            assert S._proven_valid(doc, kind)


HOSTILE: list[Any] = [True, 0, 1, 1.0, 2.5, -1, "", "x\n", "[x]", "[[x]", None, [], {}, ["1"], {"id": "x"}, 70000]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        yield path
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list):
        yield path
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))
    else:
        yield path


def _replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(doc)
    node = out
    for part in path[:-1]:
        node = node[part]
    if path:
        node[path[-1]] = value
    return value if not path else out


def _mutants(doc: Any, every: int) -> Iterator[Any]:
    paths = list(_leaves(doc))
    for i, path in enumerate(paths):
        if i % every:
            continue
        for j, value in enumerate(HOSTILE):
            if (i + j) % 3 == 0:  # a third of the values at each sampled place
                yield _replaced(doc, path, value)
        if path and isinstance(path[-1], str):  # and the key itself, misspelled
            out = copy.deepcopy(doc)
            node = out
            for part in path[:-1]:
                node = node[part]
            node[path[-1] + "x"] = node.pop(path[-1])
            yield out


@pytest.mark.parametrize("kind,docs", [
    ("template", [samples.template(r()) for r in (samples.vm, samples.lb, samples.nic, samples.pid_deployment)]),
    ("createUiDefinition", [samples.ui_definition()]),
])
def test_compiled_check_never_passes_what_jsonschema_refuses(kind: str, docs: list[Any]) -> None:
    proven = refused = 0
    for doc in docs:
        for mutant in _mutants(doc, every=2):
            if S._proven_valid(mutant, kind):
                proven += 1
                assert S._explained(mutant, kind, "m.json") == [], json.dumps(mutant)[:400]
            else:
                refused += 1
    assert proven and refused  # both kinds of answer were tried


def test_compiled_check_refuses_what_only_jsonschema_can_judge() -> None:
    from armgen.checks import compiled

    for schema in ({"enum": [{"a": 1}]}, {"const": [1]}, {"unevaluatedProperties": False}, {"items": [{}]},
                   {"type": "any"}, {"dependencies": {"a": ["b"]}}):
        with pytest.raises(compiled.Unsupported):
            compiled.source(schema, lambda uri: {}, draft=compiled.DRAFT2020)
    with pytest.raises(compiled.Unsupported):
        compiled.source({"multipleOf": 0.1}, lambda uri: {}, draft=compiled.DRAFT4)
    assert S._fast_prepare({"$ref": "#/x", "not": {}}) == {"not": {}, "allOf": [{"$ref": "#/x"}]}
    assert S._fast_prepare({"pattern": "^[$a]+$"}) == {"pattern": r"^[\$a]+\Z"}


def test_decimal_is_imported_only_by_a_check_that_divides(tmp_path: Path) -> None:
    from decimal import Decimal

    from armgen.checks import compiled

    plain = compiled.source({"type": "number", "maximum": 5}, lambda uri: {}, draft=compiled.DRAFT2020)
    assert "decimal" not in plain
    check = compiled.load(tmp_path / "plain.marshal", lambda: plain, "plain")
    assert compiled.passes(check, 3) and compiled.passes(check, 2.5)
    assert not compiled.passes(check, 7) and not compiled.passes(check, "3")
    assert not compiled.passes(check, Decimal(3))  # not proven valid: jsonschema decides
    # multipleOf (refused today) would divide with Decimals: the real class is kept for such code
    lines = ["from decimal import Decimal"]
    assert compiled._imports(lines, "q = Decimal(repr(v))") == lines


def test_packaging_the_default_offer_imports_no_decimal() -> None:
    # the second run: the first compiles the checks (fastjsonschema's compiler imports decimal)
    probe = ("import sys, armgen.package\n"
             "armgen.package.build_package(*reversed(armgen.package.offer_files(None)), '1.0.0')\n"
             "print('decimal' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True) for _ in range(2)]
    assert runs[1].stdout.strip() == "False"


# --- the disk cache -----------------------------------------------------------------------------


def test_compiled_code_is_cached_on_disk_and_rebuilt_when_damaged(tmp_path: Path) -> None:
    assert S._fast_validator("options") is not None
    entries = list((tmp_path / "cache" / "schemas").glob("*/options.marshal"))
    assert len(entries) == 1
    entries[0].write_bytes(b"\x00damaged")
    S._fast_validator.cache_clear()
    check = S._fast_validator("options")
    assert check is not None and S._proven_valid({"offer": "cloud-connector"}, "options")
    assert entries[0].read_bytes() != b"\x00damaged"


def test_cache_key_follows_the_schema_files(tmp_path: Path) -> None:
    copy_root = tmp_path / "schemas"
    shutil.copytree(S.schema_dir(), copy_root)
    before = S._fast_digest.__wrapped__(copy_root)
    assert S._fast_digest.__wrapped__(copy_root) == before
    target = copy_root / "options.schema.json"
    target.write_text(target.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert S._fast_digest.__wrapped__(copy_root) != before


def test_the_files_digest_is_remembered_by_their_stat(tmp_path: Path) -> None:
    from armgen.checks import diskcache

    files = [tmp_path / "a.json", tmp_path / "b.json"]
    for i, f in enumerate(files):
        f.write_text(str(i), encoding="utf-8")
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return f"digest {len(calls)}"

    def memo(salt: str = "s") -> str:
        return diskcache.stat_memo("t", files, salt, compute)

    assert memo() == "digest 1"
    assert memo() == "digest 1" and len(calls) == 1  # unchanged files: nothing computed, nothing read
    files[1].write_text("changed", encoding="utf-8")  # another size (and mtime): computed again
    assert memo() == "digest 2"
    os.utime(files[0], ns=(1, 1))  # the same bytes with another mtime: computed again
    assert memo() == "digest 3"
    assert memo("other salt") == "digest 4"
    entry = diskcache.user_cache_dir() / "stat-memo" / "t.marshal"
    entry.write_bytes(b"\x00damaged")
    assert memo("other salt") == "digest 5" and memo("other salt") == "digest 5"
    files[0].unlink()  # a file gone: computed (by the caller's rules), never a failure
    assert memo("other salt") == "digest 6"


def test_a_cache_that_cannot_be_written_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ARMGEN_CACHE_DIR", str(blocker))
    assert S.validate_document({"offer": "x", "bogus": 1}, "options")  # jsonschema still explains
    assert S._proven_valid({"offer": "cloud-connector"}, "options")


# --- once per document per run ------------------------------------------------------------------


def test_a_document_is_validated_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = S.validate_document

    def counting(doc: Any, kind: str, file: str = "<memory>") -> list[S.Problem]:
        calls.append(file)
        return real(doc, kind, file)

    monkeypatch.setattr(S, "validate_document", counting)
    text = json.dumps({"offer": "cloud-connector", "zones": "one", "nonce": id(calls)})
    first = S.validate_text(text, "options", "a.json")
    again = S.validate_text(text.encode("utf-8"), "options", "b.json")
    assert calls == ["a.json"]
    assert [p.path for p in first] == [p.path for p in again] and first
    assert {p.file for p in again} == {"b.json"}
