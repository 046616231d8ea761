"""The fake Resource Manager itself, driven by plain HTTP and by the real SDK."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from tests.fakearm.server import FakeArm
from tests.fakearm.whatif import install_what_if

SUB = "00000000-0000-0000-0000-000000000001"


def _get(arm: FakeArm, path: str, token: str | None = "t", method: str = "GET") -> tuple[int, dict, dict]:
    req = urllib.request.Request(arm.url(path), method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else {}), dict(r.headers)
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, (json.loads(raw) if raw else {}), dict(e.headers)


def test_auth_required_and_error_body(fake_arm: FakeArm) -> None:
    fake_arm.add_resource_group(SUB, "rg1")
    status, body, _ = _get(fake_arm, f"/subscriptions/{SUB}/resourceGroups/rg1", token=None)
    assert status == 401 and body["error"]["code"] == "AuthenticationFailed"
    assert fake_arm.counters["unauthorized"] == 1
    status, body, _ = _get(fake_arm, f"/subscriptions/{SUB}/resourceGroups/rg1")
    assert status == 200 and body["location"] == "westeurope"


def test_get_by_id_case_insensitive_and_missing(fake_arm: FakeArm) -> None:
    fake_arm.add_resource_group(SUB, "RG1")
    vnet = f"/subscriptions/{SUB}/resourceGroups/RG1/providers/Microsoft.Network/virtualNetworks/vnet1"
    doc = fake_arm.put_resource(vnet, {"location": "westeurope"})
    assert doc["type"] == "Microsoft.Network/virtualNetworks" and doc["name"] == "vnet1"
    status, body, _ = _get(fake_arm, vnet.upper().replace("SUBSCRIPTIONS", "subscriptions") + "?api-version=x")
    assert status == 200 and body["id"] == vnet
    status, body, _ = _get(fake_arm, vnet + "/subnets/nope")
    assert status == 404 and body["error"]["code"] == "ResourceNotFound"
    status, body, _ = _get(fake_arm, f"/subscriptions/{SUB}/resourceGroups/other/providers/X.Y/z/a")
    assert status == 404 and body["error"]["code"] == "ResourceGroupNotFound"
    assert _get(fake_arm, vnet, method="HEAD")[0] == 204


def test_inject_times_and_retry_after(fake_arm: FakeArm) -> None:
    fake_arm.add_resource_group(SUB, "rg1")
    fault = fake_arm.inject("GET", r"resourcegroups/rg1$", 429, times=2, retry_after=3)
    p = f"/subscriptions/{SUB}/resourceGroups/rg1"
    s1, b1, h1 = _get(fake_arm, p)
    s2, _, _ = _get(fake_arm, p)
    s3, _, _ = _get(fake_arm, p)
    assert (s1, s2, s3) == (429, 429, 200)
    assert b1["error"]["code"] == "TooManyRequests" and h1["Retry-After"] == "3"
    assert fault.hits == 2 and fake_arm.counters["faults"] == 2
    assert [r.status for r in fake_arm.requests_matching("GET", "rg1$")] == [429, 429, 200]


def test_latency_applies_per_request() -> None:
    with FakeArm(latency=0.05) as arm:
        t0 = time.perf_counter()
        _get(arm, "/anything")
        assert time.perf_counter() - t0 >= 0.05


def test_extension_route_overrides_and_lro(fake_arm: FakeArm) -> None:
    @fake_arm.route("GET", r"/custom/(?P<x>\w+)")
    def custom(req):
        return fake_arm.begin_operation({"x": req.params["x"]}, polls=2)

    status, _, hdrs = _get(fake_arm, "/CUSTOM/abc")
    assert status == 202 and hdrs["Retry-After"] == "0"
    loc = hdrs["Location"].removeprefix(fake_arm.base_url)
    assert [_get(fake_arm, loc)[0] for _ in range(3)] == [202, 202, 200]
    assert _get(fake_arm, loc)[1] == {"x": "abc"}
    assert fake_arm.operation_polls(loc) == 4


def test_real_sdk_what_if_polls_location(fake_arm: FakeArm) -> None:
    """The real DeploymentsMgmtClient: POST whatIf -> 202 + Location -> 202 -> 200."""
    from azure.core.credentials import AccessToken
    from azure.mgmt.resource.deployments import DeploymentsMgmtClient

    class Cred:
        def get_token(self, *scopes, **kw):
            return AccessToken("sdk-token", int(time.time()) + 3600)

    fake_arm.add_resource_group(SUB, "rg1")
    svc = install_what_if(fake_arm)
    svc.changes = [{"resourceId": f"/subscriptions/{SUB}/resourceGroups/rg1/providers/A.B/c/d", "changeType": "Create"}]
    svc.polls = 1
    client = DeploymentsMgmtClient(Cred(), SUB, base_url=fake_arm.base_url, polling_interval=0)
    body = {"properties": {"mode": "Incremental", "template": {"resources": []}}}
    result = client.deployments.begin_what_if("rg1", "d1", parameters=body, enforce_https=False).result()
    assert result.changes[0].change_type == "Create"
    assert [(r.method, r.status) for r in fake_arm.requests] == [("POST", 202), ("GET", 202), ("GET", 200)]
    assert all(r.authorization == "Bearer sdk-token" for r in fake_arm.requests)
    assert svc.bodies == [body]


@pytest.mark.parametrize("rg_exists", [True, False])
def test_what_if_missing_rg(fake_arm: FakeArm, rg_exists: bool) -> None:
    if rg_exists:
        fake_arm.add_resource_group(SUB, "rg1")
    install_what_if(fake_arm)
    status, body, _ = _get(fake_arm, f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Resources/"
                                      "deployments/d/whatIf", method="POST")
    assert status == (202 if rg_exists else 404)
    if not rg_exists:
        assert body["error"]["code"] == "ResourceGroupNotFound"


def test_handler_crash_is_500_and_kept(fake_arm: FakeArm) -> None:
    @fake_arm.route("GET", r"/boom")
    def boom(req):
        raise RuntimeError("bug in a fake")

    status, body, _ = _get(fake_arm, "/boom")
    assert status == 500 and body["error"]["code"] == "FakeArmHandlerError"
    assert isinstance(fake_arm.server_errors[0], RuntimeError)
