"""Resource-group deployments on the fake Resource Manager (what ``armgen rollout apply`` drives).

``svc = install_deployments(arm, polls=1)`` adds, under
``/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Resources/deployments/{name}``:

- ``PUT`` (create or update): needs the resource group (else 404 ``ResourceGroupNotFound``), a body
  with ``properties.mode`` ``Incremental`` and a ``template`` or ``templateLink`` (else 400
  ``InvalidDeployment``); a deployment of that name still running answers 409
  ``DeploymentActive`` like ARM. Otherwise 201 with a ``DeploymentExtended`` body
  (``provisioningState: Accepted``, ``correlationId``) and an ``Azure-AsyncOperation`` header.
  The correlation id is the request's ``x-ms-correlation-request-id`` when the client sent one
  (ARM does the same), else a fresh uuid. The body's ``tags`` are kept and answered on every GET
  (``svc.keep_tags = False`` plays a Resource Manager that drops them).
- ``GET .../operationStatuses/{op}``: ``{"status": "InProgress"}`` until the deployment is done,
  then ``Succeeded`` or ``Failed`` + ``error``.
- ``GET`` the deployment: ``provisioningState`` ``Running`` until done, then ``Succeeded`` /
  ``Failed`` (with ``error``); 404 ``DeploymentNotFound`` if never created.
- ``GET .../operations``: one operation per deployment (enough for error details).

How long a deployment runs and how it ends is per target: ``svc.behave(pattern, polls=,
duration=, fail=(code, message))`` where ``pattern`` is a regex searched (case-insensitive) in
``"{sub}/{rg}/{name}"``; the last matching rule wins, unmatched deployments use the service
defaults. ``polls`` = how many status reads (operation status or deployment GET) still see it
running; ``duration`` = seconds of wall time it runs; ``until`` = a callable that must return
True before it may end (ordering by events, e.g. "not before that other one failed", instead
of hoping a duration is long enough on a loaded machine); all may be combined (it ends when all
are over). ``retry_after`` is the ``Retry-After`` the service sends on the PUT and on status reads.

Lost answers: ``svc.lose_answers(pattern, times=1)`` processes the next ``times`` matching PUTs
(the deployment is created and runs) but answers nothing: the connection is closed, as when the
answer is lost on the way back.

Observability: ``svc.puts`` (``Counter`` of accepted PUTs keyed by lower-cased ``"rg/name"``),
``svc.deployments`` (records keyed the same way), ``svc.bodies`` (accepted PUT bodies in order).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from tests.fakearm.server import DROP, FakeArm, Request, Response, arm_error

DEPLOYMENT_PATH = (r"/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)"
                   r"/providers/Microsoft\.Resources/deployments/(?P<name>[^/]+)")


@dataclass
class Behaviour:
    polls: int = 1
    duration: float = 0.0
    fail: tuple[str, str] | None = None
    until: Callable[[], bool] | None = None


@dataclass
class DeploymentRecord:
    """One deployment as the fake remembers it."""

    sub: str
    rg: str
    name: str
    body: dict[str, Any]
    behaviour: Behaviour
    correlation_id: str
    started: float
    timestamp: str
    polls_left: int
    state: str = "Running"  # Running | Succeeded | Failed
    reads: int = 0

    @property
    def id(self) -> str:
        return (f"/subscriptions/{self.sub}/resourceGroups/{self.rg}/providers/Microsoft.Resources/"
                f"deployments/{self.name}")


@dataclass
class DeploymentService:
    arm: FakeArm
    default: Behaviour = field(default_factory=Behaviour)
    retry_after: str = "0"
    rules: list[tuple[re.Pattern[str], Behaviour]] = field(default_factory=list)
    deployments: dict[str, DeploymentRecord] = field(default_factory=dict)
    puts: Counter[str] = field(default_factory=Counter)
    bodies: list[Any] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    keep_tags: bool = True
    lost: list[list[Any]] = field(default_factory=list)  # [regex, answers still to lose]

    def lose_answers(self, pattern: str, times: int = 1) -> None:
        """Process the next ``times`` PUTs matching ``pattern`` but drop their answers."""
        with self.lock:
            self.lost.append([re.compile(pattern, re.IGNORECASE), times])

    # ------------------------------------------------------------ configuration
    def behave(self, pattern: str, polls: int | None = None, duration: float | None = None,
               fail: tuple[str, str] | None = None, until: Callable[[], bool] | None = None) -> Behaviour:
        """Set how deployments whose ``sub/rg/name`` matches ``pattern`` run and end."""
        b = Behaviour(self.default.polls if polls is None else polls,
                      self.default.duration if duration is None else duration, fail, until)
        with self.lock:
            self.rules.append((re.compile(pattern, re.IGNORECASE), b))
        return b

    def _behaviour(self, key: str) -> Behaviour:
        with self.lock:
            for rx, b in reversed(self.rules):
                if rx.search(key):
                    return b
        return self.default

    # ------------------------------------------------------------ helpers
    @staticmethod
    def key(rg: str, name: str) -> str:
        return f"{rg}/{name}".lower()

    def put_count(self) -> int:
        """Accepted PUTs so far, read under the lock (the server thread adds keys meanwhile)."""
        with self.lock:
            return sum(self.puts.values())

    def record(self, rg: str, name: str) -> DeploymentRecord | None:
        with self.lock:
            return self.deployments.get(self.key(rg, name))

    def _advance(self, rec: DeploymentRecord) -> None:
        """One status read: the deployment finishes once its polls and duration are used up."""
        with self.lock:
            rec.reads += 1
            if rec.state != "Running":
                return
            if rec.polls_left > 0:
                rec.polls_left -= 1
                return
            if time.monotonic() - rec.started < rec.behaviour.duration:
                return
            if rec.behaviour.until is not None and not rec.behaviour.until():
                return
            rec.state = "Failed" if rec.behaviour.fail else "Succeeded"

    def _doc(self, rec: DeploymentRecord, state: str | None = None) -> dict[str, Any]:
        props = rec.body.get("properties") or {}
        out: dict[str, Any] = {
            "provisioningState": state or rec.state,
            "mode": props.get("mode"),
            "correlationId": rec.correlation_id,
            "timestamp": rec.timestamp,
            "parameters": {k: {"type": "String", "value": v.get("value")}
                           for k, v in (props.get("parameters") or {}).items() if isinstance(v, dict)},
        }
        if rec.state == "Failed" and state is None and rec.behaviour.fail:
            code, message = rec.behaviour.fail
            out["error"] = {"code": "DeploymentFailed", "message": "At least one resource deployment operation "
                            "failed. Please list deployment operations for details.",
                            "details": [{"code": code, "message": message}]}
        doc: dict[str, Any] = {"id": rec.id, "name": rec.name, "type": "Microsoft.Resources/deployments",
                               "properties": out}
        tags = rec.body.get("tags")
        if self.keep_tags and isinstance(tags, dict):
            doc["tags"] = tags
        return doc

    # ------------------------------------------------------------ handlers
    def put(self, req: Request) -> Response:
        miss = self.arm.missing_resource_group(req)
        if miss:
            return miss
        sub, rg, name = req.params["sub"], unquote(req.params["rg"]), unquote(req.params["name"])
        body = req.json if isinstance(req.json, dict) else {}
        props = body.get("properties") if isinstance(body.get("properties"), dict) else {}
        if props.get("mode") not in ("Incremental", "Complete"):
            return arm_error(400, "InvalidDeployment", "The deployment mode is missing or invalid.")
        if "template" not in props and "templateLink" not in props:
            return arm_error(400, "InvalidDeployment", "The deployment has neither a template nor a template link.")
        key = self.key(rg, name)
        with self.lock:
            old = self.deployments.get(key)
            if old is not None:
                self._advance_quiet(old)
                if old.state == "Running":
                    return arm_error(409, "DeploymentActive",
                                     f"Unable to edit or replace deployment '{name}': previous deployment from "
                                     f"'{old.timestamp}' is still active.")
            b = self._behaviour(f"{sub}/{rg}/{name}")
            rec = DeploymentRecord(sub, rg, name, body, b,
                                   req.header("x-ms-correlation-request-id") or str(uuid.uuid4()),
                                   time.monotonic(), time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
                                   b.polls)
            self.deployments[key] = rec
            self.puts[key] += 1
            self.bodies.append(body)
            for rule in self.lost:
                if rule[1] > 0 and rule[0].search(f"{sub}/{rg}/{name}"):
                    rule[1] -= 1
                    return DROP
        status_url = self.arm.url(f"/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Resources/"
                                  f"deployments/{name}/operationStatuses/{uuid.uuid4().hex[:16]}")
        return Response(201, self._doc(rec, "Accepted"),
                        {"Azure-AsyncOperation": status_url, "Retry-After": self.retry_after})

    def _advance_quiet(self, rec: DeploymentRecord) -> None:
        """Re-check a running deployment without consuming a poll (time-based completion only)."""
        if (rec.state == "Running" and rec.polls_left <= 0 and time.monotonic() - rec.started >= rec.behaviour.duration
                and (rec.behaviour.until is None or rec.behaviour.until())):
            rec.state = "Failed" if rec.behaviour.fail else "Succeeded"

    def get(self, req: Request) -> Response:
        miss = self.arm.missing_resource_group(req)
        if miss:
            return miss
        rec = self.record(unquote(req.params["rg"]), unquote(req.params["name"]))
        if rec is None:
            return arm_error(404, "DeploymentNotFound", f"Deployment '{unquote(req.params['name'])}' could not be found.")
        self._advance(rec)
        return Response(200, self._doc(rec), {"Retry-After": self.retry_after} if rec.state == "Running" else {})

    def status(self, req: Request) -> Response:
        rec = self.record(unquote(req.params["rg"]), unquote(req.params["name"]))
        if rec is None:
            return arm_error(404, "DeploymentNotFound", f"Deployment '{unquote(req.params['name'])}' could not be found.")
        self._advance(rec)
        if rec.state == "Running":
            return Response(200, {"status": "InProgress"}, {"Retry-After": self.retry_after})
        if rec.state == "Failed":
            return Response(200, {"status": "Failed", "error": self._doc(rec)["properties"]["error"]}, {})
        return Response(200, {"status": "Succeeded"}, {})

    def operations(self, req: Request) -> Response:
        rec = self.record(unquote(req.params["rg"]), unquote(req.params["name"]))
        if rec is None:
            return arm_error(404, "DeploymentNotFound", f"Deployment '{unquote(req.params['name'])}' could not be found.")
        op: dict[str, Any] = {"provisioningState": rec.state, "timestamp": rec.timestamp,
                              "statusCode": "OK" if rec.state != "Failed" else "BadRequest"}
        if rec.state == "Failed" and rec.behaviour.fail:
            op["statusMessage"] = {"error": {"code": rec.behaviour.fail[0], "message": rec.behaviour.fail[1]}}
        return Response(200, {"value": [{"id": f"{rec.id}/operations/1", "operationId": "1", "properties": op}]}, {})


def install_deployments(arm: FakeArm, polls: int = 1, duration: float = 0.0, retry_after: str = "0") -> DeploymentService:
    """Register the deployment routes on ``arm`` and return the service (see module docstring)."""
    svc = DeploymentService(arm, Behaviour(polls, duration), retry_after)
    arm.route("PUT", DEPLOYMENT_PATH)(svc.put)
    arm.route("GET", DEPLOYMENT_PATH)(svc.get)
    arm.route("GET", DEPLOYMENT_PATH + r"/operationStatuses/(?P<op>[^/]+)")(svc.status)
    arm.route("GET", DEPLOYMENT_PATH + r"/operations")(svc.operations)
    return svc
