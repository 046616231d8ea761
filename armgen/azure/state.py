"""The rollout state file: what was deployed where, so a rerun resumes instead of redeploying.

Layout (JSON, written only through :func:`armgen.jsonio.write_atomic`, so a reader always sees a
whole file)::

    {"kind": "armgen-rollout-state", "version": 1, "inventory": "fleet.json",
     "targets": {"eu-01": {"deploymentName": "...", "resourceGroup": "...", "subscription": "...",
                           "status": "succeeded", "correlationId": "...", "attempts": 1,
                           "startedAt": "...", "finishedAt": "...", "error": null}, ...}}

Statuses: ``pending`` (never started), ``submitting`` (about to PUT: the PUT may or may not have
reached Azure), ``running`` (Azure accepted it), ``succeeded``, ``failed``, ``timedOut`` (still
running in Azure when the per-target timeout hit). A rerun skips ``succeeded``; for
``submitting``/``running``/``timedOut`` it GETs the deployment by name and re-attaches instead of
PUTting again; ``pending`` and ``failed`` are (re)deployed.

Writes are group-committed: every change wakes one writer thread that writes the newest snapshot,
so changes arriving while a write is in progress share the next write (200 workers do not queue
for 200 fsyncs). :meth:`StateFile.flush` waits until a given change is on disk; the rollout calls
it before every PUT, so the file never says ``pending`` for a deployment Azure may have received.
"""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

from armgen.errors import InputError
from armgen.jsonio import load_json, write_atomic

KIND = "armgen-rollout-state"
IN_FLIGHT = ("submitting", "running", "timedOut")
STATUSES = ("pending", "submitting", "running", "succeeded", "failed", "timedOut")


_TEXT_FIELDS = ("deploymentName", "subscription", "resourceGroup", "correlationId")


def _check_record(rec: Any, file: str, where: str) -> None:
    """A target record the rollout can resume from: a hand-edited or foreign file fails here, in
    one line, instead of with a TypeError deep inside a worker."""
    if not isinstance(rec, dict):
        raise InputError("a target record is a JSON object", file=file, path=where)
    if rec.get("status") not in STATUSES:
        raise InputError(f"unknown status (expected one of {', '.join(STATUSES)})", file=file, path=f"{where}.status")
    for key in _TEXT_FIELDS:
        if rec.get(key) is not None and not isinstance(rec[key], str):
            raise InputError("expected a string", file=file, path=f"{where}.{key}")
    attempts = rec.get("attempts")
    if attempts is not None and (not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0):
        raise InputError("expected a whole number of attempts", file=file, path=f"{where}.attempts")


def render(doc: dict[str, Any]) -> str:
    """The state as JSON text, one target per line.

    Readable and diff-friendly, and built with the C JSON encoder (``indent=`` would switch to the
    pure-Python one, whose cost on every write of a 200-target file competes with the workers).
    """
    def enc(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)

    head = [f"  {enc(k)}: {enc(v)}," for k, v in doc.items() if k != "targets"]
    rows = [f"    {enc(name)}: {enc(rec)}" for name, rec in doc.get("targets", {}).items()]
    body = ",\n".join(rows)
    return "{\n" + "\n".join(head) + "\n  \"targets\": {" + (f"\n{body}\n  " if rows else "") + "}\n}\n"


class StateFile:
    """A thread-safe, group-committed state document (see module docstring)."""

    def __init__(self, path: str | Path, doc: dict[str, Any]):
        self.path = Path(path)
        self._doc = doc
        self._cond = threading.Condition()
        self._version = 0
        self._written = 0
        self._writes = 0
        self._error: BaseException | None = None
        self._closing = False
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ loading
    @classmethod
    def open(cls, path: str | Path, inventory: str) -> StateFile:
        """Load ``path`` if it exists (checking it is a rollout state file), else start empty."""
        p = Path(path)
        if p.exists():
            doc = load_json(p)
            if not isinstance(doc, dict) or doc.get("kind") != KIND or not isinstance(doc.get("targets"), dict):
                raise InputError(f"not an armgen rollout state file (expected kind {KIND!r})", file=str(p))
            for name, rec in doc["targets"].items():
                _check_record(rec, str(p), f"$.targets[{name!r}]")
        else:
            doc = {"kind": KIND, "version": 1, "inventory": inventory, "targets": {}}
        return cls(p, doc)

    # ------------------------------------------------------------ reading
    def get(self, name: str) -> dict[str, Any]:
        with self._cond:
            return dict(self._doc["targets"].get(name) or {"status": "pending"})

    def snapshot(self) -> dict[str, Any]:
        with self._cond:
            return copy.deepcopy(self._doc)

    @property
    def writes(self) -> int:
        """How many times the file was written (fewer than changes when writes were grouped)."""
        return self._writes

    # ------------------------------------------------------------ writing
    def ensure(self, name: str, **fields: Any) -> None:
        """Add a target record if it is not there yet (keeps an existing record as it is)."""
        with self._cond:
            if name not in self._doc["targets"]:
                self._doc["targets"][name] = {"status": "pending", **fields}
                self._bump()

    def update(self, name: str, **fields: Any) -> int:
        """Change a target's record; returns the change's version (for :meth:`flush`)."""
        with self._cond:
            rec = self._doc["targets"].setdefault(name, {"status": "pending"})
            rec.update(fields)
            return self._bump()

    def _bump(self) -> int:
        self._version += 1
        self._start_writer()
        self._cond.notify_all()
        return self._version

    def flush(self, version: int | None = None) -> None:
        """Wait until change ``version`` (default: every change so far) is on disk."""
        with self._cond:
            want = self._version if version is None else version
            self._start_writer()
            self._cond.notify_all()
            while self._written < want and self._error is None:
                self._cond.wait(0.5)
            if self._error is not None:
                why = self._error.message if isinstance(self._error, InputError) else str(self._error)
                raise InputError(f"cannot write the state file: {why}", file=str(self.path))

    def close(self) -> None:
        """Write everything outstanding and stop the writer thread."""
        self.flush()
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._cond:
            self._closing = False

    def _start_writer(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rollout-state-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._written >= self._version and not self._closing:
                    self._cond.wait()
                if self._written >= self._version:
                    return
                version = self._version
                text = render(self._doc)
            try:
                write_atomic(self.path, text)
            except (OSError, InputError) as exc:  # the writer must record it, or flush() would wait forever
                with self._cond:
                    self._error = exc
                    self._cond.notify_all()
                return
            with self._cond:
                self._written = version
                self._writes += 1
                self._cond.notify_all()
