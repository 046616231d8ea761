"""``armgen build`` end to end: files written, validated, deterministic; bad input is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_default_build_writes_validated_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["build", "--out", str(tmp_path)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["createUiDefinition.json", "main.bicep", "mainTemplate.json"]
    tpl = json.loads((tmp_path / "mainTemplate.json").read_text())
    ui = json.loads((tmp_path / "createUiDefinition.json").read_text())
    assert tpl["$schema"].endswith("deploymentTemplate.json#")
    assert ui["handler"] == "Microsoft.Azure.CreateUIDef"
    assert "cloud-connector" in out and "validated" in out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temp files left behind"


def test_two_builds_are_byte_identical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for d in ("a", "b"):
        assert _run(["build", "--out", str(tmp_path / d)], capsys)[0] == 0
    for name in ("mainTemplate.json", "createUiDefinition.json", "main.bicep"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--zones", "1,4"], "zones"),
        (["--appliances-per-zone", "0"], "appliancesPerZone"),
        (["--name-prefix", "Bad_Prefix"], "namePrefix"),
        (["no-such-offer"], "no-such-offer"),
    ],
)
def test_bad_options_are_one_line_exit_2_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    out_dir = tmp_path / "out"
    code, _, err = _run(["build", "--out", str(out_dir), *args], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("armgen: ")
    assert needle in err and "Traceback" not in err
    assert not out_dir.exists()


def test_options_file_unknown_key_names_file_and_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    opts = tmp_path / "opts.json"
    opts.write_text(json.dumps({"variant": "ha", "zonez": ["1"]}))
    code, _, err = _run(["build", "--options", str(opts), "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert str(opts) in err and "zonez" in err
    assert not (tmp_path / "o").exists()


def test_options_file_not_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    opts = tmp_path / "opts.json"
    opts.write_text("{variant: ")
    code, _, err = _run(["build", "--options", str(opts), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and str(opts) in err and "not JSON" in err


def _required_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert _run(["build", "--out", str(tmp_path / "probe")], capsys)[0] == 0
    tpl = json.loads((tmp_path / "probe" / "mainTemplate.json").read_text())
    values: dict[str, object] = {}
    for name, spec in tpl["parameters"].items():
        if "defaultValue" in spec:
            continue
        values[name] = {"string": f"x{name}".ljust(spec.get("minLength", 0), "x"), "int": 1, "bool": True,
                        "object": {}, "array": []}[spec["type"].lower()]
        if "allowedValues" in spec:
            values[name] = spec["allowedValues"][0]
    return values


def test_parameters_file_for_az_what_if(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = _required_values(tmp_path, capsys)
    vf = tmp_path / "values.json"
    vf.write_text(json.dumps(values))
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--values", str(vf)], capsys)
    assert code == 0, err
    params = json.loads((tmp_path / "o" / "parameters.json").read_text())
    assert params["$schema"].endswith("2019-04-01/deploymentParameters.json#")
    assert params["contentVersion"] == "1.0.0.0"
    assert {k: v["value"] for k, v in params["parameters"].items()} == values
    bicepparam = (tmp_path / "o" / "parameters.bicepparam").read_text()
    assert bicepparam.startswith("using 'main.bicep'")


def test_parameters_file_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = _required_values(tmp_path, capsys)
    vf = tmp_path / "values.json"
    vf.write_text(json.dumps({**values, "noSuchParam": 1}))
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--values", str(vf)], capsys)
    assert code == 2 and "noSuchParam" in err and str(vf) in err
    missing = dict(values)
    missing.pop(next(iter(missing)))
    vf.write_text(json.dumps(missing))
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--values", str(vf)], capsys)
    assert code == 2 and "missing required" in err
    assert not (tmp_path / "o").exists()


def test_tracking_guid_option_names_the_pid_deployment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    guid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    code, _, err = _run(["build", "--out", str(tmp_path), "--tracking-guid", guid], capsys)
    assert code == 0, err
    tpl = json.loads((tmp_path / "mainTemplate.json").read_text())
    names = [r["name"] for r in tpl["resources"] if r["type"] == "Microsoft.Resources/deployments"]
    assert names == [f"pid-{guid}-partnercenter"]
    code, _, err = _run(["build", "--out", str(tmp_path / "bad"), "--tracking-guid", "not-a-guid"], capsys)
    assert code == 2 and "trackingGuid" in err
    assert not (tmp_path / "bad").exists()


def _values_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], **override: object) -> Path:
    values = {**_required_values(tmp_path, capsys), **override}
    vf = tmp_path / "values.json"
    vf.write_text(json.dumps(values))
    return vf


def test_a_bad_set_value_is_blamed_on_set_not_on_the_values_file(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    vf = _values_file(tmp_path, capsys)
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--values", str(vf), "--set", "vmSize=[1]"], capsys)
    assert code == 2
    # typed as az types -p name=value: by the parameter's type, so a string parameter takes the text
    assert err.startswith('armgen: --set vmSize=[1]: "[1]" is not allowed for vmSize'), err
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--values", str(vf), "--set", "httpProbePort=abc"],
                        capsys)
    assert code == 2
    assert err.strip() == "armgen: --set httpProbePort=abc: expected an integer", err
    assert not (tmp_path / "o").exists()


def test_a_malformed_key_vault_reference_names_the_values_file(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    vf = _values_file(tmp_path, capsys, vnetName={"reference": "kv-secret"})
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--values", str(vf)], capsys)
    assert code == 2
    assert err.startswith(f"armgen: {vf}: $.vnetName"), err
    assert "Key Vault reference" in err


def test_a_parameter_given_twice_in_different_case_is_an_error(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    vf = _values_file(tmp_path, capsys, VNETNAME="other-vnet")  # ARM parameter names ignore case
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--values", str(vf)], capsys)
    assert code == 2
    assert err.startswith(f"armgen: {vf}: $.VNETNAME: ") and "vnetName" in err, err


@pytest.mark.parametrize(("value", "json_type"), [(5, "integer"), (None, "null"), (1.5, "number"), ([], "array")])
def test_type_errors_name_json_types(value: object, json_type: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    vf = _values_file(tmp_path, capsys, vnetName=value)
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--values", str(vf)], capsys)
    assert code == 2
    assert err.strip().endswith(f"$.vnetName: expected string, got {json_type}"), err


@pytest.mark.parametrize("zones", [",", ",,", " , "])
def test_zones_that_name_no_zone_are_an_error(zones: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only '' and 'none' mean "no zones" (an availability set); a stray comma must not."""
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--zones", zones], capsys)
    assert code == 2, err
    assert err.startswith("armgen: --zones: "), err
    assert not (tmp_path / "o").exists()


def test_a_bad_flag_is_named_as_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["build", "--out", str(tmp_path / "o"), "--appliances-per-zone", "0"], capsys)
    assert code == 2
    assert err.startswith("armgen: --appliances-per-zone: "), err


@pytest.mark.parametrize("options", [{"offer": "two-nic-appliance", "natGateway": True}, {"appliancesPerZone": 1.0}])
def test_an_option_the_offer_refuses_names_the_options_file(options: dict[str, object], tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    opts = tmp_path / "opts.json"
    opts.write_text(json.dumps(options))
    for args in (["build", "--out", str(tmp_path / "o")], ["package", "--version", "1.0.0", "--out", str(tmp_path / "o")]):
        flag = "--options" if args[0] == "build" else "--option-file"
        code, _, err = _run([*args, flag, str(opts)], capsys)
        assert code == 2
        assert err.startswith(f"armgen: {opts}: $."), err
        assert not (tmp_path / "o").exists()
