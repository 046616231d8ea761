"""How what-if/preflight fail: auth, permissions, missing groups, throttling, ARM errors, endpoints."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from armgen.cli import main
from tests.azure.helpers import CREATES, PARAMS, RG, TEMPLATE_DIR
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm
from tests.fakearm.whatif import WhatIfService, install_what_if
from tests.interrupt import popen_interruptible

ROOT = Path(__file__).resolve().parents[2]
WHATIF_RX = r"/whatIf$"


@pytest.fixture
def svc(fake_arm: FakeArm) -> WhatIfService:
    fake_arm.add_resource_group(SUBSCRIPTION, RG)
    s = install_what_if(fake_arm)
    s.changes = list(CREATES)
    return s


def run(arm: FakeArm | str, *extra: str, rg: str = RG) -> int:
    url = arm if isinstance(arm, str) else arm.base_url
    return main(["what-if", "-g", rg, "--subscription", SUBSCRIPTION, "--endpoint", url, "-p", PARAMS, *extra,
                 TEMPLATE_DIR])


def test_throttling_retried_honouring_retry_after(fake_arm: FakeArm, svc: WhatIfService,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    fault = fake_arm.inject("POST", WHATIF_RX, 429, times=2, retry_after=0.2)
    fake_arm.inject("GET", r"operationResults", 503, times=1, retry_after=0)
    t0 = time.perf_counter()
    assert run(fake_arm) == 0
    elapsed = time.perf_counter() - t0
    assert fault.hits == 2 and elapsed >= 0.4  # both Retry-After waits were honoured
    assert [r.status for r in fake_arm.requests_matching("POST", WHATIF_RX)] == [429, 429, 202]
    assert [r.status for r in fake_arm.requests_matching("GET", "operationResults")] == [503, 202, 200]
    assert "Resource changes: 4 to create." in capsys.readouterr().out


def test_retry_after_is_capped(fake_arm: FakeArm, svc: WhatIfService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMGEN_MAX_RETRY_AFTER", "0.1")
    fake_arm.inject("POST", WHATIF_RX, 429, times=1, retry_after=3600)
    t0 = time.perf_counter()
    assert run(fake_arm) == 0
    assert time.perf_counter() - t0 < 5


def test_persistent_5xx_is_bounded(fake_arm: FakeArm, svc: WhatIfService, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ARMGEN_RETRY_TOTAL", "3")
    fake_arm.inject("POST", WHATIF_RX, 500, times=None)
    assert run(fake_arm) == 3
    assert len(fake_arm.requests_matching("POST", WHATIF_RX)) == 4  # 1 + 3 retries, then give up
    err = capsys.readouterr().err
    assert "answered 500 after retries: InternalServerError" in err


def test_missing_token_401(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    fake_arm.tokens = {"the-right-token"}
    assert run(fake_arm) == 3
    err = capsys.readouterr().err
    assert "rejected the credentials of ARMGEN_ACCESS_TOKEN" in err and "InvalidAuthenticationToken" in err


def test_forbidden_names_identity_and_action(fake_arm: FakeArm, svc: WhatIfService, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # a JWT-shaped token so the identity can be named (claims only, never verified)
    import base64
    import json

    claims = base64.urlsafe_b64encode(json.dumps({"upn": "ci@contoso.com", "oid": "abc"}).encode()).decode().rstrip("=")
    monkeypatch.setenv("ARMGEN_ACCESS_TOKEN", f"e30.{claims}.sig")
    fake_arm.deny("Microsoft.Resources/deployments/whatIf/action", WHATIF_RX, f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}")
    assert run(fake_arm) == 3
    err = capsys.readouterr().err
    assert "ARMGEN_ACCESS_TOKEN (upn ci@contoso.com, oid abc) lacks permission for " \
           "Microsoft.Resources/deployments/whatIf/action: AuthorizationFailed" in err
    assert len(fake_arm.requests_matching("POST", WHATIF_RX)) == 1  # 403 is not retried


def test_missing_resource_group(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(fake_arm, rg="nope-rg") == 2
    err = capsys.readouterr().err
    assert f"resource group 'nope-rg' not found in subscription {SUBSCRIPTION}" in err
    assert "Traceback" not in err


def test_failed_what_if_shows_arm_error(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    svc.fail_with = ("InvalidTemplateDeployment", "The template deployment failed: subnet is in use.")
    assert run(fake_arm) == 3
    assert "what-if failed: InvalidTemplateDeployment: The template deployment failed: subnet is in use." in \
        capsys.readouterr().err
    svc.fail_with = None
    svc.reject_with = (400, "InvalidTemplate", "Deployment template validation failed: 'vnetName' missing.")
    assert run(fake_arm) == 3
    assert "400: InvalidTemplate: Deployment template validation failed" in capsys.readouterr().err


def test_unreachable_endpoint_exit_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.setenv("ARMGEN_RETRY_TOTAL", "1")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    assert run(f"http://127.0.0.1:{port}") == 2
    assert f"cannot reach Resource Manager at http://127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["http://management.example.com", "http://10.0.0.1:8080", "ftp://127.0.0.1"])
def test_plain_http_refused_except_loopback(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and ("refusing to send a bearer token" in err or "http(s) URL" in err)


def test_clouds(monkeypatch: pytest.MonkeyPatch) -> None:
    from armgen.azure.session import AzureTarget, is_loopback_host

    t = AzureTarget.from_options("AzureChinaCloud", None, "00000000-0000-0000-0000-000000000001")
    assert t.endpoint == "https://management.chinacloudapi.cn" and t.cloud.scope == "https://management.chinacloudapi.cn/.default"
    assert AzureTarget.from_options("usgovernment", None, "00000000-0000-0000-0000-000000000001").cloud.authority == "login.microsoftonline.us"
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000001")
    assert AzureTarget.from_options(None, None, None).subscription == "00000000-0000-0000-0000-000000000001"
    assert all(map(is_loopback_host, ["localhost", "127.0.0.1", "127.8.9.10", "::1", "[::1]"]))
    assert not any(map(is_loopback_host, ["10.0.0.1", "example.com", "", None]))


def test_no_subscription_is_usage_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    assert main(["what-if", "-g", RG, "--endpoint", "http://127.0.0.1:9", "-p", PARAMS, TEMPLATE_DIR]) == 2
    assert "no subscription" in capsys.readouterr().err


def test_ctrl_c_cancels_cleanly(fake_arm: FakeArm, svc: WhatIfService) -> None:
    """SIGINT while the what-if is being polled: one line, exit 130, no traceback."""
    svc.polls = 10_000
    env = {**os.environ, "ARMGEN_ACCESS_TOKEN": "t", "ARMGEN_POLL_INTERVAL": "0.05", "PYTHONPATH": str(ROOT)}
    proc = popen_interruptible([sys.executable, "-m", "armgen.cli", "what-if", "-g", RG, "--subscription",
                                SUBSCRIPTION, "--endpoint", fake_arm.base_url, "-p", PARAMS, TEMPLATE_DIR],
                               env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while not fake_arm.requests_matching("GET", "operationResults") and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "what-if cancelled (nothing was deployed)" in err and "Traceback" not in err
    assert out == ""
