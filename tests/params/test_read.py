"""Reading parameter values as az reads them: files, .bicepparam, name=value, overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen import params
from armgen.errors import InputError

KV = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/sec-rg/providers/Microsoft.KeyVault/vaults/kv1"


def values(pv: params.ParameterValues) -> dict[str, object]:
    return {g.name: g.value for g in pv}


def write(tmp_path: Path, name: str, content: object) -> str:
    p = tmp_path / name
    p.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("doc", [
    {"$schema": params.PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0",
     "parameters": {"a": {"value": 1}, "b": {"value": [1, 2]}}},
    {"parameters": {"a": {"value": 1}, "b": {"value": [1, 2]}}},
    {"a": {"value": 1}, "b": {"value": [1, 2]}},  # the bare parameters object az also takes
    {"a": 1, "b": [1, 2]},  # plain values
])
def test_the_json_shapes_az_takes(doc: dict, tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", doc)
    for arg in (path, "@" + path):
        assert values(params.read_arg(arg)) == {"a": 1, "b": [1, 2]}


def test_origins_name_the_file_and_json_path(tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", {"parameters": {"vmSize": {"value": "x"}, "pw": {"reference": {"keyVault": {"id": KV},
                                                                                                  "secretName": "s"}}}})
    got = {g.name: str(g.origin) for g in params.read_arg(path)}
    assert got == {"vmSize": f"{path}: $.parameters.vmSize.value", "pw": f"{path}: $.parameters.pw.reference"}


def test_later_values_override_earlier_ones_ignoring_case(tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", {"vmSize": "a", "count": 1})
    pv = params.read_args([path, "VMSIZE=b", "count=2"])
    assert values(pv) == {"VMSIZE": "b", "count": "2"}  # name=value stays text until the template types it
    assert [g.origin.file for g in pv] == ["-p VMSIZE=b", "-p count=2"]


def test_a_name_twice_in_one_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", {"vmSize": "a", "VMSize": "b"})
    with pytest.raises(InputError) as err:
        params.read_arg(path)
    assert (err.value.file, err.value.path) == (path, "$.VMSize") and "twice" in err.value.message


@pytest.mark.parametrize(("arg", "words"), [
    ("nofile.json", "no such file"),
    ("@missing.bicepparam", "no such file"),
    ("just-a-word", "expected @FILE, FILE (.json or .bicepparam) or NAME=VALUE"),
])
def test_bad_arguments_are_one_line(arg: str, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as err:
        params.read_arg(arg)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_inline_json_object() -> None:
    assert values(params.read_arg('{"a": {"value": true}}')) == {"a": True}


def test_entry_that_is_neither_value_nor_reference(tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", {"parameters": {"a": {"valu": 1}}})
    with pytest.raises(InputError) as err:
        params.read_arg(path)
    assert err.value.path == "$.parameters.a"


BICEPPARAM = """\
using './mainTemplate.json'

// a comment
param vmSize = 'Standard_D2ds_v5'  // trailing comment
param count = 3
param negative = -5
param enabled = true
param nothing = null
param escaped = 'it\\'s \\${not} a \\u{1F600}\\n'
param zones = [
  '1'
  '2'
]
param oneLine = ['a', 'b']
param tags = {
  env: 'prod'
  'cost-center': 42
  nested: {
    list: [
      {}
      []
    ]
  }
}
param block = '''
line one
line 'two'
'''
/* a block
   comment */
param secret = az.getSecret('00000000-0000-0000-0000-000000000001', 'sec-rg', 'kv1', 'ssh-key')
"""


def test_bicepparam_literals(tmp_path: Path) -> None:
    path = write(tmp_path, "prod.bicepparam", BICEPPARAM)
    pv = params.read_arg(path)
    assert values(pv) == {
        "vmSize": "Standard_D2ds_v5", "count": 3, "negative": -5, "enabled": True, "nothing": None,
        "escaped": "it's ${not} a \U0001F600\n", "zones": ["1", "2"], "oneLine": ["a", "b"],
        "tags": {"env": "prod", "cost-center": 42, "nested": {"list": [{}, []]}},
        "block": "line one\nline 'two'\n",
        "secret": {"reference": {"keyVault": {"id": KV}, "secretName": "ssh-key"}},
    }
    assert pv.using == str(tmp_path / "mainTemplate.json")
    assert {g.name: g.origin.path for g in pv}["zones"] == "line 10"


@pytest.mark.parametrize(("text", "line", "words"), [
    ("using 'main.bicep'\nparam a = 'x${b}'\n", 2, "interpolation"),
    ("param a = concat('a', 'b')\n", 1, "'concat' is an expression"),
    ("param a = 1 + 2\n", 1, "expressions are not supported"),
    ("param a = 'x'\nparam b = [\n  1\n  other\n]\n", 4, "'other' is an expression"),
    ("var x = 1\nparam a = x\n", 1, "'var' is not supported"),
    ("param a = {\n  k: 1 ? 2 : 3\n}\n", 2, "expressions are not supported"),
    ("param a = 1.5\n", 1, "no decimal numbers"),
    ("param a = 'unterminated\n", 1, "unterminated string"),
    ("param a = 1\nparam A = 2\n", 2, "twice"),
    ("param a = readEnvironmentVariable('X')\n", 1, "is an expression"),
])
def test_bicepparam_refuses_expressions_naming_the_line(text: str, line: int, words: str, tmp_path: Path) -> None:
    path = write(tmp_path, "x.bicepparam", text)
    with pytest.raises(InputError) as err:
        params.read_arg(path)
    assert err.value.file == path and err.value.path == f"line {line}", str(err.value)
    assert words in err.value.message and "\n" not in str(err.value)


def test_bicepparam_written_by_armgen_build_reads_back_as_its_parameters_json(tmp_path: Path) -> None:
    """Round trip: `armgen build --values` writes parameters.json and parameters.bicepparam; the
    reader gets the same values from both."""
    from armgen.build import build

    kv_ref = {"reference": {"keyVault": {"id": KV}, "secretName": "cc-url"}}
    vals = {"vnetName": "hub", "zone1SubnetName": "a", "zone2SubnetName": "b", "sshPublicKey": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7testkeytestkeytestkeytestkeytestkeytestkeytestkey user@host",
            "ccUrl": kv_ref, "keyVaultUrl": "https://kv.vault.azure.net", "identityName": "uami",
            "tagsByResource": {"Microsoft.Compute/virtualMachines": {"env": "it's ${x}"}}, "httpProbePort": 50001,
            "fipsEnabled": True}
    files = build({"offer": "cloud-connector"}, vals, "v.json").files
    (tmp_path / "parameters.json").write_text(files["parameters.json"])
    (tmp_path / "parameters.bicepparam").write_text(files["parameters.bicepparam"])
    from_json = values(params.read_arg(str(tmp_path / "parameters.json")))
    from_bicep = values(params.read_arg(str(tmp_path / "parameters.bicepparam")))
    assert from_json == from_bicep == vals
