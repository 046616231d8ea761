"""A Resource Manager that misbehaves: raw (non-JSON) bodies, huge or endless ones, redirects.

Extends :class:`tests.fakearm.server.FakeArm` without changing it: ``HostileArm`` is a FakeArm
whose handlers (and faults) may also answer a :class:`Raw` body, sent byte for byte, optionally
chunked and optionally produced lazily (so a test can offer gigabytes without holding them)::

    arm = HostileArm(default_subscription=SUBSCRIPTION)
    arm.route("POST", WHATIF_PATH)(lambda req: raw(200, b"{not json"))
    arm.route("POST", WHATIF_PATH)(lambda req: raw(200, zeros(2 << 30), chunked=True))
    arm.route("POST", WHATIF_PATH)(lambda req: endless_operation(arm, sub))  # 202 + Retry-After: 0 for ever
    arm.route("POST", WHATIF_PATH)(lambda req: redirect(other.url("/x")))

``arm.bytes_sent`` counts the body bytes written (to show a huge body was not read to its end).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from tests.fakearm.server import FakeArm, Response, _Handler


class Raw(NamedTuple):
    """A body sent as is: bytes, or an iterable of chunks (lazily produced)."""

    data: bytes | Iterable[bytes]
    content_type: str | None = "application/json"
    chunked: bool = False
    declared_length: int | None = None  # a Content-Length to announce instead of the real one


def raw(status: int, data: bytes | Iterable[bytes], headers: dict[str, str] | None = None, *,
        content_type: str | None = "application/json", chunked: bool = False,
        declared_length: int | None = None) -> Response:
    return Response(status, Raw(data, content_type, chunked, declared_length), dict(headers or {}))  # type: ignore[arg-type]


def zeros(total: int, chunk: int = 1 << 16) -> Iterator[bytes]:
    """``total`` bytes of ``0`` characters in chunks (a JSON number that never ends)."""
    block = b"0" * chunk
    sent = 0
    while sent < total:
        n = min(chunk, total - sent)
        yield block[:n]
        sent += n


def endless_operation(arm: FakeArm, subscription: str, retry_after: str = "0") -> Response:
    """A 202 whose ``Location`` answers 202 (``Retry-After: 0``) for ever."""
    resp = arm.begin_operation({}, polls=10**12, subscription=subscription)
    headers = dict(resp.headers)
    headers["Retry-After"] = retry_after
    return Response(resp.status, resp.body, headers)


def redirect(location: str, status: int = 307) -> Response:
    return Response(status, None, {"Location": location})


class HostileArm(FakeArm):
    """A FakeArm that can also send :class:`Raw` bodies."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.bytes_sent = 0

    def _send(self, h: _Handler, resp: Response) -> None:  # type: ignore[override]
        body = resp.body
        if not isinstance(body, Raw):
            FakeArm._send(h, resp)
            return
        h.send_response(resp.status)
        if body.content_type:
            h.send_header("Content-Type", body.content_type)
        for k, v in (resp.headers or {}).items():
            h.send_header(k, v)
        data = body.data
        if body.chunked:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            if not isinstance(data, bytes):
                data = b"".join(data)
            h.send_header("Content-Length", str(body.declared_length if body.declared_length is not None else len(data)))
        h.end_headers()
        if h.command == "HEAD":
            return
        try:
            if body.chunked:
                for chunk in ([data] if isinstance(data, bytes) else data):
                    if chunk:
                        h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        with self.lock:
                            self.bytes_sent += len(chunk)
                h.wfile.write(b"0\r\n\r\n")
            else:
                assert isinstance(data, bytes)
                h.wfile.write(data)
                with self.lock:
                    self.bytes_sent += len(data)
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: the point
            h.close_connection = True
