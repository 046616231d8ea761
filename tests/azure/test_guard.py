"""Hostile answers from Resource Manager (armgen.azure.guard), through the real SDK and real HTTP.

Each test makes the local Resource Manager misbehave in one way a real one (or something in the
middle) could: a body that is not JSON, JSON of the wrong shape, a huge body, an operation that
never ends, a ``Retry-After`` that would busy-loop or sleep for ever, a redirect or an operation
URL on another host. The run must end with one line and exit code 3, and the token must never
reach the other host.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from armgen.cli import main
from tests.azure.helpers import CREATES, PARAMS, RG, TEMPLATE_DIR
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.hostile import HostileArm, Raw, endless_operation, raw, redirect, zeros
from tests.fakearm.server import FakeArm, Request, Response
from tests.fakearm.whatif import WHATIF_PATH, install_what_if


@pytest.fixture
def arm() -> Iterator[HostileArm]:
    a = HostileArm(default_subscription=SUBSCRIPTION)
    with a:
        a.add_resource_group(SUBSCRIPTION, RG)
        install_what_if(a).changes = list(CREATES)
        yield a


@pytest.fixture
def elsewhere() -> Iterator[FakeArm]:
    """Another host (another port counts as another origin): it must never see a request."""
    other = FakeArm(default_subscription=SUBSCRIPTION)
    with other:
        yield other


def what_if(arm: FakeArm, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["what-if", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", arm.base_url, "-p", PARAMS,
                 TEMPLATE_DIR])
    err = capsys.readouterr().err
    return code, err


def answer_what_if(arm: HostileArm, handler: object) -> None:
    arm.route("POST", WHATIF_PATH)(handler)  # type: ignore[arg-type]


def assert_one_line_exit_3(code: int, err: str, needle: str) -> None:
    assert code == 3, err
    assert len(err.splitlines()) == 1 and err.startswith("armgen: ") and "Traceback" not in err, err
    assert needle in err, err


@pytest.mark.parametrize(("body", "needle"), [
    (b"{not json", "not JSON"),
    (b'{"status": "Succeeded", "properties": {"changes": []}, "x": NaN}', "NaN is not a JSON number"),
    (b'{"error": {"code": "\\ud800", "message": "m"}}', "unpaired UTF-16 surrogate"),
    (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_a_body_that_is_not_usable_json(arm: HostileArm, body: bytes, needle: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    answer_what_if(arm, lambda req: raw(200, body))
    assert_one_line_exit_3(*what_if(arm, capsys), needle)


def test_an_html_page_where_json_was_expected(arm: HostileArm, capsys: pytest.CaptureFixture[str]) -> None:
    answer_what_if(arm, lambda req: raw(200, b"<html>login</html>", content_type="text/html"))
    assert_one_line_exit_3(*what_if(arm, capsys), "text/html body where JSON was expected")


@pytest.mark.parametrize(("final", "needle"), [
    ([], "expected a JSON object, got array"),
    ({"status": 7}, "$.status is integer, expected string"),
    ({"status": "Succeeded", "properties": "all good"}, "$.properties is string, expected object"),
    ({"status": "Failed", "error": "boom"}, "$.error is string, expected object"),
    ({"status": "Failed", "error": {"code": ["x"], "message": "m"}}, "$.error.code is array"),
    # deeper than the envelope: the what-if answer's own schema (schemas/whatIfResult.schema.json)
    ({"status": "Succeeded", "properties": {"changes": "everything"}}, "$.properties.changes: expected array"),
    ({"status": "Succeeded", "properties": {"changes": [{"changeType": "Create", "resourceId": 5}]}},
     "$.properties.changes[0].resourceId: expected string"),
    ({"status": "Succeeded", "properties": {"changes": [{"changeType": "Modify", "resourceId": "/x",
                                                          "delta": [{"path": "a", "propertyChangeType": "Modify",
                                                                     "children": {"b": 1}}]}]}},
     "children: expected array"),
])
def test_json_of_the_wrong_shape(arm: HostileArm, final: object, needle: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    answer_what_if(arm, lambda req: arm.begin_operation(final, polls=0, subscription=SUBSCRIPTION))
    assert_one_line_exit_3(*what_if(arm, capsys), needle)


def test_a_huge_declared_body_is_refused_before_reading(arm: HostileArm, capsys: pytest.CaptureFixture[str]) -> None:
    answer_what_if(arm, lambda req: raw(200, b"{}", declared_length=10 * 1024**3))
    assert_one_line_exit_3(*what_if(arm, capsys), "10737418240-byte body, over the 67108864 bytes")


def test_a_huge_chunked_body_is_stopped_at_the_limit(arm: HostileArm, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMGEN_MAX_RESPONSE_BYTES", str(1024**2))
    total = 64 * 1024**2
    answer_what_if(arm, lambda req: raw(200, zeros(total), chunked=True))
    assert_one_line_exit_3(*what_if(arm, capsys), "a body over the 1048576 bytes armgen reads")
    assert arm.bytes_sent < total  # the client hung up instead of reading it all


def test_an_operation_that_never_ends_is_given_up(arm: HostileArm, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMGEN_MAX_POLLS", "25")
    answer_what_if(arm, lambda req: endless_operation(arm, SUBSCRIPTION))
    assert_one_line_exit_3(*what_if(arm, capsys), "gave up on a long-running operation after 25 polls")
    polls = arm.requests_matching("GET", r"/operationResults/")
    assert len(polls) == 25  # the 26th fetch was refused before it was sent


def test_an_operation_whose_location_moves_on_each_poll_is_still_one_operation(
        arm: HostileArm, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMGEN_MAX_POLLS", "10")
    hops = iter(range(10**6))

    def step(req: Request) -> Response:
        return Response(202, None, {"Location": arm.url(f"/subscriptions/{SUBSCRIPTION}/hop/{next(hops)}"),
                                    "Retry-After": "0"})

    answer_what_if(arm, step)
    arm.route("GET", rf"/subscriptions/{SUBSCRIPTION}/hop/\d+")(step)
    assert_one_line_exit_3(*what_if(arm, capsys), "after 10 polls")


def test_a_redirect_to_another_host_is_refused_and_the_token_stays(
        arm: HostileArm, elsewhere: FakeArm, capsys: pytest.CaptureFixture[str]) -> None:
    answer_what_if(arm, lambda req: redirect(elsewhere.url(req.path)))
    assert_one_line_exit_3(*what_if(arm, capsys), f"sent armgen to {elsewhere.base_url}")
    assert elsewhere.requests == []


def test_an_operation_url_on_another_host_is_never_polled(
        arm: HostileArm, elsewhere: FakeArm, capsys: pytest.CaptureFixture[str]) -> None:
    op = elsewhere.url(f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Resources/operationResults/x")
    answer_what_if(arm, lambda req: Response(202, None, {"Location": op, "Retry-After": "0"}))
    assert_one_line_exit_3(*what_if(arm, capsys), "refusing to send the token there")
    assert elsewhere.requests == []


class _Headers(dict[str, str]):
    """The case-insensitive header map of a response, as far as the policy uses it."""

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return next((v for k, v in self.items() if k.lower() == key.lower()), default)


class _Response:
    def __init__(self, headers: dict[str, str]):
        self.headers = _Headers(headers)


def _policy(poll_interval: float = 5.0, max_retry_after: float = 60.0) -> object:
    from armgen.azure.guard import GuardPolicy

    return GuardPolicy("https://management.azure.com", max_response_bytes=1024, max_polls=10,
                       min_retry_after=min(1.0, poll_interval), max_retry_after=max_retry_after)


@pytest.mark.parametrize(("given", "expected"), [
    ("0", None),  # would busy-loop: dropped, so the poller waits ARMGEN_POLL_INTERVAL
    ("0.2", None),
    ("7", "7"),
    ("1.5", "2"),  # the SDK parses an int
    ("1e308", "60"),  # would sleep for ever: capped at ARMGEN_MAX_RETRY_AFTER
    ("inf", None),
    ("soon", None),
    ("Fri, 31 Dec 9999 23:59:59 GMT", "60"),
])
def test_retry_after_is_clamped_to_what_the_sdk_can_wait_on(given: str, expected: str | None) -> None:
    resp = _Response({"Retry-After": given})
    _policy()._clamp_retry_after(resp)  # type: ignore[attr-defined]
    assert resp.headers.get("Retry-After") == expected


def test_retry_after_zero_is_kept_when_polling_without_delay_is_asked_for() -> None:
    resp = _Response({"Retry-After": "0"})
    _policy(poll_interval=0)._clamp_retry_after(resp)  # type: ignore[attr-defined]
    assert resp.headers.get("Retry-After") == "0"


def test_an_empty_body_where_json_was_expected(arm: HostileArm, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty body has no Content-Type for the guard to judge, and the SDK's generated code
    calls ``response.json()`` on it (a JSONDecodeError, a traceback). A 200/201 answer to a GET,
    PUT or PATCH of a resource is refused by the guard; an operation's empty final answer is the
    poller's (no result), which the what-if's shape check then refuses."""
    answer_what_if(arm, lambda req: raw(200, b"", content_type=None))
    assert_one_line_exit_3(*what_if(arm, capsys), "what-if answer is not usable")
    answer_what_if(arm, lambda req: arm.begin_operation(Raw(b"", content_type=None), polls=0))
    assert_one_line_exit_3(*what_if(arm, capsys), "what-if answer is not usable")
    arm.inject("GET", r"/virtualNetworks/", 200, times=None, body=Raw(b"", content_type=None))
    code = main(["preflight", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", arm.base_url, "-p", PARAMS,
                 TEMPLATE_DIR])
    assert_one_line_exit_3(code, capsys.readouterr().err, "an empty body (HTTP 200) where JSON was expected")


def test_read_json_turns_an_unreadable_raw_answer_into_one_line() -> None:
    """Callers that read a raw answer themselves (cls= callbacks, send_request) use read_json."""
    from types import SimpleNamespace

    from armgen.azure.guard import read_json
    from armgen.azure.session import AzureFailure

    def answer(data: bytes) -> SimpleNamespace:
        return SimpleNamespace(content=data, status_code=200, request=SimpleNamespace(method="GET", url="http://h/x"))

    assert read_json(answer(b'{"a": 1}')) == {"a": 1}
    for data, needle in ((b"", "an empty body (HTTP 200)"), (b"  \n", "an empty body"), (b"{", "GET /x"),
                         (b"[1]", "expected a JSON object, got array")):
        with pytest.raises(AzureFailure, match=re.escape(needle)) as exc:
            read_json(answer(data))
        assert exc.value.exit_code == 3
    assert read_json(answer(b"[1]"), expect=None) == [1]
