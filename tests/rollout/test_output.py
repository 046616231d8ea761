"""``rollout plan|apply -o``: the result alone on stdout (plan.json's document for plan, each
target's outcome for apply), progress and verdicts on stderr, nothing at all with ``-o none``,
the exit code unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from armgen.cli import main
from tests.rollout.conftest import Fleet


def test_plan_json_is_the_plan_file(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    inv = write_inventory(3)
    out_dir = tmp_path / "plan"
    assert main(["rollout", "plan", str(inv), "--out", str(out_dir), "--endpoint", fleet.arm.base_url,
                 "-o", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)  # no "Planning..." line before it
    assert doc == json.loads((out_dir / "plan.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in doc["targets"]] == ["site-000", "site-001", "site-002"]
    assert doc["summary"] == {"pass": 3, "blocked": 0, "error": 0}
    assert main(["rollout", "plan", str(inv), "--out", str(out_dir), "--endpoint", fleet.arm.base_url,
                 "-o", "none"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["rollout", "plan", str(inv), "--out", str(out_dir), "--endpoint", fleet.arm.base_url,
                 "-o", "table"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("Planning 3 targets") and "Plan: 3 targets, 3 pass" in table


def test_apply_json_holds_each_targets_outcome(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    inv = write_inventory(3)
    base = ["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url]
    assert main([*base, "-o", "json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert {t["name"]: t["status"] for t in doc["targets"]} == {f"site-00{i}": "succeeded" for i in range(3)}
    assert doc["summary"]["succeeded"] == 3 and doc["summary"]["failed"] == 0
    assert doc["state"] == str(tmp_path / "fleet.state.json") and doc["stoppedWave"] is None
    assert not doc["interrupted"] and not doc["declined"]
    state = json.loads((tmp_path / "fleet.state.json").read_text(encoding="utf-8"))["targets"]
    assert {n: r["status"] for n, r in state.items()} == {t["name"]: t["status"] for t in doc["targets"]}
    assert "Rolling out" in captured.err and "Apply will deploy 3 targets" in captured.err  # for the person watching
    assert main([*base, "-o", "none"]) == 0  # a rerun: all skipped, nothing printed
    assert capsys.readouterr().out == ""
    assert main([*base, "-o", "jsonc"]) == 0  # not a terminal: plain JSON
    again = json.loads(capsys.readouterr().out)
    assert again["summary"]["skipped"] == 3 and {t["status"] for t in again["targets"]} == {"skipped"}


def test_apply_json_reports_the_stopped_wave_and_exit_1(fleet: Fleet, write_inventory, capsys) -> None:
    inv = write_inventory(4, waves={"canary": "site-001", "batchSize": 2})
    fleet.deployments.behave("site-001", fail=("InvalidTemplateDeployment", "bad image"))
    assert main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url, "-o", "json"]) == 1
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["stoppedWave"] == 1 and doc["summary"]["failed"] == 1
    (failed,) = [t for t in doc["targets"] if t["status"] == "failed"]
    assert failed["name"] == "site-001" and "bad image" in failed["detail"]
    assert "stopped at its first failure" in captured.err
