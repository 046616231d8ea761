"""The shared 429 gate: one worker's Retry-After pauses every worker."""

from __future__ import annotations

import threading
import time

import pytest

from armgen.azure.throttle import Interrupted, ThrottleGate, parse_retry_after
from tests.rollout.conftest import Fleet
from tests.rollout.helpers import run_apply

DEP = r"/providers/Microsoft\.Resources/deployments/"


def test_parse_retry_after() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert 0 <= parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT") == 0.0  # past dates: no wait


def test_gate_pauses_all_and_is_capped() -> None:
    gate = ThrottleGate(max_pause=0.2)
    gate.close_for(30)  # capped
    t0 = time.monotonic()
    threads = [threading.Thread(target=gate.wait) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    waited = time.monotonic() - t0
    assert 0.15 <= waited < 1.0 and gate.waits == 4 and gate.pauses == 1


def test_gate_wakes_on_stop() -> None:
    gate = ThrottleGate()
    gate.close_for(30)
    threading.Timer(0.05, gate.stop.set).start()
    t0 = time.monotonic()
    with pytest.raises(Interrupted):
        gate.wait()
    assert time.monotonic() - t0 < 1


def test_retry_after_pauses_every_worker(fleet: Fleet, write_inventory, monkeypatch) -> None:
    """A 429 + Retry-After: 1 on one target's poll: no request from any worker in the next second."""
    monkeypatch.setenv("ARMGEN_POLL_INTERVAL", "0.01")
    inv = write_inventory(12, concurrency=6, waves={"canary": None})
    fleet.deployments.default.polls = 0
    fleet.deployments.default.duration = 0.4
    fleet.arm.inject("GET", f"/rg-site-004{DEP}", 429, times=1, retry_after=1)
    gate = ThrottleGate()
    result, _ = run_apply(inv, fleet.arm.base_url, gate=gate)
    assert all(o.status == "succeeded" for o in result.outcomes.values())
    (throttled,) = [r for r in fleet.arm.requests if r.status == 429]
    quiet = [r for r in fleet.arm.requests if throttled.time + 0.05 < r.time < throttled.time + 0.9]
    assert quiet == [], f"{len(quiet)} requests went out while throttled"
    after = [r for r in fleet.arm.requests if r.time >= throttled.time + 0.9]
    assert len({r.path.split("/")[4] for r in after}) > 1, "every worker should resume, not only the throttled one"
    assert gate.pauses == 1 and gate.waits >= 1


def test_throttling_beyond_the_retry_budget_fails_the_target(fleet: Fleet, write_inventory, capsys) -> None:
    from armgen.cli import main

    inv = write_inventory(2)
    fleet.arm.inject("PUT", DEP, 429, times=None, retry_after=0)
    assert main(["rollout", "apply", str(inv), "--endpoint", fleet.arm.base_url]) == 1
    assert "site-000: failed: TooManyRequests" in capsys.readouterr().out
    assert 2 <= len(fleet.arm.requests_matching("PUT", DEP)) <= 6  # bounded
