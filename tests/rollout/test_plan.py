"""``rollout plan``: parameters files, preflight + what-if per target, table and plan.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from armgen.cli import main
from tests.rollout.conftest import SUB, Fleet


def _changes(body: Any) -> list[dict[str, Any]]:
    """What-if prediction per target: an NSG created; site-001 also modifies its existing subnet."""
    params = body["properties"]["parameters"]
    site = params["vnetName"]["value"].removeprefix("vnet-")
    rg = f"/subscriptions/{SUB}/resourceGroups/rg-{site}"
    out = [{"resourceId": f"{rg}/providers/Microsoft.Network/networkSecurityGroups/cc-nsg-Standard_D2s_v5",
            "changeType": "Create", "after": {"name": "cc-nsg"}}]
    if site == "site-001":
        sid = (f"/subscriptions/{SUB}/resourceGroups/net-{site}/providers/Microsoft.Network/virtualNetworks/"
               f"vnet-{site}/subnets/snet-1")
        out.append({"resourceId": sid, "changeType": "Modify", "delta": [
            {"path": "properties.natGateway", "propertyChangeType": "Create", "after": {"id": "x"}}]})
    return out


def test_plan_table_report_and_parameters_files(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    inv = write_inventory(12, concurrency=4)
    fleet.whatif.changes = _changes
    fleet.arm.resources.pop(next(k for k in fleet.arm.resources if k.endswith("vnet-site-002/subnets/snet-2")))
    fleet.arm.inject("POST", "rg-site-004/.*/whatIf", 429, times=1, retry_after=0)
    fleet.arm.inject("GET", "vnet-site-005", 500, times=1)
    out_dir = tmp_path / "plan"
    rc = main(["rollout", "plan", str(inv), "--out", str(out_dir), "--endpoint", fleet.arm.base_url])
    out = capsys.readouterr().out
    assert rc == 1
    lines = out.splitlines()
    assert lines.pop(0).startswith("Planning 12 targets (mainTemplate.json), 4 at a time")
    assert lines[0].split() == ["TARGET", "RESOURCE", "GROUP", "CREATE", "MODIFY", "DELETE", "GATE"]
    row = {ln.split()[0]: ln.split() for ln in lines[1:13]}
    assert row["site-000"][2:] == ["1", "0", "0", "PASS"]
    assert row["site-001"][2:] == ["1", "1", "0", "BLOCKED"]
    assert row["site-002"][-1] == "BLOCKED"  # preflight: subnet snet-2 missing
    assert row["site-004"][-1] == "PASS" and row["site-005"][-1] == "PASS"  # faults retried
    assert "Plan: 12 targets, 10 pass, 2 blocked, 0 errors." in out
    assert any("site-001: what-if Modify" in ln and "snet-1" in ln for ln in lines)
    assert any("site-002: preflight subnet exists snet-2" in ln for ln in lines)

    report = json.loads((out_dir / "plan.json").read_text())
    assert [t["name"] for t in report["targets"]] == [f"site-{i:03d}" for i in range(12)]
    assert report["summary"] == {"pass": 10, "blocked": 2, "error": 0}
    t1 = report["targets"][1]
    assert t1["changes"] == {"create": 1, "modify": 1, "delete": 0} and t1["gate"] == "blocked"
    assert t1["whatIf"]["gate"]["findings"][0]["verdict"] == "blocked" and t1["preflight"]["passed"]
    params = json.loads((out_dir / "site-003.parameters.json").read_text())
    assert params["parameters"]["vnetName"] == {"value": "vnet-site-003"}
    assert params["$schema"].endswith("deploymentParameters.json#")
    # what-if went to each target's own resource group, with that target's parameters
    assert len(fleet.whatif.bodies) == 12 and fleet.arm.counters["status:429"] == 1  # the 429 was retried
    assert len(fleet.arm.requests_matching("POST", "/resourcegroups/rg-site-007/providers/Microsoft.Resources/"
                                                   "deployments/[^/]+/whatIf")) == 1
    # nothing was deployed
    assert fleet.arm.requests_matching("PUT", "/deployments/") == []

    # deterministic: a second plan writes byte-identical files
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    assert main(["rollout", "plan", str(inv), "--out", str(out_dir), "--endpoint", fleet.arm.base_url]) == 1
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before


def test_plan_reports_azure_errors_per_target(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    inv = write_inventory(3)
    fleet.arm.deny("Microsoft.Resources/deployments/whatIf/action", "rg-site-001/.*whatIf",
                   scope=f"/subscriptions/{SUB}/resourceGroups/rg-site-001")
    assert main(["rollout", "plan", str(inv), "--endpoint", fleet.arm.base_url]) == 1
    out = capsys.readouterr().out
    assert "site-001: what-if:" in out and "lacks permission" in out and "0 blocked, 1 error." in out
    assert (tmp_path / "fleet.plan" / "plan.json").is_file()


def test_plan_refuses_plain_http_to_remote_hosts(write_inventory, capsys) -> None:
    inv = write_inventory(1)
    assert main(["rollout", "plan", str(inv), "--endpoint", "http://example.com"]) == 2
    assert "plain http" in capsys.readouterr().err


def test_allow_modify_accepts_a_named_change(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    inv = write_inventory(2)
    fleet.whatif.changes = _changes
    sid = (f"/subscriptions/{SUB}/resourceGroups/net-site-001/providers/Microsoft.Network/virtualNetworks/"
           "vnet-site-001/subnets/snet-1")
    assert main(["rollout", "plan", str(inv), "--endpoint", fleet.arm.base_url]) == 1
    capsys.readouterr()
    assert main(["rollout", "plan", str(inv), "--endpoint", fleet.arm.base_url, "--allow-modify", sid]) == 0
    assert "Plan: 2 targets, 2 pass, 0 blocked, 0 errors." in capsys.readouterr().out
    report = json.loads((tmp_path / "fleet.plan" / "plan.json").read_text())
    assert report["targets"][1]["whatIf"]["gate"]["findings"][0]["verdict"] == "accepted"


def test_one_target_one_wave_reads_in_the_singular(fleet, write_inventory, capsys) -> None:
    from armgen.cli import main

    inv = write_inventory(1)
    main(["rollout", "plan", str(inv), "--endpoint", fleet.arm.base_url])
    main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url])
    out, err = capsys.readouterr()
    text = out + err
    assert "Planning 1 target (" in text and "Plan: 1 target, " in text and "1 error," not in text
    assert "to 1 target in 1 wave " in text and "Rollout: 1 target: " in text
