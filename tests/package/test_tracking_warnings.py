"""The package gate's customer-usage-attribution warnings: the built-in offer's tracking GUID,
and no pid- deployment at all (Partner Center attributes usage by it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.build import build_files
from armgen.checks import marketplace as mp
from armgen.cli import main
from armgen.offers.cloud_connector import TRACKING_GUID

MINE = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def findings(template: dict) -> list[tuple[str, str, str]]:
    view = mp.PackageView({mp.MAIN_TEMPLATE: json.dumps(template).encode()})
    return [(f.rule, f.severity, f.path) for f in mp.check(view, only=["MP-pid"])]


def built(offer: str = "cloud-connector", **options: object) -> dict:
    return json.loads(build_files(offer, options, with_bicep=False)["mainTemplate.json"])


def test_the_built_in_guid_is_in_the_list() -> None:
    assert TRACKING_GUID.lower() in mp.builtin_tracking_guids()


def test_built_in_guid_warns_and_names_the_deployment() -> None:
    template = built()
    got = findings(template)
    assert [(r, s) for r, s, _ in got] == [("MP-pid-guid", "warning")]
    index = int(got[0][2].split("[")[1].split("]")[0])
    assert template["resources"][index]["name"] == f"pid-{TRACKING_GUID}-partnercenter"


def test_your_own_guid_gives_no_warning() -> None:
    assert findings(built(trackingGuid=MINE)) == []


def test_built_in_guid_behind_a_variable_still_warns() -> None:
    template = built(trackingGuid=MINE)
    for r in template["resources"]:
        if r["type"] == "Microsoft.Resources/deployments":
            r["name"] = "[variables('pid')]"
    template["variables"] = {**template.get("variables", {}), "pid": f"pid-{TRACKING_GUID.upper()}-partnercenter"}
    rules = [r for r, _, _ in findings(template)]
    assert "MP-pid-guid" in rules


def test_no_pid_deployment_warns() -> None:
    assert findings(built("two-nic-appliance")) == [("MP-pid-missing", "warning", "$.resources")]


@pytest.mark.parametrize(("args", "rule"), [([], "MP-pid-guid"), (["two-nic-appliance"], "MP-pid-missing")])
def test_package_shows_the_warning_and_still_writes(args: list[str], rule: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", *args, "--version", "1.0.0", "--out", str(tmp_path), "-o", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["written"] is True and Path(doc["path"]).is_file()
    assert [c["rule"] for c in doc["report"]["checks"]
            if c["severity"] == "warning" and c["source"] == "marketplace"] == [rule]
