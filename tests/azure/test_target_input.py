"""Bad target input for what-if/preflight: refused in one line, exit 2, before any request is sent.

The resource group and subscription become URL path segments of every request: a value such as
``a/../..`` would quietly move the request to another scope (``/subscriptions/<id>/providers/...``
instead of the resource group), so they are checked before anything talks to Resource Manager.
The bearer token must never be echoed back, even when it is malformed.
"""

from __future__ import annotations

import pytest

from armgen.cli import main
from tests.azure.helpers import PARAMS, RG, TEMPLATE_DIR
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm


def run(capsys: pytest.CaptureFixture[str], command: str, endpoint: str, *, rg: str = RG,
        subscription: str = SUBSCRIPTION) -> tuple[int, str]:
    code = main([command, "-g", rg, "--subscription", subscription, "--endpoint", endpoint, "-p", PARAMS, TEMPLATE_DIR])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", ["what-if", "preflight"])
@pytest.mark.parametrize("rg", ["", "a/../..", "rg?x=1", "rg#frag", "ends-with-dot.", "x" * 91])
def test_bad_resource_group_is_refused_before_any_request(command: str, rg: str, fake_arm: FakeArm,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, command, fake_arm.base_url, rg=rg)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "resource group" in err, err
    assert fake_arm.requests == []


@pytest.mark.parametrize("command", ["what-if", "preflight"])
@pytest.mark.parametrize("sub", ["not-a-guid", "00000000-0000-0000-0000-000000000001/../x", " "])
def test_bad_subscription_is_refused_before_any_request(command: str, sub: str, fake_arm: FakeArm,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A value that is not a GUID is a subscription *name*: it is only ever compared with the names
    the Subscriptions API lists, never put in a request URL; one that matches none is refused."""
    from tests.fakearm.server import Response

    @fake_arm.route("GET", r"^/subscriptions$")
    def listing(req: object) -> Response:
        return Response(200, {"value": [{"id": f"/subscriptions/{SUBSCRIPTION}", "subscriptionId": SUBSCRIPTION,
                                         "displayName": "Production", "state": "Enabled"}]})

    code, err = run(capsys, command, fake_arm.base_url, subscription=sub)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "subscription" in err, err
    assert [r.path for r in fake_arm.requests] in ([], ["/subscriptions"])


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999", "http://127.0.0.1:abc", "https://"])
def test_malformed_endpoint_is_one_line(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "what-if", url)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("armgen: --endpoint"), err


@pytest.mark.parametrize("token", ["secret-token\nvalue", "secret-token value", "secret-token\x01value", "secret-tokén-value"])
def test_malformed_token_is_refused_without_echoing_it(token: str, fake_arm: FakeArm, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ARMGEN_ACCESS_TOKEN", token)
    code, err = run(capsys, "what-if", fake_arm.base_url)
    assert code == 2, err
    assert "ARMGEN_ACCESS_TOKEN" in err and "secret" not in err and "value" not in err, err
    assert fake_arm.requests == []


def test_blank_token_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI template that renders an empty secret as spaces must not send an empty bearer token."""
    from armgen.azure.session import AzureTarget

    monkeypatch.setenv("ARMGEN_ACCESS_TOKEN", "   ")
    target = AzureTarget.from_options(None, "http://127.0.0.1:9", SUBSCRIPTION)
    assert target.identity() == "DefaultAzureCredential"


def test_token_never_reaches_an_error_message(fake_arm: FakeArm, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Even if Resource Manager (or a proxy) echoes the Authorization header back in an error."""
    from tests.fakearm.server import Response

    secret = "secret-token-value-0123456789"
    monkeypatch.setenv("ARMGEN_ACCESS_TOKEN", secret)

    @fake_arm.route("POST", r".*/whatIf$")
    def echo(req):  # type: ignore[no-untyped-def]
        auth = req.header("Authorization") or ""
        return Response(400, {"error": {"code": "BadRequest", "message": f"bad header {auth}"}})

    fake_arm.add_resource_group(SUBSCRIPTION, RG)
    code, err = run(capsys, "what-if", fake_arm.base_url)
    assert code == 3, err
    assert secret not in err and "bad header Bearer ***" in err, err


def test_a_hung_endpoint_times_out_per_request(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A Resource Manager that accepts the connection and never answers must not hold a CI job for
    the transport's default 300 s per attempt: ARMGEN_HTTP_TIMEOUT bounds each request."""
    import time

    from tests.fakearm.silent import SilentServer

    monkeypatch.setenv("ARMGEN_HTTP_TIMEOUT", "0.5")
    monkeypatch.setenv("ARMGEN_RETRY_TOTAL", "0")
    server = SilentServer()
    try:
        t0 = time.monotonic()
        code, err = run(capsys, "what-if", server.url)
        elapsed = time.monotonic() - t0
    finally:
        server.close()
    assert code == 2, err
    assert "cannot reach Resource Manager" in err and elapsed < 10, (elapsed, err)


def test_http_timeout_must_be_positive(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ARMGEN_HTTP_TIMEOUT", "0")
    code, err = run(capsys, "what-if", "http://127.0.0.1:9")
    assert code == 2 and "ARMGEN_HTTP_TIMEOUT" in err, err


@pytest.mark.parametrize("name", ["ARMGEN_POLL_INTERVAL", "ARMGEN_RETRY_TOTAL", "ARMGEN_RETRY_BACKOFF",
                                  "ARMGEN_MAX_RETRY_AFTER", "ARMGEN_HTTP_TIMEOUT"])
@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "-3", "abc"])
def test_environment_knobs_must_be_finite_and_not_negative(name: str, value: str, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(name, value)
    code, err = run(capsys, "what-if", "http://127.0.0.1:9")
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"armgen: {name} "), err


def test_retry_total_must_be_whole(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ARMGEN_RETRY_TOTAL", "2.5")
    code, err = run(capsys, "what-if", "http://127.0.0.1:9")
    assert code == 2 and "ARMGEN_RETRY_TOTAL" in err, err
