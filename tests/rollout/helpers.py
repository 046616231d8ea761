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
from armgen.azure.throttle import ThrottleGate


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
              gate: ThrottleGate | None = None) -> tuple[ApplyResult, Lines]:
    inv = load_inventory(inventory)
    gate = gate or ThrottleGate()
    base = connect(None, endpoint, inv, gate)
    out = Lines()
    result = apply(inv, state or inventory.with_name("fleet.state.json"), base, Progress(len(inv.targets), out), stop=stop)
    return result, out


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
