"""The one parameter checker: every rule, every error one line naming where the value came from."""

from __future__ import annotations

import pytest

from armgen import params
from armgen.errors import InputError

KV = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/sec-rg/providers/Microsoft.KeyVault/vaults/kv1"
TEMPLATE = {"parameters": {
    "vmSize": {"type": "string", "allowedValues": ["Standard_D2s_v3", "Standard_D2ds_v5"], "defaultValue": "Standard_D2s_v3"},
    "httpProbePort": {"type": "int", "minValue": 80, "maxValue": 65535, "defaultValue": 50000},
    "fips": {"type": "bool", "defaultValue": False},
    "prefix": {"type": "string", "minLength": 2, "maxLength": 5, "defaultValue": "zs"},
    "zones": {"type": "array", "allowedValues": ["1", "2", "3"], "maxLength": 3, "defaultValue": ["1"]},
    "tags": {"type": "object", "defaultValue": {}},
    "vnetName": {"type": "String"},  # ARM type names ignore case
    "adminPassword": {"type": "securestring", "defaultValue": ""},
    "maybe": {"type": "string", "nullable": True},
}}


def given(**kv: object) -> params.ParameterValues:
    return params.from_mapping({"vnetName": "hub", **kv}, "v.json")


def texts(*items: str) -> params.ParameterValues:
    pv = params.from_mapping({"vnetName": "hub"}, "v.json")
    pv.update(params.read_args(items))
    return pv


def error(values: params.ParameterValues, **kw: object) -> InputError:
    with pytest.raises(InputError) as err:
        params.check(TEMPLATE, values, **kw)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)
    return err.value


def test_good_values_come_back_under_declared_names_in_template_order() -> None:
    got = params.check(TEMPLATE, given(ZONES=["1", "3"], httpprobeport=80, fips=True))
    assert got == {"httpProbePort": 80, "fips": True, "zones": ["1", "3"], "vnetName": "hub"}
    assert list(got) == ["httpProbePort", "fips", "zones", "vnetName"]


@pytest.mark.parametrize(("kv", "path", "words"), [
    ({"vmSzie": "x"}, "$.vmSzie", "unknown parameter 'vmSzie' (did you mean 'vmSize'?)"),
    ({"colour": "x"}, "$.colour", "unknown parameter 'colour' (known: "),
    ({"vmSize": "Standard_D4s_v3"}, "$.vmSize", '"Standard_D4s_v3" is not allowed for vmSize'),
    ({"vmSize": "standard_d2ds_v5"}, "$.vmSize", "(did you mean 'Standard_D2ds_v5'?)"),
    ({"httpProbePort": "abc"}, "$.httpProbePort", "expected integer, got string"),
    ({"httpProbePort": True}, "$.httpProbePort", "expected integer, got boolean"),
    ({"httpProbePort": 79}, "$.httpProbePort", "79 is less than minValue 80"),
    ({"httpProbePort": 70000}, "$.httpProbePort", "70000 is more than maxValue 65535"),
    ({"httpProbePort": 2**64}, "$.httpProbePort", "outside the 64-bit integers"),
    ({"fips": "yes"}, "$.fips", "expected boolean, got string"),
    ({"prefix": "z"}, "$.prefix", "1 characters, fewer than minLength 2"),
    ({"prefix": "abcdef"}, "$.prefix", "6 characters, more than maxLength 5"),
    ({"zones": ["1", "4"]}, "$.zones", '"4" is not allowed for zones'),
    ({"zones": ["1", "2", "3", "1"]}, "$.zones", "4 items, more than maxLength 3"),
    ({"tags": []}, "$.tags", "expected object, got array"),
    ({"vnetName": None}, "$.vnetName", "expected string, got null"),
])
def test_each_rule(kv: dict, path: str, words: str) -> None:
    err = error(given(**kv))
    assert err.file == "v.json" and err.path == path and words in err.message, str(err)


def test_null_for_a_nullable_parameter() -> None:
    assert params.check(TEMPLATE, given(maybe=None))["maybe"] is None


def test_required_parameters_are_named_with_the_sources() -> None:
    err = error(params.from_mapping({"fips": True}, "v.json"))
    assert str(err) == "v.json: missing required parameter: vnetName"
    err = error(params.from_mapping({}, "v.json"), missing=params.Origin("inv.json", "$.targets[0].parameters"))
    assert str(err) == "inv.json: $.targets[0].parameters: missing required parameter: vnetName"
    assert params.check(TEMPLATE, params.from_mapping({}, "v.json"), require=False) == {}


def test_name_value_is_typed_by_the_declared_type_as_az_does() -> None:
    got = params.check(TEMPLATE, texts("httpProbePort=8080", "fips=True", "prefix=123", "zones=[\"2\"]",
                                       "tags={\"a\": 1}"))
    assert got == {"httpProbePort": 8080, "fips": True, "prefix": "123", "zones": ["2"], "tags": {"a": 1},
                   "vnetName": "hub"}


@pytest.mark.parametrize(("arg", "words"), [
    ("httpProbePort=abc", "expected an integer"),
    ("fips=maybe", "expected true or false"),
    ("zones=1,2", "expected a JSON array"),
    ("vmSize=Standard_X", '"Standard_X" is not allowed for vmSize'),
])
def test_name_value_errors_name_the_flag(arg: str, words: str) -> None:
    err = error(texts(arg))
    assert err.file == f"-p {arg}" and words in err.message, str(err)


def test_secure_values_need_a_key_vault_reference_where_armgen_writes_files() -> None:
    err = error(texts("adminPassword=hunter2"))
    assert "Key Vault reference" in err.message and "hunter2" not in str(err)
    assert err.file == "-p adminPassword=***"
    # what-if and preflight send it to Resource Manager only: a plain value is allowed there
    assert params.check(TEMPLATE, texts("adminPassword=hunter2"), secrets="allow")["adminPassword"] == "hunter2"


def test_a_secure_value_is_never_echoed_in_an_error() -> None:
    template = {"parameters": {"pin": {"type": "securestring", "allowedValues": ["1234"], "minLength": 4}}}
    pv = params.read_args(["pin=99999"])
    with pytest.raises(InputError) as err:
        params.check(template, pv, secrets="allow")
    assert "99999" not in str(err.value) and "the value is not allowed" in err.value.message


@pytest.mark.parametrize(("ref", "words"), [
    ("kv-secret", "a Key Vault reference is"),
    ({"keyVault": {"id": KV}}, "a Key Vault reference is"),
    ({"keyVault": {"id": "/subscriptions/x/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/s"},
      "secretName": "s"}, "is not a Key Vault resource id"),
    ({"keyVault": {"id": KV}, "secretName": "s", "secretVersion": 3}, "optionally \"secretVersion\""),
])
def test_key_vault_references_are_checked(ref: object, words: str) -> None:
    err = error(given(adminPassword={"reference": ref}))
    assert err.path == "$.adminPassword" and words in err.message, str(err)


def test_a_good_reference_passes_as_a_reference() -> None:
    ref = {"reference": {"keyVault": {"id": KV}, "secretName": "s", "secretVersion": "v1"}}
    got = params.check(TEMPLATE, given(adminPassword=ref))
    assert got["adminPassword"] == ref
    assert params.arm_parameters(got)["adminPassword"] == ref
    assert params.arm_parameters(got)["vnetName"] == {"value": "hub"}
    assert params.plain_values(got) == {"vnetName": "hub"}
