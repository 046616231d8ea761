"""The shared 429 gate: one worker's Retry-After pauses every worker."""

from __future__ import annotations

import threading
import time
from collections import Counter

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
    """Every waiter waits out the pause, and a 30 s Retry-After is cut to max_pause (0.2 s)."""
    gate = ThrottleGate(max_pause=0.2)
    closed = time.monotonic()  # before close_for: the pause cannot end earlier than closed + 0.2
    gate.close_for(30)  # capped
    assert 0 < gate.remaining() <= 0.2
    returned: list[float] = []
    threads = [threading.Thread(target=lambda: (gate.wait(), returned.append(time.monotonic())))
               for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=20)  # uncapped, they would sit there for 30 s
    assert not any(th.is_alive() for th in threads), "the 30 s pause was not capped"
    assert len(returned) == 4 and min(returned) >= closed + 0.2, "a waiter went through while the gate was closed"
    assert gate.waits == 4 and gate.pauses == 1


def test_gate_wakes_on_stop() -> None:
    """A stop wakes a waiter at once, long before a 60 s pause would end."""
    gate = ThrottleGate()
    gate.close_for(60)
    errors: list[BaseException] = []

    def waiter() -> None:
        try:
            gate.wait()
        except Interrupted as exc:
            errors.append(exc)

    th = threading.Thread(target=waiter)
    th.start()
    deadline = time.monotonic() + 20
    while gate.waits == 0 and time.monotonic() < deadline:  # the waiter is at the gate
        time.sleep(0.005)
    gate.stop.set()
    th.join(timeout=20)
    assert not th.is_alive(), "the waiter slept through the stop"
    assert len(errors) == 1 and isinstance(errors[0], Interrupted)


class RecordingGate(ThrottleGate):
    """A ThrottleGate that notes (wall clock, like the fake server's log) when it is closed."""

    def __init__(self) -> None:
        super().__init__()
        self.closed_at: list[float] = []

    def close_for(self, seconds: float) -> None:
        self.closed_at.append(time.time())  # taken before closing: an early, conservative mark
        super().close_for(seconds)


def test_retry_after_pauses_every_worker(fleet: Fleet, write_inventory, monkeypatch) -> None:
    """A 429 + Retry-After: 1 on one target's poll pauses every worker for that second.

    Measured on the server's clock, by causality rather than by how fast threads get scheduled:
    the gate closes when the client reads the 429 (``closed_at``, after the server logged it) and
    stays closed until at least the 429's arrival + 1 s. Between the two, a worker can only have
    the one request it had already sent when the gate closed; unpaused, each would poll every
    10 ms (dozens of requests). The throttled target itself sends nothing until the pause ends.
    """
    monkeypatch.setenv("ARMGEN_POLL_INTERVAL", "0.01")
    inv = write_inventory(12, concurrency=6, waves={"canary": None})
    fleet.deployments.default.polls = 0
    fleet.deployments.default.duration = 0.4
    fleet.arm.inject("GET", f"/rg-site-004{DEP}", 429, times=1, retry_after=1)
    gate = RecordingGate()
    result, _ = run_apply(inv, fleet.arm.base_url, gate=gate)
    assert all(o.status == "succeeded" for o in result.outcomes.values())
    assert len(gate.closed_at) == 1
    (throttled,) = [r for r in fleet.arm.requests if r.status == 429]
    closed = gate.closed_at[0]
    assert closed >= throttled.time - 0.01, "the gate closed before the 429 was even sent"
    reopen = throttled.time + 1 - 0.01  # 10 ms for clock granularity
    during = [r for r in fleet.arm.requests if closed < r.time < reopen]
    per_target = Counter(r.path.split("/")[4].lower() for r in during)
    assert per_target["rg-site-004"] == 0, "the throttled target did not wait for its Retry-After"
    assert max(per_target.values(), default=0) <= 1, f"workers kept sending while throttled: {per_target}"
    assert len(during) <= 6 - 1, f"{len(during)} requests went out while throttled"
    after = [r for r in fleet.arm.requests if r.time >= reopen]
    assert len({r.path.split("/")[4] for r in after}) > 1, "every worker should resume, not only the throttled one"
    assert gate.pauses == 1 and gate.waits >= 1


def test_throttling_beyond_the_retry_budget_fails_the_target(fleet: Fleet, write_inventory, capsys) -> None:
    from armgen.cli import main

    inv = write_inventory(2)
    fleet.arm.inject("PUT", DEP, 429, times=None, retry_after=0)
    assert main(["rollout", "apply", str(inv), "--endpoint", fleet.arm.base_url]) == 1
    assert "site-000: failed: TooManyRequests" in capsys.readouterr().out
    assert 2 <= len(fleet.arm.requests_matching("PUT", DEP)) <= 6  # bounded
