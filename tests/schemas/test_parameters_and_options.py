"""deploymentParameters files and armgen's own build options files."""

from __future__ import annotations

from typing import Any

import pytest

from armgen.checks.schemas import validate_document

PARAMS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


def params(**parameters: Any) -> dict[str, Any]:
    return {"$schema": PARAMS_SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters}


def paths(doc: Any, kind: str) -> list[str]:
    return [p.path for p in validate_document(doc, kind)]


def test_parameters_file_values_and_key_vault_references() -> None:
    doc = params(
        location={"value": "westeurope"},
        zones={"value": ["1", "2"]},
        count={"value": 2},
        sshPublicKey={"reference": {"keyVault": {"id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"}, "secretName": "ssh"}},
    )
    assert validate_document(doc, "parameters") == []


def test_parameter_needs_exactly_one_of_value_or_reference() -> None:
    kv = {"keyVault": {"id": "x"}, "secretName": "s"}
    assert [str(p) for p in validate_document(params(a={}), "parameters")] == [
        "<memory>: $.parameters.a: needs one of: 'value', 'reference'"
    ]
    assert paths(params(a={"value": 1, "reference": kv}), "parameters") == ["$.parameters.a"]


def test_parameters_file_closed() -> None:
    assert paths(params(a={"valu": 1}), "parameters") == ["$.parameters.a", "$.parameters.a.valu"]
    doc = params(a={"value": 1})
    doc["contentversion"] = "1.0.0.0"
    assert "$.contentversion" in paths(doc, "parameters")
    assert paths(params(a={"reference": {"keyVault": {"id": "x"}}}), "parameters") == ["$.parameters.a.reference"]


def test_parameters_file_requires_schema_and_version() -> None:
    assert paths({"parameters": {}}, "parameters") == ["$", "$"]


GOOD_OPTIONS = {"offer": "cloud-connector", "variant": "ha", "zones": ["1", "2"], "appliancesPerZone": 2, "natGateway": True, "namePrefix": "zscc"}


def test_options_good_and_empty() -> None:
    assert validate_document(GOOD_OPTIONS, "options") == []
    assert validate_document({}, "options") == []
    assert validate_document({**GOOD_OPTIONS, "zones": []}, "options") == []


def test_options_reject_unknown_keys() -> None:
    (problem,) = validate_document({**GOOD_OPTIONS, "natgateway": False}, "options", file="opts.json")
    assert str(problem) == "opts.json: $.natgateway: unknown property 'natgateway' (did you mean 'natGateway'?)"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("variant", "HA"),
        ("zones", ["1", "1"]),
        ("zones", [1, 2]),
        ("zones", ["4"]),
        ("appliancesPerZone", 0),
        ("appliancesPerZone", 11),
        ("appliancesPerZone", "2"),
        ("natGateway", "yes"),
        ("namePrefix", "Zscc"),
        ("namePrefix", "a"),
        ("namePrefix", "abcdefghijkl"),
        ("offer", ""),
    ],
)
def test_options_reject_bad_values(key: str, value: Any) -> None:
    got = paths({**GOOD_OPTIONS, key: value}, "options")
    assert got and all(p.startswith(f"$.{key}") for p in got)
