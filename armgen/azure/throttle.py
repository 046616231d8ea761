"""Throttling that slows a rollout down but never ends it by itself.

Why: Resource Manager meters requests per subscription and principal (a token bucket per
subscription since 2024: writes 200 tokens refilled at 10/s, reads 250 at 25/s). When the bucket
is empty it answers 429 with ``Retry-After`` and keeps refusing until then. A rollout that
treated each 429 as an error of its own request ran out of its retry budget in seconds and
stopped the whole rollout; one where every worker honoured only its own 429 kept hammering the
bucket and resumed, all workers at the same instant, into the next 429.

So every request of a rollout passes through one :class:`Throttle`, which keeps, per
subscription (the URL's ``/subscriptions/{id}``):

- a **pause**: a 429 closes the subscription for its ``Retry-After`` (capped by
  ``ARMGEN_MAX_RETRY_AFTER``), for every worker, and each waiter resumes at a random moment in a
  short window after it (jitter) instead of all at once;
- an **AIMD limit** on requests in flight: halved on a 429 (once per pause), raised by one per
  window of successes, between 1 and the inventory's concurrency;
- **early pacing**: ``x-ms-ratelimit-remaining-subscription-(global-)reads/writes`` on every
  answer tell how many tokens are left; below a low-water mark, requests of that kind are spaced,
  the more the emptier the bucket (up to the documented refill interval when it is empty), so the
  rollout settles at the rate the bucket refills instead of emptying it.

The SDK's own machinery does the rest: :func:`rollout_retry_policy` is azure-core's
``RetryPolicy`` with three changes (a 429 does not consume the error retry budget, only the
target's deadline bounds it; its sleeps wake on Ctrl-C; a write marked ``armgen_write_once`` is
never re-sent after its answer was lost or was a 5xx, because it may have taken effect: the
caller looks the result up by GET instead), and :func:`rollout_polling` is azure-mgmt-core's
``ARMPolling`` (``Azure-AsyncOperation``/``Location``, final GET) with its delay rule changed:
a ``Retry-After`` above 0 is honoured, otherwise polls start at 1 s and back off to
``ARMGEN_POLL_INTERVAL``. Per-request options (``armgen_deadline``, ``armgen_write_once``) ride in
the pipeline context like the SDK's own ``retry_total``.
"""

from __future__ import annotations

import email.utils
import functools
import math
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Resource Manager's documented subscription buckets: refill rates per second
REFILL_PER_SECOND = {"read": 25.0, "write": 10.0}
REMAINING_HEADERS = {
    "read": ("x-ms-ratelimit-remaining-subscription-reads", "x-ms-ratelimit-remaining-subscription-global-reads"),
    "write": ("x-ms-ratelimit-remaining-subscription-writes", "x-ms-ratelimit-remaining-subscription-global-writes"),
}
DEFAULT_PAUSE = 1.0  # a 429 without a usable Retry-After
JITTER_MAX = 1.0  # seconds; the resume window is a quarter of the pause, at most this
_SUB_RX = re.compile(r"/subscriptions/([^/?#]+)", re.IGNORECASE)


class Interrupted(Exception):
    """Raised inside a worker's request when the rollout is being stopped (Ctrl-C)."""


class DeadlineExceeded(Exception):
    """The target's deadline passed while a request waited (throttled or polling)."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent/bad."""
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if math.isfinite(seconds):
        return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _remaining(headers: Any, kind: str) -> int | None:
    """The fewest tokens any of Resource Manager's remaining-request headers reports."""
    found: list[int] = []
    for name in REMAINING_HEADERS[kind]:
        raw = headers.get(name)
        if raw is not None and str(raw).strip().isdigit():
            found.append(int(str(raw).strip()))
    return min(found) if found else None


def request_kind(method: str) -> str:
    return "read" if method.upper() in ("GET", "HEAD") else "write"


@dataclass
class SubscriptionThrottle:
    """Pause, AIMD limit and pacing of one subscription (see module docstring)."""

    key: str
    max_limit: int
    throttle: Throttle
    limit: float = 0.0
    in_flight: int = 0
    waiting: int = 0  # threads waiting for a slot right now
    paused_until: float = 0.0
    pause_length: float = 0.0
    epoch: int = 0  # bumped whenever a pause is started or extended
    decreased_at: float = -1.0  # when the limit was last halved: 429s to requests sent before count as that event
    pace: dict[str, float] = field(default_factory=lambda: {"read": 0.0, "write": 0.0})
    most: dict[str, int] = field(default_factory=lambda: {"read": 0, "write": 0})  # most tokens ever reported
    next_send: dict[str, float] = field(default_factory=lambda: {"read": 0.0, "write": 0.0})
    cond: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.limit = float(self.max_limit)

    def low_water(self, kind: str) -> float:
        """Tokens left below which requests are paced: two full rounds of workers (at least 10),
        but at most half the most this bucket was ever seen to hold (a small bucket is not
        "always low")."""
        return min(max(10, 2 * self.max_limit), self.most[kind] / 2)

    def _pace(self, kind: str, remaining: int) -> None:
        """Space requests more the emptier the bucket: none at the low-water mark, the documented
        refill interval at empty. The spacing settles where the bucket stops draining."""
        self.most[kind] = max(self.most[kind], remaining)
        low = self.low_water(kind)
        if remaining >= low or low <= 0:
            self.pace[kind] = 0.0
        else:
            self.pace[kind] = (low - remaining) / low / REFILL_PER_SECOND[kind]

    def acquire(self, kind: str, deadline: float | None) -> float:
        """Wait for a slot: not paused (plus this waiter's jitter), under the limit, paced.
        Returns when the request goes out (for :meth:`release`)."""
        stats = self.throttle.stats
        resume_at: tuple[int, float] | None = None  # (epoch, when) this waiter picked for a pause
        waited = paced = False
        with self.cond:
            while True:
                if self.throttle.stop.is_set():
                    raise Interrupted("rollout interrupted")
                now = time.monotonic()
                wake: float | None
                if now < self.paused_until or (resume_at is not None and resume_at[0] == self.epoch
                                               and now < resume_at[1]):
                    if resume_at is None or resume_at[0] != self.epoch:
                        span = min(JITTER_MAX, self.pause_length / 4)
                        resume_at = (self.epoch, self.paused_until + self.throttle.rng.uniform(0, span))
                    wake = resume_at[1]
                elif self.in_flight >= max(1, int(self.limit)):
                    wake = None  # a release notifies
                elif self.pace[kind] and now < self.next_send[kind]:
                    wake = self.next_send[kind]
                    if not paced:
                        stats["paced"] += 1  # requests that waited for their slot
                        paced = True
                else:
                    self.in_flight += 1
                    if self.pace[kind]:
                        self.next_send[kind] = max(now, self.next_send[kind]) + self.pace[kind]
                    if waited:
                        stats["waits"] += 1
                    return now
                waited = True
                if deadline is not None and (wake or now) > deadline:
                    raise DeadlineExceeded("the target's deadline passed while Resource Manager throttled it")
                timeout = 0.5 if wake is None else max(0.0, wake - now)
                if deadline is not None:
                    timeout = min(timeout, max(0.0, deadline - now) + 0.001)
                self.waiting += 1
                try:
                    self.cond.wait(timeout)
                finally:
                    self.waiting -= 1

    def release(self, kind: str, status: int | None, retry_after: float | None, remaining: int | None,
                sent: float | None = None) -> None:
        """Account for one answer (``status`` None: no answer, a connection error) to a request
        that went out at ``sent`` (from :meth:`acquire`)."""
        stats = self.throttle.stats
        with self.cond:
            self.in_flight -= 1
            now = time.monotonic()
            if status == 429:
                stats["throttled"] += 1
                pause = min(DEFAULT_PAUSE if retry_after is None else retry_after, self.throttle.max_pause)
                if now + pause > self.paused_until:
                    self.paused_until = now + pause
                    self.pause_length = pause
                    self.epoch += 1
                    stats["pauses"] += 1
                # once per congestion event: the 429s to requests already out when the limit was
                # halved are the same event (as TCP halves its window once per round trip)
                if sent is None or sent > self.decreased_at:
                    self.limit = max(1.0, self.limit / 2)
                    self.decreased_at = now
                    stats["decreases"] += 1
            elif status is not None and status < 400:
                self.limit = min(float(self.max_limit), self.limit + 1 / max(self.limit, 1.0))
            if remaining is not None:
                self._pace(kind, remaining)
            self.cond.notify_all()


class Throttle:
    """The run-wide registry of :class:`SubscriptionThrottle` (one per subscription) and stop flag."""

    def __init__(self, max_concurrency: int = 8, max_pause: float = 60.0, wait_cap: float = 3600.0,
                 rng: random.Random | None = None):
        self.max_concurrency = max(1, max_concurrency)
        self.max_pause = max_pause
        self.wait_cap = wait_cap  # bound for a request's 429 loop when no deadline was given
        self.stop = threading.Event()
        self.rng = rng or random.Random()
        self.stats: dict[str, int] = {"throttled": 0, "pauses": 0, "waits": 0, "decreases": 0, "paced": 0}
        self._lock = threading.Lock()
        self._subs: dict[str, SubscriptionThrottle] = {}

    def for_url(self, url: str) -> SubscriptionThrottle:
        m = _SUB_RX.search(url)
        key = m.group(1).lower() if m else ""
        with self._lock:
            sub = self._subs.get(key)
            if sub is None:
                sub = self._subs[key] = SubscriptionThrottle(key, self.max_concurrency, self)
            return sub

    def subscriptions(self) -> list[SubscriptionThrottle]:
        with self._lock:
            return list(self._subs.values())

    def halt(self) -> None:
        """Stop: every waiter (at a pause, a limit or a poll) raises :class:`Interrupted` now."""
        self.stop.set()
        for sub in self.subscriptions():
            with sub.cond:
                sub.cond.notify_all()

    def wait(self, seconds: float, deadline: float | None = None) -> None:
        """Sleep ``seconds`` unless stopped (:class:`Interrupted`) or past ``deadline``."""
        if deadline is not None and time.monotonic() + seconds > deadline:
            self.stop.wait(max(0.0, deadline - time.monotonic()))
            if self.stop.is_set():
                raise Interrupted("rollout interrupted")
            raise DeadlineExceeded("the target's deadline passed")
        if self.stop.wait(seconds):
            raise Interrupted("rollout interrupted")


# ---------------------------------------------------------------- azure-core extensions
def throttle_policy(throttle: Throttle) -> Any:
    """An azure-core ``HTTPPolicy`` that takes every attempt through ``throttle``.

    It sits in the clients' ``custom_hook_policy`` slot, inside the retry loop, so first tries
    and retries alike wait for the subscription's pause, limit and pacing.
    """
    from azure.core.pipeline.policies import HTTPPolicy

    class ThrottlePolicy(HTTPPolicy):  # type: ignore[misc]
        def send(self, request: Any) -> Any:
            ctx = request.context
            if "armgen_deadline" not in ctx:  # first attempt: move our options out of the transport's way
                ctx["armgen_deadline"] = ctx.options.pop("armgen_deadline", None)
                ctx.options.pop("armgen_write_once", None)
            http = request.http_request
            kind = request_kind(http.method)
            sub = throttle.for_url(http.url)
            sent = sub.acquire(kind, ctx["armgen_deadline"])
            status: int | None = None
            retry_after: float | None = None
            remaining: int | None = None
            try:
                response = self.next.send(request)
                headers = response.http_response.headers
                status = response.http_response.status_code
                retry_after = parse_retry_after(headers.get("Retry-After"))
                remaining = _remaining(headers, kind)
                return response
            finally:
                sub.release(kind, status, retry_after, remaining, sent)

    return ThrottlePolicy()


def rollout_retry_policy(throttle: Throttle, total: int, backoff: float, max_retry_after: float) -> Any:
    """azure-core's ``RetryPolicy`` for a rollout (see module docstring for the three changes)."""
    from azure.core.pipeline import PipelineResponse
    from azure.core.pipeline.policies import RetryPolicy

    class RolloutRetryPolicy(RetryPolicy):  # type: ignore[misc]
        def configure_retries(self, options: dict[str, Any]) -> dict[str, Any]:
            settings = super().configure_retries(options)
            deadline = options.get("armgen_deadline")  # popped later by the throttle policy
            settings["armgen_deadline"] = deadline if deadline is not None else time.monotonic() + throttle.wait_cap
            settings["armgen_write_once"] = bool(options.get("armgen_write_once"))
            return settings

        @staticmethod
        def _throttled(response: Any) -> bool:
            return isinstance(response, PipelineResponse) and response.http_response.status_code == 429

        def is_retry(self, settings: dict[str, Any], response: Any) -> bool:
            if self._throttled(response):
                return True  # not processed by Resource Manager: always safe to send again
            if settings["armgen_write_once"] and response.http_request.method.upper() != "GET":
                return False  # a 5xx/408 answer to a write: it may have taken effect
            return bool(super().is_retry(settings, response))

        def increment(self, settings: dict[str, Any], response: Any = None, error: Exception | None = None) -> bool:
            if error is None and self._throttled(response):  # free of the error budget
                if time.monotonic() >= settings["armgen_deadline"]:
                    raise DeadlineExceeded("the target's deadline passed while Resource Manager throttled it")
                return True
            if error is not None and settings["armgen_write_once"] and self._is_read_error(error):
                return False  # the request went out; whether it arrived is for a GET to tell
            return bool(super().increment(settings, response=response, error=error))

        def sleep(self, settings: dict[str, Any], transport: Any, response: Any = None) -> None:
            if self._throttled(response):
                return  # the throttle policy holds the next attempt until the pause (and jitter) ends
            delay = None
            if response is not None:
                delay = self.get_retry_after(response)
            if delay is None:
                delay = self.get_backoff_time(settings)
            throttle.wait(min(delay, max_retry_after), settings["armgen_deadline"])

    return RolloutRetryPolicy(retry_total=total, retry_connect=min(total, 2), retry_read=min(total, 2),
                              retry_backoff_factor=backoff, retry_backoff_max=max(backoff * 8, 1))


class PollSchedule:
    """Delays between status reads: a server's ``Retry-After`` above 0 wins; otherwise start at
    1 s (or the ceiling, if lower) and double up to ``ceiling`` (``ARMGEN_POLL_INTERVAL``).

    Why: a fixed 5 s interval makes a 20 s deployment look like 25 s and a 1 s one like 5 s; a
    short deployment should be seen finished within a second or two of its end, a long one
    should not cost a status read every second. ``Retry-After: 0`` is read as "no hint" (as
    azure-core does), not as "ask again at once".
    """

    def __init__(self, ceiling: float, max_retry_after: float, start: float = 1.0):
        self.ceiling = max(0.0, ceiling)
        self.max_retry_after = max_retry_after
        self.current = min(start, self.ceiling)

    def next(self, retry_after: float | None) -> float:
        if retry_after:
            return min(retry_after, self.max_retry_after)
        delay = self.current
        self.current = min(max(self.current * 2, 0.001) if self.current else 0.0, self.ceiling)
        return delay


@functools.cache
def _polling_classes() -> tuple[type, type]:
    """(RolloutPolling, StatusOnly), built once: azure is imported only when a rollout polls."""
    from azure.core.polling.base_polling import LROBasePolling
    from azure.core.polling.base_polling import get_retry_after as lro_retry_after
    from azure.mgmt.core.polling.arm_polling import ARMPolling, AzureAsyncOperationPolling

    class StatusOnly(AzureAsyncOperationPolling):  # type: ignore[misc]
        def get_final_get_url(self, pipeline_response: Any) -> None:
            return None

    class RolloutPolling(ARMPolling):  # type: ignore[misc]
        def __init__(self, throttle: Throttle, schedule: PollSchedule, deadline: float | None,
                     on_status: Callable[[str], None] | None, **kwargs: Any):
            super().__init__(**kwargs)
            self._armgen = (throttle, schedule, deadline, on_status)

        def run(self) -> None:
            # azure-core reads the status at once; the initial answer's Retry-After (or the
            # schedule's first delay) comes first, as Resource Manager asks
            if not self.finished():
                self._delay()
            super().run()

        def _extract_delay(self) -> float:
            return self._armgen[1].next(lro_retry_after(self._pipeline_response))

        def _sleep(self, delay: float) -> None:
            self._armgen[0].wait(delay, self._armgen[2])

        def update_status(self) -> None:
            before = self._status
            LROBasePolling.update_status(self)
            on_status = self._armgen[3]
            if on_status is not None and self._status != before:
                on_status(self._status)

    return RolloutPolling, StatusOnly


def rollout_polling(throttle: Throttle, schedule: PollSchedule, deadline: float | None,
                    on_status: Callable[[str], None] | None = None, final_get: bool = True,
                    **operation_config: Any) -> Any:
    """azure-mgmt-core's ``ARMPolling`` with the :class:`PollSchedule` delays, sleeps that wake on
    Ctrl-C and stop at the target's deadline, and a callback on every status change.

    ``final_get=False``: when the ``Azure-AsyncOperation`` status says the operation ended, that
    is the answer (no GET of the resource afterwards): a rollout needs only to know that the
    deployment succeeded, and reads it by GET when it did not. One request fewer per target.
    """
    from azure.core.polling.base_polling import LocationPolling, StatusCheckPolling
    from azure.mgmt.core.polling.arm_polling import BodyContentPolling

    polling, status_only = _polling_classes()
    algorithms = None if final_get else [status_only(), LocationPolling(), BodyContentPolling(), StatusCheckPolling()]
    return polling(throttle, schedule, deadline, on_status, timeout=schedule.ceiling, lro_algorithms=algorithms,
                   armgen_deadline=deadline, **operation_config)
