"""Throttling slows a rollout down and never ends it by itself: per-subscription pauses with
jittered resume, AIMD concurrency, early pacing from the remaining-requests headers, 429s that do
not use up the error retry budget."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from armgen.azure.throttle import (
    REFILL_PER_SECOND,
    DeadlineExceeded,
    Interrupted,
    PollSchedule,
    SubscriptionThrottle,
    Throttle,
    parse_retry_after,
)
from armgen.cli import main
from tests.fakearm.throttle import install_token_bucket
from tests.rollout.conftest import SUB, SUB2, Fleet
from tests.rollout.helpers import run_apply, write_plan

DEP = r"/providers/Microsoft\.Resources/deployments/"


def test_parse_retry_after() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None and parse_retry_after("inf") is None
    assert 0 <= parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT") == 0.0  # past dates: no wait


def _waiters(sub: SubscriptionThrottle, n: int, kind: str = "write") -> tuple[list[threading.Thread], list[float]]:
    resumed: list[float] = []

    def go() -> None:
        sub.acquire(kind, None)
        resumed.append(time.monotonic())
        sub.release(kind, 200, None, None)

    threads = [threading.Thread(target=go) for _ in range(n)]
    for th in threads:
        th.start()
    return threads, resumed


def test_a_429_pauses_its_subscription_capped_with_jittered_resume() -> None:
    """Every waiter waits out the pause (a 30 s Retry-After is cut to max_pause), each resumes at
    its own moment after it; another subscription is not paused at all."""
    throttle = Throttle(max_concurrency=8, max_pause=0.2, rng=random.Random(7))
    sub = throttle.for_url(f"https://arm/subscriptions/{SUB}/resourceGroups/x")
    other = throttle.for_url(f"https://arm/subscriptions/{SUB2}/resourceGroups/x")
    sub.acquire("write", None)
    sub.release("write", 429, 30.0, None)
    paused_until = sub.paused_until
    assert 0 < paused_until - time.monotonic() <= 0.2
    other.acquire("write", None)  # not paused: another subscription's bucket
    other.release("write", 200, None, None)
    threads, resumed = _waiters(sub, 4)
    for th in threads:
        th.join(timeout=20)
    assert not any(th.is_alive() for th in threads), "the 30 s pause was not capped"
    assert len(resumed) == 4 and min(resumed) >= paused_until, "a waiter went through while paused"
    assert len(set(resumed)) == 4, "waiters resumed at the same instant (no jitter)"
    assert max(resumed) <= paused_until + 0.2 / 4 + 5, "jitter beyond a quarter of the pause"
    assert throttle.stats["pauses"] == 1 and throttle.stats["throttled"] == 1


def test_aimd_halves_on_429_once_per_pause_and_grows_on_success() -> None:
    throttle = Throttle(max_concurrency=8, max_pause=0.0)
    sub = throttle.for_url(f"/subscriptions/{SUB}/x")
    sent = [sub.acquire("read", None) for _ in range(3)]  # out together: one throttling event
    for t in sent:
        sub.release("read", 429, 0.0, None, t)
    assert sub.limit == 4.0, "one congestion event halves the limit once"
    sub.release("read", 429, 0.0, None, sub.acquire("read", None))  # sent after the halving: a new event
    assert sub.limit == 2.0
    for _ in range(60):
        sub.release("read", 200, None, None, sub.acquire("read", None))
    assert sub.limit == 8.0, "successes raise it back to the inventory's concurrency, not beyond"


def test_limit_bounds_requests_in_flight() -> None:
    """With the limit at 2, a third request waits until one of the two returns."""
    throttle = Throttle(max_concurrency=2)
    sub = throttle.for_url(f"/subscriptions/{SUB}/x")
    sub.acquire("write", None)
    sub.acquire("write", None)
    got = threading.Event()
    th = threading.Thread(target=lambda: (sub.acquire("write", None), got.set()))
    th.start()
    assert not got.wait(0.2), "a third request went out past the limit of 2"
    sub.release("write", 200, None, None)
    assert got.wait(20), "the waiter was not woken by the release"
    th.join()


def test_remaining_headers_pace_requests_before_the_bucket_is_empty() -> None:
    """No spacing while the bucket is well filled; spacing that grows as it empties, up to the
    documented refill interval at empty; none again once it has refilled."""
    throttle = Throttle(max_concurrency=4)
    sub = throttle.for_url(f"/subscriptions/{SUB}/x")
    for remaining in (200, 150):
        sub.release("write", 200, None, remaining, sub.acquire("write", None))
        assert sub.pace["write"] == 0.0
    assert sub.low_water("write") == 10  # two rounds of 4 workers, at least 10
    paces = []
    for remaining in (8, 5, 2, 0):
        sub.release("write", 200, None, remaining, sub.acquire("write", None))
        paces.append(sub.pace["write"])
    assert paces == sorted(paces) and paces[0] > 0, paces
    assert paces[-1] == pytest.approx(1 / REFILL_PER_SECOND["write"]) and sub.pace["read"] == 0.0
    before = time.monotonic()
    sub.acquire("write", None)
    sub.acquire("write", None)  # the second waits for its slot
    assert sub.next_send["write"] >= before + 2 * sub.pace["write"] - 1e-6
    assert throttle.stats["paced"] >= 1
    sub.release("write", 200, None, 100)  # refilled: no more spacing
    assert sub.pace["write"] == 0.0
    small = throttle.for_url(f"/subscriptions/{SUB2}/x")  # a bucket of 20 is not "always low"
    small.release("read", 200, None, 19, small.acquire("read", None))
    assert small.low_water("read") == 9.5 and small.pace["read"] == 0.0


def test_stop_and_deadline_wake_a_waiter() -> None:
    throttle = Throttle(max_concurrency=1, max_pause=60)
    sub = throttle.for_url(f"/subscriptions/{SUB}/x")
    sub.acquire("write", None)
    sub.release("write", 429, 60.0, None)
    with pytest.raises(DeadlineExceeded):
        sub.acquire("write", time.monotonic() + 0.05)  # the pause outlasts the target's deadline
    errors: list[BaseException] = []
    th = threading.Thread(target=lambda: _catch(lambda: sub.acquire("write", None), errors))
    th.start()
    deadline = time.monotonic() + 20
    while sub.waiting == 0 and time.monotonic() < deadline:  # the waiter is at the pause
        time.sleep(0.005)
    throttle.halt()
    th.join(timeout=20)
    assert not th.is_alive(), "the waiter slept through the stop"
    assert len(errors) == 1 and isinstance(errors[0], Interrupted)


def _catch(fn, errors: list[BaseException]) -> None:
    try:
        fn()
    except BaseException as exc:  # the test inspects what came out
        errors.append(exc)


def test_poll_schedule_backs_off_from_one_second_and_honours_retry_after() -> None:
    s = PollSchedule(ceiling=5.0, max_retry_after=60)
    assert [s.next(None) for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert s.next(0.0) == 5.0, "Retry-After: 0 is no hint (as azure-core reads it)"
    assert s.next(3.0) == 3.0 and s.next(600.0) == 60
    assert [PollSchedule(0.25, 60).next(None) for _ in range(2)] == [0.25, 0.25]
    assert PollSchedule(0.0, 60).next(None) == 0.0


def test_retry_after_pauses_every_worker_of_the_subscription(fleet: Fleet, write_inventory, monkeypatch,
                                                            tmp_path: Path) -> None:
    """A 429 + Retry-After: 1 on one target's status read pauses every worker for that second.

    Measured on the server's clock, by causality: the pause starts when the client reads the 429
    (after the server logged it) and lasts at least until the 429's arrival + 1 s. Between the
    two, a worker can only have the one request it had already sent when the pause began;
    unpaused, each would poll every 10 ms. The throttled target sends nothing until it ends.
    """
    monkeypatch.setenv("ARMGEN_POLL_INTERVAL", "0.01")
    inv = write_inventory(12, concurrency=6, waves={"canary": None})
    fleet.deployments.default.polls = 0
    fleet.deployments.default.duration = 0.4
    fleet.arm.inject("GET", f"/rg-site-004{DEP}.*operationStatuses", 429, times=1, retry_after=1)
    seen: list[float] = []
    original = SubscriptionThrottle.release

    def recording(self, kind, status, retry_after, remaining, sent=None):
        if status == 429:
            seen.append(time.time())  # before the pause starts: an early, conservative mark
        return original(self, kind, status, retry_after, remaining, sent)

    monkeypatch.setattr(SubscriptionThrottle, "release", recording)
    throttle = Throttle()
    result, _ = run_apply(inv, fleet.arm.base_url, throttle=throttle, plan_entries=_trust(inv, tmp_path))
    assert all(o.status == "succeeded" for o in result.outcomes.values())
    assert len(seen) == 1
    (throttled,) = [r for r in fleet.arm.requests if r.status == 429]
    closed = seen[0]
    assert closed >= throttled.time - 0.01, "the pause began before the 429 was even sent"
    reopen = throttled.time + 1 - 0.01  # 10 ms for clock granularity
    during = [r for r in fleet.arm.requests if closed < r.time < reopen]
    per_target = Counter(r.path.split("/")[4].lower() for r in during)
    assert per_target["rg-site-004"] == 0, "the throttled target did not wait for its Retry-After"
    assert max(per_target.values(), default=0) <= 1, f"workers kept sending while throttled: {per_target}"
    after = [r for r in fleet.arm.requests if r.time >= reopen]
    assert len({r.path.split("/")[4] for r in after}) > 1, "every worker should resume, not only the throttled one"
    assert throttle.stats["pauses"] == 1


def _trust(inv: Path, tmp_path: Path) -> dict:
    from armgen.azure.rollout import load_plan

    return load_plan(write_plan(inv, tmp_path / "trusted.plan"))


def test_throttling_never_uses_up_the_retry_budget(fleet: Fleet, write_inventory, monkeypatch, tmp_path: Path,
                                                   capsys) -> None:
    """A PUT throttled far more often than ARMGEN_RETRY_TOTAL allows still goes through; one
    throttled for ever ends at its target's timeout as timedOut (a rerun resumes it), not as a
    failure, and was never accepted."""
    monkeypatch.setenv("ARMGEN_RETRY_TOTAL", "2")
    inv = write_inventory(2, timeoutSeconds=1.5)
    plan = write_plan(inv, tmp_path / "p")
    fleet.arm.inject("PUT", f"rg-site-000{DEP}", 429, times=8, retry_after=0.01)
    fleet.arm.inject("PUT", f"rg-site-001{DEP}", 429, times=None, retry_after=0.1)
    rc = main(["rollout", "apply", "--yes", "--plan", str(plan), str(inv), "--endpoint", fleet.arm.base_url])
    out = capsys.readouterr().out
    assert rc == 1
    assert len(fleet.arm.requests_matching("PUT", f"rg-site-000{DEP}")) == 9  # 8 throttled, then accepted
    st = json.loads((tmp_path / "fleet.state.json").read_text())["targets"]
    assert st["site-000"]["status"] == "succeeded"
    assert st["site-001"]["status"] == "timedOut" and "site-001: timedOut" in out
    assert len(fleet.arm.requests_matching("PUT", f"rg-site-001{DEP}")) > 2 + 1
    assert fleet.deployments.record("rg-site-001", "cc-site-001") is None


def test_two_hundred_targets_behind_a_token_bucket_all_succeed(fleet: Fleet, write_inventory, tmp_path: Path) -> None:
    """200 targets, 20 at a time, two subscriptions each behind a token bucket that answers 429
    + Retry-After while empty and stays empty until then (it starts empty and says nothing of
    what is left, so it is met empty whatever the machine's speed): every target succeeds,
    exactly once, and the rollout slowed down (paused, lowered its concurrency) instead of failing."""
    inv = write_inventory(200, subs=(SUB, SUB2), concurrency=20, waves={"canary": None})
    fleet.deployments.default.polls = 0
    bucket = install_token_bucket(fleet.arm, capacity=20, rate=100, retry_after=0.05, headers=False, initial=0)
    throttle = Throttle()
    result, _ = run_apply(inv, fleet.arm.base_url, throttle=throttle, plan_entries=_trust(inv, tmp_path))
    assert [o.status for o in result.outcomes.values()] == ["succeeded"] * 200
    assert bucket.throttled > 0 and throttle.stats["pauses"] > 0 and throttle.stats["decreases"] > 0
    puts = fleet.accepted_puts()
    assert len(puts) == 200 and set(puts.values()) == {1}


def test_remaining_headers_slow_the_rollout_down_before_the_bucket_is_empty(fleet: Fleet, write_inventory,
                                                                           tmp_path: Path) -> None:
    """A bucket that says what is left: the first round of 20 PUTs drains it (it refills at
    10/s), so the answers' remaining-requests headers show it running low and the next requests
    are spaced; all succeed."""
    inv = write_inventory(20, concurrency=20, waves={"canary": None})
    fleet.deployments.default.polls = 0
    install_token_bucket(fleet.arm, capacity=20, rate=10, retry_after=0.05)
    throttle = Throttle()
    result, _ = run_apply(inv, fleet.arm.base_url, throttle=throttle, plan_entries=_trust(inv, tmp_path))
    assert [o.status for o in result.outcomes.values()] == ["succeeded"] * 20
    assert throttle.stats["paced"] > 0
