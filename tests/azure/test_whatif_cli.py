"""``armgen what-if`` end to end: real SDK, real HTTP, the fake Resource Manager."""

from __future__ import annotations

import json

import pytest

from armgen.cli import main
from tests.azure.helpers import (
    CREATES,
    LB_ID,
    NATGW_ID,
    PARAMS,
    RG,
    SUBNET_ID,
    SUBNET_MODIFY,
    TEMPLATE_DIR,
    VNET_ID,
    delete,
    modify,
)
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm
from tests.fakearm.whatif import WhatIfService, install_what_if

WHATIF_RX = r"/deployments/[^/]+/whatIf$"


@pytest.fixture
def svc(fake_arm: FakeArm) -> WhatIfService:
    fake_arm.add_resource_group(SUBSCRIPTION, RG)
    s = install_what_if(fake_arm)
    s.changes = list(CREATES)
    return s


def run(arm: FakeArm, *extra: str, source: str | None = TEMPLATE_DIR) -> int:
    argv = ["what-if", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", arm.base_url, "-p", PARAMS, *extra]
    return main([*argv, source] if source else argv)


def test_creates_only_pass_and_render(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    svc.polls = 2
    assert run(fake_arm) == 0
    out = capsys.readouterr().out
    assert "Resource changes: 4 to create." in out
    assert f"Scope: /subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}" in out
    assert "  + Microsoft.Network/loadBalancers/zcc-lb [2025-07-01]" in out
    assert "\033[" not in out  # not a terminal: no colour
    assert "Brownfield gate" not in out
    # the real poller: POST answered 202 + Location, polled until 200
    seq = [(r.method, r.status) for r in fake_arm.requests]
    assert seq == [("POST", 202), ("GET", 202), ("GET", 202), ("GET", 200)]
    post = fake_arm.requests[0]
    assert post.query["api-version"] == "2025-04-01" and post.authorization == "Bearer test-token"
    body = svc.bodies[0]["properties"]
    assert body["mode"] == "Incremental" and body["template"]["resources"][0]["type"] == "Microsoft.Network/loadBalancers"
    assert body["parameters"]["prefix"] == {"value": "zcc"}


def test_subnet_modify_blocks(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    svc.changes = [*CREATES, SUBNET_MODIFY]
    assert run(fake_arm) == 1
    cap = capsys.readouterr()
    assert f"BLOCKED  Modify      {SUBNET_ID}: would be modified but the template does not create it" in cap.out
    assert "  ~ Microsoft.Network/virtualNetworks/hub-vnet/subnets/appliance-snet" in cap.out
    assert "    + properties.natGateway.id:" in cap.out and "    - properties.routeTable:" in cap.out
    assert "blocked: 1 change" in cap.err


def test_delete_blocks_even_when_allowed(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    svc.changes = [*CREATES, delete(VNET_ID)]
    assert run(fake_arm, "--allow-modify", VNET_ID) == 1
    out = capsys.readouterr().out
    assert f"BLOCKED  Delete      {VNET_ID}: would be deleted" in out
    assert "Resource changes: 1 to delete, 4 to create." in out


def test_accepted_modify_passes(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    svc.changes = [*CREATES, SUBNET_MODIFY]
    assert run(fake_arm, "--allow-modify", SUBNET_ID.upper().replace("/SUBSCRIPTIONS/", "/subscriptions/")) == 0
    out = capsys.readouterr().out
    assert f"accepted Modify      {SUBNET_ID}" in out


def test_modify_of_own_resources_passes(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    """A redeploy modifies the template's own LB (name via variables) and NAT GW (uniqueString)."""
    delta = [{"path": "tags.x", "propertyChangeType": "Modify", "before": "1", "after": "2"}]
    svc.changes = [modify(LB_ID, delta), modify(NATGW_ID, delta)]
    assert run(fake_arm) == 0
    # ... but the same change to a NAT gateway named outside the template's pattern is blocked
    other = NATGW_ID.replace("zcc-natgw-", "customer-natgw-")
    svc.changes = [modify(other, delta)]
    assert run(fake_arm) == 1
    assert f"BLOCKED  Modify      {other}" in capsys.readouterr().out


def test_json_format(fake_arm: FakeArm, svc: WhatIfService, capsys: pytest.CaptureFixture[str]) -> None:
    svc.changes = [*CREATES, SUBNET_MODIFY]
    assert run(fake_arm, "--format", "json") == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["gate"]["passed"] is False
    assert doc["gate"]["findings"] == [{"resourceId": SUBNET_ID, "changeType": "Modify", "verdict": "blocked",
                                        "reason": "would be modified but the template does not create it"}]
    assert [c["changeType"] for c in doc["whatIf"]["properties"]["changes"]] == ["Create"] * 4 + ["Modify"]


def test_package_zip_source(fake_arm: FakeArm, svc: WhatIfService, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile
    from pathlib import Path

    pkg = tmp_path / "offer.zip"
    with zipfile.ZipFile(pkg, "w") as zf:
        zf.write(Path(TEMPLATE_DIR) / "mainTemplate.json", "mainTemplate.json")
        zf.writestr("createUiDefinition.json", "{}")
    assert run(fake_arm, source=str(pkg)) == 0
    assert svc.bodies[0]["properties"]["template"]["variables"]["lbName"] == "[concat(parameters('prefix'), '-lb')]"
    bad = tmp_path / "empty.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("readme.txt", "x")
    assert run(fake_arm, source=str(bad)) == 2
    assert "no mainTemplate.json in this package" in capsys.readouterr().err


def test_default_source_is_built_in_offer(fake_arm: FakeArm, svc: WhatIfService,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("armgen.build")
    from armgen.build import build_files

    try:
        expected = json.loads(build_files()["mainTemplate.json"])
    except Exception as exc:  # the offer is written by another helper; skip while it is not ready
        pytest.skip(f"built-in offer not buildable yet: {exc}")
    svc.changes = []
    required = ["-p", "vnetName=hub-vnet", "-p", "zone1SubnetName=a", "-p", "zone2SubnetName=b", "-p",
                "sshPublicKey=ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7testkeytestkeytestkeytestkeytestkeytestkeytestkey user@host", "-p", "ccUrl=https://cc", "-p", "keyVaultUrl=https://kv", "-p",
                "identityName=uami"]
    rc = main(["what-if", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", fake_arm.base_url, *required])
    assert rc == 0
    assert svc.bodies[0]["properties"]["template"] == expected
    # the gate sees the offer's own resources (names from its namePrefix default and its per-deployment
    # name suffix, a uniqueString the gate cannot know) as its own
    lb = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.Network/loadBalancers/zscc-cc-lb-k3x9a2bq"
    svc.changes = [modify(lb, [{"path": "tags.a", "propertyChangeType": "Create", "after": "1"}]), SUBNET_MODIFY]
    capsys.readouterr()
    assert main(["what-if", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", fake_arm.base_url,
                 *required, "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["gate"]["findings"]
    assert [(f["resourceId"], f["verdict"]) for f in findings] == [(SUBNET_ID, "blocked")]
