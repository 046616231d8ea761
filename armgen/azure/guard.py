"""Resource Manager's answers, distrusted: the policy every SDK client armgen builds carries.

The SDK trusts the server: it reads a body of any size into memory, follows a long-running
operation for as long as the server says "not yet" (``Retry-After: 0`` makes that a busy loop),
follows ``Location`` and operation URLs to whatever host they name with the bearer token
attached, and meets a body that is not JSON, or JSON of the wrong shape, with exceptions that are
not :class:`~azure.core.exceptions.AzureError` (so no layer turned them into one line). One
``per_retry`` pipeline policy, :class:`GuardPolicy` (between the retry policy and the bearer
token policy, so it sees every attempt before the token is added), answers all of it:

- **One host.** A request to any scheme/host/port but the endpoint's (a redirect, a poll URL, a
  ``nextLink``) is refused before the token policy runs: the token never leaves for another
  host. azure-core strips the token on a cross-host redirect too; this refuses the redirect.
- **Bounded bodies.** The body is streamed and refused past ``ARMGEN_MAX_RESPONSE_BYTES``
  (default 64 MiB; a declared ``Content-Length`` over it is refused before reading).
- **Usable JSON.** A body must be strict JSON (no ``NaN``, no unpaired surrogates, not nested
  past the stack: :func:`armgen.jsonio.parse_json`) holding an object (a 200/201 answer to a
  GET, PUT or PATCH of a resource must have one: an empty one is refused), and the envelope every
  ARM answer shares must have its types (``error``, ``status``, ``properties``, ``value``,
  ``nextLink``, ``id``...). Deeper types are the SDK's models' to check: their
  ``DeserializationError`` is mapped to one line by :func:`failure_of`.
- **Operations end.** Every URL handed out in ``Azure-AsyncOperation``, ``Location``,
  ``Operation-Location`` or ``nextLink`` belongs to a chain; a chain fetched more than
  ``ARMGEN_MAX_POLLS`` times (default 10,000) is given up. ``Retry-After`` is clamped to at least
  ``min(1, ARMGEN_POLL_INTERVAL)`` seconds (no busy loop) and at most ``ARMGEN_MAX_RETRY_AFTER``
  (no sleep for a year), and one that is neither a number nor a date is dropped.

Every refusal is an :class:`~armgen.azure.session.AzureFailure` (exit code 3, one line): not an
``AzureError``, so the retry policy does not retry it and the LRO poller hands it back as is.
"""

from __future__ import annotations

import email.utils
import itertools
import math
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from armgen.azure.session import EXIT_AZURE, AzureFailure, _env_int

if TYPE_CHECKING:
    from armgen.azure.session import AzureTarget

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_POLLS = 10_000
_OPERATION_HEADERS = ("azure-asyncoperation", "location", "operation-location")
# the ARM envelope: field -> the JSON types it may have (None always allowed)
_ENVELOPE: dict[str, tuple[type, ...]] = {
    "error": (dict,), "status": (str,), "properties": (dict,), "value": (list,), "nextLink": (str,),
    "id": (str,), "name": (str,), "type": (str,), "location": (str,), "tags": (dict,),
}
_ERROR_FIELDS: dict[str, tuple[type, ...]] = {"code": (str,), "message": (str,), "target": (str,),
                                             "details": (list,)}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _key(url: str) -> str:
    """A URL as the poll counter knows it: without its query (api-version may be added or not)."""
    return url.split("?", 1)[0].rstrip("/").lower()


def _hostile(method: str, url: str, what: str) -> AzureFailure:
    path = urlsplit(url).path or "/"
    return AzureFailure(f"Resource Manager's answer to {method} {path} is not usable: {what}", EXIT_AZURE)


def _type_name(value: Any) -> str:
    from armgen.jsonio import json_type

    return json_type(value)


def check_envelope(doc: Any) -> str | None:
    """What is wrong with the shared shape of an ARM answer, or None."""
    if not isinstance(doc, dict):
        return f"expected a JSON object, got {_type_name(doc)}"
    for key, types in _ENVELOPE.items():
        value = doc.get(key)
        if value is not None and not isinstance(value, types):
            return f"$.{key} is {_type_name(value)}, expected {_type_name(types[0]())}"
    err = doc.get("error")
    if isinstance(err, dict):
        for key, types in _ERROR_FIELDS.items():
            value = err.get(key)
            if value is not None and not isinstance(value, types):
                return f"$.error.{key} is {_type_name(value)}, expected {_type_name(types[0]())}"
    return None


class GuardPolicy:
    """The policy described in the module docstring (one per SDK client).

    An azure-core ``HTTPPolicy`` by protocol (``send`` and the ``next`` the pipeline links in),
    not by inheritance, so this module imports no ``azure.*`` until a client is built.
    """

    next: Any

    def __init__(self, endpoint: str, *, max_response_bytes: int, max_polls: int, min_retry_after: float,
                 max_retry_after: float):
        self.endpoint = endpoint
        self.origin = _origin(endpoint)
        self.max_response_bytes = max_response_bytes
        self.max_polls = max_polls
        self.min_retry_after = min_retry_after
        self.max_retry_after = max_retry_after
        self._lock = threading.Lock()
        self._chain_of: dict[str, int] = {}
        self._fetches: dict[int, int] = {}
        self._chains = itertools.count(1)

    # ---- the policy ------------------------------------------------------------------------
    def send(self, request: Any) -> Any:
        http_request = request.http_request
        method, url = http_request.method, http_request.url
        self._pin(url)
        chain = self._count_fetch(method, url)
        request.context.options["stream"] = True  # read below, under the limit
        response = self.next.send(request)
        http_response = response.http_response
        body = self._read(http_response, method, url)
        if body.strip() and method != "HEAD":
            self._check_json(body, http_response, method, url)
        elif method in ("GET", "PUT", "PATCH") and http_response.status_code in (200, 201) and chain is None:
            # a resource answered with nothing: the SDK would call .json() on it (JSONDecodeError).
            # An operation URL's final answer may be empty (an operation without a result): the
            # poller handles that, so chains are exempt.
            raise _hostile(method, url, f"an empty body (HTTP {http_response.status_code}) where JSON was expected")
        self._remember_operations(http_response, url, chain)
        self._clamp_retry_after(http_response)
        return response

    # ---- pieces ----------------------------------------------------------------------------
    def _pin(self, url: str) -> None:
        if _origin(url) != self.origin:
            parts = urlsplit(url)
            raise AzureFailure(f"Resource Manager sent armgen to {parts.scheme}://{parts.netloc} (a redirect or an "
                               f"operation URL outside {self.endpoint}); refusing to send the token there",
                               EXIT_AZURE)

    def _count_fetch(self, method: str, url: str) -> int | None:
        if method != "GET":
            return None
        with self._lock:
            chain = self._chain_of.get(_key(url))
            if chain is None:
                return None
            n = self._fetches[chain] = self._fetches.get(chain, 0) + 1
        if n > self.max_polls:
            raise AzureFailure(f"gave up on a long-running operation after {self.max_polls} polls of "
                               f"{urlsplit(url).path}: Resource Manager never said it finished "
                               "(ARMGEN_MAX_POLLS)", EXIT_AZURE)
        return chain

    def _read(self, http_response: Any, method: str, url: str) -> bytes:
        """The body, streamed and stopped at the limit; kept where the SDK reads it from."""
        limit = self.max_response_bytes
        declared = http_response.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            http_response.close()
            raise _hostile(method, url, f"a {int(declared)}-byte body, over the {limit} bytes armgen reads "
                                        "(ARMGEN_MAX_RESPONSE_BYTES)")
        data = bytearray()
        for chunk in http_response.iter_bytes():
            data += chunk
            if len(data) > limit:
                http_response.close()
                raise _hostile(method, url, f"a body over the {limit} bytes armgen reads (ARMGEN_MAX_RESPONSE_BYTES)")
        body = bytes(data)
        # azure.core.rest responses keep a read body in _content; iter_bytes()/read()/json() serve it
        http_response._content = body
        return body

    def _check_json(self, body: bytes, http_response: Any, method: str, url: str) -> None:
        from armgen.errors import InputError
        from armgen.jsonio import decode_text, parse_json

        ctype = (http_response.headers.get("Content-Type") or "").lower()
        if "json" not in ctype and body.lstrip()[:1] not in (b"{", b"["):
            if 200 <= http_response.status_code < 300:
                raise _hostile(method, url, f"a {ctype or 'untyped'} body where JSON was expected")
            return  # an error page from a proxy: the status says what happened
        try:
            doc = parse_json(decode_text(body, "body"), "body")
        except InputError as exc:
            where = f"{exc.path}: " if exc.path else ""
            raise _hostile(method, url, f"{where}{exc.message}") from None
        problem = check_envelope(doc)
        if problem:
            raise _hostile(method, url, problem)
        next_link = doc.get("nextLink")
        if isinstance(next_link, str) and next_link:
            self._link(url, next_link)

    def _remember_operations(self, http_response: Any, url: str, chain: int | None) -> None:
        for name in _OPERATION_HEADERS:
            value = http_response.headers.get(name)
            if value:
                self._link(url, value, chain)

    def _link(self, url: str, follow: str, chain: int | None = None) -> None:
        """``follow`` continues the chain of ``url`` (a new chain if ``url`` starts none)."""
        with self._lock:
            if chain is None:
                chain = self._chain_of.get(_key(url)) or next(self._chains)
            self._chain_of[_key(follow)] = chain

    def _clamp_retry_after(self, http_response: Any) -> None:
        """Retry-After as the SDK can use it: whole seconds (it parses an int), at most the cap.

        One under the floor (``Retry-After: 0`` from an operation that never ends) is dropped, so
        the poller waits its own interval (ARMGEN_POLL_INTERVAL) instead of polling in a loop;
        one that is neither a number nor a date is dropped too.
        """
        headers = http_response.headers
        for name in ("Retry-After", "retry-after-ms", "x-ms-retry-after-ms"):
            raw = headers.get(name)
            if raw is None:
                continue
            ms = name != "Retry-After"
            seconds = _seconds(raw, ms=ms)
            if seconds is None or seconds < self.min_retry_after:
                del headers[name]
                continue
            clamped = min(seconds, self.max_retry_after)
            value = str(math.ceil(clamped * 1000)) if ms else str(math.ceil(clamped))
            if value != raw:
                headers[name] = value


def _seconds(raw: str, ms: bool = False) -> float | None:
    """A Retry-After value in seconds (a number, or an HTTP date); None when it is neither."""
    text = raw.strip()
    try:
        value = float(text)
    except ValueError:
        if ms:
            return None
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        try:
            return max(when.timestamp() - time.time(), 0.0)
        except (OverflowError, OSError, ValueError):
            return None
    if not math.isfinite(value):
        return None
    return value / 1000 if ms else value


def read_json(http_response: Any, *, expect: type | None = dict) -> Any:
    """The JSON of a raw answer, for every caller that reads one itself (``cls=`` callbacks,
    ``send_request``): an empty or malformed body is one line, exit 3, never a
    ``JSONDecodeError`` escaping as a traceback.

    The guard has already refused a non-empty body that is not JSON; what reaches here unread is
    an empty 2xx body (no ``Content-Type`` to judge), which ``response.json()`` would choke on.
    ``expect`` is the JSON type the caller needs (``dict``: an object; None: anything).
    """
    from armgen.errors import InputError
    from armgen.jsonio import decode_text, parse_json

    request = getattr(http_response, "request", None)
    method, url = str(getattr(request, "method", "GET")), str(getattr(request, "url", "") or "")
    try:
        data = http_response.content  # azure.core.rest responses (the guard read the body already)
    except AttributeError:
        data = http_response.body()
    if not data or not bytes(data).strip():
        raise _hostile(method, url, f"an empty body (HTTP {getattr(http_response, 'status_code', '?')}) where JSON "
                                    "was expected")
    try:
        doc = parse_json(decode_text(bytes(data), "body"), "body")
    except InputError as exc:
        where = f"{exc.path}: " if exc.path else ""
        raise _hostile(method, url, f"{where}{exc.message}") from None
    if expect is not None and not isinstance(doc, expect):
        raise _hostile(method, url, f"expected a JSON {_type_name(expect())}, got {_type_name(doc)}")
    return doc


def guard_policy(target: AzureTarget) -> Any:
    """The :class:`GuardPolicy` for one SDK client of ``target`` (its limits from the environment)."""
    return GuardPolicy(
        target.endpoint,
        max_response_bytes=_env_int("ARMGEN_MAX_RESPONSE_BYTES", DEFAULT_MAX_RESPONSE_BYTES),
        max_polls=_env_int("ARMGEN_MAX_POLLS", DEFAULT_MAX_POLLS),
        min_retry_after=min(1.0, target.poll_interval),
        max_retry_after=target.max_retry_after,
    )


def client_settings(target: AzureTarget) -> dict[str, Any]:
    """Keyword arguments that put the guard into an SDK management client."""
    return {"per_retry_policies": [guard_policy(target)]}


def failure_of(exc: BaseException) -> AzureFailure | None:
    """One line for what the SDK raises on an answer it cannot read (not an AzureError, so
    :func:`armgen.azure.session.azure_errors` would otherwise let it through as a traceback)."""
    import json

    from azure.core.exceptions import DecodeError, DeserializationError, SerializationError

    if isinstance(exc, DeserializationError | DecodeError | SerializationError | json.JSONDecodeError):
        lines = str(exc).strip().splitlines()
        first = lines[0] if lines else type(exc).__name__
        return AzureFailure(f"Resource Manager sent an answer armgen cannot read: {first[:300]}", EXIT_AZURE)
    return None
