"""Validation against Azure's official schemas (``../shared/arm-schemas``), offline.

Which misspellings the official schemas catch, and which they cannot: resource objects are
never closed there (no ``additionalProperties: false``), so a misspelled *optional* resource
property passes. They do catch a misspelled key at the template's top level (closed object),
and a misspelled *required* property (the real one is then missing; we name the near miss).
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from armgen.checks import official
from armgen.cli import main
from tests.package import sample


def problems(doc: Any, schemas: Path, kind: str = "template") -> list[official.OfficialProblem]:
    return official.validate_document(doc, "f.json", official.load_schemas(schemas), kind)


def errors(doc: Any, schemas: Path, kind: str = "template") -> list[official.OfficialProblem]:
    return [p for p in problems(doc, schemas, kind) if p.severity == "error"]


def test_sample_at_pinned_api_versions_is_accepted(schemas: Path) -> None:
    assert errors(sample.main_template(), schemas) == []
    assert errors(sample.ui_definition(), schemas, "uidef") == []


def test_default_offer_is_accepted(schemas: Path) -> None:
    from armgen.template import ModelError

    try:
        from armgen.build import build_files

        files = build_files()
    except (ImportError, ModelError, KeyError) as exc:
        pytest.skip(f"the default offer cannot be built yet: {type(exc).__name__}: {exc}")
    found = [p for p in official.validate_texts(files, schemas) if p.severity == "error"]
    assert [str(p) for p in found] == []


def one_line(found: list[official.OfficialProblem]) -> official.OfficialProblem:
    assert len(found) == 1, [str(p) for p in found]
    assert "\n" not in str(found[0]) and len(str(found[0])) < 200
    return found[0]


def test_misspelled_top_level_key(schemas: Path) -> None:
    doc = sample.main_template()
    doc["output"] = doc.pop("outputs")
    p = one_line(errors(doc, schemas))
    assert (p.path, p.message) == ("$.output", "property not allowed here (did you mean 'outputs'?)")


def test_misspelled_required_property(schemas: Path) -> None:
    doc = sample.main_template()
    props = doc["resources"][0]["properties"]
    props["mdoe"] = props.pop("mode")
    p = one_line(errors(doc, schemas))
    assert p.path == "$.resources[0].properties"
    assert p.message == "missing required property 'mode' (found 'mdoe': misspelled?)"


def test_misspelled_properties_of_a_resource(schemas: Path) -> None:
    doc = sample.main_template()
    doc["resources"][2]["propertes"] = doc["resources"][2].pop("properties")
    p = one_line(errors(doc, schemas))
    assert p.path == "$.resources[2]" and "'propertes'" in p.message


def test_misspelled_optional_property_is_not_caught(schemas: Path) -> None:
    """Documented limit of the official schemas: our own schemas (armgen.checks.schemas) catch this one."""
    doc = sample.main_template()
    doc["resources"][2]["properties"]["enableAcceleratedNetworkin"] = True
    assert errors(doc, schemas) == []


def test_wrong_type_is_one_line_not_a_page_of_branches(schemas: Path) -> None:
    doc = sample.main_template()
    doc["resources"][2]["properties"]["enableAcceleratedNetworking"] = "yes"
    p = one_line(errors(doc, schemas))
    assert p.path == "$.resources[2].properties.enableAcceleratedNetworking"
    assert p.message == 'expected boolean or an ARM expression, got string "yes"'


def test_wrong_type_deep_in_an_array(schemas: Path) -> None:
    doc = sample.main_template()
    doc["resources"][2]["properties"]["ipConfigurations"][0]["properties"]["primary"] = 1
    p = one_line(errors(doc, schemas))
    assert p.path == "$.resources[2].properties.ipConfigurations[0].properties.primary"


def test_wrong_enum_value(schemas: Path) -> None:
    doc = sample.main_template()
    doc["resources"][2]["properties"]["ipConfigurations"][0]["properties"]["privateIPAllocationMethod"] = "Fixed"
    p = one_line(errors(doc, schemas))
    assert p.message.startswith('"Fixed" is not one of [')


def test_inline_nested_template_is_validated(schemas: Path) -> None:
    doc = sample.main_template()
    doc["resources"][0]["properties"]["template"]["outputz"] = {}
    p = one_line(errors(doc, schemas))
    assert p.path == "$.resources[0].properties.template.outputz"


def test_uncovered_type_is_a_note_not_an_error(schemas: Path) -> None:
    doc = sample.main_template()
    doc["resources"].append({"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "sa"})
    doc["resources"].append({"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2020-04-01", "name": "n", "properties": {}})
    found = [p for p in problems(doc, schemas) if p.path in ("$.resources[3]", "$.resources[4]")]
    assert [p.severity for p in found] == ["note", "note"]
    assert errors(doc, schemas) == []
    assert "Microsoft.Storage/storageAccounts@2023-05-01 is not covered by the schemas in" in found[0].message


def test_known_false_positives_are_not_errors(schemas: Path) -> None:
    doc = sample.main_template()
    doc["resources"][2]["tags"] = "[parameters('tags')]"  # an expression where the schema wants an object
    doc["parameters"]["location"]["type"] = "String"  # Resource Manager ignores case here
    assert errors(doc, schemas) == []


def test_parameters_file(schemas: Path) -> None:
    good = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
            "contentVersion": "1.0.0.0", "parameters": {"a": {"value": 1}}}
    assert errors(good, schemas, "parameters") == []
    bad = json.loads(json.dumps(good))
    bad["parameters"]["a"] = {"vaule": 1}
    found = errors(bad, schemas, "parameters")
    assert "$.parameters.a.vaule" in [p.path for p in found]


def test_ui_definition_loose_check(schemas: Path) -> None:
    doc = sample.ui_definition()
    steps = doc["parameters"]["steps"][0]["elements"]
    steps.append({"name": "api", "type": "Microsoft.Solutions.ArmApiControl", "request": {"method": "GET", "path": "x"}})
    steps.append({"name": "tags", "type": "Microsoft.Common.TagsByResource", "resources": ["Microsoft.Network/networkInterfaces"]})
    steps[0]["multiLine"] = False  # newer than the 2020 schema
    assert errors(doc, schemas, "uidef") == []
    notes = [p for p in problems(doc, schemas, "uidef") if p.severity == "note"]
    assert len(notes) == 3
    # a wrong type in a control the schema knows (and whose shape is not newer) is an error
    doc["parameters"]["basics"][0]["label"] = 5
    p = one_line(errors(doc, schemas, "uidef"))
    assert p.path == "$.parameters.basics[0].label"


def test_validators_are_cached_in_process_and_on_disk(schemas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(official, "_SETS", {})
    first = official.load_schemas(schemas)
    assert official.load_schemas(schemas) is first
    [cached] = list((tmp_path / "official").glob("*.pickle"))
    assert cached.stem == first.digest
    fmt, _docs, index = pickle.loads(cached.read_bytes())
    assert ("microsoft.network/networkinterfaces", "2025-07-01") in index
    # a fresh process (no in-process cache) loads the disk copy, and a damaged copy is rebuilt
    monkeypatch.setattr(official, "_SETS", {})
    cached.write_bytes(b"garbage")
    again = official.load_schemas(schemas)
    assert again is not first and again.index == first.index
    assert pickle.loads(cached.read_bytes())[0] == fmt


def test_validate_cli(tmp_path: Path, schemas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, data in sample.files().items():
        (tmp_path / name).write_bytes(data)
    assert main(["validate", str(tmp_path), "--official", str(schemas)]) == 0
    doc = sample.main_template()
    doc["resources"][2]["properties"]["enableAcceleratedNetworking"] = "yes"
    (tmp_path / "mainTemplate.json").write_bytes(sample.dump(doc))
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "mainTemplate.json"), "--official", str(schemas)]) == 1
    out = capsys.readouterr().out
    assert "$.resources[2].properties.enableAcceleratedNetworking: expected boolean" in out
    assert out.count("[official]") == 1
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert main(["validate", str(tmp_path), "--official", str(tmp_path / "nope")]) == 2


def test_whole_corpus_runs_without_crashing(shared: Path, schemas: Path) -> None:
    found = official.validate_path(shared / "corpus", schemas)
    assert found  # real packages do have findings; every one is a single line
    assert all("\n" not in str(p) and p.severity in ("error", "note") for p in found)


@pytest.mark.parametrize("content", [b"[" * 100_000, b'{"a": 1' + b"0" * 5000 + b"}", b'{"a": NaN}'])
def test_official_validation_of_malformed_json_is_a_problem_not_a_crash(content: bytes, schemas: Path,
                                                                        tmp_path: Path) -> None:
    (tmp_path / "mainTemplate.json").write_bytes(content)
    got = official.validate_path(tmp_path, schemas)
    assert len(got) == 1 and got[0].path == "$" and "JSON" in got[0].message
    got = official.validate_texts({"mainTemplate.json": content.decode()}, schemas)
    assert len(got) == 1 and got[0].path == "$" and "JSON" in got[0].message
