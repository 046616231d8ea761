"""The state file: group-committed atomic writes, flush barriers, refusing foreign files."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from armgen.azure.state import StateFile
from armgen.errors import InputError


def test_group_commit_keeps_every_change(tmp_path: Path) -> None:
    st = StateFile.open(tmp_path / "s.json", inventory="inv.json")

    def worker(w: int) -> None:
        for i in range(20):
            st.update(f"t{w}-{i}", status="running", n=i)
            st.update(f"t{w}-{i}", status="succeeded")

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    st.close()
    doc = json.loads((tmp_path / "s.json").read_text())
    assert len(doc["targets"]) == 200 and all(r["status"] == "succeeded" for r in doc["targets"].values())
    assert 1 <= st.writes < 400  # grouped, never one write per change under contention
    assert not list(tmp_path.glob(".s.json.*"))  # no temp files left behind


def test_flush_puts_a_change_on_disk(tmp_path: Path) -> None:
    st = StateFile.open(tmp_path / "s.json", inventory="inv.json")
    v = st.update("a", status="submitting", correlationId="c1")
    st.flush(v)
    assert json.loads((tmp_path / "s.json").read_text())["targets"]["a"]["status"] == "submitting"
    st.close()
    again = StateFile.open(tmp_path / "s.json", inventory="inv.json")
    assert again.get("a")["correlationId"] == "c1" and again.get("b") == {"status": "pending"}


@pytest.mark.parametrize(("text", "path"), [
    ('{"kind": "something-else", "targets": {}}', None),
    ('{"kind": "armgen-rollout-state", "targets": {"a": {"status": "dancing"}}}', "$.targets['a'].status"),
    ("[1, 2", None),
])
def test_foreign_or_broken_state_is_refused(tmp_path: Path, text: str, path: str | None) -> None:
    p = tmp_path / "s.json"
    p.write_text(text)
    with pytest.raises(InputError) as exc:
        StateFile.open(p, inventory="inv.json")
    assert exc.value.file == str(p) and exc.value.path == path


def test_unwritable_state_path_is_an_input_error_not_a_hang(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    st = StateFile.open(blocker / "s.json", inventory="inv.json")
    v = st.update("a", status="submitting")
    done: list[BaseException] = []

    def flush() -> None:
        try:
            st.flush(v)
        except BaseException as exc:  # the test inspects what came out
            done.append(exc)

    th = threading.Thread(target=flush, daemon=True)
    th.start()
    th.join(5)
    assert not th.is_alive(), "flush() waits forever when the writer cannot write"
    assert len(done) == 1 and isinstance(done[0], InputError)
    assert str(done[0]).startswith(f"{blocker / 's.json'}: cannot write the state file: ")


@pytest.mark.parametrize(("record", "path"), [
    ({"status": "failed", "attempts": "x"}, ".attempts"),
    ({"status": "failed", "attempts": -1}, ".attempts"),
    ({"status": "failed", "attempts": True}, ".attempts"),
    ({"status": "running", "deploymentName": 5}, ".deploymentName"),
    ({"status": "running", "subscription": ["a"]}, ".subscription"),
    ({"status": "running", "resourceGroup": {}}, ".resourceGroup"),
    ({"status": "running", "correlationId": 1}, ".correlationId"),
    ("succeeded", ""),
])
def test_state_record_of_the_wrong_shape_is_an_input_error(record: object, path: str, tmp_path: Path) -> None:
    p = tmp_path / "s.json"
    p.write_text(json.dumps({"kind": "armgen-rollout-state", "version": 1, "targets": {"eu-01": record}}))
    with pytest.raises(InputError) as info:
        StateFile.open(p, inventory="inv.json")
    assert info.value.file == str(p)
    assert info.value.path.startswith("$.targets['eu-01']" + path)
