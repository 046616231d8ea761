"""Exactly once: lost answers and 409s are settled by a GET of the deployment by name (its tag
carries the run's inputs hash); the state file knows the inputs; one apply per state file;
polling follows the LRO and its Retry-After."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from armgen.azure.state import StateLock
from armgen.cli import main
from tests.rollout.conftest import Fleet
from tests.rollout.helpers import run_apply, write_plan

DEP = r"/providers/Microsoft\.Resources/deployments/"


def _state(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))["targets"]


def apply(fleet: Fleet, inv: Path, *extra: str) -> int:
    return main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url, *extra])


def test_lost_put_answer_is_settled_by_get_and_deployed_once(fleet: Fleet, write_inventory, tmp_path: Path,
                                                             capsys) -> None:
    """Resource Manager processed site-000's PUT but the answer never came back: the PUT is not
    sent again; the deployment found by name carries this run's inputs hash, so apply re-attaches."""
    inv = write_inventory(2)
    fleet.deployments.default.polls = 2
    fleet.deployments.lose_answers("rg-site-000/", times=1)
    assert apply(fleet, inv) == 0
    out = capsys.readouterr().out
    assert "site-000: re-attached (cc-site-000 after answer lost)" in out
    assert fleet.deployments.puts["rg-site-000/cc-site-000"] == 1  # the server processed exactly one PUT
    assert len(fleet.arm.requests_matching("PUT", f"rg-site-000{DEP}")) == 1  # and received only one
    st = _state(tmp_path / "fleet.state.json")
    assert st["site-000"]["status"] == "succeeded" and st["site-001"]["status"] == "succeeded"
    tag = fleet.deployments.record("rg-site-000", "cc-site-000").body["tags"]["armgen-inputs"]
    assert st["site-000"]["inputsHash"] == tag and len(tag) == 64


def test_lost_answer_then_409_ends_with_one_deployment(fleet: Fleet, write_inventory, tmp_path: Path) -> None:
    """The PUT went out and its answer was lost; the record was lost too (a crash), so the next
    run PUTs again and meets 409 DeploymentActive: the deployment of that name is this run's
    (same inputs hash), so it is re-attached, never recorded failed, never started twice."""
    inv = write_inventory(1)
    release = threading.Event()
    fleet.deployments.behave("site-000", polls=0, until=release.is_set)
    fleet.deployments.lose_answers("rg-site-000/")
    stop = threading.Event()
    first = threading.Thread(target=lambda: run_apply(inv, fleet.arm.base_url, stop=stop))
    first.start()
    while fleet.deployments.put_count() < 1:  # the first run's PUT arrived (and is running)
        threading.Event().wait(0.01)
    stop.set()
    first.join(20)
    (tmp_path / "fleet.state.json").unlink()  # as if the record had never been written
    done = threading.Timer(0.3, release.set)
    done.start()
    result, lines = run_apply(inv, fleet.arm.base_url)
    done.join()
    assert result.outcomes["site-000"].status == "succeeded"
    statuses = [r.status for r in fleet.arm.requests_matching("PUT", f"rg-site-000{DEP}")]
    assert statuses == [0, 409], statuses  # the lost one (never answered), then the conflict
    assert fleet.deployments.puts["rg-site-000/cc-site-000"] == 1
    assert any("re-attached (cc-site-000 after 409 DeploymentActive)" in line for _, line in lines.stamped)
    assert _state(tmp_path / "fleet.state.json")["site-000"]["status"] == "succeeded"


def test_409_for_another_runs_deployment_waits_for_it_then_deploys(fleet: Fleet, write_inventory,
                                                                   tmp_path: Path) -> None:
    """A deployment of that name with *other* inputs is still running (someone else's): apply
    waits for it to end, then sends its own, once."""
    inv = write_inventory(1)
    fleet.arm.add_resource_group("00000000-0000-0000-0000-0000000000a1", "rg-site-000")
    client_body = {"properties": {"mode": "Incremental", "template": {"resources": []}, "parameters": {}},
                   "tags": {"armgen-inputs": "f" * 64}}
    release = threading.Event()
    fleet.deployments.behave("site-000", polls=0, until=release.is_set)
    from armgen.azure.session import AzureTarget

    other = AzureTarget.from_options(None, fleet.arm.base_url, "00000000-0000-0000-0000-0000000000a1")
    other.deployments_client().deployments.begin_create_or_update("rg-site-000", "cc-site-000",
                                                                  parameters=client_body, polling=False)
    fleet.deployments.behave("site-000", polls=0)  # ours will end at once
    timer = threading.Timer(0.3, release.set)
    timer.start()
    result, lines = run_apply(inv, fleet.arm.base_url)
    timer.join()
    assert result.outcomes["site-000"].status == "succeeded"
    assert [r.status for r in fleet.arm.requests_matching("PUT", f"rg-site-000{DEP}")][1:3] == [409, 201]
    assert any("site-000: waiting" in line for _, line in lines.stamped)
    assert fleet.deployments.puts["rg-site-000/cc-site-000"] == 2  # theirs, then ours
    assert fleet.deployments.bodies[-1]["tags"]["armgen-inputs"] == _state(tmp_path / "fleet.state.json")[
        "site-000"]["inputsHash"]


def test_resource_manager_that_drops_tags_is_matched_by_correlation_id(fleet: Fleet, write_inventory,
                                                                       tmp_path: Path) -> None:
    inv = write_inventory(1)
    fleet.deployments.keep_tags = False
    fleet.deployments.lose_answers("rg-site-000/")
    result, lines = run_apply(inv, fleet.arm.base_url)
    assert result.outcomes["site-000"].status == "succeeded"
    assert fleet.deployments.puts["rg-site-000/cc-site-000"] == 1
    assert any("re-attached" in line for _, line in lines.stamped)


def test_changed_parameter_redeploys_that_target_once(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    inv = write_inventory(3)
    assert apply(fleet, inv) == 0
    before = _state(tmp_path / "fleet.state.json")
    doc = json.loads(inv.read_text())
    doc["targets"][1]["parameters"] = {"vmSize": "Standard_D4s_v5"}
    inv.write_text(json.dumps(doc))
    capsys.readouterr()
    assert apply(fleet, inv) == 0
    out = capsys.readouterr().out
    assert "site-001: changed (inputs changed since it succeeded)" in out
    assert "Apply will deploy 1 target (1 changed), skip 2 already succeeded." in out
    assert {k.split("/")[4]: v for k, v in fleet.accepted_puts().items()} == {
        "rg-site-000": 1, "rg-site-001": 2, "rg-site-002": 1}
    after = _state(tmp_path / "fleet.state.json")
    assert after["site-001"]["inputsHash"] != before["site-001"]["inputsHash"]
    assert after["site-000"]["inputsHash"] == before["site-000"]["inputsHash"]
    assert fleet.deployments.bodies[-1]["properties"]["parameters"]["vmSize"] == {"value": "Standard_D4s_v5"}
    capsys.readouterr()
    assert apply(fleet, inv) == 0  # nothing changed: nothing sent
    assert sum(fleet.accepted_puts().values()) == 4
    assert apply(fleet, inv, "--redeploy", "site-002") == 0
    assert "site-002: changed (--redeploy)" in capsys.readouterr().out
    assert sum(fleet.accepted_puts().values()) == 5


def test_second_apply_on_the_same_state_file_is_refused(fleet: Fleet, write_inventory, tmp_path: Path,
                                                        capsys) -> None:
    inv = write_inventory(2)
    state = tmp_path / "fleet.state.json"
    with StateLock(state):
        assert apply(fleet, inv) == 2
        err = capsys.readouterr().err
    assert err.count("\n") == 1 and "another 'armgen rollout apply' is using this state file" in err
    assert f"pid {__import__('os').getpid()} on " in err
    assert fleet.arm.requests == [] and not state.exists()
    assert apply(fleet, inv) == 0  # released: the next one runs


def test_polls_follow_the_operation_and_honour_retry_after(fleet: Fleet, write_inventory, monkeypatch) -> None:
    """The PUT's Azure-AsyncOperation is polled (not the deployment), and never sooner than the
    Retry-After it announced; its Succeeded is the answer (no GET of the deployment)."""
    monkeypatch.setenv("ARMGEN_POLL_INTERVAL", "30")  # without a hint, the first poll would be at 1 s
    inv = write_inventory(1)
    fleet.deployments.default.polls = 1
    fleet.deployments.retry_after = "1"
    result, _ = run_apply(inv, fleet.arm.base_url, plan_entries=_plan(inv))
    assert result.outcomes["site-000"].status == "succeeded"
    put = fleet.arm.requests_matching("PUT", DEP)[0]
    polls = fleet.arm.requests_matching("GET", f"{DEP}cc-site-000/operationStatuses/")
    assert len(polls) == 2 and polls[0].time >= put.time + 1 - 0.01 and polls[1].time >= polls[0].time + 1 - 0.01
    assert fleet.arm.requests_matching("GET", f"{DEP}cc-site-000$") == []
    assert fleet.deployments.record("rg-site-000", "cc-site-000").state == "Succeeded"


def _plan(inv: Path) -> dict:
    from armgen.azure.rollout import load_plan

    return load_plan(write_plan(inv, inv.parent / "trusted.plan"))


def test_a_deployment_it_cannot_follow_is_never_recorded_failed(fleet: Fleet, write_inventory, tmp_path: Path,
                                                                capsys, monkeypatch) -> None:
    """Re-attached, but every read of the deployment answers 500 after the retries: the target
    stops its wave as *unknown*, the state still says running (a rerun re-attaches), not failed."""
    monkeypatch.setenv("ARMGEN_RETRY_TOTAL", "1")
    inv = write_inventory(2, waves={"canary": None, "batchSize": 1})
    release = threading.Event()
    fleet.deployments.behave("site-000", polls=0, until=release.is_set)
    stop = threading.Event()
    first = threading.Thread(target=lambda: run_apply(inv, fleet.arm.base_url, stop=stop))
    first.start()
    while fleet.deployments.put_count() < 1:
        threading.Event().wait(0.01)
    stop.set()
    first.join(20)
    fleet.arm.inject("GET", f"rg-site-000{DEP}cc-site-000$", 500, times=None)
    assert apply(fleet, inv) == 1
    out = capsys.readouterr().out
    assert "site-000: unknown: InternalServerError" in out and "a rerun re-attaches" in out
    st = _state(tmp_path / "fleet.state.json")
    assert st["site-000"]["status"] == "running" and st["site-001"]["status"] == "pending"
    release.set()
