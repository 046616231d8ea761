"""Helpers shared by the rollout tests: run apply in-process and watch the state file."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path
from typing import Any

from armgen.azure.inventory import load_inventory
from armgen.azure.rollout import ApplyResult, Progress, apply, connect
from armgen.azure.throttle import Throttle


class Lines(io.StringIO):
    """A progress stream that remembers when each line was written (time.time())."""

    def __init__(self) -> None:
        super().__init__()
        self.stamped: list[tuple[float, str]] = []

    def write(self, s: str) -> int:
        for line in s.splitlines():
            if line:
                self.stamped.append((time.time(), line))
        return super().write(s)

    def isatty(self) -> bool:
        return False


def run_apply(inventory: Path, endpoint: str, state: Path | None = None, stop: threading.Event | None = None,
              throttle: Throttle | None = None, **options: Any) -> tuple[ApplyResult, Lines]:
    """``apply`` in-process, confirmed (as ``--yes``); ``options`` as :func:`apply` takes them."""
    inv = load_inventory(inventory)
    base = connect(None, endpoint, inv, throttle or Throttle())
    out = Lines()
    result = apply(inv, state or inventory.with_name("fleet.state.json"), base, Progress(len(inv.targets), out),
                   stop=stop, **options)
    return result, out


def write_plan(inventory: Path, out: Path, verdicts: dict[str, str] | None = None,
               stale: tuple[str, ...] = ()) -> Path:
    """A plan folder for ``inventory`` as ``rollout plan`` writes it, with the given verdicts
    (default: every target passes); targets named in ``stale`` get an inputs hash of other inputs."""
    inv = load_inventory(inventory)
    verdicts = verdicts or {}
    targets = [{"name": t.name, "subscription": t.subscription, "resourceGroup": t.resource_group,
                "deploymentName": t.deployment_name,
                "inputsHash": ("0" * 64 if t.name in stale else t.inputs_hash),
                "changes": {"create": 1, "modify": 0, "delete": 0}, "gate": verdicts.get(t.name, "pass"),
                "reasons": [] if verdicts.get(t.name, "pass") == "pass" else ["what-if Modify /x: planted"]}
               for t in inv.targets]
    out.mkdir(parents=True, exist_ok=True)
    (out / "plan.json").write_text(json.dumps({"kind": "armgen-rollout-plan", "targets": targets}), encoding="utf-8")
    return out


class StateReader(threading.Thread):
    """Parses the state file continuously; any moment it is not valid JSON is counted."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path = path
        self.reads = 0
        self.bad: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                text = self.path.read_text(encoding="utf-8")
            except FileNotFoundError:
                time.sleep(0.001)
                continue
            try:
                doc: Any = json.loads(text)
                assert doc["kind"] == "armgen-rollout-state"
                self.reads += 1
            except (ValueError, KeyError, AssertionError) as exc:
                self.bad.append(f"{exc}: {text[:80]!r}")

    def stop(self) -> None:
        self.halt.set()
        self.join()
