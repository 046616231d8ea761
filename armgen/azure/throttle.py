"""One throttle for all rollout workers: when Resource Manager says 429 to any of them, all wait.

Why: ARM's limits are per subscription and principal, not per connection. If each worker only
honoured the ``Retry-After`` of its own 429, the other workers would keep hammering the same
bucket and draw more 429s (and longer penalties). :class:`ThrottleGate` is shared by every SDK
client of a rollout; :class:`SharedThrottlePolicy` sits inside the SDK's retry loop (the
``custom_hook_policy`` slot of the generated clients, after ``RetryPolicy``), so every attempt,
first try or retry, waits for the gate, and any 429 with ``Retry-After`` closes it for everyone.
The SDK's ``RetryPolicy`` still bounds how often one request is retried.
"""

from __future__ import annotations

import email.utils
import threading
import time
from typing import Any


class Interrupted(Exception):
    """Raised inside a worker's request when the rollout is being stopped (Ctrl-C)."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent/bad."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class ThrottleGate:
    """A shared "not before" time; ``max_pause`` caps one pause so a bad header cannot stall a run."""

    def __init__(self, max_pause: float = 60.0):
        self.max_pause = max_pause
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._until = 0.0
        self.pauses = 0  # how many 429s closed the gate
        self.waits = 0  # how many requests had to wait at the gate

    def close_for(self, seconds: float) -> None:
        """Nobody sends before ``now + seconds`` (extends, never shortens, a pause)."""
        until = time.monotonic() + min(max(seconds, 0.0), self.max_pause)
        with self._lock:
            self.pauses += 1
            self._until = max(self._until, until)

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._until - time.monotonic())

    def wait(self) -> None:
        """Block until the gate is open; raise :class:`Interrupted` if the rollout is stopping."""
        counted = False
        while True:
            if self.stop.is_set():
                raise Interrupted("rollout interrupted")
            delay = self.remaining()
            if delay <= 0:
                return
            if not counted:
                with self._lock:
                    self.waits += 1
                counted = True
            self.stop.wait(delay)


def shared_throttle_policy(gate: ThrottleGate) -> Any:
    """An azure-core ``SansIOHTTPPolicy`` bound to ``gate`` (built lazily: azure is imported here)."""
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    class SharedThrottlePolicy(SansIOHTTPPolicy):  # type: ignore[misc]
        """Wait at the shared gate before each attempt; close it on 429 + Retry-After."""

        def on_request(self, request: Any) -> None:
            gate.wait()

        def on_response(self, request: Any, response: Any) -> None:
            http = response.http_response
            if http.status_code == 429:
                after = parse_retry_after(http.headers.get("Retry-After"))
                gate.close_for(1.0 if after is None else after)

    return SharedThrottlePolicy()
