"""Plan and apply one appliance deployment across many existing networks, in waves, resumably.

``plan``: per target, the deploymentParameters file, preflight (:mod:`armgen.azure.preflight`)
and what-if + brownfield gate (:mod:`armgen.azure.whatif`), with bounded concurrency.

``apply``: per target, ``DeploymentsMgmtClient.deployments.begin_create_or_update`` (mode
Incremental) and then GETs of the deployment until it is terminal. Targets run in waves (the
canary alone, then batches); a wave stops starting targets at its first failure and later waves
never start. Every step is recorded in the state file (:mod:`armgen.azure.state`) before the next
one, so a rerun skips what succeeded and re-attaches (GET, never a second PUT) to what may be in
flight.

Why poll with GET instead of the SDK's LRO poller: the poller runs on a background thread that
cannot be abandoned, so a timed-out or interrupted target would keep polling; and re-attaching to
a deployment found in flight on a rerun needs GET polling anyway. One loop serves both.

Throttling: all SDK clients of a run share one :class:`~armgen.azure.throttle.ThrottleGate`
(a 429 + ``Retry-After`` seen by any worker pauses every worker), a bounded ``RetryPolicy`` (from
:mod:`armgen.azure.session`) and one HTTP connection pool sized for the concurrency.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from armgen.azure.inventory import Inventory, Target
from armgen.azure.session import DEPLOYMENTS_API_VERSION, AzureFailure, AzureTarget, arm_error_of
from armgen.azure.state import IN_FLIGHT, StateFile
from armgen.azure.throttle import Interrupted, ThrottleGate, shared_throttle_policy
from armgen.errors import InputError
from armgen.jsonio import dumps, write_atomic

INTERRUPT_GRACE = 2.0  # seconds workers get to stop after Ctrl-C before they are abandoned

TERMINAL = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}
DEPLOY_ACTION = "Microsoft.Resources/deployments/write"


def plural(n: int, noun: str) -> str:
    """``1 target``, ``2 targets``, ``0 targets``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# ---------------------------------------------------------------- clients (adapter over session.py)
@dataclass
class RolloutTarget(AzureTarget):
    """:class:`AzureTarget` whose clients share the rollout's throttle gate and connection pool.

    A thin adapter: ``session.AzureTarget.client_kwargs`` gives endpoint, auth and retry; this adds
    the shared 429 gate (``custom_hook_policy`` slot, inside the retry loop) and a shared
    ``requests.Session`` transport, so what-if/preflight (which build clients through
    ``deployments_client()``/``resources_client()``) get them too.
    """

    gate: ThrottleGate | None = None
    http_session: Any = None

    def client_kwargs(self) -> dict[str, Any]:
        kw = super().client_kwargs()
        if self.gate is not None:
            kw["custom_hook_policy"] = shared_throttle_policy(self.gate)
        if self.http_session is not None:
            from azure.core.pipeline.transport import RequestsTransport

            # a transport given explicitly ignores the client's timeout keywords: hand them over
            kw["transport"] = RequestsTransport(session=self.http_session, session_owner=False,
                                                connection_timeout=kw["connection_timeout"],
                                                read_timeout=kw["read_timeout"])
        return kw

    def for_subscription(self, subscription: str) -> RolloutTarget:
        return dataclasses.replace(self, subscription=subscription)


def connect(cloud: str | None, endpoint: str | None, inventory: Inventory, gate: ThrottleGate) -> RolloutTarget:
    """The base target for a run (credential, endpoint, retry budget from the environment)."""
    import requests
    from requests.adapters import HTTPAdapter
    from requests.utils import get_environ_proxies

    base = AzureTarget.from_options(cloud, endpoint, inventory.targets[0].subscription)
    session = requests.Session()
    # Resolve proxy settings (HTTPS_PROXY, NO_PROXY...) once for the endpoint instead of on every
    # request: with trust_env requests re-reads the environment and ~/.netrc per request, which
    # costs milliseconds of CPU each across hundreds of workers' requests (and netrc could even
    # replace the bearer token's Authorization header).
    session.proxies.update(get_environ_proxies(base.endpoint))
    session.trust_env = False
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=inventory.concurrency + 8)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    gate.max_pause = base.max_retry_after  # one cap for a Retry-After, whether the SDK or the gate waits
    return RolloutTarget(**fields, gate=gate, http_session=session)


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
    """A one-line bar on a terminal; otherwise one plain line per target event."""

    def __init__(self, total: int, stream: TextIO, tty: bool | None = None, width: int = 30):
        self.total, self.stream, self.width = total, stream, width
        self.tty = stream.isatty() if tty is None else tty
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._drawn = False

    def event(self, target: str, status: str, detail: str = "", final: bool = False) -> None:
        with self._lock:
            if final:
                self.counts[status] = self.counts.get(status, 0) + 1
            done = sum(self.counts.values())
            line = f"[{done:>{len(str(self.total))}}/{self.total}] {target}: {status}" + (f" ({detail})" if detail else "")
            if not self.tty:
                self.stream.write(line + "\n")
                self.stream.flush()
                return
            if final and status not in ("succeeded", "skipped"):
                self.stream.write("\r\033[2K" + line + "\n")  # failures stay visible above the bar
            filled = int(self.width * done / max(self.total, 1))
            tally = " ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
            self.stream.write(f"\r\033[2K[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} {tally}")
            self.stream.flush()
            self._drawn = True

    def close(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


# ---------------------------------------------------------------- apply
@dataclass
class Outcome:
    target: str
    status: str  # succeeded | failed | timedOut | skipped | notStarted | interrupted
    detail: str = ""


@dataclass
class ApplyResult:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    stopped_wave: int | None = None
    interrupted: bool = False
    waves: int = 0
    abandoned: bool = False  # a worker still blocked in a request was left behind after Ctrl-C

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes.values())


def deployment_body(inv: Inventory, t: Target) -> dict[str, Any]:
    return {"properties": {"mode": "Incremental", "template": inv.template,
                           "parameters": t.parameters_file()["parameters"]}}


def _dep_fields(dep: Any) -> tuple[str, str | None, dict[str, Any] | None]:
    """(provisioningState, correlationId, error) of a DeploymentExtended (model or dict)."""
    # TypeSpec models are mappings over the raw REST JSON: reading it directly is cheaper than as_dict()
    props = dep.get("properties") if hasattr(dep, "get") else None
    if not isinstance(props, Mapping):
        doc = dep.as_dict() if hasattr(dep, "as_dict") else {}
        props = doc.get("properties") or {}
    err = props.get("error")
    if err:
        details = err.get("details") or []
        first = details[0] if details else {}
        err = {"code": err.get("code"), "message": err.get("message"),
               **({"detail": f"{first.get('code')}: {first.get('message')}"} if first else {})}
    state = str(props.get("provisioningState") or props.get("provisioning_state") or "Unknown")
    return state, props.get("correlationId") or props.get("correlation_id"), err


class Rollout:
    """One ``apply`` run over an inventory (see module docstring)."""

    def __init__(self, inv: Inventory, state: StateFile, clients: Clients, progress: Progress,
                 poll_interval: float, stop: threading.Event | None = None, gate: ThrottleGate | None = None):
        self.inv, self.state, self.clients, self.progress = inv, state, clients, progress
        self.poll_interval = poll_interval
        self.stop = stop or threading.Event()
        self.gate = gate

    # ------------------------------------------------------------ orchestration
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

    def run(self) -> ApplyResult:
        self.check_state()
        result = ApplyResult()
        waves = self.inv.waves()
        result.waves = len(waves)
        for wi, wave in enumerate(waves):
            for t in wave:
                self.state.ensure(t.name, deploymentName=t.deployment_name, subscription=t.subscription,
                                  resourceGroup=t.resource_group, wave=wi)
        self.state.flush()
        executor = ThreadPoolExecutor(max_workers=self.inv.concurrency, thread_name_prefix="rollout")
        try:
            for wi, wave in enumerate(waves):
                if result.stopped_wave is not None or result.interrupted:
                    for t in wave:
                        result.outcomes[t.name] = Outcome(t.name, "notStarted", f"wave {wi + 1} not started")
                    continue
                failed = threading.Event()
                futures: dict[Future[Outcome], Target] = {executor.submit(self._target, t, failed): t for t in wave}
                try:
                    pending = set(futures)
                    while pending:  # short waits keep the main thread responsive to Ctrl-C
                        _, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                except KeyboardInterrupt:
                    result.interrupted = True
                    self._halt()
                # every outcome comes from the futures themselves, so an interrupt landing between two
                # bookkeeping steps cannot lose one
                self._collect(futures, result)
                if self.stop.is_set():
                    result.interrupted = True
                if failed.is_set() and not result.interrupted:
                    result.stopped_wave = wi
        except KeyboardInterrupt:  # between waves or while submitting: stop whatever was started
            result.interrupted = True
            self._halt()
        finally:
            executor.shutdown(wait=not result.abandoned, cancel_futures=True)
            self.state.close()
            self.progress.close()
        return result

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
        if self.gate is not None:
            self.gate.stop.set()

    # ------------------------------------------------------------ one target
    def _target(self, t: Target, wave_failed: threading.Event) -> Outcome:
        rec = self.state.get(t.name)
        if rec.get("status") == "succeeded":
            self.progress.event(t.name, "skipped", "already succeeded", final=True)
            return Outcome(t.name, "skipped", "already succeeded")
        if wave_failed.is_set() or self.stop.is_set():
            return Outcome(t.name, "notStarted", "wave stopped" if wave_failed.is_set() else "interrupted")
        try:
            o = self._deploy(t, rec, wave_failed)
        except Interrupted:
            o = Outcome(t.name, "interrupted", "in flight; a rerun re-attaches")
        except AzureFailure as exc:
            self.state.update(t.name, status="failed", finishedAt=_now(), error={"code": "AzureFailure", "message": exc.message})
            o = Outcome(t.name, "failed", exc.message)
        except Exception as exc:  # an SDK error we could not classify: record it, keep the run consistent
            from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

            if not isinstance(exc, HttpResponseError | ServiceRequestError | ServiceResponseError):
                raise
            code, msg = arm_error_of(exc)
            status = self.state.get(t.name).get("status")
            # an error after the PUT may leave the deployment running in Azure: keep it in flight so a
            # rerun re-attaches by GET instead of PUTting again
            new = status if status in IN_FLIGHT else "failed"
            self.state.update(t.name, status=new, finishedAt=_now(), error={"code": code, "message": msg})
            o = Outcome(t.name, "failed", f"{code}: {msg}")
        if o.status in ("failed", "timedOut"):
            wave_failed.set()
        if o.status != "interrupted":
            self.progress.event(t.name, o.status, o.detail, final=True)
        return o

    def _deploy(self, t: Target, rec: dict[str, Any], wave_failed: threading.Event) -> Outcome:
        from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

        client = self.clients.deployments(t.subscription)
        deadline = time.monotonic() + t.timeout
        if rec.get("status") in IN_FLIGHT:
            try:
                dep = client.deployments.get(t.resource_group, t.deployment_name)
            except ResourceNotFoundError:
                dep = None  # the PUT never reached Azure
            if dep is not None:
                self.progress.event(t.name, "re-attached", t.deployment_name)
                return self._follow(t, client, dep, deadline)
        cid = str(uuid.uuid4())
        attempts = int(rec.get("attempts") or 0) + 1
        v = self.state.update(t.name, status="submitting", correlationId=cid, attempts=attempts, startedAt=_now(),
                              finishedAt=None, error=None)
        self.state.flush(v)  # on disk before the PUT: a crash now resumes by GET, never a blind second PUT
        if self.stop.is_set() or wave_failed.is_set():  # nothing was sent: put the record back as it was
            self.state.update(t.name, **{k: rec.get(k) for k in ("status", "correlationId", "attempts", "startedAt",
                                                                 "finishedAt", "error")})
            if self.stop.is_set():
                raise Interrupted("rollout interrupted")
            return Outcome(t.name, "notStarted", "wave stopped")
        try:
            poller = client.deployments.begin_create_or_update(
                t.resource_group, t.deployment_name, parameters=deployment_body(self.inv, t), polling=False,
                headers={"x-ms-correlation-request-id": cid})
            dep = poller.result()
        except HttpResponseError as exc:
            code, msg = arm_error_of(exc)
            self.state.update(t.name, status="failed", finishedAt=_now(), error={"code": code, "message": msg})
            return Outcome(t.name, "failed", f"{code}: {msg}")
        self.progress.event(t.name, "running", t.deployment_name)
        return self._follow(t, client, dep, deadline)

    def _follow(self, t: Target, client: Any, dep: Any, deadline: float) -> Outcome:
        """Record the deployment's state and GET it until it is terminal, times out or we stop."""
        while True:
            state, cid, err = _dep_fields(dep)
            terminal = TERMINAL.get(state.lower())
            fields: dict[str, Any] = {"status": terminal or "running", "provisioningState": state}
            if cid:
                fields["correlationId"] = cid
            if terminal:
                fields.update(finishedAt=_now(), error=err)
                self.state.update(t.name, **fields)
                if terminal == "succeeded":
                    return Outcome(t.name, "succeeded", f"correlation {cid}" if cid else "")
                detail = (err or {}).get("detail") or f"{(err or {}).get('code')}: {(err or {}).get('message')}"
                return Outcome(t.name, "failed", detail)
            if self.state.get(t.name).get("status") != "running" or self.state.get(t.name).get("provisioningState") != state:
                self.state.update(t.name, **fields)
            left = deadline - time.monotonic()
            if left <= 0:
                self.state.update(t.name, status="timedOut", finishedAt=_now(),
                                  error={"code": "Timeout", "message": f"still {state} after {t.timeout:g} s"})
                return Outcome(t.name, "timedOut", f"still {state} after {t.timeout:g} s; a rerun re-attaches")
            if self.stop.wait(min(self.poll_interval, left)):
                raise Interrupted("rollout interrupted")
            dep = client.deployments.get(t.resource_group, t.deployment_name)


def apply(inv: Inventory, state_path: Path, target: RolloutTarget, progress: Progress,
          stop: threading.Event | None = None) -> ApplyResult:
    """Deploy the inventory's waves, recording every step in ``state_path``."""
    state = StateFile.open(state_path, inventory=str(inv.path))
    clients = Clients(target)
    try:
        return Rollout(inv, state, clients, progress, target.poll_interval, stop=stop, gate=target.gate).run()
    finally:
        clients.close()


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

    def to_json(self) -> dict[str, Any]:
        t = self.target
        return {"name": t.name, "subscription": t.subscription, "resourceGroup": t.resource_group,
                "location": t.location, "deploymentName": t.deployment_name, "parametersFile": self.parameters_file,
                "changes": {"create": self.creates, "modify": self.modifies, "delete": self.deletes},
                "gate": self.gate, "reasons": self.reasons, "preflight": self.preflight, "whatIf": self.what_if}


def _count_changes(result: dict[str, Any]) -> tuple[int, int, int]:
    changes = (result.get("properties") or {}).get("changes") or []
    kinds = [str(getattr(c.get("changeType"), "value", c.get("changeType"))) for c in changes]
    return kinds.count("Create"), kinds.count("Modify"), kinds.count("Delete")


def plan_target(inv: Inventory, t: Target, base: RolloutTarget, out_dir: Path,
                allow_modify: list[str]) -> TargetPlan:
    """Parameters file, preflight and what-if + gate for one target (errors become verdicts)."""
    from armgen.azure.preflight import run_preflight
    from armgen.azure.whatif import WhatIfFailed, what_if

    pfile = out_dir / f"{t.name}.parameters.json"
    write_atomic(pfile, dumps(t.parameters_file()))
    tp = TargetPlan(t, pfile.name)
    az = base.for_subscription(t.subscription)
    params = t.parameters_file()["parameters"]
    values = {k: v["value"] for k, v in params.items() if "value" in v}
    try:
        report = run_preflight(az, t.resource_group, values, location=t.location, template=inv.template)
        tp.preflight = report.to_json()
        for c in report.checks:
            if c.status == "fail":
                tp.gate = "blocked"
                tp.reasons.append(f"preflight {c.check} {c.subject}: {c.detail}")
    except AzureFailure as exc:
        tp.gate = "error"
        tp.reasons.append(f"preflight: {exc.message}")
    try:
        outcome = what_if(az, t.resource_group, inv.template, params, allow_modify, location=t.location)
        tp.what_if = outcome.to_json()
        tp.creates, tp.modifies, tp.deletes = _count_changes(outcome.result)
        for f in outcome.blocked:
            tp.gate = "blocked" if tp.gate != "error" else "error"
            tp.reasons.append(f"what-if {f.change_type} {f.resource_id}: {f.reason}")
    except AzureFailure as exc:
        tp.gate = "error"
        tp.reasons.append(f"what-if: {exc.message}")
    except WhatIfFailed as exc:
        tp.gate = "error"
        tp.reasons.append(f"what-if failed: {exc.code}: {exc.message}")
    return tp


def plan(inv: Inventory, out_dir: Path, base: RolloutTarget, allow_modify: list[str] | None = None,
         on_done: Callable[[TargetPlan], None] | None = None) -> list[TargetPlan]:
    """Plan every target with bounded concurrency; results in inventory order; writes plan.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, TargetPlan] = {}
    ex = ThreadPoolExecutor(max_workers=inv.concurrency, thread_name_prefix="plan")
    futures = {ex.submit(plan_target, inv, t, base, out_dir, list(allow_modify or [])): t for t in inv.targets}
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            for f in done:
                tp = f.result()
                results[tp.target.name] = tp
                if on_done:
                    on_done(tp)
    except KeyboardInterrupt:
        if base.gate is not None:
            base.gate.stop.set()
        # nothing is deployed by a plan: do not wait for workers blocked in requests
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown(wait=True)
    ordered = [results[t.name] for t in inv.targets]
    report = {"kind": "armgen-rollout-plan", "inventory": inv.path.name, "template": inv.template_source,
              "targets": [tp.to_json() for tp in ordered],
              "summary": {v: sum(tp.gate == v for tp in ordered) for v in ("pass", "blocked", "error")}}
    write_atomic(out_dir / "plan.json", dumps(report))
    return ordered


def format_plan_table(plans: list[TargetPlan]) -> str:
    rows = [("TARGET", "RESOURCE GROUP", "CREATE", "MODIFY", "DELETE", "GATE")]
    rows += [(p.target.name, p.target.resource_group, str(p.creates), str(p.modifies), str(p.deletes),
              p.gate.upper()) for p in plans]
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = {2, 3, 4}
    lines = ["  ".join(c.rjust(w[i]) if i in right else c.ljust(w[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    for p in plans:
        for reason in p.reasons:
            lines.append(f"  {p.target.name}: {reason}")
    n = {v: sum(p.gate == v for p in plans) for v in ("pass", "blocked", "error")}
    lines.append("")
    lines.append(f"Plan: {plural(len(plans), 'target')}, {n['pass']} pass, {n['blocked']} blocked, "
                 f"{plural(n['error'], 'error')}.")
    return "\n".join(lines) + "\n"
