"""Hostile input to ``rollout plan|apply`` (issue #12's share in these files): one line, exit 2,
no hang, nothing half-written, the state file as it was."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from armgen.azure import state as state_mod
from armgen.azure.state import StateFile
from armgen.cli import main
from armgen.errors import InputError
from tests.rollout.conftest import SUB, Fleet
from tests.rollout.helpers import write_plan

DEP = r"/providers/Microsoft\.Resources/deployments/"


def _one_line_exit_2(capsys, code: int) -> str:
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_state_with_a_lone_surrogate_is_refused_not_a_hang(fleet: Fleet, write_inventory, tmp_path: Path,
                                                           capsys) -> None:
    """``"\\ud800"`` is valid JSON but cannot be written back: refused where it is read, naming
    the JSON path; the writer never gets to choke on it and the file stays as it was."""
    inv = write_inventory(2)
    state = tmp_path / "fleet.state.json"
    state.write_text('{"kind": "armgen-rollout-state", "version": 1, "targets": {"site-000": '
                     '{"status": "failed", "error": {"code": "X", "message": "bad \\ud800 byte"}}}}', encoding="utf-8")
    before = state.read_bytes()
    t0 = time.monotonic()
    err = _one_line_exit_2(capsys, main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url]))
    assert time.monotonic() - t0 < 30
    assert "$.targets['site-000'].error.message" in err and "surrogate" in err
    assert state.read_bytes() == before and fleet.arm.requests_matching("PUT", DEP) == []


def test_writer_thread_failure_reaches_flush_at_once(tmp_path: Path, monkeypatch) -> None:
    """Whatever kills the writer thread (here: rendering raises) is handed to the waiting
    flush() as one InputError, instead of flush() waiting for ever."""
    st = StateFile.open(tmp_path / "s.json", inventory="inv.json")
    monkeypatch.setattr(state_mod, "render", lambda *args: (_ for _ in ()).throw(UnicodeEncodeError(
        "utf-8", "\ud800", 0, 1, "surrogates not allowed")))
    v = st.update("a", status="submitting")
    box: list[BaseException] = []
    th = threading.Thread(target=lambda: _catch(lambda: st.flush(v), box), daemon=True)
    th.start()
    th.join(10)
    assert not th.is_alive(), "flush() waits for ever for a dead writer"
    assert len(box) == 1 and isinstance(box[0], InputError)
    assert str(box[0]).startswith(f"{tmp_path / 's.json'}: cannot write the state file: ")
    assert not (tmp_path / "s.json").exists()


def _catch(fn, box: list[BaseException]) -> None:
    try:
        fn()
    except BaseException as exc:  # the test inspects what came out
        box.append(exc)


def test_writer_dying_mid_rollout_stops_it_with_one_line(fleet: Fleet, write_inventory, tmp_path: Path,
                                                         capsys, monkeypatch) -> None:
    """The state file cannot be written any more after the canary: apply stops (nothing is sent
    that the state file does not record), prints one line, exit 2, and the file holds its last
    whole version."""
    inv = write_inventory(6, concurrency=3, waves={"canary": "site-000"})
    plan = write_plan(inv, tmp_path / "p")
    real = state_mod.write_atomic
    state = tmp_path / "fleet.state.json"

    def failing(path, text):
        if Path(path) == state and json.loads(text)["targets"].get("site-000", {}).get("status") == "succeeded":
            raise RuntimeError("the disk went away")
        real(path, text)

    monkeypatch.setattr(state_mod, "write_atomic", failing)
    t0 = time.monotonic()
    err = _one_line_exit_2(capsys, main(["rollout", "apply", "--yes", "--plan", str(plan), str(inv),
                                         "--endpoint", fleet.arm.base_url]))
    assert time.monotonic() - t0 < 60
    assert "cannot write the state file: the disk went away" in err
    assert [p.split("/")[4] for p in fleet.accepted_puts()] == ["rg-site-000"]  # no unrecorded PUT
    assert json.loads(state.read_text())["targets"]["site-000"]["status"] in ("submitting", "running")  # whole


def test_plan_writes_all_its_files_or_none(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    inv = write_inventory(3)
    out = tmp_path / "fleet.plan"
    (out / "plan.json").mkdir(parents=True)  # a folder in the way of plan.json
    err = _one_line_exit_2(capsys, main(["rollout", "plan", str(inv), "--endpoint", fleet.arm.base_url]))
    assert "plan.json" in err
    assert sorted(p.name for p in out.iterdir()) == ["plan.json"], "parameters files were written anyway"
    fresh = tmp_path / "fresh"
    (tmp_path / "fresh-blocker").write_text("x")
    err = _one_line_exit_2(capsys, main(["rollout", "plan", str(inv), "--out", str(tmp_path / "fresh-blocker"),
                                         "--endpoint", fleet.arm.base_url]))
    assert not fresh.exists()


@pytest.mark.parametrize(("field", "value", "path"), [
    ("waves", {"batchSize": 2.0}, "$.waves.batchSize"),
    ("waves", {"batchSize": 1e308}, "$.waves.batchSize"),
    ("waves", {"batchSize": 10**9}, "$.waves.batchSize"),
    ("concurrency", 4.0, "$.concurrency"),
    ("timeoutSeconds", 1e308, "$.timeoutSeconds"),
])
def test_counts_must_be_bounded_whole_numbers(fleet: Fleet, write_inventory, tmp_path: Path, capsys,
                                              field: str, value: object, path: str) -> None:
    inv = write_inventory(3, **{field: value})
    for command in (["plan"], ["apply", "--yes"]):
        err = _one_line_exit_2(capsys, main(["rollout", *command, str(inv), "--endpoint", fleet.arm.base_url]))
        assert f"{inv}: {path}: " in err
    assert fleet.arm.requests == []


@pytest.mark.parametrize(("text", "path"), [
    ("[", None),
    ('{"kind": "other"}', "$.kind"),
    ('{"kind": "armgen-rollout-plan", "targets": {}}', "$.targets"),
    ('{"kind": "armgen-rollout-plan", "targets": [{"name": "site-000", "inputsHash": "x", "gate": "maybe"}]}',
     "$.targets[0].gate"),
    ('{"kind": "armgen-rollout-plan", "targets": [{"name": 5, "inputsHash": "x", "gate": "pass"}]}',
     "$.targets[0].name"),
    ('{"kind": "armgen-rollout-plan", "targets": [{"name": "a", "inputsHash": "x", "gate": "pass", '
     '"changes": {"create": 1e308}}]}', "$.targets[0].changes.create"),
])
def test_bad_plan_is_one_line_and_leaves_the_state_alone(fleet: Fleet, write_inventory, tmp_path: Path, capsys,
                                                         text: str, path: str | None) -> None:
    inv = write_inventory(2)
    state = tmp_path / "fleet.state.json"
    state.write_text(json.dumps({"kind": "armgen-rollout-state", "version": 1, "targets": {
        "site-000": {"status": "failed", "deploymentName": "cc-site-000", "subscription": SUB}}}))
    before = state.read_bytes()
    (tmp_path / "bad.json").write_text(text)
    err = _one_line_exit_2(capsys, main(["rollout", "apply", "--yes", "--plan", str(tmp_path / "bad.json"), str(inv),
                                         "--endpoint", fleet.arm.base_url]))
    assert str(tmp_path / "bad.json") in err and (path is None or path in err)
    assert state.read_bytes() == before and fleet.arm.requests == []


@pytest.mark.parametrize("text", [
    '{"kind": "armgen-rollout-state", "targets": {"site-000": {"status": "running", "steps": []}}}',
    '{"kind": "armgen-rollout-state", "targets": {"site-000": {"status": "succeeded", "inputsHash": 7}}}',
    '{"kind": "armgen-rollout-state", "targets": {"site-000": {"status": "blocked", "attempts": 1e308}}}',
    '{"kind": "armgen-rollout-state", "targets": {"site-000": {"status": "pending", '
    '"steps": {"gate": {"verdict": "sure"}}}}}',
    '{"kind": "armgen-rollout-state", "targets": ' + "[" * 5000 + "]" * 5000 + "}",
])
def test_bad_state_is_one_line_and_left_as_it_was(fleet: Fleet, write_inventory, tmp_path: Path, capsys,
                                                  text: str) -> None:
    inv = write_inventory(2)
    state = tmp_path / "fleet.state.json"
    state.write_text(text)
    before = state.read_bytes()
    err = _one_line_exit_2(capsys, main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url]))
    assert str(state) in err
    assert state.read_bytes() == before and fleet.arm.requests_matching("PUT", DEP) == []
