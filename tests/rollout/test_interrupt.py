"""Ctrl-C for real: SIGINT to an ``armgen rollout apply`` process, then a resume in-process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from armgen.azure.state import IN_FLIGHT
from tests.rollout.conftest import ROOT, Fleet
from tests.rollout.helpers import run_apply


def test_sigint_leaves_consistent_state_and_resume_finishes(fleet: Fleet, write_inventory, tmp_path: Path) -> None:
    inv = write_inventory(30, concurrency=6, waves={"batchSize": 30})
    fleet.deployments.default.polls = 0
    fleet.deployments.default.duration = 0.5
    env = {**os.environ, "ARMGEN_POLL_INTERVAL": "0.05", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "armgen.cli", "rollout", "apply", str(inv),
                             "--endpoint", fleet.arm.base_url], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while sum(fleet.deployments.puts.values()) < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out, err)
    assert "rerun to resume" in err
    state = json.loads((tmp_path / "fleet.state.json").read_text())["targets"]
    in_flight = [n for n, r in state.items() if r["status"] in IN_FLIGHT]
    assert in_flight and any(r["status"] == "pending" for r in state.values())
    puts_before = sum(fleet.deployments.puts.values())

    result, _ = run_apply(inv, fleet.arm.base_url)
    assert all(o.status in ("succeeded", "skipped") for o in result.outcomes.values())
    puts = fleet.accepted_puts()
    assert len(puts) == 30 and set(puts.values()) == {1}
    assert sum(fleet.deployments.puts.values()) == 30 and puts_before <= 30
