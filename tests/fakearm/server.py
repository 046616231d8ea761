"""A fake Azure Resource Manager that speaks enough of the real REST protocol for the real SDK.

Why: everything in armgen that talks to Azure is tested through the real ``azure-mgmt-*`` clients
(pipeline, retry policy, LRO poller, error mapping), so the server must answer like ARM does:
bearer auth, ``{"error": {"code", "message"}}`` bodies, 202 + ``Location`` long-running
operations, ``Retry-After`` throttling, case-insensitive resource ids.

Extension API (for modules such as ``tests/fakearm/deployments.py``)
--------------------------------------------------------------------
``arm = FakeArm(latency=0.0)``; ``with arm:`` (or ``arm.start()`` / ``arm.stop()``);
``arm.base_url`` is ``http://127.0.0.1:<port>``.

Routes::

    @arm.route("PUT", r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)"
                      r"/providers/microsoft\\.resources/deployments/(?P<name>[^/]+)$")
    def put_deployment(req: Request) -> Response | tuple:
        ...
        return 201, body, {"Azure-AsyncOperation": arm.url(...)}

- ``method`` is an HTTP verb or ``"*"``; the regex is matched with ``re.fullmatch`` against the
  URL path (no query string), **case-insensitively** (ARM ids are case-insensitive). Named groups
  land in ``req.params``.
- Routes registered later win over earlier ones, so an extension can override a built-in.
- A handler gets a :class:`Request` (``method``, ``path``, ``query`` dict, ``json`` body or None,
  ``headers`` with lower-cased keys, ``params``) and returns ``(status, body_dict_or_None,
  headers_dict)`` (``(status, body)`` is accepted too) or a :class:`Response`.
- ``arm_error(status, code, message)`` builds an ARM error response.
- ``Response(0)`` (:data:`DROP`) answers nothing: the connection is closed after the handler ran,
  which is what a client sees when Resource Manager processed a request and the answer was lost.

Resource store: ``arm.resources`` maps the **lower-cased** resource id to its JSON; GET/HEAD of
any id answers from it whatever the ``api-version``. ``arm.put_resource(id, body)`` fills in
``id``/``name``/``type``. Resource groups exist only when registered with
``arm.add_resource_group(sub, rg, location)``; anything under a missing group answers 404
``ResourceGroupNotFound`` (use ``arm.missing_resource_group(req)`` in your own handlers).

Long-running operations: ``arm.begin_operation(final_body, polls=1)`` returns a 202 response
with ``Location`` (and ``Retry-After: 0``); the location answers 202 ``polls`` times, then
``final_status`` with ``final_body``. ``style="azure-async"`` instead answers with an
``Azure-AsyncOperation`` header whose status documents go ``InProgress`` -> ``Succeeded`` (or
``Failed`` with ``error``); pair it with your own initial body.

Faults: ``arm.inject(method, path_regex, status, times=1, retry_after=None, body=None)`` answers
the next ``times`` matching requests (``times=None``: forever) with that status and an ARM error
body; it runs before the auth check, so 401/403 can be injected too. ``arm.deny(...)`` is a
ready-made 403 ``AuthorizationFailed``. All state is guarded by one lock.

Observability: ``arm.requests`` (list of :class:`Logged`: method, path, query, time, status,
authorization), ``arm.counters`` (``collections.Counter``: ``"requests"``, ``"faults"``,
``"unauthorized"``, ``"status:<code>"``), ``arm.latency`` (seconds slept before each answer;
may be changed while running).

A handler that raises answers 500 ``FakeArmHandlerError`` and the exception is kept in
``arm.server_errors`` (assert it is empty when debugging a fake).

Middleware: ``arm.use(fn)`` wraps every request (before faults and auth): ``fn(req, answer)``
returns a :class:`Response`, calling ``answer(req)`` for the usual one (to refuse a request, or
to add headers to every answer; e.g. ``tests/fakearm/throttle.py``'s token bucket).

Auth: every request needs ``Authorization: Bearer <token>``; without one the answer is 401
``AuthenticationFailed`` like ARM's. ``arm.tokens`` (set) restricts the accepted tokens; ``None``
accepts any non-empty token.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit


class Response(NamedTuple):
    """What a route handler returns: status, JSON body (or None) and extra headers."""

    status: int
    body: dict[str, Any] | list[Any] | None = None
    headers: dict[str, str] = {}  # noqa: RUF012 - NamedTuple default, never mutated


@dataclass
class Request:
    """One incoming request as a handler sees it."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    params: dict[str, str] = field(default_factory=dict)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass
class Logged:
    """A request as recorded in ``FakeArm.requests``."""

    method: str
    path: str
    query: dict[str, str]
    time: float
    status: int = 0
    authorization: str | None = None


@dataclass
class Fault:
    """An injected failure; ``hits`` counts how often it fired."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int | None
    retry_after: float | None
    body: Any
    headers: dict[str, str]
    hits: int = 0


Handler = Callable[[Request], "Response | tuple[Any, ...]"]

_DEFAULT_ERRORS = {
    400: ("BadRequest", "The request is invalid."),
    401: ("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."),
    403: ("AuthorizationFailed", "The client does not have authorization to perform this action."),
    404: ("NotFound", "The requested resource was not found."),
    409: ("Conflict", "The request conflicts with the current state of the resource."),
    429: ("TooManyRequests", "The request is being throttled; retry after the given interval."),
    500: ("InternalServerError", "Encountered internal server error. Please try again."),
    502: ("BadGateway", "The gateway did not receive a response in time."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable. Please try again later."),
    504: ("GatewayTimeout", "The gateway did not receive a response in time."),
}


DROP = Response(0)  # close the connection without an answer (see the module docstring)


def arm_error(status: int, code: str | None = None, message: str | None = None) -> Response:
    """An ARM-shaped error response: ``{"error": {"code": ..., "message": ...}}``."""
    dcode, dmsg = _DEFAULT_ERRORS.get(status, ("Error", f"HTTP {status}"))
    return Response(status, {"error": {"code": code or dcode, "message": message or dmsg}}, {})


_RG_RE = re.compile(r"^/subscriptions/([^/]+)/resourcegroups/([^/]+)", re.IGNORECASE)


def resource_type_of(resource_id: str) -> str:
    """``Microsoft.Network/virtualNetworks/subnets`` from a full resource id."""
    parts = [p for p in resource_id.split("/") if p]
    low = [p.lower() for p in parts]
    if "providers" not in low:
        return "Microsoft.Resources/resourceGroups" if "resourcegroups" in low else "Microsoft.Resources/subscriptions"
    i = len(low) - 1 - low[::-1].index("providers")
    rest = parts[i + 1 :]
    return "/".join([rest[0], *rest[1::2]])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes; without NODELAY, Nagle + delayed ACK add ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _go(self) -> None:
        self.server.arm._dispatch(self)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _go


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    arm: FakeArm

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (Ctrl-C tests) are normal; anything else is kept for the test."""
        import sys

        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionResetError, BrokenPipeError)):
            with self.arm.lock:
                self.arm.server_errors.append(exc)


class FakeArm:
    """A threaded fake Resource Manager on 127.0.0.1 (ephemeral port). See the module docstring."""

    def __init__(self, latency: float = 0.0, default_subscription: str = "00000000-0000-0000-0000-000000000000"):
        self.latency = latency
        self.default_subscription = default_subscription
        self.resources: dict[str, dict[str, Any]] = {}
        self.requests: list[Logged] = []
        self.counters: Counter[str] = Counter()
        self.tokens: set[str] | None = None
        self.server_errors: list[BaseException | None] = []  # handler crashes (a test bug), not faults
        self.lock = threading.RLock()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._middleware: list[Callable[[Request, Callable[[Request], Response]], Response]] = []
        self._faults: list[Fault] = []
        self._ops: dict[str, dict[str, Any]] = {}
        self._op_ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._install_builtins()

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> FakeArm:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.arm = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01},
                                        name="fakearm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeArm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "FakeArm not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """Absolute URL on this server for ``path``."""
        return self.base_url + path

    # ---------------------------------------------------------------- routes
    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register ``handler`` for ``method`` (or ``"*"``) and a path regex (fullmatch, no case)."""
        rx = re.compile(pattern, re.IGNORECASE)

        def deco(handler: Handler) -> Handler:
            with self.lock:
                self._routes.append((method.upper(), rx, handler))
            return handler

        return deco

    def use(self, middleware: Callable[[Request, Callable[[Request], Response]], Response]) -> None:
        """Wrap every request with ``middleware(req, answer)`` (see the module docstring)."""
        with self.lock:
            self._middleware.append(middleware)

    # ---------------------------------------------------------------- resources
    def put_resource(self, resource_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Store a resource (GET by id then answers it); fills ``id``, ``name`` and ``type``."""
        doc = dict(body or {})
        doc.setdefault("id", resource_id)
        doc.setdefault("name", resource_id.rstrip("/").rsplit("/", 1)[-1])
        doc.setdefault("type", resource_type_of(resource_id))
        with self.lock:
            self.resources[resource_id.lower()] = doc
        return doc

    def get_resource(self, resource_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self.resources.get(resource_id.lower().rstrip("/"))

    def add_resource_group(self, subscription: str, name: str, location: str = "westeurope",
                           tags: dict[str, str] | None = None) -> dict[str, Any]:
        rid = f"/subscriptions/{subscription}/resourceGroups/{name}"
        return self.put_resource(rid, {"id": rid, "name": name, "type": "Microsoft.Resources/resourceGroups",
                                       "location": location, "tags": tags or {},
                                       "properties": {"provisioningState": "Succeeded"}})

    def missing_resource_group(self, req: Request | str) -> Response | None:
        """A 404 ``ResourceGroupNotFound`` when the path is under an unregistered group, else None."""
        path = req if isinstance(req, str) else req.path
        m = _RG_RE.match(path)
        if not m:
            return None
        if self.get_resource(m.group(0)) is None:
            return arm_error(404, "ResourceGroupNotFound", f"Resource group '{unquote(m.group(2))}' could not be found.")
        return None

    # ---------------------------------------------------------------- long-running operations
    def begin_operation(self, final_body: Any = None, polls: int = 1, final_status: int = 200, *,
                        style: str = "location", initial_status: int = 202, initial_body: Any = None,
                        subscription: str | None = None, failed_error: dict[str, Any] | None = None) -> Response:
        """Start a long-running operation and return the initial response to send.

        ``style="location"``: ``Location`` answers 202 ``polls`` times, then ``final_status`` +
        ``final_body``. ``style="azure-async"``: ``Azure-AsyncOperation`` answers
        ``{"status": "InProgress"}`` ``polls`` times, then ``Succeeded`` (or ``Failed`` with
        ``failed_error``); the caller serves the final resource GET itself.
        """
        op = f"op{next(self._op_ids)}"
        sub = subscription or self.default_subscription
        path = f"/subscriptions/{sub}/providers/Microsoft.Resources/operationResults/{op}"
        with self.lock:
            self._ops[op.lower()] = {"remaining": polls, "final_body": final_body, "final_status": final_status,
                                     "style": style, "failed_error": failed_error, "polled": 0}
        header = "Location" if style == "location" else "Azure-AsyncOperation"
        return Response(initial_status, initial_body, {header: self.url(path), "Retry-After": "0"})

    def operation_polls(self, op_url_or_id: str) -> int:
        """How many times an operation's status was fetched."""
        op = op_url_or_id.rstrip("/").rsplit("/", 1)[-1].lower()
        with self.lock:
            return self._ops[op]["polled"]

    def _poll(self, req: Request) -> Response:
        op = req.params["op"].lower()
        with self.lock:
            st = self._ops.get(op)
            if st is None:
                return arm_error(404, "OperationNotFound", f"Operation '{op}' was not found.")
            st["polled"] += 1
            if st["remaining"] > 0:
                st["remaining"] -= 1
                if st["style"] == "location":
                    return Response(202, None, {"Location": self.url(req.path), "Retry-After": "0"})
                return Response(200, {"status": "InProgress"}, {"Retry-After": "0"})
        if st["style"] == "location":
            return Response(st["final_status"], st["final_body"], {})
        if st["failed_error"]:
            return Response(200, {"status": "Failed", "error": st["failed_error"]}, {})
        return Response(200, {"status": "Succeeded"}, {})

    # ---------------------------------------------------------------- faults
    def inject(self, method: str, path_regex: str, status: int, times: int | None = 1,
               retry_after: float | None = None, body: Any = None, headers: dict[str, str] | None = None) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (``times=None``: always)."""
        if body is None:
            body = arm_error(status).body
        fault = Fault(method.upper(), re.compile(path_regex, re.IGNORECASE), status, times, retry_after, body,
                      dict(headers or {}))
        with self.lock:
            self._faults.append(fault)
        return fault

    def deny(self, action: str, path_regex: str, scope: str, client: str = "ci@example.com",
             object_id: str = "11111111-2222-3333-4444-555555555555", method: str = "*") -> Fault:
        """A permanent 403 ``AuthorizationFailed`` worded like ARM's."""
        msg = (f"The client '{client}' with object id '{object_id}' does not have authorization to perform "
               f"action '{action}' over scope '{scope}' or the scope is invalid. If access was recently "
               f"granted, please refresh your credentials.")
        return self.inject(method, path_regex, 403, times=None, body={"error": {"code": "AuthorizationFailed", "message": msg}})

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for f in self._faults:
                if f.times is not None and f.hits >= f.times:
                    continue
                if f.method in ("*", method) and f.pattern.search(path):
                    f.hits += 1
                    return f
        return None

    # ---------------------------------------------------------------- observability
    def requests_matching(self, method: str, path_regex: str) -> list[Logged]:
        rx = re.compile(path_regex, re.IGNORECASE)
        with self.lock:
            return [r for r in self.requests if method.upper() in ("*", r.method) and rx.search(r.path)]

    # ---------------------------------------------------------------- built-in routes
    def _install_builtins(self) -> None:
        self.route("GET", r"/subscriptions/[^/]+/providers/Microsoft\.Resources/operationResults/(?P<op>[^/]+)")(self._poll)

        @self.route("PUT", r"/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)")
        def put_rg(req: Request) -> Response:
            body = req.json or {}
            existed = self.get_resource(req.path) is not None
            doc = self.add_resource_group(req.params["sub"], unquote(req.params["rg"]), body.get("location", "westeurope"),
                                          body.get("tags"))
            return Response(200 if existed else 201, doc, {})

        @self.route("GET", r"/subscriptions/[^/]+/resourcegroups/[^/]+(/.*)?")
        def get_by_id(req: Request) -> Response:
            miss = self.missing_resource_group(req)
            if miss:
                return miss
            doc = self.get_resource(req.path)
            if doc is None:
                rtype = resource_type_of(req.path)
                name = req.path.rstrip("/").rsplit("/", 1)[-1]
                rg = unquote(_RG_RE.match(req.path).group(2))  # type: ignore[union-attr]
                return arm_error(404, "ResourceNotFound",
                                 f"The Resource '{rtype}/{name}' under resource group '{rg}' was not found. "
                                 "For more details please go to https://aka.ms/ARMResourceNotFoundFix")
            return Response(200, doc, {})

        @self.route("HEAD", r"/subscriptions/[^/]+/resourcegroups/[^/]+(/.*)?")
        def head_by_id(req: Request) -> Response:
            if self.missing_resource_group(req) or self.get_resource(req.path) is None:
                return Response(404, None, {})
            return Response(204, None, {})

    # ---------------------------------------------------------------- dispatch
    def _dispatch(self, h: _Handler) -> None:
        method = h.command.upper()
        split = urlsplit(h.path)
        path = unquote(split.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in h.headers.items()}
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        entry = Logged(method, path, query, time.time(), authorization=headers.get("authorization"))
        with self.lock:
            self.requests.append(entry)
            self.counters["requests"] += 1
        if self.latency:
            time.sleep(self.latency)
        answer: Callable[[Request], Response] = self._answer
        with self.lock:
            middleware = list(self._middleware)
        for mw in reversed(middleware):
            answer = (lambda inner, f: lambda r: f(r, inner))(answer, mw)
        resp = answer(Request(method, path, query, body, headers))
        entry.status = resp.status
        with self.lock:
            self.counters[f"status:{resp.status}"] += 1
        self._send(h, resp)

    def _answer(self, req: Request) -> Response:
        fault = self._take_fault(req.method, req.path)
        if fault is not None:
            with self.lock:
                self.counters["faults"] += 1
            hdrs = dict(fault.headers)
            if fault.retry_after is not None:
                hdrs["Retry-After"] = f"{fault.retry_after:g}"
            return Response(fault.status, fault.body, hdrs)
        auth = req.header("authorization") or ""
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not token or (self.tokens is not None and token not in self.tokens):
            with self.lock:
                self.counters["unauthorized"] += 1
            msg = ("Authentication failed. The 'Authorization' header is missing." if not token
                   else "The access token is invalid.")
            code = "AuthenticationFailed" if not token else "InvalidAuthenticationToken"
            return Response(401, {"error": {"code": code, "message": msg}},
                            {"WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", '
                                                 'error="invalid_token", error_description="' + msg + '"'})
        with self.lock:
            routes = list(reversed(self._routes))
        for method, rx, handler in routes:
            if method not in ("*", req.method):
                continue
            m = rx.fullmatch(req.path.rstrip("/") or "/")
            if m:
                req.params = {k: v for k, v in m.groupdict().items() if v is not None}
                try:
                    out = handler(req)
                except Exception as exc:  # a bug in a test handler: answer 500, keep the exception
                    with self.lock:
                        self.server_errors.append(exc)
                    return arm_error(500, "FakeArmHandlerError", f"{type(exc).__name__}: {exc}")
                if isinstance(out, Response):
                    return out
                return Response(out[0], out[1] if len(out) > 1 else None, (out[2] if len(out) > 2 else None) or {})
        return arm_error(404, "NotFound", f"No route for {req.method} {req.path} in the fake Resource Manager.")

    @staticmethod
    def _send(h: _Handler, resp: Response) -> None:
        if resp.status == 0:  # DROP: processed, never answered
            h.close_connection = True
            return
        data = b"" if resp.body is None else json.dumps(resp.body).encode()
        h.send_response(resp.status)
        hdrs = {k.lower(): (k, v) for k, v in (resp.headers or {}).items()}
        if data:
            h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("x-ms-request-id", f"fakearm-{id(resp):x}")
        for k, v in hdrs.values():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if data and h.command != "HEAD":
            h.wfile.write(data)
