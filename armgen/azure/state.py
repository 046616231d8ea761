"""The rollout state file: what was deployed where, so a rerun resumes instead of redeploying.

Layout (JSON, written only through :func:`armgen.jsonio.write_atomic`, so a reader always sees a
whole file)::

    {"kind": "armgen-rollout-state", "version": 1, "inventory": "fleet.json",
     "targets": {"eu-01": {"deploymentName": "...", "resourceGroup": "...", "subscription": "...",
                           "status": "succeeded", "correlationId": "...", "attempts": 1,
                           "startedAt": "...", "finishedAt": "...", "error": null}, ...}}

Statuses: ``pending`` (never started), ``submitting`` (about to PUT: the PUT may or may not have
reached Azure; apply marks a wave's next few targets so ahead of their turn, and puts back those
it never sent), ``running`` (Azure accepted it), ``succeeded``, ``failed``, ``timedOut`` (still
running in Azure when the per-target timeout hit), ``blocked`` (the gate refused it: never sent).
A rerun skips ``succeeded`` when its ``inputsHash`` is the target's current one (otherwise the
target has *changed* and is redeployed through the gate); for ``submitting``/``running``/
``timedOut`` it GETs the deployment by name and re-attaches instead of PUTting again;
``pending``, ``failed`` and ``blocked`` are (re)deployed through the gate.

A record is open for more than the deployment: ``steps`` holds one entry per step of the target
(``gate``: verdict, reasons, the inputs hash it was decided for and where it came from;
``attach``: the ``armgen attach`` run after the deployment succeeded, with its status, the hash
of its inputs, what it attached and its result), so steps add their own entries without changing
what ``status`` (the deployment's) means.

Writes are group-committed: every change wakes one writer thread that writes the newest snapshot,
so changes arriving while a write is in progress share the next write (200 workers do not queue
for 200 fsyncs). :meth:`StateFile.flush` waits until a given change is on disk; the rollout calls
it before every PUT, so the file never says ``pending`` for a deployment Azure may have received.
Whatever stops the writer thread (a full disk, a folder in the way, anything) is handed to the
next ``flush`` as one :class:`InputError`: no worker waits for a write that will never come, and
the file stays as it was last written whole.

Hostile input: a state file is refused (one line naming the JSON path) when a string in it holds
an unpaired surrogate (``"\ud800"`` is valid JSON but cannot be written back as UTF-8); strings
that come from Azure have such surrogates replaced before they are recorded.

:class:`StateLock` makes a state file belong to one ``apply`` at a time (``filelock``): a second
run fails at once, naming the process that holds it.
"""

from __future__ import annotations

import copy
import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from armgen.errors import InputError, json_path
from armgen.jsonio import load_json, write_atomic

KIND = "armgen-rollout-state"
IN_FLIGHT = ("submitting", "running", "timedOut")
STATUSES = ("pending", "submitting", "running", "succeeded", "failed", "timedOut", "blocked")
# steps.attach: running (started; may have written some subnets), succeeded, failed (refused or
# blocked: exit 1/2/3 of armgen attach), interrupted (Ctrl-C; a rerun runs it again)
ATTACH_STATUSES = ("running", "succeeded", "failed", "interrupted")
# The writer thread writes progress (what nobody waits for) at most this often: each write renders
# and syncs the whole file, and written back to back they kept a write in progress nearly all the
# time (180 writes for the rollout bench's 200 targets), so every flush() before a PUT queued
# behind one. A crash loses at most this much progress, which a rerun re-reads by GET.
PROGRESS_GAP = 0.025


_TEXT_FIELDS = ("deploymentName", "subscription", "resourceGroup", "correlationId", "inputsHash")
MAX_DEPTH = 64  # a state file is shallow; anything deeper is not ours


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_text(doc: Any, file: str, parts: list[str | int] | None = None, depth: int = 0) -> None:
    """Refuse a document holding a string (or key) that cannot be written back as UTF-8."""
    parts = parts or []
    if depth > MAX_DEPTH:
        raise InputError("nested too deeply for a rollout state file", file=file, path=json_path(parts))
    if isinstance(doc, str):
        if _has_lone_surrogate(doc):
            raise InputError("a string holds an unpaired surrogate (not text)", file=file, path=json_path(parts))
    elif isinstance(doc, dict):
        for k, v in doc.items():
            if _has_lone_surrogate(k):
                raise InputError("a key holds an unpaired surrogate (not text)", file=file, path=json_path(parts))
            check_text(v, file, [*parts, k], depth + 1)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            check_text(v, file, [*parts, i], depth + 1)


def clean_text(value: Any) -> Any:
    """``value`` with unpaired surrogates in its strings replaced (U+FFFD): for what Azure said."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_lone_surrogate(value) else value
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


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
    if attempts is not None and (not isinstance(attempts, int) or isinstance(attempts, bool)
                                 or not 0 <= attempts < 1_000_000):
        raise InputError("expected a whole number of attempts", file=file, path=f"{where}.attempts")
    if rec.get("steps") is not None and not isinstance(rec["steps"], dict):
        raise InputError("expected an object of steps", file=file, path=f"{where}.steps")
    attach = (rec.get("steps") or {}).get("attach")
    if attach is not None and (not isinstance(attach, dict) or attach.get("status") not in ATTACH_STATUSES
                               or not isinstance(attach.get("inputsHash", ""), str)):
        raise InputError(f"expected an attach step with a status ({', '.join(ATTACH_STATUSES)})", file=file,
                         path=f"{where}.steps.attach")
    gate = (rec.get("steps") or {}).get("gate")
    if gate is not None and (not isinstance(gate, dict) or gate.get("verdict") not in ("pass", "blocked", "error")
                             or not isinstance(gate.get("inputsHash", ""), str)):
        raise InputError("expected a gate step with a verdict pass, blocked or error", file=file,
                         path=f"{where}.steps.gate")


def render(doc: dict[str, Any], rows_cache: dict[str, str] | None = None) -> str:
    """The state as JSON text, one target per line.

    Readable and diff-friendly, and built with the C JSON encoder (``indent=`` would switch to the
    pure-Python one, whose cost on every write of a 200-target file competes with the workers).
    ``rows_cache`` holds the encoded line of each unchanged target: a write re-encodes only the
    targets that changed since the last one, not all 200.
    """
    def enc(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)

    cache = rows_cache if rows_cache is not None else {}
    head = [f"  {enc(k)}: {enc(v)}," for k, v in doc.items() if k != "targets"]
    rows = []
    for name, rec in doc.get("targets", {}).items():
        row = cache.get(name)
        if row is None:
            row = cache[name] = f"    {enc(name)}: {enc(rec)}"
        rows.append(row)
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
        self._rows: dict[str, str] = {}  # encoded lines of the targets unchanged since the last write
        self._writing = False  # a snapshot is being written (by a flush() or the writer thread)
        self._last_write = 0.0  # time.monotonic() when the last write ended (the writer's gap)
        self._closed = threading.Event()  # ends the writer's gap at once (close)
        self._idle = False  # the writer thread waits for a change (a change must wake it)

    # ------------------------------------------------------------ loading
    @classmethod
    def open(cls, path: str | Path, inventory: str) -> StateFile:
        """Load ``path`` if it exists (checking it is a rollout state file), else start empty."""
        p = Path(path)
        if p.exists():
            doc = load_json(p)
            if not isinstance(doc, dict) or doc.get("kind") != KIND or not isinstance(doc.get("targets"), dict):
                raise InputError(f"not an armgen rollout state file (expected kind {KIND!r})", file=str(p))
            check_text(doc, str(p))
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
                self._rows.pop(name, None)
                self._bump()

    def update(self, name: str, **fields: Any) -> int:
        """Change a target's record; returns the change's version (for :meth:`flush`)."""
        fields = clean_text(fields)
        with self._cond:
            rec = self._doc["targets"].setdefault(name, {"status": "pending"})
            rec.update(fields)
            self._rows.pop(name, None)
            return self._bump()

    def step(self, name: str, step: str, **fields: Any) -> int:
        """Replace one step's entry (``steps.<step>``) of a target's record."""
        fields = clean_text(fields)
        with self._cond:
            rec = self._doc["targets"].setdefault(name, {"status": "pending"})
            steps = rec.setdefault("steps", {})
            steps[step] = fields
            self._rows.pop(name, None)
            return self._bump()

    def _bump(self) -> int:
        self._version += 1
        self._start_writer()
        if self._idle:  # only the idle writer waits for a new version (flushers wait for writes)
            self._cond.notify_all()
        return self._version

    def flush(self, version: int | None = None) -> None:
        """Wait until change ``version`` (default: every change so far) is on disk.

        The caller writes it itself when no write is in progress (it holds the interpreter
        already: waking the writer thread instead costs a hand-over of the interpreter lock per
        write, milliseconds each with 20 workers busy); otherwise it waits for that write and,
        if its change came too late for it, writes the next one (group commit: every change
        made meanwhile shares it).
        """
        with self._cond:
            want = self._version if version is None else version
            self._start_writer()
        while True:
            with self._cond:
                while True:
                    if self._error is not None:
                        raise self.failure()
                    if self._written >= want:
                        return
                    claim = self._claim()
                    if claim is not None:
                        break
                    if not self._writing and self._thread is not None and not self._thread.is_alive():
                        self._error = RuntimeError("the state writer stopped")
                        continue
                    self._cond.wait(0.5)
            self._write(*claim)

    def _claim(self) -> tuple[int, str] | None:
        """Under the lock: become the writer of the newest snapshot (its version and text), or
        None when a write is in progress, nothing is new, or writing failed before."""
        if self._writing or self._error is not None or self._written >= self._version:
            return None
        version = self._version
        try:
            text = render(self._doc, self._rows)
        except BaseException as exc:
            self._error = exc
            self._cond.notify_all()
            return None
        self._writing = True
        return version, text

    def _write(self, version: int, text: str) -> bool:
        """Outside the lock: write a claimed snapshot; whatever fails reaches every flush()."""
        try:
            write_atomic(self.path, text)
        except BaseException as exc:  # whatever it is, flush() must hear of it or it waits forever
            with self._cond:
                self._error = exc
                self._writing = False
                self._cond.notify_all()
            return False
        with self._cond:
            self._written = max(self._written, version)
            self._writes += 1
            self._writing = False
            self._last_write = time.monotonic()
            self._cond.notify_all()
        return True

    def failure(self) -> InputError:
        """The writer's failure as the one line a user gets."""
        err = self._error
        why = err.message if isinstance(err, InputError) else (str(err).splitlines() or [""])[0] or type(err).__name__
        return InputError(f"cannot write the state file: {why}", file=str(self.path))

    def close(self) -> None:
        """Write everything outstanding and stop the writer thread."""
        try:
            self.flush()
        finally:
            self._stop_writer()

    def _stop_writer(self) -> None:
        with self._cond:
            self._closing = True
            self._closed.set()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._cond:
            self._closing = False
            self._closed.clear()

    def _start_writer(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rollout-state-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        """The writer thread: writes what nobody flushes (progress records), grouped."""
        while True:
            with self._cond:
                while (self._written >= self._version or self._writing) and not self._closing \
                        and self._error is None:
                    self._idle = True
                    try:
                        self._cond.wait()
                    finally:
                        self._idle = False
                if self._error is not None:
                    return
                if self._writing:  # closing while a flush writes: let it finish first
                    self._cond.wait(0.5)
                    continue
                if self._written >= self._version:
                    return  # closing, everything written
                gap = self._last_write + PROGRESS_GAP - time.monotonic()
                claim = self._claim() if gap <= 0 or self._closing else None
            if claim is None:
                if gap > 0:  # progress only: let more changes join the next write (woken by close only)
                    self._closed.wait(gap)
                continue
            if not self._write(*claim):
                return


class StateLock:
    """One ``apply`` per state file: an exclusive ``filelock`` on ``<state>.lock``, with who holds
    it in ``<state>.owner`` (a separate file, because a contender may truncate the lock file).

    The OS releases the lock when the holder exits, however it exits, so a crash never leaves a
    state file locked; a stale owner file is overwritten by the next holder.
    """

    def __init__(self, state_path: str | Path):
        self.state = Path(state_path)
        self.lock_path = self.state.with_name(self.state.name + ".lock")
        self.owner_path = self.state.with_name(self.state.name + ".owner")
        self._lock: Any = None

    def __enter__(self) -> StateLock:
        from filelock import FileLock, Timeout

        try:
            self.state.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.lock_path))
            lock.acquire(timeout=0)
        except Timeout:
            raise InputError(f"another 'armgen rollout apply' is using this state file ({self._holder()}); "
                             "wait for it to finish, or use another --state file", file=str(self.state)) from None
        except OSError as exc:
            raise InputError(f"cannot lock the state file: {exc.strerror or exc}", file=str(self.state)) from None
        self._lock = lock
        try:
            write_atomic(self.owner_path, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                                      "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}) + "\n")
        except InputError:
            pass  # the lock holds without the note; a contender just cannot name us
        return self

    def _holder(self) -> str:
        try:
            doc = json.loads(self.owner_path.read_text(encoding="utf-8"))
            return f"pid {int(doc['pid'])} on {str(doc['host'])[:64]} since {str(doc['since'])[:32]}"
        except (OSError, ValueError, KeyError, TypeError):
            return "a process that has not said who it is yet"

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            try:
                self.owner_path.unlink()
            except OSError:
                pass
            self._lock.release()
            self._lock = None
