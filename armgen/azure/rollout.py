"""Plan and apply one appliance deployment across many existing networks, in waves, resumably.

``plan``: per target, the deploymentParameters file, preflight (:mod:`armgen.azure.preflight`)
and what-if + brownfield gate (:mod:`armgen.azure.whatif`), with bounded concurrency. The files
are written together at the end (or not at all), each verdict with the target's inputs hash.

``apply`` deploys only what passed that same gate, exactly once, whatever the network does:

1. **Decide** per target from the state file (:mod:`armgen.azure.state`) and its inputs hash
   (:func:`armgen.azure.inventory.inputs_hash`): skip what succeeded with these inputs, redeploy
   what *changed* (or is named by ``--redeploy``), re-attach to what may be in flight, deploy the
   rest.
2. **Gate** every target that would be sent: a ``--plan`` verdict is trusted only where its
   recorded inputs hash is the target's current one; every other target is checked now
   (preflight, what-if, brownfield gate). The caller sees the verdicts before anything is sent
   (the CLI asks for confirmation). A 401/403 here ends the run: nothing was deployed (exit 3).
3. **Deploy** in waves (the canary alone, then batches); a wave stops starting targets at its
   first failure and later waves never start. A BLOCKED/ERROR target is never sent: it is
   recorded ``blocked`` and fails its wave. Each PUT carries the inputs hash as a deployment tag
   and is never re-sent blindly: a 409 (``DeploymentActive``/``Conflict``), a 5xx or an answer
   lost after the request went out is followed by a GET of the deployment by name, which
   re-attaches when its tag is this run's hash. ``failed`` is recorded only for a deployment that
   Azure itself reports failed (or that never existed).

Waiting is azure-core's: the SDK's ``RetryPolicy`` and ``ARMPolling``, extended in
:mod:`armgen.azure.throttle` (429s paused per subscription with jitter and AIMD concurrency, not
charged to the error budget; polls honouring ``Retry-After``/``Azure-AsyncOperation``, else from
1 s backing off to ``ARMGEN_POLL_INTERVAL``). Only a re-attach, which has no LRO to poll,
reads the deployment by GET on the same schedule.

Every step is recorded in the state file before the next one (the record says ``submitting``
on disk before a PUT goes out), so a rerun resumes instead of redeploying.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from armgen.azure.inventory import INPUTS_TAG, Inventory, Target
from armgen.azure.session import (
    DEPLOYMENTS_API_VERSION,
    AzureFailure,
    AzureTarget,
    arm_error_of,
    redact,
    refusal,
)
from armgen.azure.state import IN_FLIGHT, StateFile, StateLock
from armgen.azure.throttle import (
    DeadlineExceeded,
    Interrupted,
    PollSchedule,
    Throttle,
    rollout_polling,
    rollout_retry_policy,
    throttle_policy,
)
from armgen.errors import InputError, json_path
from armgen.jsonio import dumps, load_json, write_all_atomic

INTERRUPT_GRACE = 2.0  # seconds workers get to stop after Ctrl-C before they are abandoned

TERMINAL = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}
# the record's fields a submission sets (and puts back when the PUT never went out)
_SUBMIT_FIELDS = ("status", "correlationId", "attempts", "startedAt", "finishedAt", "error", "inputsHash",
                  "provisioningState")
DEPLOY_ACTION = "Microsoft.Resources/deployments/write"
READ_ACTION = "Microsoft.Resources/deployments/read"
PLAN_KIND = "armgen-rollout-plan"
VERDICTS = ("pass", "blocked", "error")


def plural(n: int, noun: str) -> str:
    """``1 target``, ``2 targets``, ``0 targets``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def completed(futures: Iterable[Future[Any]], tick: float = 0.25) -> Iterator[Future[Any]]:
    """``futures`` as they finish, waking every ``tick`` seconds so Ctrl-C reaches the caller.

    Why not ``concurrent.futures.wait(pending, FIRST_COMPLETED)`` in a loop: every call installs
    a waiter on every pending future (a lock taken and released per future) and returns at each
    completion, so N targets cost N^2 lock round trips on the main thread, under the interpreter
    lock the workers need (a fifth of the CPU of the rollout bench's 200 targets). Here each
    future reports itself once, through a done-callback, into a queue.
    """
    done: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
    pending = 0
    for f in futures:
        pending += 1
        f.add_done_callback(done.put)
    while pending:
        try:
            f = done.get(timeout=tick)
        except queue.Empty:
            continue
        pending -= 1
        yield f


# ---------------------------------------------------------------- clients (adapter over session.py)
@dataclass
class RolloutTarget(AzureTarget):
    """:class:`AzureTarget` whose clients share the rollout's throttle and connection pool.

    A thin adapter: ``session.AzureTarget.client_kwargs`` builds every client (endpoint, auth,
    retry); this substitutes the throttle-aware retry policy, adds the throttle policy
    (``custom_hook_policy`` slot, inside the retry loop) and a shared ``requests.Session``
    transport, so what-if/preflight (which build clients through ``deployments_client()``/
    ``resources_client()``) get them too.
    """

    throttle: Throttle | None = None
    http_session: Any = None

    def retry_policy(self) -> Any:
        if self.throttle is None:
            return super().retry_policy()
        return rollout_retry_policy(self.throttle, self.retry_total, self.retry_backoff, self.max_retry_after)

    def client_kwargs(self) -> dict[str, Any]:
        kw = super().client_kwargs()
        if self.throttle is not None:
            kw["custom_hook_policy"] = throttle_policy(self.throttle)
        if self.http_session is not None:
            from azure.core.pipeline.transport import RequestsTransport

            # a transport given explicitly ignores the client's timeout keywords: hand them over
            kw["transport"] = RequestsTransport(session=self.http_session, session_owner=False,
                                                connection_timeout=kw["connection_timeout"],
                                                read_timeout=kw["read_timeout"])
        return kw

    def for_subscription(self, subscription: str) -> RolloutTarget:
        return dataclasses.replace(self, subscription=subscription)


def connect(cloud: str | None, endpoint: str | None, inventory: Inventory,
            throttle: Throttle | None = None) -> RolloutTarget:
    """The base target for a run (credential, endpoint, retry budget from the environment).

    The HTTP stack every request of the run goes through is imported here, once, before any
    worker starts: imported lazily by the first worker's first client instead, it cost a quarter
    of a second under the client registry's lock with every other worker queued behind it (the
    rollout bench's no-throttling run, 2 CPUs).
    """
    import requests
    from azure.core.pipeline.transport import RequestsTransport  # noqa: F401  (see docstring)
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient  # noqa: F401
    from requests.adapters import HTTPAdapter
    from requests.utils import get_environ_proxies

    base = AzureTarget.from_options(cloud, endpoint, inventory.targets[0].subscription)
    throttle = throttle or Throttle()
    session = requests.Session()
    # Resolve proxy settings (HTTPS_PROXY, NO_PROXY...) once for the endpoint instead of on every
    # request: with trust_env requests re-reads the environment and ~/.netrc per request, which
    # costs milliseconds of CPU each across hundreds of workers' requests (and netrc could even
    # replace the bearer token's Authorization header).
    session.proxies.update(get_environ_proxies(base.endpoint))
    session.trust_env = False
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=2 * inventory.concurrency + 8)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    throttle.max_concurrency = inventory.concurrency
    throttle.max_pause = base.max_retry_after  # one cap for a Retry-After, whether the SDK or the throttle waits
    throttle.wait_cap = max(t.timeout for t in inventory.targets)
    return RolloutTarget(**fields, throttle=throttle, http_session=session)


class Clients:
    """One deployments client per subscription, shared by the workers (thread-safe to build)."""

    def __init__(self, base: RolloutTarget):
        self.base = base
        self._lock = threading.Lock()
        self._deployments: dict[str, Any] = {}

    def deployments(self, subscription: str) -> Any:
        with self._lock:
            client = self._deployments.get(subscription.lower())
            if client is None:
                client = self.base.for_subscription(subscription).deployments_client(DEPLOYMENTS_API_VERSION)
                self._deployments[subscription.lower()] = client
            return client

    def close(self) -> None:
        with self._lock:
            for c in self._deployments.values():
                c.close()
            self._deployments.clear()


# ---------------------------------------------------------------- progress
class Progress:
    """A one-line bar on a terminal; otherwise one plain line per target event.

    Workers only format their line; a printer thread writes it. Why: a write to the terminal or
    pipe releases the interpreter lock, and getting it back behind 20 busy workers took
    milliseconds, on the path between one target's deployment ending and the next one's PUT
    (the rollout bench: 2 ms of each slot). Lines keep their order; :meth:`close` writes
    whatever is left before it returns.
    """

    QUIET = ("succeeded", "skipped")  # on a terminal these only move the bar

    def __init__(self, total: int, stream: TextIO, tty: bool | None = None, width: int = 30):
        self.total, self.stream, self.width = total, stream, width
        self.tty = stream.isatty() if tty is None else tty
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._drawn = False
        self._pending: list[str] = []  # text formatted by the workers, not written yet
        self._printer: threading.Thread | None = None
        self._closing = False
        self._error: BaseException | None = None  # the stream failed: the next event raises it

    def event(self, target: str, status: str, detail: str = "", final: bool = False) -> None:
        with self._lock:
            if self._error is not None:  # as if the worker had written it (a stopped pipe...)
                raise self._error
            if final:
                self.counts[status] = self.counts.get(status, 0) + 1
            done = sum(self.counts.values())
            line = f"[{done:>{len(str(self.total))}}/{self.total}] {target}: {status}" + (f" ({detail})" if detail else "")
            if not self.tty:
                self._emit(line + "\n")
                return
            if final and status not in self.QUIET:
                self._emit("\r\033[2K" + line + "\n")  # failures stay visible above the bar
            filled = int(self.width * done / max(self.total, 1))
            tally = " ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
            self._emit(f"\r\033[2K[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} {tally}")
            self._drawn = True

    def _emit(self, text: str) -> None:
        """Under the lock: queue ``text`` for the printer thread (started on first use)."""
        self._pending.append(text)
        if self._printer is None:
            self._printer = threading.Thread(target=self._print, name="rollout-progress", daemon=True)
            self._printer.start()
        self._cond.notify()

    def _print(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closing:
                    self._cond.wait()
                text = "".join(self._pending)
                self._pending.clear()
                if not text:
                    return  # closing, everything written
            try:
                self.stream.write(text)
                self.stream.flush()
            except BaseException as exc:
                with self._cond:
                    self._error = exc
                    self._pending.clear()
                return

    def close(self) -> None:
        with self._cond:
            if self.tty and self._drawn:
                self._emit("\n")
                self._drawn = False
            printer, self._closing = self._printer, True
            self._cond.notify()
        if printer is not None:
            printer.join()
        with self._cond:
            self._printer, self._closing = None, False
            self._pending.clear()


# ---------------------------------------------------------------- plan
@dataclass
class TargetPlan:
    target: Target
    parameters_file: str
    preflight: dict[str, Any] | None = None
    what_if: dict[str, Any] | None = None
    creates: int = 0
    modifies: int = 0
    deletes: int = 0
    gate: str = "pass"  # pass | blocked | error
    reasons: list[str] = field(default_factory=list)
    source: str = "checked"  # checked | plan (a trusted verdict from --plan) | state (recorded at submission)
    refused: AzureFailure | None = None  # a 401/403 met while checking
    attach: dict[str, Any] | None = None  # the attach step's preview (armgen attach's JSON, nothing written)

    def to_json(self) -> dict[str, Any]:
        t = self.target
        return {"name": t.name, "subscription": t.subscription, "resourceGroup": t.resource_group,
                "location": t.location, "deploymentName": t.deployment_name, "inputsHash": t.inputs_hash,
                "parametersFile": self.parameters_file,
                "changes": {"create": self.creates, "modify": self.modifies, "delete": self.deletes},
                "gate": self.gate, "reasons": self.reasons, "preflight": self.preflight, "whatIf": self.what_if,
                **({"attach": self.attach} if self.attach is not None else {})}

    def attach_summary(self) -> str:
        """The ATTACH column: what the attach step would do, or ``-`` when there is none."""
        a = self.attach
        if a is None:
            return "-"
        if a.get("exitCode"):
            return {1: "BLOCKED", 3: "ERROR"}.get(a["exitCode"], "ERROR")
        states = [s.get("state") for s in a.get("subnets") or []]
        todo, done = states.count("pending"), states.count("unchanged")
        parts = ([f"{todo} to attach"] if todo else []) + ([f"{done} attached"] if done else [])
        return ", ".join(parts) or "nothing"


def _count_changes(result: dict[str, Any]) -> tuple[int, int, int]:
    changes = (result.get("properties") or {}).get("changes") or []
    kinds = [str(getattr(c.get("changeType"), "value", c.get("changeType"))) for c in changes]
    return kinds.count("Create"), kinds.count("Modify"), kinds.count("Delete")


def plan_target(inv: Inventory, t: Target, base: RolloutTarget, allow_modify: list[str],
                lookups: Any = None) -> TargetPlan:
    """Preflight and what-if + gate for one target (errors become verdicts)."""
    from armgen.azure.preflight import run_preflight
    from armgen.azure.whatif import WhatIfFailed, what_if

    tp = TargetPlan(t, f"{t.name}.parameters.json")
    az = base.for_subscription(t.subscription)
    params = t.parameters_file()["parameters"]
    values = {k: v["value"] for k, v in params.items() if "value" in v}

    def error(what: str, exc: AzureFailure) -> None:
        tp.gate = "error"
        tp.reasons.append(f"{what}: {exc.message}")
        if exc.refused and tp.refused is None:
            tp.refused = exc

    try:
        report = run_preflight(az, t.resource_group, values, location=t.location, template=inv.template,
                               zones=t.zones, lookups=lookups)
        tp.preflight = report.to_json()
        for c in report.checks:
            if c.status == "fail":
                tp.gate = "blocked" if tp.gate != "error" else "error"
                tp.reasons.append(f"preflight {c.check} {c.subject}: {c.detail}" + (f" (fix: {c.fix})" if c.fix else ""))
    except AzureFailure as exc:
        error("preflight", exc)
    except DeadlineExceeded:
        tp.gate = "error"
        tp.reasons.append(f"preflight: still throttled after {t.timeout:g} s")
    try:
        outcome = what_if(az, t.resource_group, inv.template, params, allow_modify, location=t.location,
                          deployment_name=t.deployment_name)
        tp.what_if = outcome.to_json()
        tp.creates, tp.modifies, tp.deletes = _count_changes(outcome.result)
        for f in outcome.blocked:
            tp.gate = "blocked" if tp.gate != "error" else "error"
            tp.reasons.append(f"what-if {f.change_type} {f.resource_id}: {f.reason}")
    except AzureFailure as exc:
        error("what-if", exc)
    except WhatIfFailed as exc:
        tp.gate = "error"
        tp.reasons.append(f"what-if failed: {exc.code}: {exc.message}")
    except DeadlineExceeded:
        tp.gate = "error"
        tp.reasons.append(f"what-if: still throttled after {t.timeout:g} s")
    if t.attach is not None:
        _preview_attach(inv, t, az, values, tp)
    return tp


def _preview_attach(inv: Inventory, t: Target, az: RolloutTarget, values: dict[str, Any], tp: TargetPlan) -> None:
    """What the target's attach step will do, read and previewed as ``armgen attach`` does it
    (the subnets classified, a what-if of the subnet bodies through the attach gate), nothing
    written. A refusal (another NAT gateway on a subnet, a loop, the gate) blocks the target:
    a deployment whose attach cannot follow is not sent."""
    from armgen.azure.attach import AttachInterrupted, run_attach

    opts = dataclasses.replace(t.attach, deployment=t.deployment_name, parameters_label=str(inv.path), plan_only=True)
    try:
        result = run_attach(az, t.resource_group, inv.template, values, opts)
    except AttachInterrupted:
        raise KeyboardInterrupt from None
    except DeadlineExceeded:
        tp.gate = "error"
        tp.reasons.append(f"attach: still throttled after {t.timeout:g} s")
        return
    doc = result.to_json()
    doc.pop("whatIf", None)
    tp.attach = doc
    if not result.ok:
        verdict = "blocked" if result.exit_code == 1 else "error"
        tp.gate = "error" if "error" in (tp.gate, verdict) else "blocked"
        tp.reasons.append(f"attach: {result.message}")


def _plan_all(inv: Inventory, targets: list[Target], base: RolloutTarget, allow_modify: list[str],
              on_done: Callable[[TargetPlan], None] | None = None) -> dict[str, TargetPlan]:
    """:func:`plan_target` for ``targets``, ``concurrency`` at a time; Ctrl-C leaves at once
    (nothing is deployed by a check, so workers blocked in requests are not waited for)."""
    from armgen.azure.preflight import Lookups

    results: dict[str, TargetPlan] = {}
    if not targets:
        return results
    lookups = Lookups()
    ex = ThreadPoolExecutor(max_workers=inv.concurrency, thread_name_prefix="plan")
    futures = {ex.submit(plan_target, inv, t, base, list(allow_modify), lookups): t for t in targets}
    try:
        for f in completed(futures):
            tp = f.result()
            results[tp.target.name] = tp
            if on_done:
                on_done(tp)
    except BaseException:
        if base.throttle is not None:
            base.throttle.halt()
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown(wait=True)
    return results


def plan(inv: Inventory, out_dir: Path, base: RolloutTarget, allow_modify: list[str] | None = None,
         on_done: Callable[[TargetPlan], None] | None = None) -> list[TargetPlan]:
    """Plan every target; results in inventory order. Writes the parameters files and plan.json
    together at the end: when one of them cannot be written, none is (nothing half-written)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("cannot write the plan: not a folder", file=str(out_dir))
    results = _plan_all(inv, inv.targets, base, list(allow_modify or []), on_done)
    ordered = [results[t.name] for t in inv.targets]
    report = {"kind": PLAN_KIND, "inventory": inv.path.name, "template": inv.template_source,
              "templateHash": inv.template_hash, "targets": [tp.to_json() for tp in ordered],
              "summary": {v: sum(tp.gate == v for tp in ordered) for v in VERDICTS}}
    files: dict[Path, str] = {out_dir / tp.parameters_file: dumps(tp.target.parameters_file()) for tp in ordered}
    files[out_dir / "plan.json"] = dumps(report)
    created = not out_dir.exists()
    try:
        write_all_atomic(files)
    except BaseException:
        if created:  # the folder was ours: leave nothing behind
            try:
                out_dir.rmdir()
            except OSError:
                pass
        raise
    return ordered


def format_plan_table(plans: list[TargetPlan], title: str = "Plan") -> str:
    attach = any(p.attach is not None for p in plans)
    rows = [("TARGET", "RESOURCE GROUP", "CREATE", "MODIFY", "DELETE", *(("ATTACH",) if attach else ()), "GATE")]
    rows += [(p.target.name, p.target.resource_group, str(p.creates), str(p.modifies), str(p.deletes),
              *((p.attach_summary(),) if attach else ()),
              p.gate.upper() + (" (plan)" if p.source == "plan" else "")) for p in plans]
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = {2, 3, 4}
    lines = ["  ".join(c.rjust(w[i]) if i in right else c.ljust(w[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    for p in plans:
        for reason in p.reasons:
            lines.append(f"  {p.target.name}: {reason}")
    n = {v: sum(p.gate == v for p in plans) for v in VERDICTS}
    lines.append("")
    lines.append(f"{title}: {plural(len(plans), 'target')}, {n['pass']} pass, {n['blocked']} blocked, "
                 f"{plural(n['error'], 'error')}.")
    return "\n".join(lines) + "\n"


def load_plan(path: str | Path) -> dict[str, dict[str, Any]]:
    """A plan folder's (or plan.json's) verdicts by target name, checked: bad input is one line."""
    p = Path(path)
    file = p / "plan.json" if p.is_dir() else p
    doc = load_json(file)
    f = str(file)
    if not isinstance(doc, dict) or doc.get("kind") != PLAN_KIND:
        raise InputError(f"not an armgen rollout plan (expected kind {PLAN_KIND!r})", file=f, path="$.kind")
    targets = doc.get("targets")
    if not isinstance(targets, list):
        raise InputError("expected a list of targets", file=f, path="$.targets")
    out: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(targets):
        where = ["targets", i]
        if not isinstance(entry, dict):
            raise InputError("a target is a JSON object", file=f, path=json_path(where))
        for key in ("name", "inputsHash"):
            if not isinstance(entry.get(key), str) or not entry[key] or len(entry[key]) > 256:
                raise InputError("expected a string", file=f, path=json_path([*where, key]))
        if entry.get("gate") not in VERDICTS:
            raise InputError(f"expected one of {', '.join(VERDICTS)}", file=f, path=json_path([*where, "gate"]))
        reasons = entry.get("reasons", [])
        if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
            raise InputError("expected a list of strings", file=f, path=json_path([*where, "reasons"]))
        for key in ("create", "modify", "delete"):
            n = (entry.get("changes") or {}).get(key, 0) if isinstance(entry.get("changes", {}), dict) else None
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise InputError("expected a whole number", file=f, path=json_path([*where, "changes", key]))
        name = entry["name"].lower()
        if name in out:
            raise InputError(f"target {entry['name']!r} appears twice", file=f, path=json_path([*where, "name"]))
        out[name] = entry
    return out


def _trusted(t: Target, entry: dict[str, Any]) -> TargetPlan:
    changes = entry.get("changes") or {}
    return TargetPlan(t, f"{t.name}.parameters.json", creates=changes.get("create", 0),
                      modifies=changes.get("modify", 0), deletes=changes.get("delete", 0), gate=entry["gate"],
                      reasons=list(entry.get("reasons") or []), source="plan")


# ---------------------------------------------------------------- apply: outcomes and decisions
@dataclass
class Outcome:
    target: str
    # succeeded | failed | timedOut | blocked | unknown | skipped | notStarted | interrupted
    status: str
    detail: str = ""


@dataclass
class Decision:
    """What apply will do with one target, before anything is sent."""

    target: Target
    action: str  # skip | reattach | deploy | attach (deployed with these inputs; only its attach step is left)
    changed: bool = False  # a succeeded target whose inputs changed (or --redeploy)
    note: str = ""
    verdict: TargetPlan | None = None  # the gate's verdict (for whatever may be PUT)


@dataclass
class ApplyResult:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    stopped_wave: int | None = None
    interrupted: bool = False
    waves: int = 0
    abandoned: bool = False  # a worker still blocked in a request was left behind after Ctrl-C
    refused: AzureFailure | None = None  # Azure refused the identity before anything was deployed
    declined: bool = False  # the confirmation was declined: nothing was sent
    decisions: dict[str, Decision] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes.values())


class Operation:
    """A deployment's long-running operation, followed by azure-mgmt-core's ARM polling method on
    the worker's own thread.

    ``LROPoller`` would start one more thread per deployment only for the worker to block on
    it: with 20 deployments in flight that is 20 more threads competing for the interpreter lock
    and a thread start and join per target (a sixth of the CPU a target costs, by the rollout
    bench). The polling method, its status reads and its final answer are the SDK's as before.
    """

    def __init__(self, client: Any, initial: Any, polling: Any):
        from armgen.azure.guard import read_json

        self.polling = polling
        # the final answer as JSON (a status document, or the deployment): _wait_lro reads either
        polling.initialize(client, initial, lambda response: read_json(response.http_response))

    def result(self) -> Any:
        if not self.polling.finished():
            self.polling.run()
        return self.polling.resource()

    def status(self) -> str:
        return str(self.polling.status())


def initial_answer() -> Any:
    """A polling method for ``begin_*`` that ends at the initial answer and hands it over as it
    came (the ``PipelineResponse``) for :class:`Operation` to poll.

    With ``polling=False`` the SDK's ``NoPolling`` turns the initial answer into the operation's
    model (``DeploymentExtended``) before any ``cls`` sees it: a model nobody reads, 6% of the
    CPU a target costs in the rollout bench, where every worker shares one interpreter lock.
    """
    return _initial_answer_class()()


@functools.cache
def _initial_answer_class() -> type:
    from azure.core.polling import PollingMethod

    class InitialAnswer(PollingMethod):  # type: ignore[misc]
        def initialize(self, client: Any, initial_response: Any, deserialization_callback: Any) -> None:
            self._initial = initial_response

        def run(self) -> None:
            return None

        def status(self) -> str:
            return "succeeded"

        def finished(self) -> bool:
            return True

        def resource(self) -> Any:
            return self._initial

    return InitialAnswer


def encoded_body(template_json: str, t: Target) -> bytes:
    """The deployment PUT's body as JSON bytes: an incremental deployment of the template (JSON
    encoded once per run) with the target's parameters, tagged with its inputs hash.

    Why: the template is the same for every target and the bulk of the body; handed to the SDK
    as a dict, it is walked by the SDK's model serializer and encoded again for each target.
    """
    params = json.dumps(t.parameters_file()["parameters"])
    tags = json.dumps({INPUTS_TAG: t.inputs_hash})
    return f'{{"properties": {{"mode": "Incremental", "template": {template_json}, "parameters": {params}}}, ' \
           f'"tags": {tags}}}'.encode()


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping) or hasattr(obj, "get"):
        try:
            return obj.get(key)
        except Exception:  # a model whose get() is not a mapping's
            return getattr(obj, key, None)
    return getattr(obj, key, None)


def _dep_fields(dep: Any) -> tuple[str, str | None, dict[str, Any] | None]:
    """(provisioningState, correlationId, error) of a DeploymentExtended (model or dict)."""
    # TypeSpec models are mappings over the raw REST JSON: reading it directly is cheaper than as_dict()
    props = _get(dep, "properties")
    if not isinstance(props, Mapping):
        doc = dep.as_dict() if hasattr(dep, "as_dict") else {}
        props = doc.get("properties") or {}
    err = props.get("error")
    if isinstance(err, Mapping) and err:
        details = err.get("details") or []
        first = details[0] if isinstance(details, list) and details and isinstance(details[0], Mapping) else {}
        err = {"code": str(err.get("code")), "message": str(err.get("message")),
               **({"detail": f"{first.get('code')}: {first.get('message')}"} if first else {})}
    else:
        err = None
    state = str(props.get("provisioningState") or props.get("provisioning_state") or "Unknown")
    cid = props.get("correlationId") or props.get("correlation_id")
    return state, str(cid) if cid else None, err


def _dep_hash(dep: Any) -> str | None:
    tags = _get(dep, "tags")
    value = tags.get(INPUTS_TAG) if isinstance(tags, Mapping) else None
    return value if isinstance(value, str) else None


class _Refused(Exception):
    def __init__(self, failure: AzureFailure):
        super().__init__(failure.message)
        self.failure = failure


def decide(t: Target, rec: dict[str, Any], redeploy: set[str]) -> Decision:
    """Skip, re-attach or deploy (see module docstring), from the record alone."""
    status = rec.get("status", "pending")
    recorded = rec.get("inputsHash")
    if status == "succeeded":
        if t.name.lower() in redeploy:
            return Decision(t, "deploy", changed=True, note="--redeploy")
        if recorded == t.inputs_hash:
            if t.attach is not None and not attach_done(t, rec):
                step = ((rec.get("steps") or {}).get("attach") or {}).get("status")
                return Decision(t, "attach", note=f"deployed; attach {step or 'not run'}")
            return Decision(t, "skip", note="already succeeded")
        if not recorded:
            return Decision(t, "skip", note="succeeded before inputs were recorded; --redeploy to deploy again")
        return Decision(t, "deploy", changed=True, note="inputs changed since it succeeded")
    if status in IN_FLIGHT:
        return Decision(t, "reattach")
    return Decision(t, "deploy")


def attach_done(t: Target, rec: dict[str, Any]) -> bool:
    """Did the target's attach step succeed for its current inputs (deployment and options)?"""
    step = (rec.get("steps") or {}).get("attach") or {}
    return step.get("status") == "succeeded" and step.get("inputsHash") == t.attach_hash


def _needs_gate(d: Decision, rec: dict[str, Any]) -> bool:
    if d.action == "deploy":
        return True
    if d.action == "reattach":  # its PUT may never have arrived: then it is sent, so it needs a verdict
        gate = (rec.get("steps") or {}).get("gate") or {}
        return not (gate.get("verdict") == "pass" and gate.get("inputsHash") == d.target.inputs_hash)
    return False


# ---------------------------------------------------------------- apply
class Rollout:
    """One ``apply`` run over an inventory (see module docstring)."""

    def __init__(self, inv: Inventory, state: StateFile, clients: Clients, progress: Progress,
                 poll_interval: float, stop: threading.Event | None = None, throttle: Throttle | None = None,
                 base: RolloutTarget | None = None):
        self.inv, self.state, self.clients, self.progress = inv, state, clients, progress
        self.poll_interval = poll_interval
        self.throttle = throttle or Throttle()
        self.stop = stop or self.throttle.stop
        self.base = base
        self.deployed = threading.Event()  # a PUT was accepted (or an existing deployment found) in this run
        self._refused: AzureFailure | None = None
        self._fatal: BaseException | None = None
        self._lock = threading.Lock()
        self._sent: dict[str, set[str]] = {}  # correlation ids of the PUTs sent per target
        # marked ``submitting`` ahead of their turn (see _start_marks): name -> (correlation id,
        # the change's version, the record's fields as they were before the mark)
        self._marked: dict[str, tuple[str, int, dict[str, Any]]] = {}
        self._queue: list[Target] = []  # this wave's targets that will be PUT, in the order they start
        self._next_mark = 0  # index in _queue of the next target to mark
        self._template_json: str | None = None

    def _body(self, t: Target) -> bytes:
        if self._template_json is None:  # once per run: every target deploys the same template
            self._template_json = json.dumps(self.inv.template)
        return encoded_body(self._template_json, t)

    # ------------------------------------------------------------ checks
    def check_state(self) -> None:
        """Refuse a state file that records a target somewhere else than the inventory says."""
        for t in self.inv.targets:
            rec = self.state.get(t.name)
            if rec.get("status", "pending") == "pending":
                continue
            for key, want in (("deploymentName", t.deployment_name), ("subscription", t.subscription),
                              ("resourceGroup", t.resource_group)):
                if rec.get(key) and str(rec[key]).lower() != want.lower():
                    raise InputError(f"the state file records target {t.name!r} with {key} {rec[key]!r} but the "
                                     f"inventory says {want!r}; use another --state file",
                                     file=str(self.state.path), path=f"$.targets[{t.name!r}].{key}")

    def prepare(self, only: set[str] | None, redeploy: set[str], plan_entries: dict[str, dict[str, Any]] | None,
                allow_modify: list[str], on_done: Callable[[TargetPlan], None] | None = None) -> dict[str, Decision]:
        """Decide every selected target and gate the ones that may be sent (nothing is sent)."""
        self.check_state()
        decisions: dict[str, Decision] = {}
        to_check: list[Target] = []
        for t in self.inv.targets:
            if only is not None and t.name not in only:
                continue
            rec = self.state.get(t.name)
            d = decide(t, rec, redeploy)
            decisions[t.name] = d
            entry = (plan_entries or {}).get(t.name.lower())
            gate = (rec.get("steps") or {}).get("gate") or {}
            if d.action == "reattach" and gate.get("verdict") == "pass" and gate.get("inputsHash") == t.inputs_hash:
                # checked when it was submitted: if its PUT never arrived, it goes out on that verdict
                d.verdict = TargetPlan(t, f"{t.name}.parameters.json", gate="pass",
                                       reasons=list(gate.get("reasons") or []), source="state")
            if not _needs_gate(d, rec):
                continue
            if entry is not None and entry.get("inputsHash") == t.inputs_hash:
                d.verdict = _trusted(t, entry)
                if on_done:
                    on_done(d.verdict)
            else:
                to_check.append(t)
        if to_check and self.base is not None:
            checked = _plan_all(self.inv, to_check, self.base, allow_modify, on_done)
            for name, tp in checked.items():
                decisions[name].verdict = tp
                if tp.refused is not None and self._refused is None:
                    self._refused = tp.refused
        return decisions

    # ------------------------------------------------------------ orchestration
    def run(self, decisions: dict[str, Decision], only: set[str] | None = None) -> ApplyResult:
        result = ApplyResult(decisions=decisions)
        if self._refused is not None:  # refused while checking: nothing was sent
            result.refused = self._refused
            return result
        waves = self.inv.waves(only)
        result.waves = len(waves)
        for wi, wave in enumerate(waves):
            for t in wave:
                self.state.ensure(t.name, deploymentName=t.deployment_name, subscription=t.subscription,
                                  resourceGroup=t.resource_group, wave=wi)
        self.state.flush()
        executor = ThreadPoolExecutor(max_workers=self.inv.concurrency, thread_name_prefix="rollout")
        try:
            for wi, wave in enumerate(waves):
                if result.stopped_wave is not None or result.interrupted or self._stopping():
                    for t in wave:
                        result.outcomes[t.name] = Outcome(t.name, "notStarted", f"wave {wi + 1} not started")
                    continue
                failed = threading.Event()
                self._start_marks(wave, decisions)
                futures: dict[Future[Outcome], Target] = {
                    executor.submit(self._target, t, decisions[t.name], failed): t for t in wave}
                try:
                    for _ in completed(futures):  # short waits keep the main thread responsive to Ctrl-C
                        pass
                except KeyboardInterrupt:
                    result.interrupted = True
                    self._halt()
                # every outcome comes from the futures themselves, so an interrupt landing between two
                # bookkeeping steps cannot lose one
                self._collect(futures, result)
                self._unmark()
                if self.stop.is_set() and self._fatal is None and self._refused is None:
                    result.interrupted = True
                if failed.is_set() and not result.interrupted:
                    result.stopped_wave = wi
        except KeyboardInterrupt:  # between waves or while submitting: stop whatever was started
            result.interrupted = True
            self._halt()
        finally:
            executor.shutdown(wait=not result.abandoned, cancel_futures=True)
            try:
                self._unmark()
                self.state.close()
            finally:
                self.progress.close()
        if self._fatal is not None:
            raise self._fatal
        if self._refused is not None and not self.deployed.is_set():
            result.refused = self._refused
        return result

    # ------------------------------------------------------------ marks ahead
    # Each PUT must wait until its ``submitting`` record is on disk (a crash then resumes by GET,
    # never by a blind second PUT). Written at the target's turn, that write sat on every
    # target's critical path: a file write and fsync plus the interpreter-lock hand-overs of the
    # group commit, 13 ms of the ~30 ms a 100 ms deployment cost above its 100 ms in the rollout
    # bench. So the next ``concurrency`` targets of a wave that will be PUT are marked
    # ``submitting`` ahead of their turn, in the background writer's grouped writes, and a target
    # whose turn comes finds its mark already on disk (flush() still waits when it is not, and
    # still raises when the writer failed). The mark claims no more than ``submitting`` always
    # did: the PUT may or may not have reached Azure, so a crash leaves at most ``concurrency``
    # targets a rerun looks up by GET before sending. Marks whose PUT never went out (a stopped
    # wave, Ctrl-C) are put back as they were before the wave ends.
    def _eligible(self, d: Decision) -> bool:
        return d.action == "deploy" and d.verdict is not None and d.verdict.gate == "pass"

    def _start_marks(self, wave: list[Target], decisions: dict[str, Decision]) -> None:
        with self._lock:
            self._queue = [t for t in wave if self._eligible(decisions[t.name])]
            self._next_mark = 0
            for _ in range(self.inv.concurrency):
                self._mark_next()
        self.state.flush()  # the wave's first marks in one write, before any worker needs one

    def _mark_next(self) -> None:
        """Under ``_lock``: mark the next target in the queue (nothing when stopping)."""
        if self._next_mark >= len(self._queue) or self._stopping():
            return
        t = self._queue[self._next_mark]
        self._next_mark += 1
        rec = self.state.get(t.name)
        if rec.get("status") in IN_FLIGHT:  # not ours to mark (it is looked up before anything is sent)
            return
        cid = str(uuid.uuid4())
        v = self.state.update(t.name, status="submitting", correlationId=cid,
                              attempts=int(rec.get("attempts") or 0) + 1, startedAt=_now(), finishedAt=None,
                              error=None, inputsHash=t.inputs_hash, provisioningState=None)
        self._marked[t.name] = (cid, v, {k: rec.get(k) for k in _SUBMIT_FIELDS})

    def _take_mark(self, name: str) -> tuple[str, int, dict[str, Any]] | None:
        """The target's mark (if it has one), and the next target marked in its place."""
        with self._lock:
            mark = self._marked.pop(name, None)
            if mark is not None:
                self._mark_next()
            return mark

    def _unmark(self) -> None:
        """Put back every mark whose PUT never went out (the record as it was before the mark)."""
        with self._lock:
            marked, self._marked = self._marked, {}
            self._queue, self._next_mark = [], 0
            for name, (_, _, before) in marked.items():
                self.state.update(name, **before)

    def _stopping(self) -> bool:
        return self.stop.is_set() or self._fatal is not None or (self._refused is not None and not self.deployed.is_set())

    def _collect(self, futures: dict[Future[Outcome], Target], result: ApplyResult) -> None:
        """Each target's outcome from its future.

        Once interrupted, workers notice the stop at their next step, but one blocked in a request
        that does not return (a hung connection waits out the transport's read timeout, minutes)
        would hold Ctrl-C hostage. So after an interrupt they get INTERRUPT_GRACE seconds (a second
        Ctrl-C ends the wait at once); a target still blocked then is recorded as interrupted and
        abandoned: the state file already says it is in flight, so a rerun re-attaches to it.
        """
        deadline: float | None = None
        for f, t in futures.items():
            while True:
                if result.interrupted and deadline is None:
                    deadline = time.monotonic() + INTERRUPT_GRACE
                try:
                    wait_for = None if deadline is None else max(0.0, deadline - time.monotonic())
                    result.outcomes[t.name] = f.result(timeout=wait_for)
                    break
                except TimeoutError:
                    result.outcomes[t.name] = Outcome(t.name, "interrupted", "in flight; a rerun re-attaches")
                    result.abandoned = True
                    break
                except KeyboardInterrupt:
                    if result.interrupted:  # a second Ctrl-C: stop waiting
                        deadline = time.monotonic()
                    result.interrupted = True
                    self._halt()

    def _halt(self) -> None:
        self.stop.set()
        self.throttle.halt()

    # ------------------------------------------------------------ one target
    def _target(self, t: Target, d: Decision, wave_failed: threading.Event) -> Outcome:
        if d.action == "skip":
            self.progress.event(t.name, "skipped", d.note, final=True)
            return Outcome(t.name, "skipped", d.note)
        if wave_failed.is_set() or self._stopping():
            return Outcome(t.name, "notStarted", "wave stopped" if wave_failed.is_set() else "interrupted")
        try:
            if d.action == "attach":
                o = self._attach(t)
            else:
                o = self._deploy(t, d, wave_failed)
                if o.status == "succeeded" and t.attach is not None and not attach_done(t, self.state.get(t.name)):
                    o = self._attach(t)
        except (Interrupted, KeyboardInterrupt):
            o = Outcome(t.name, "interrupted", "in flight; a rerun re-attaches")
        except DeadlineExceeded:  # throttled past the target's deadline while watching it
            o = self._timed_out(t, self.state.get(t.name).get("provisioningState") or "throttled")
        except _Refused as exc:
            with self._lock:
                if self._refused is None:
                    self._refused = exc.failure
            if not self.deployed.is_set():
                self._halt()
            o = Outcome(t.name, "failed", exc.failure.message)
        except AzureFailure as exc:  # e.g. an answer the guard refused
            self._record_error(t, "AzureFailure", exc.message)
            if self.state.get(t.name).get("status") in IN_FLIGHT:
                o = Outcome(t.name, "unknown", f"{exc.message}; a rerun re-attaches")
            else:
                o = Outcome(t.name, "failed", exc.message)
        except Exception as exc:
            from azure.core.exceptions import AzureError

            if not isinstance(exc, AzureError):
                return self._fatal_error(t, exc)
            # an SDK error we could not settle (5xx after retries, connection lost): if the
            # deployment may be in flight, it stays recorded so, and a rerun re-attaches
            code, msg = arm_error_of(exc)
            self._record_error(t, code, msg)
            if self.state.get(t.name).get("status") in IN_FLIGHT:
                o = Outcome(t.name, "unknown", f"{code}: {msg}; lost track of it, a rerun re-attaches")
            else:
                o = Outcome(t.name, "failed", f"{code}: {msg}")
        except BaseException as exc:  # the state writer failed, or a bug: stop everything, report it once
            return self._fatal_error(t, exc)
        if o.status in ("failed", "timedOut", "blocked", "unknown"):
            wave_failed.set()
        if o.status != "interrupted":
            self.progress.event(t.name, o.status, o.detail, final=True)
        return o

    def _attach(self, t: Target) -> Outcome:
        """The target's attach step (``armgen attach`` after its deployment succeeded).

        Recorded ``running`` on disk before any subnet is read or written, then ``succeeded``,
        ``failed`` or ``interrupted``, with what was attached and the result's JSON. Attach is
        idempotent (a subnet already pointing at the deployment's resource gets no PUT) and waits
        for an operation an interrupted run left on a subnet, so running it again after a
        Ctrl-C attaches each subnet once.
        """
        from armgen.azure.attach import AttachInterrupted, run_attach

        if self._stopping():
            raise Interrupted("rollout interrupted")
        started = _now()
        self.state.flush(self.state.step(t.name, "attach", status="running", inputsHash=t.attach_hash,
                                         startedAt=started))
        self.progress.event(t.name, "attaching", "")
        base = self.base or self.clients.base
        opts = dataclasses.replace(t.attach, deployment=t.deployment_name, parameters_label=str(self.inv.path),
                                   wait_running=min(t.timeout, 600.0))
        values = {k: v for k, v in t.parameters.items() if not (isinstance(v, dict) and set(v) == {"reference"})}

        def record(status: str, result: Any) -> None:
            doc = result.to_json()
            doc.pop("whatIf", None)  # the gate's findings stay; the full preview would swamp the file
            done = [o.link.subnet_id for o in result.outcomes if o.state in ("attached", "replaced", "detached")]
            kept = [o.link.subnet_id for o in result.outcomes if o.state in ("unchanged", "absent")]
            self.state.step(t.name, "attach", status=status, inputsHash=t.attach_hash, startedAt=started,
                            finishedAt=_now(), attached=done, unchanged=kept, result=doc)

        try:
            result = run_attach(base.for_subscription(t.subscription), t.resource_group, self.inv.template, values,
                                opts, should_stop=self._stopping)
        except AttachInterrupted as exc:
            record("interrupted", exc.result)
            raise Interrupted("rollout interrupted") from None
        except DeadlineExceeded:  # the deployment stays succeeded: only its attach step is left to do
            self.state.step(t.name, "attach", status="failed", inputsHash=t.attach_hash, startedAt=started,
                            finishedAt=_now(), error={"code": "Timeout", "message": "still throttled"})
            return Outcome(t.name, "failed", f"attach: still throttled after {t.timeout:g} s; a rerun attaches")
        if result.ok:
            record("succeeded", result)
            n = result.count("attached", "replaced", "detached")
            return Outcome(t.name, "succeeded", f"deployed; attached {n} subnet{'s' if n != 1 else ''}"
                           + (f", {result.count('unchanged')} already" if result.count("unchanged") else ""))
        record("failed", result)
        return Outcome(t.name, "failed", f"attach: {result.message}")

    def _fatal_error(self, t: Target, exc: BaseException) -> Outcome:
        with self._lock:
            if self._fatal is None:
                self._fatal = exc
        self._halt()
        return Outcome(t.name, "interrupted", "stopped")

    def _record_error(self, t: Target, code: str, message: str) -> None:
        """An error whose effect is unknown keeps an in-flight record in flight (a rerun GETs)."""
        status = self.state.get(t.name).get("status")
        new = status if status in IN_FLIGHT else "failed"
        self.state.update(t.name, status=new, finishedAt=_now(), error={"code": code, "message": redact(message)})

    def _refusal(self, exc: Any, t: Target, action: str) -> _Refused | None:
        base = self.base or self.clients.base
        failure = refusal(exc, base.for_subscription(t.subscription), action,
                          f"/subscriptions/{t.subscription}/resourceGroups/{t.resource_group}/providers/"
                          f"Microsoft.Resources/deployments/{t.deployment_name}")
        return _Refused(failure) if failure is not None else None

    def _deploy(self, t: Target, d: Decision, wave_failed: threading.Event) -> Outcome:
        client = self.clients.deployments(t.subscription)
        deadline = time.monotonic() + t.timeout
        if d.action == "reattach":
            rec = self.state.get(t.name)
            if rec.get("correlationId"):
                self._sent.setdefault(t.name, set()).add(str(rec["correlationId"]))
            dep = self._lookup(client, t, deadline)
            if dep is not None:
                self.deployed.set()
                self.progress.event(t.name, "re-attached", t.deployment_name)
                theirs = _dep_hash(dep) or rec.get("inputsHash")
                o = self._follow(t, client, dep, deadline, theirs)
                if o.status != "succeeded" or theirs == t.inputs_hash or theirs is None:
                    return o
                # it ended with other inputs than the inventory's now: ours go out next (through the gate)
                self.progress.event(t.name, "changed", "inputs differ from the deployment re-attached to")
        elif d.changed:
            self.progress.event(t.name, "changed", d.note)
        v = d.verdict
        if v is None or v.gate != "pass":
            reasons = v.reasons if v is not None else ["no gate verdict"]
            verdict = v.gate if v is not None else "error"
            self.state.update(t.name, status="blocked", finishedAt=_now(), inputsHash=t.inputs_hash,
                              error={"code": "GateBlocked" if verdict == "blocked" else "GateError",
                                     "message": "; ".join(reasons)[:2000]})
            self._record_gate(t, v)
            return Outcome(t.name, "blocked", (reasons[0] if reasons else verdict)
                           + (f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""))
        self._record_gate(t, v)
        return self._put(t, client, deadline, wave_failed)

    def _record_gate(self, t: Target, v: TargetPlan | None) -> None:
        if v is None:
            return
        self.state.step(t.name, "gate", verdict=v.gate, reasons=v.reasons[:50], inputsHash=t.inputs_hash,
                        source=v.source, at=_now())

    def _put(self, t: Target, client: Any, deadline: float, wave_failed: threading.Event) -> Outcome:
        """PUT once; on any answer that leaves it open whether the PUT took effect, look it up."""
        from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

        base = self.base or self.clients.base
        sends = 0
        mark = self._take_mark(t.name)
        while True:
            if mark is not None:  # marked ahead of its turn (Rollout._start_marks): usually on disk already
                cid, v, before = mark
                mark = None
                self.state.update(t.name, startedAt=_now())
            else:
                rec = self.state.get(t.name)
                before = {k: rec.get(k) for k in _SUBMIT_FIELDS}
                cid = str(uuid.uuid4())
                v = self.state.update(t.name, status="submitting", correlationId=cid,
                                      attempts=int(rec.get("attempts") or 0) + 1, startedAt=_now(), finishedAt=None,
                                      error=None, inputsHash=t.inputs_hash, provisioningState=None)
            self.state.flush(v)  # on disk before the PUT: a crash now resumes by GET, never a blind second PUT
            if self._stopping() or wave_failed.is_set():  # nothing was sent: put the record back as it was
                self.state.update(t.name, **before)
                if self._stopping():
                    raise Interrupted("rollout interrupted")
                return Outcome(t.name, "notStarted", "wave stopped")
            sends += 1
            self._sent.setdefault(t.name, set()).add(cid)
            schedule = PollSchedule(self.poll_interval, base.max_retry_after)
            polling = rollout_polling(self.throttle, schedule, deadline, final_get=False,
                                      on_status=lambda s, n=t.name: self._lro_status(n, s))
            try:
                initial = client.deployments.begin_create_or_update(
                    t.resource_group, t.deployment_name, parameters=self._body(t),
                    polling=initial_answer(), headers={"x-ms-correlation-request-id": cid},
                    armgen_deadline=deadline, armgen_write_once=True).result()
                poller = Operation(client.deployments._client, initial, polling)
            except DeadlineExceeded:
                return self._timed_out(t, "still throttled")
            except HttpResponseError as exc:
                refused = self._refusal(exc, t, DEPLOY_ACTION)
                if refused is not None:
                    code, msg = arm_error_of(exc)
                    self.state.update(t.name, status="failed", finishedAt=_now(), error={"code": code, "message": msg})
                    raise refused from None
                status = exc.status_code or 0
                code, msg = arm_error_of(exc)
                if status in (408, 409) or status >= 500:
                    found = self._after_unclear_put(t, client, deadline, f"{status} {code}")
                    if isinstance(found, Outcome):
                        return found
                    if sends <= base.retry_total:
                        continue
                self.state.update(t.name, status="failed", finishedAt=_now(), error={"code": code, "message": msg})
                return Outcome(t.name, "failed", f"{code}: {msg}")
            except ServiceResponseError as exc:  # the PUT went out; its answer did not come back
                found = self._after_unclear_put(t, client, deadline, "answer lost")
                if isinstance(found, Outcome):
                    return found
                if sends <= base.retry_total:
                    continue
                self.state.update(t.name, status="failed", finishedAt=_now(),
                                  error={"code": "ConnectionLost", "message": redact(str(exc).splitlines()[0])})
                return Outcome(t.name, "failed", "the PUT's answer was lost and the deployment does not exist")
            except ServiceRequestError as exc:  # never sent (after the SDK's own connection retries)
                first = redact((str(exc).splitlines() or [type(exc).__name__])[0])
                self.state.update(t.name, status="failed", finishedAt=_now(),
                                  error={"code": "ConnectionFailed", "message": first})
                return Outcome(t.name, "failed", f"cannot reach Resource Manager: {first}")
            self.deployed.set()
            self.state.update(t.name, status="running")
            self.progress.event(t.name, "running", t.deployment_name)
            return self._wait_lro(t, client, poller, deadline, wave_failed)

    def _lro_status(self, name: str, status: str) -> None:
        if str(status).lower() not in TERMINAL:
            self.state.update(name, provisioningState=status)

    def _ours(self, t: Target, dep: Any) -> bool:
        """Is this deployment the one this run sent? Its tag carries our inputs hash; a Resource
        Manager that drops tags is matched by the correlation id our PUT carried instead."""
        tagged = _dep_hash(dep)
        if tagged is not None:
            return tagged == t.inputs_hash
        _, cid, _ = _dep_fields(dep)
        return cid is not None and cid in self._sent.get(t.name, ())

    def _after_unclear_put(self, t: Target, client: Any, deadline: float, why: str) -> Outcome | str:
        """After a 409/5xx/lost answer: ours exists -> follow it; another one runs -> wait for it
        and send again; nothing there (or a finished other one) -> send again (the caller bounds
        how often)."""
        dep = self._lookup(client, t, deadline)
        if dep is None:
            return "again"
        if self._ours(t, dep):
            self.deployed.set()
            self.progress.event(t.name, "re-attached", f"{t.deployment_name} after {why}")
            return self._follow(t, client, dep, deadline, t.inputs_hash)
        state, _, _ = _dep_fields(dep)
        if state.lower() not in TERMINAL:  # another deployment of that name (other inputs) is running
            self.progress.event(t.name, "waiting", f"another deployment named {t.deployment_name} is {state}")
            o = self._follow(t, client, dep, deadline, _dep_hash(dep), record=False)
            if o.status == "timedOut":
                self.state.update(t.name, status="timedOut", finishedAt=_now(),
                                  error={"code": "Timeout", "message": o.detail})
                return o
        return "again"

    def _lookup(self, client: Any, t: Target, deadline: float) -> Any:
        """The deployment by name (None: it does not exist)."""
        from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

        try:
            return client.deployments.get(t.resource_group, t.deployment_name, armgen_deadline=deadline)
        except ResourceNotFoundError:
            return None
        except HttpResponseError as exc:
            refused = self._refusal(exc, t, READ_ACTION)
            if refused is not None:
                raise refused from None
            raise

    def _wait_lro(self, t: Target, client: Any, poller: Any, deadline: float, wave_failed: threading.Event) -> Outcome:
        from azure.core.exceptions import AzureError

        try:
            dep = poller.result()
        except DeadlineExceeded:
            return self._timed_out(t, self.state.get(t.name).get("provisioningState") or "running")
        except AzureError:
            if str(poller.status()).lower() in TERMINAL:  # failed or canceled: the wave starts nothing more
                wave_failed.set()
            # failed, canceled, or the polling itself gave up: Azure's record of the deployment decides
            dep = self._lookup(client, t, deadline)
            if dep is None:
                self.state.update(t.name, status="failed", finishedAt=_now(),
                                  error={"code": "DeploymentNotFound", "message": "the deployment disappeared"})
                return Outcome(t.name, "failed", "the deployment disappeared")
            return self._follow(t, client, dep, deadline, t.inputs_hash)
        if _dep_fields(dep)[0] == "Unknown" and str(poller.status()).lower() == "succeeded":
            # the operation's status was the answer (no final GET): the deployment succeeded
            cid = self.state.get(t.name).get("correlationId")
            self.state.update(t.name, status="succeeded", provisioningState="Succeeded", finishedAt=_now(), error=None)
            return Outcome(t.name, "succeeded", f"correlation {cid}" if cid else "")
        return self._follow(t, client, dep, deadline, t.inputs_hash)

    def _timed_out(self, t: Target, state: str) -> Outcome:
        self.state.update(t.name, status="timedOut", finishedAt=_now(),
                          error={"code": "Timeout", "message": f"still {state} after {t.timeout:g} s"})
        return Outcome(t.name, "timedOut", f"still {state} after {t.timeout:g} s; a rerun re-attaches")

    def _follow(self, t: Target, client: Any, dep: Any, deadline: float, inputs: str | None,
                record: bool = True) -> Outcome:
        """Record the deployment's state and GET it until it is terminal, times out or we stop.

        There is no long-running operation to poll for a deployment found by name, so this
        reads the deployment itself, on :class:`PollSchedule`'s delays (``Retry-After`` first).
        """
        from azure.core.polling.base_polling import get_retry_after

        base = self.base or self.clients.base
        schedule = PollSchedule(self.poll_interval, base.max_retry_after)
        retry_after: float | None = None
        while True:
            state, cid, err = _dep_fields(dep)
            terminal = TERMINAL.get(state.lower())
            fields: dict[str, Any] = {"status": terminal or "running", "provisioningState": state}
            if cid:
                fields["correlationId"] = cid
            if inputs:
                fields["inputsHash"] = inputs
            if terminal:
                fields.update(finishedAt=_now(), error=err)
                if record:
                    self.state.update(t.name, **fields)
                if terminal == "succeeded":
                    return Outcome(t.name, "succeeded", f"correlation {cid}" if cid else "")
                detail = (err or {}).get("detail") or f"{(err or {}).get('code')}: {(err or {}).get('message')}"
                return Outcome(t.name, "failed", detail)
            current = self.state.get(t.name)
            if record and (current.get("status") != "running" or current.get("provisioningState") != state):
                self.state.update(t.name, **fields)
            try:
                self.throttle.wait(schedule.next(retry_after), deadline)
            except DeadlineExceeded:
                if record:
                    return self._timed_out(t, state)
                return Outcome(t.name, "timedOut", f"another deployment named {t.deployment_name} is still {state}")
            box: dict[str, Any] = {}

            def keep(pipeline_response: Any, deserialized: Any, _headers: Any, box: dict[str, Any] = box) -> Any:
                box["response"] = pipeline_response
                return deserialized

            dep = client.deployments.get(t.resource_group, t.deployment_name, cls=keep, armgen_deadline=deadline)
            retry_after = get_retry_after(box["response"]) if "response" in box else None


def apply(inv: Inventory, state_path: Path, target: RolloutTarget, progress: Progress,
          stop: threading.Event | None = None, *, allow_modify: list[str] | None = None,
          plan_entries: dict[str, dict[str, Any]] | None = None, only: set[str] | None = None,
          redeploy: set[str] | None = None, confirm: Callable[[ApplyResult], bool] | None = None,
          on_checked: Callable[[TargetPlan], None] | None = None) -> ApplyResult:
    """Decide, gate, (confirm,) deploy; the state file is locked for the whole run.

    ``only``: target names to work on (``--target``); ``redeploy``: succeeded targets to deploy
    again (``--redeploy``); ``confirm``: called with the decisions and verdicts when something
    would be sent; returning False sends nothing.
    """
    throttle = target.throttle or Throttle()
    if stop is not None:  # one stop flag: whoever sets it (Ctrl-C, a caller) wakes every waiter
        throttle.stop = stop
    with StateLock(state_path):
        state = StateFile.open(state_path, inventory=str(inv.path))
        clients = Clients(target)
        try:
            rollout = Rollout(inv, state, clients, progress, target.poll_interval, stop=stop, throttle=throttle,
                              base=target)
            decisions = rollout.prepare(only, {n.lower() for n in redeploy or ()}, plan_entries,
                                        list(allow_modify or []), on_checked)
            pre = ApplyResult(decisions=decisions, refused=rollout._refused)
            if pre.refused is not None:
                return pre
            sendable = [d for d in decisions.values() if (d.verdict is not None and d.verdict.gate == "pass"
                                                          and d.action == "deploy") or d.action == "attach"]
            if sendable and confirm is not None and not confirm(pre):
                pre.declined = True
                return pre
            return rollout.run(decisions, only)
        finally:
            clients.close()
