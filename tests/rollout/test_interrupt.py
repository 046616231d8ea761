"""Ctrl-C for real: SIGINT to an ``armgen rollout apply`` process, then a resume in-process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from armgen.azure.state import IN_FLIGHT
from tests.fakearm.silent import SilentServer
from tests.interrupt import popen_interruptible
from tests.rollout.conftest import ROOT, Fleet
from tests.rollout.helpers import run_apply, write_plan


def test_sigint_leaves_consistent_state_and_resume_finishes(fleet: Fleet, write_inventory, tmp_path: Path) -> None:
    inv = write_inventory(30, concurrency=6, waves={"batchSize": 30})
    fleet.deployments.default.polls = 0
    # wave 2 runs until the Ctrl-C has been sent, so the signal is certain to find the canary done,
    # 6 deployments in flight and the rest pending, however slowly this machine schedules the test
    released = threading.Event()
    fleet.deployments.default.until = released.is_set
    fleet.deployments.behave("site-000", polls=0)  # the canary
    env = {**os.environ, "ARMGEN_POLL_INTERVAL": "0.05", "PYTHONPATH": str(ROOT)}
    proc = popen_interruptible([sys.executable, "-m", "armgen.cli", "rollout", "apply", "--yes", str(inv),
                                "--endpoint", fleet.arm.base_url], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while fleet.deployments.put_count() < 7 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    released.set()
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


def test_sigint_while_requests_hang_exits_promptly(write_inventory, tmp_path: Path) -> None:
    """Ctrl-C must end the run even when every worker is blocked in a request that never returns:
    the state already records those targets as in flight, so nothing is lost by not waiting."""
    inv = write_inventory(2, concurrency=2, waves={"canary": None})
    trusted = write_plan(inv, tmp_path / "trusted.plan")  # so the apply's first requests are its PUTs
    server = SilentServer()
    env = {**os.environ, "ARMGEN_POLL_INTERVAL": "0.05", "PYTHONPATH": str(ROOT)}
    runs = {"plan": ["plan"], "apply (gate)": ["apply", "--yes", "--state", str(tmp_path / "gate.json")],
            "apply": ["apply", "--yes", "--plan", str(trusted)]}
    try:
        for command, args in runs.items():
            proc = popen_interruptible([sys.executable, "-m", "armgen.cli", "rollout", *args, str(inv),
                                        "--endpoint", server.url], cwd=tmp_path, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                deadline = time.monotonic() + 20
                while len(server.conns) < 2 and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.3)
                proc.send_signal(signal.SIGINT)
                out, err = proc.communicate(timeout=15)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            assert proc.returncode == 130, (command, out, err)
            assert "Traceback" not in err, err
            server.conns.clear()
        state = json.loads((tmp_path / "fleet.state.json").read_text())["targets"]
        assert {r["status"] for r in state.values()} == {"submitting"}
        assert not (tmp_path / "gate.json").exists()  # interrupted while checking: nothing was recorded
    finally:
        server.close()


def test_hung_requests_time_out_in_plan(write_inventory, tmp_path: Path, monkeypatch) -> None:
    """The rollout's shared transport honours ARMGEN_HTTP_TIMEOUT too (an explicit transport
    ignores the client's timeout keywords unless they are handed to it)."""
    from armgen.cli import main

    monkeypatch.setenv("ARMGEN_HTTP_TIMEOUT", "0.5")
    monkeypatch.setenv("ARMGEN_RETRY_TOTAL", "0")
    inv = write_inventory(1)
    server = SilentServer()
    try:
        t0 = time.monotonic()
        code = main(["rollout", "plan", str(inv), "--endpoint", server.url])
        elapsed = time.monotonic() - t0
    finally:
        server.close()
    assert code == 1 and elapsed < 15, elapsed
    plan = json.loads((tmp_path / "fleet.plan" / "plan.json").read_text())
    assert plan["summary"]["error"] == 1
