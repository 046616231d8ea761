"""Resource Manager's token-bucket throttling on the fake: ``bucket = install_token_bucket(arm, ...)``.

Since 2024 ARM meters each subscription with a token bucket (e.g. writes: 200 tokens, refilled at
10 per second). A request takes a token; with none left the answer is 429 with ``Retry-After``,
and the subscription stays refused until that time has passed, whatever refilled meanwhile (so
every client that waited resumes at the same instant, unless it jitters). Every answer carries
``x-ms-ratelimit-remaining-subscription-reads`` (GET/HEAD) or ``-writes`` (anything else) with
the tokens left.

``capacity`` and ``rate`` (tokens per second) shape the bucket, one per subscription (the URL's
``/subscriptions/{id}``), shared by reads and writes unless ``split=True``; ``headers=False``
leaves out the remaining-requests headers (a client then learns of the bucket only from 429s);
``initial`` is what a bucket holds at first (default: full; 0: the first request is refused,
however slowly the client sends). ``retry_after`` is the
shortest wait announced: with a whole number the header is whole seconds (rounded up), as ARM
sends it; a fraction lets fast tests use short pauses.

Observability: ``bucket.accepted`` and ``bucket.throttled`` (requests let through / refused) and
``bucket.refused_at`` (monotonic times of the 429s).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.fakearm.server import FakeArm, Request, Response, arm_error

_SUB = re.compile(r"/subscriptions/([^/]+)", re.IGNORECASE)


@dataclass
class TokenBucket:
    capacity: float
    rate: float
    retry_after: float = 1.0
    split: bool = False
    headers: bool = True
    initial: float | None = None
    tokens: dict[str, float] = field(default_factory=dict)
    updated: dict[str, float] = field(default_factory=dict)
    blocked_until: dict[str, float] = field(default_factory=dict)
    accepted: int = 0
    throttled: int = 0
    refused_at: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _header(self, seconds: float) -> str:
        if float(self.retry_after).is_integer():
            return str(max(1, math.ceil(seconds - 1e-9)))
        return f"{seconds:.3f}"

    def __call__(self, req: Request, answer: Callable[[Request], Response]) -> Response:
        m = _SUB.search(req.path)
        kind = "reads" if req.method in ("GET", "HEAD") else "writes"
        key = (m.group(1).lower() if m else "") + (f"/{kind}" if self.split else "")
        now = time.monotonic()
        with self.lock:
            last = self.updated.get(key, now)
            start = self.capacity if self.initial is None else self.initial
            have = min(self.capacity, self.tokens.get(key, start) + (now - last) * self.rate)
            self.updated[key] = now
            self.tokens[key] = have
            until = self.blocked_until.get(key, 0.0)
            if now >= until and have < 1:
                until = now + max(self.retry_after, (1 - have) / self.rate)
                self.blocked_until[key] = until
            if now < until:
                self.throttled += 1
                self.refused_at.append(now)
                resp = arm_error(429, "TooManyRequests", "The request is being throttled: the subscription's "
                                 f"{kind} bucket is empty.")
                extra = {f"x-ms-ratelimit-remaining-subscription-{kind}": "0"} if self.headers else {}
                return resp._replace(headers={"Retry-After": self._header(until - now), **extra})
            self.tokens[key] = have - 1
            left = int(have - 1)
            self.accepted += 1
        resp = answer(req)
        if not self.headers:
            return resp
        return resp._replace(headers={**(resp.headers or {}), f"x-ms-ratelimit-remaining-subscription-{kind}": str(left)})


def install_token_bucket(arm: FakeArm, capacity: float, rate: float, retry_after: float = 1.0,
                         split: bool = False, headers: bool = True, initial: float | None = None) -> TokenBucket:
    bucket = TokenBucket(capacity, rate, retry_after, split, headers, initial)
    arm.use(bucket)
    return bucket
