"""``rollout plan`` and ``rollout apply`` with ``-o``: stdout holds the result alone (plan.json's
document for plan, the outcome for apply), everything else goes to stderr, and ``-o none``
prints nothing while keeping the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.cli import main
from tests.rollout.conftest import Fleet


def test_plan_json_is_plan_json_and_none_keeps_the_exit_code(fleet: Fleet, write_inventory, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(3)
    fleet.arm.resources.pop(next(k for k in fleet.arm.resources if k.endswith("vnet-site-001/subnets/snet-2")))
    out_dir = tmp_path / "plan"
    assert main(["rollout", "plan", str(inv), "--out", str(out_dir), "--endpoint", fleet.arm.base_url,
                 "-o", "json"]) == 1  # site-001 blocked: the same exit code as the table's
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc.pop("planFolder") == str(out_dir)
    assert doc == json.loads((out_dir / "plan.json").read_text(encoding="utf-8"))
    assert [t["gate"] for t in doc["targets"]] == ["pass", "blocked", "pass"]
    assert err.startswith("Planning 3 targets (mainTemplate.json)")
    assert main(["rollout", "plan", str(inv), "--out", str(out_dir), "--endpoint", fleet.arm.base_url,
                 "--output", "none"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "Planning 3 targets" in err


def test_apply_json_is_the_outcome_alone(fleet: Fleet, write_inventory, capsys: pytest.CaptureFixture[str]) -> None:
    inv = write_inventory(3)
    assert main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url, "-o", "json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["targets"] == 3 and doc["counts"] == {"succeeded": 3} and doc["stoppedWave"] is None
    assert sorted(o["target"] for o in doc["outcomes"]) == ["site-000", "site-001", "site-002"]
    assert {o["status"] for o in doc["outcomes"]} == {"succeeded"} and Path(doc["state"]).is_file()
    assert "Rolling out mainTemplate.json to 3 targets" in err and "Apply will deploy 3 targets" in err
    # a rerun skips them all; -o none prints nothing and the exit code still tells
    assert main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url, "-o", "none"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "site-002: skipped (already succeeded)" in err
    assert len(fleet.arm.requests_matching("PUT", "/deployments/")) == 3


def test_apply_json_names_the_stopped_wave_and_keeps_exit_1(fleet: Fleet, write_inventory,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A failed canary: the JSON says which wave stopped and why the target failed; the exit code and
    the one-line note on stderr are the table's."""
    inv = write_inventory(4, waves={"canary": "site-001", "batchSize": 2})
    fleet.deployments.behave("site-001", fail=("InvalidTemplateDeployment", "bad image"))
    assert main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url, "-o", "json"]) == 1
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["stoppedWave"] == 1 and doc["counts"].get("failed") == 1 and doc["counts"].get("succeeded", 0) == 0
    (failed,) = [o for o in doc["outcomes"] if o["status"] == "failed"]
    assert failed["target"] == "site-001" and "bad image" in failed["detail"]
    assert "wave 1 of" in err and "stopped at its first failure" in err
