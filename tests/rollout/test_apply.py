"""``rollout apply`` against the fake Resource Manager, through the real SDK."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from armgen.azure.state import IN_FLIGHT
from armgen.cli import main
from tests.rollout.conftest import SUB, SUB2, Fleet, target_names
from tests.rollout.helpers import StateReader, run_apply

DEP = r"/providers/Microsoft\.Resources/deployments/"


def _state(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["targets"]


def test_fifty_targets_with_faults_and_a_failure_stop_the_wave(fleet: Fleet, write_inventory, tmp_path) -> None:
    """60 targets, 429s and 500s injected, one deployment fails in wave 3: wave 3 stops starting
    targets, wave 4 never starts, every PUT happens at most once, the state file is always JSON."""
    inv = write_inventory(60, subs=(SUB, SUB2), concurrency=8, waves={"batchSize": 20})
    names = target_names(60)
    fleet.arm.latency = 0.002
    fleet.deployments.default.polls = 2
    # faults spread over targets of waves 1-3, each within the SDK's retry budget (3 status retries)
    for n in names[0:40:5]:
        fleet.arm.inject("PUT", f"/rg-{n}{DEP}", 429, times=2, retry_after=0)
    for n in names[2:40:5]:
        fleet.arm.inject("GET", f"/rg-{n}{DEP}", 500, times=2)
    fleet.arm.inject("GET", f"/rg-{names[3]}{DEP}", 503, times=1)
    bad = names[21 + 2]  # wave 3 (canary, 1..20, 21..40, 41..59)
    fleet.deployments.behave(bad, polls=0, fail=("SkuNotAvailable", "Standard_D2s_v5 is not available in westeurope"))
    wave3 = names[21:41]

    def bad_failed() -> bool:
        """The client knows: its state file records the failure (the wave was stopped before that).
        Resource Manager's own record turning Failed is not enough: a worker whose deployment
        ended in the same instant could start its next target before the bad one's worker has
        read the failure, a race this test is not about."""
        try:
            return _state(tmp_path / "fleet.state.json").get(bad, {}).get("status") == "failed"
        except (OSError, ValueError):
            return False

    # the rest of wave 3 runs until the bad one has failed: what the wave does after its first
    # failure is then decided by events, not by which worker the scheduler happens to favour
    for n in wave3:
        if n != bad:
            fleet.deployments.behave(n, until=bad_failed)
    reader = StateReader(tmp_path / "fleet.state.json")
    reader.start()
    result, _ = run_apply(inv, fleet.arm.base_url)
    reader.stop()

    assert reader.reads > 20 and reader.bad == []
    assert fleet.arm.counters["status:429"] >= 8 and fleet.arm.counters["status:500"] >= 8
    assert result.stopped_wave == 2 and not result.interrupted
    assert result.outcomes[bad].status == "failed" and "SkuNotAvailable" in result.outcomes[bad].detail
    wave2 = names[1:21]
    wave4 = names[41:]
    assert all(result.outcomes[n].status == "succeeded" for n in [names[0], *wave2])
    assert all(result.outcomes[n].status == "notStarted" for n in wave4)
    # Until the bad one failed, no other wave-3 target could finish, so each of the 8 workers
    # held at most one; after it, none may start. Without the stop, the bad one's worker and then
    # every released worker would go on starting targets until all 20 had run.
    started3 = [n for n in wave3 if result.outcomes[n].status != "notStarted"]
    assert bad in started3 and len(started3) <= 8, f"targets kept starting after the wave's first failure: {started3}"
    assert sum(result.outcomes[n].status == "notStarted" for n in wave3) == 20 - len(started3)
    for n in wave3:  # the server agrees: a target not started was never PUT
        if n not in started3:
            assert fleet.arm.requests_matching("PUT", f"/resourcegroups/rg-{n}{DEP}") == [], n
    # wave 4 was checked by the gate before anything was sent, but never deployed
    for n in wave4:
        assert fleet.arm.requests_matching("PUT", f"/resourcegroups/rg-{n}/") == []
        assert len(fleet.arm.requests_matching("POST", f"/resourcegroups/rg-{n}/.*/whatIf$")) == 1
    # at most one accepted PUT per deployment, and both subscriptions were used
    puts = fleet.accepted_puts()
    assert puts and max(puts.values()) == 1
    assert any(SUB in p for p in puts) and any(SUB2 in p for p in puts)
    # the state file tells the same story, with correlation ids that ARM reported
    st = _state(tmp_path / "fleet.state.json")
    assert st[bad]["status"] == "failed" and st[bad]["error"]["code"] == "DeploymentFailed"
    for n in [names[0], *wave2]:
        rec = fleet.deployments.record(f"rg-{n}", f"cc-{n}")
        assert st[n]["status"] == "succeeded" and st[n]["correlationId"] == rec.correlation_id
    assert all(st[n]["status"] == "pending" for n in wave4)


def test_canary_failure_starts_nothing_else(fleet: Fleet, write_inventory, tmp_path) -> None:
    inv = write_inventory(6, waves={"canary": "site-002", "batchSize": 2})
    fleet.deployments.behave("site-002", fail=("InvalidTemplateDeployment", "bad image"))
    assert main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url]) == 1
    puts = fleet.accepted_puts()
    assert list(puts) == [f"/subscriptions/{SUB}/resourcegroups/rg-site-002/providers/microsoft.resources/deployments/cc-site-002"]


def test_interrupt_then_resume_never_deploys_twice(fleet: Fleet, write_inventory, tmp_path, monkeypatch) -> None:
    """Stop mid-run (what Ctrl-C does), then rerun: in-flight targets are re-attached by GET."""
    monkeypatch.setenv("ARMGEN_POLL_INTERVAL", "0.02")
    inv = write_inventory(50, concurrency=10, waves={"batchSize": 25})
    fleet.deployments.default.polls = 0
    fleet.deployments.default.duration = 0.25
    stop = threading.Event()
    # targets from site-015 on run until the stop: once 20 are PUT, at least 5 are certainly in
    # flight when it comes (and 25 are pending), whatever the scheduler does
    fleet.deployments.behave(r"site-0(1[5-9]|[2-4]\d)", until=stop.is_set)
    state = tmp_path / "fleet.state.json"
    reader = StateReader(state)
    reader.start()
    box: dict = {}
    th = threading.Thread(target=lambda: box.update(r=run_apply(inv, fleet.arm.base_url, stop=stop)[0]))
    th.start()
    deadline = time.monotonic() + 20
    while fleet.deployments.put_count() < 20 and time.monotonic() < deadline:
        time.sleep(0.005)
    stop.set()
    th.join(20)
    first = box["r"]
    assert first.interrupted
    st = _state(state)
    in_flight = [n for n, rec in st.items() if rec["status"] in IN_FLIGHT]
    done_first = [n for n, rec in st.items() if rec["status"] == "succeeded"]
    assert in_flight, "the interruption should catch deployments in flight"
    assert all(st[n]["correlationId"] for n in in_flight)
    assert any(rec["status"] == "pending" for rec in st.values())
    puts_before = dict(fleet.accepted_puts())

    second, lines = run_apply(inv, fleet.arm.base_url)
    reader.stop()
    assert reader.bad == [] and reader.reads > 20
    assert not second.interrupted and second.stopped_wave is None
    assert all(o.status in ("succeeded", "skipped") for o in second.outcomes.values())
    assert {n for n, o in second.outcomes.items() if o.status == "skipped"} == set(done_first)
    assert sum("re-attached" in line for _, line in lines.stamped) >= len([n for n in in_flight if st[n]["status"] == "running"])
    puts = fleet.accepted_puts()
    assert len(puts) == 50 and set(puts.values()) == {1}, "a deployment was PUT twice"
    for path, n in puts_before.items():
        assert puts[path] == n
    final = _state(state)
    assert all(rec["status"] == "succeeded" for rec in final.values())


def test_timeout_marks_target_and_rerun_reattaches(fleet: Fleet, write_inventory, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ARMGEN_POLL_INTERVAL", "0.05")
    inv = write_inventory(3, timeoutSeconds=0.3)
    fleet.deployments.behave("site-000", polls=0, duration=30)
    result, _ = run_apply(inv, fleet.arm.base_url)
    assert result.outcomes["site-000"].status == "timedOut"
    assert result.stopped_wave == 0 and result.outcomes["site-001"].status == "notStarted"
    st = _state(tmp_path / "fleet.state.json")
    assert st["site-000"]["status"] == "timedOut" and st["site-000"]["error"]["code"] == "Timeout"
    fleet.deployments.record("rg-site-000", "cc-site-000").behaviour.duration = 0  # Azure finishes meanwhile
    result, lines = run_apply(inv, fleet.arm.base_url)
    assert all(o.status == "succeeded" for o in result.outcomes.values())
    assert any("site-000: re-attached" in line for _, line in lines.stamped)
    assert set(fleet.accepted_puts().values()) == {1}


def test_in_flight_record_without_deployment_is_put(fleet: Fleet, write_inventory, tmp_path) -> None:
    """``submitting`` means the PUT may not have arrived: a GET 404 then leads to the PUT."""
    inv = write_inventory(2)
    state = tmp_path / "fleet.state.json"
    state.write_text(json.dumps({"kind": "armgen-rollout-state", "version": 1, "inventory": "fleet.json", "targets": {
        "site-000": {"status": "submitting", "deploymentName": "cc-site-000", "subscription": SUB,
                     "resourceGroup": "rg-site-000", "correlationId": "x", "attempts": 1}}}))
    result, _ = run_apply(inv, fleet.arm.base_url)
    assert [o.status for o in result.outcomes.values()] == ["succeeded", "succeeded"]
    gets = fleet.arm.requests_matching("GET", "/rg-site-000/providers/Microsoft.Resources/deployments/cc-site-000$")
    assert gets[0].status == 404
    assert _state(state)["site-000"]["attempts"] == 2


def test_state_from_another_inventory_is_refused(fleet: Fleet, write_inventory, tmp_path, capsys) -> None:
    inv = write_inventory(2)
    state = tmp_path / "fleet.state.json"
    state.write_text(json.dumps({"kind": "armgen-rollout-state", "version": 1, "targets": {
        "site-000": {"status": "succeeded", "deploymentName": "other-site-000", "resourceGroup": "rg-site-000"}}}))
    assert main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url]) == 2
    err = capsys.readouterr().err
    assert "deploymentName 'other-site-000'" in err and "$.targets['site-000'].deploymentName" in err
    assert fleet.arm.requests_matching("PUT", DEP) == []


def test_put_rejected_is_a_failure_with_arm_code(fleet: Fleet, write_inventory, tmp_path, capsys) -> None:
    inv = write_inventory(3)
    fleet.arm.inject("PUT", "rg-site-000" + DEP, 400, times=None,
                     body={"error": {"code": "InvalidTemplate", "message": "Deployment template validation failed"}})
    assert main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url]) == 1
    out = capsys.readouterr()
    assert "site-000: failed: InvalidTemplate: Deployment template validation failed" in out.out
    assert "wave 1 of 2 stopped" in out.err
    st = _state(tmp_path / "fleet.state.json")
    assert st["site-000"]["status"] == "failed" and st["site-001"]["status"] == "pending"


def test_deploy_body_is_incremental_with_parameters(fleet: Fleet, write_inventory, tmp_path) -> None:
    inv = write_inventory(1)
    run_apply(inv, fleet.arm.base_url)
    (body,) = fleet.deployments.bodies
    props = body["properties"]
    assert props["mode"] == "Incremental" and props["template"]["resources"][0]["type"].endswith("networkSecurityGroups")
    assert props["parameters"]["vnetName"] == {"value": "vnet-site-000"}
    assert props["parameters"]["subnetName2"] == {"value": "snet-2"}
    put = fleet.arm.requests_matching("PUT", DEP)[0]
    assert put.query["api-version"] == "2025-04-01" and put.authorization == "Bearer test-token"


def test_marks_ahead_are_on_disk_before_their_put_and_put_back_when_the_wave_stops(fleet: Fleet, write_inventory,
                                                                                   tmp_path) -> None:
    """A wave's next targets are marked ``submitting`` ahead of their turn (so a PUT need not wait
    for a write of its own): every PUT finds its record on disk saying so, with the correlation id
    the PUT carries; the marks run a bounded way ahead of the PUTs, not over the whole wave; and
    when the wave stops, the marks whose PUT never went out are put back as they were."""
    import re

    inv = write_inventory(12, concurrency=3, waves={"canary": None})  # one wave of 12
    names = target_names(12)
    state = tmp_path / "fleet.state.json"
    bad = names[1]
    fleet.deployments.behave(bad, polls=0, fail=("SkuNotAvailable", "not available"))

    def bad_failed() -> bool:  # as the client knows it (see the fifty-targets test): its state file says so
        try:
            return _state(state).get(bad, {}).get("status") == "failed"
        except (OSError, ValueError):
            return False

    for n in names:  # the others started with it run until it failed: the wave's stop is decided by events
        if n != bad:
            fleet.deployments.behave(n, until=bad_failed)
    lock = threading.Lock()
    put: set[str] = set()
    seen: list[tuple[str, str, bool, int]] = []

    def watch(req, answer):
        m = re.search(r"/resourcegroups/rg-([^/]+)/providers/microsoft\.resources/deployments/", req.path, re.I)
        if req.method == "PUT" and m:
            with lock:
                st = _state(state)
                name = m.group(1)
                put.add(name)
                ahead = sum(r["status"] == "submitting" and n not in put for n, r in st.items())
                seen.append((name, st[name]["status"],
                             st[name].get("correlationId") == req.header("x-ms-correlation-request-id"), ahead))
        return answer(req)

    fleet.arm.use(watch)
    result, _ = run_apply(inv, fleet.arm.base_url)

    assert result.stopped_wave == 0 and result.outcomes[bad].status == "failed"
    assert sorted(n for n, *_ in seen) == names[:3]  # the three started before the failure, nothing after
    assert all(status == "submitting" and same_cid for _, status, same_cid, _ in seen), seen
    # at most concurrency marks waiting for a worker plus concurrency workers on their way to their PUT
    assert all(ahead <= 2 * 3 for *_, ahead in seen), seen
    st = _state(state)
    for n in names[3:]:
        assert result.outcomes[n].status == "notStarted"
        assert st[n]["status"] == "pending" and st[n].get("correlationId") is None, (n, st[n])
        assert not st[n].get("attempts") and not st[n].get("startedAt")


def test_completed_yields_each_future_once_as_it_finishes() -> None:
    """The main thread's wait: futures done before the call and after it, each reported once, in
    the order they finished (release B, then A: B comes first)."""
    from concurrent.futures import Future

    from armgen.azure.rollout import completed

    done_before: Future[str] = Future()
    done_before.set_result("early")
    a: Future[str] = Future()
    b: Future[str] = Future()
    got: list[str] = []
    it = completed([done_before, a, b], tick=0.01)
    got.append(next(it).result())
    threading.Timer(0.01, lambda: (b.set_result("b"), a.set_result("a"))).start()
    got.extend(f.result() for f in it)
    assert got == ["early", "b", "a"]
