"""``rollout apply`` deploys only what passed the gate: checked now, or a plan's verdict for
inputs that did not change; confirmation; ``--target``; exit 3 when Azure refuses first."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from armgen.cli import main
from tests.rollout.conftest import SUB, Fleet

DEP = r"/providers/Microsoft\.Resources/deployments/"
WHATIF = r"/providers/Microsoft\.Resources/deployments/[^/]+/whatIf$"


def _state(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))["targets"]


def _subnet_modify(*sites: str):
    """What-if prediction: an NSG created; the named sites also modify their existing subnet."""
    def changes(body: Any) -> list[dict[str, Any]]:
        site = body["properties"]["parameters"]["vnetName"]["value"].removeprefix("vnet-")
        out = [{"resourceId": f"/subscriptions/{SUB}/resourceGroups/rg-{site}/providers/Microsoft.Network/"
                              "networkSecurityGroups/cc-nsg-x", "changeType": "Create", "after": {}}]
        if site in sites:
            out.append({"resourceId": f"/subscriptions/{SUB}/resourceGroups/net-{site}/providers/Microsoft.Network/"
                                      f"virtualNetworks/vnet-{site}/subnets/snet-1", "changeType": "Modify",
                        "delta": [{"path": "properties.natGateway", "propertyChangeType": "Create", "after": {}}]})
        return out
    return changes


def _puts(fleet: Fleet, site: str) -> int:
    return len([r for r in fleet.arm.requests_matching("PUT", f"/resourcegroups/rg-{site}{DEP}") if r.status < 300])


def apply(fleet: Fleet, inv: Path, *extra: str) -> int:
    return main(["rollout", "apply", "--yes", str(inv), "--endpoint", fleet.arm.base_url, *extra])


def test_blocked_target_is_never_sent_apply_alone(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    """Apply without a plan runs the gate itself: site-001 would modify its customer's subnet,
    so it is recorded blocked with the reason, never PUT, and its wave stops."""
    inv = write_inventory(4, concurrency=1, waves={"canary": "site-000", "batchSize": 1})
    fleet.whatif.changes = _subnet_modify("site-001")
    assert apply(fleet, inv) == 1
    out = capsys.readouterr().out
    assert _puts(fleet, "site-000") == 1 and _puts(fleet, "site-001") == 0
    assert _puts(fleet, "site-002") == 0 and _puts(fleet, "site-003") == 0  # later waves never start
    assert "site-001  rg-site-001" in out and "BLOCKED" in out  # the gate's table came first
    assert "site-001: blocked: what-if Modify" in out
    st = _state(tmp_path / "fleet.state.json")
    assert st["site-001"]["status"] == "blocked" and st["site-001"]["error"]["code"] == "GateBlocked"
    assert "snet-1" in st["site-001"]["error"]["message"]
    assert st["site-001"]["steps"]["gate"]["verdict"] == "blocked"
    assert st["site-002"]["status"] == "pending"
    # every target that would be sent was checked before anything was sent
    assert len(fleet.arm.requests_matching("POST", WHATIF)) == 4
    first_put = fleet.arm.requests_matching("PUT", DEP)[0].time
    assert all(r.time < first_put for r in fleet.arm.requests_matching("POST", WHATIF))


def test_blocked_by_preflight_in_a_plan_is_never_sent(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    """Plan then apply: the plan finds site-002's subnet missing (BLOCKED); apply trusts the
    plan (no new what-if for unchanged targets) and never sends site-002."""
    inv = write_inventory(3, waves={"canary": None, "batchSize": 2})
    fleet.arm.resources.pop(next(k for k in fleet.arm.resources if k.endswith("vnet-site-002/subnets/snet-2")))
    assert main(["rollout", "plan", str(inv), "--endpoint", fleet.arm.base_url]) == 1
    whatifs = len(fleet.arm.requests_matching("POST", WHATIF))
    assert apply(fleet, inv, "--plan", str(tmp_path / "fleet.plan")) == 1
    out = capsys.readouterr().out
    assert "BLOCKED (plan)" in out and "site-002: blocked: preflight subnet exists snet-2" in out
    assert len(fleet.arm.requests_matching("POST", WHATIF)) == whatifs, "trusted verdicts were checked again"
    assert _puts(fleet, "site-002") == 0 and _puts(fleet, "site-000") == 1 and _puts(fleet, "site-001") == 1
    assert _state(tmp_path / "fleet.state.json")["site-002"]["steps"]["gate"]["source"] == "plan"


def test_plan_verdict_for_other_inputs_is_checked_again(fleet: Fleet, write_inventory, tmp_path: Path) -> None:
    """A plan passed site-001; then its parameters changed (and now its what-if modifies the
    subnet). Its recorded inputs hash no longer matches: it is checked again and blocked; the
    unchanged targets keep their trusted verdicts."""
    inv = write_inventory(3, waves={"canary": "site-000"})
    assert main(["rollout", "plan", str(inv), "--endpoint", fleet.arm.base_url]) == 0
    doc = json.loads(inv.read_text())
    doc["targets"][1]["parameters"] = {"vmSize": "Standard_D4s_v5"}
    inv.write_text(json.dumps(doc))
    fleet.whatif.changes = _subnet_modify("site-001")
    before = len(fleet.arm.requests_matching("POST", WHATIF))
    assert apply(fleet, inv, "--plan", str(tmp_path / "fleet.plan")) == 1
    rechecked = fleet.arm.requests_matching("POST", WHATIF)[before:]
    assert [r.path.split("/")[4] for r in rechecked] == ["rg-site-001"]
    assert _puts(fleet, "site-001") == 0 and _puts(fleet, "site-000") == 1
    st = _state(tmp_path / "fleet.state.json")
    assert st["site-001"]["status"] == "blocked" and st["site-001"]["steps"]["gate"]["source"] == "checked"


def test_apply_needs_yes_without_a_terminal(fleet: Fleet, write_inventory, tmp_path: Path, capsys, monkeypatch) -> None:
    inv = write_inventory(2)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["rollout", "apply", str(inv), "--endpoint", fleet.arm.base_url]) == 2
    err = capsys.readouterr().err
    assert "--yes" in err and err.count("\n") == 1
    assert fleet.arm.requests == [] and not (tmp_path / "fleet.state.json").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code", "puts"), [("n\n", 1, 0), ("y\n", 0, 2)])
def test_terminal_shows_the_verdicts_and_asks(fleet: Fleet, write_inventory, capsys, monkeypatch,
                                              answer: str, code: int, puts: int) -> None:
    inv = write_inventory(2)
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    assert main(["rollout", "apply", str(inv), "--endpoint", fleet.arm.base_url]) == code
    out = capsys.readouterr().out
    assert "Gate: 2 targets, 2 pass, 0 blocked, 0 errors." in out and "Apply will deploy 2 targets." in out
    assert "Deploy? [y/N]" in out
    assert len(fleet.arm.requests_matching("PUT", DEP)) == puts


def test_target_limits_the_run(fleet: Fleet, write_inventory, tmp_path: Path, capsys) -> None:
    inv = write_inventory(4, waves={"canary": "site-000", "batchSize": 2})
    assert apply(fleet, inv, "--target", "site-002", "--target", "SITE-003") == 0
    assert sorted(p.split("/")[4] for p in fleet.accepted_puts()) == ["rg-site-002", "rg-site-003"]
    assert len(fleet.arm.requests_matching("POST", WHATIF)) == 2
    assert set(_state(tmp_path / "fleet.state.json")) == {"site-002", "site-003"}
    capsys.readouterr()
    assert apply(fleet, inv, "--target", "nope") == 2
    assert "--target 'nope': no such target" in capsys.readouterr().err


def test_forbidden_first_call_exits_3_naming_identity_action_and_scope(fleet: Fleet, write_inventory,
                                                                      tmp_path: Path, capsys) -> None:
    inv = write_inventory(3)
    fleet.arm.deny("Microsoft.Resources/subscriptions/resourceGroups/read", "/", f"/subscriptions/{SUB}")
    assert apply(fleet, inv) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing was deployed" in err
    assert "ARMGEN_ACCESS_TOKEN lacks permission for " in err and "AuthorizationFailed" in err
    assert f"(scope: /subscriptions/{SUB}/resourceGroups/rg-site-" in err
    assert "ci@example.com" in err  # ARM's own words name the principal too
    assert fleet.arm.requests_matching("PUT", DEP) == []


def test_forbidden_put_exits_3_when_nothing_was_deployed(fleet: Fleet, write_inventory, tmp_path: Path,
                                                         capsys) -> None:
    from tests.rollout.helpers import write_plan

    inv = write_inventory(3, concurrency=1)
    plan = write_plan(inv, tmp_path / "p")
    fleet.arm.deny("Microsoft.Resources/deployments/write", DEP, f"/subscriptions/{SUB}", method="PUT")
    assert apply(fleet, inv, "--plan", str(plan)) == 3
    err = capsys.readouterr().err
    assert "lacks permission for Microsoft.Resources/deployments/write" in err
    assert "scope: /subscriptions/" in err and "/deployments/cc-site-000" in err
    assert len(fleet.arm.requests_matching("PUT", DEP)) == 1  # the canary's; nothing else was tried
