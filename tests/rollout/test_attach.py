"""``rollout`` with an ``attach`` step: after each target's deployment succeeds, ``armgen attach``
puts the deployment's NAT gateways on the target's zone subnets, recorded in the state file as
``steps.attach``, resumable and never twice; ``rollout plan`` previews it.

The networks are Microsoft.Network's as attach meets them (tests/fakearm/network.py: etags,
If-Match, subnet PUTs as operations); each deployment creates its NAT gateways when it succeeds,
named from the resource group's id and the deployment's name as ARM names them.
"""

from __future__ import annotations

import json
from pathlib import Path

from armgen.cli import main
from tests.rollout.conftest import SUB, AttachFleet, target_names
from tests.rollout.helpers import StateReader, run_apply


def state_of(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "fleet.state.json").read_text())["targets"]


def attached(fleet: AttachFleet, name: str) -> list[str | None]:
    return [(fleet.net.subnet(s)["properties"].get("natGateway") or {}).get("id") for s in fleet.subnet_ids(SUB, name)]


def test_apply_attaches_each_target_after_its_deployment(attach_fleet: AttachFleet, write_attach_inventory,
                                                         tmp_path: Path) -> None:
    inv = write_attach_inventory(3, concurrency=2)
    reader = StateReader(tmp_path / "fleet.state.json")
    reader.start()
    try:
        result, out = run_apply(inv, attach_fleet.arm.base_url)
    finally:
        reader.stop()
    assert reader.reads > 0 and reader.bad == []
    assert {o.status for o in result.outcomes.values()} == {"succeeded"}
    state = state_of(tmp_path)
    for name in target_names(3):
        nats = AttachFleet.nat_ids(SUB, f"rg-{name}", f"cc-{name}")
        assert attached(attach_fleet, name) == nats  # zone slot k's subnet <- NAT gateway k
        step = state[name]["steps"]["attach"]
        assert state[name]["status"] == "succeeded" and step["status"] == "succeeded"
        assert step["attached"] == attach_fleet.subnet_ids(SUB, name) and step["result"]["exitCode"] == 0
        assert step["result"]["names"]["deployment"] == f"cc-{name}"
    assert set(attach_fleet.accepted_subnet_puts().values()) == {1} and len(attach_fleet.accepted_subnet_puts()) == 6
    assert "attached 2 subnets" in out.getvalue()

    # a rerun: nothing deployed, nothing read from the networks, nothing written
    puts, whatifs = len(attach_fleet.net.puts), len(attach_fleet.net.what_ifs)
    result, _ = run_apply(inv, attach_fleet.arm.base_url)
    assert {o.status for o in result.outcomes.values()} == {"skipped"}
    assert len(attach_fleet.net.puts) == puts and len(attach_fleet.net.what_ifs) == whatifs
    assert set(attach_fleet.accepted_puts().values()) == {1}


def test_a_failed_attach_reruns_only_the_attach(attach_fleet: AttachFleet, write_attach_inventory,
                                                tmp_path: Path) -> None:
    inv = write_attach_inventory(2, waves={"canary": None}, concurrency=1)
    attach_fleet.net.fail_next_put = ("InternalServerError", "An error occurred.")  # the first subnet's operation
    result, _ = run_apply(inv, attach_fleet.arm.base_url)
    first = target_names(2)[0]
    assert result.outcomes[first].status == "failed" and result.outcomes[first].detail.startswith("attach: ")
    state = state_of(tmp_path)
    assert state[first]["status"] == "succeeded"  # the deployment did succeed
    assert state[first]["steps"]["attach"]["status"] == "failed"
    assert state[first]["steps"]["attach"]["result"]["exitCode"] == 3

    result, out = run_apply(inv, attach_fleet.arm.base_url)
    assert {o.status for o in result.outcomes.values()} == {"succeeded"}
    assert set(attach_fleet.accepted_puts().values()) == {1}  # no deployment was sent again
    for name in target_names(2):
        assert attached(attach_fleet, name) == AttachFleet.nat_ids(SUB, f"rg-{name}", f"cc-{name}")
    assert state_of(tmp_path)[first]["steps"]["attach"]["status"] == "succeeded"
    assert f"{first}: succeeded (deployed; attached" in out.getvalue()


def test_changed_attach_options_run_the_attach_step_again(attach_fleet: AttachFleet, write_attach_inventory,
                                                          tmp_path: Path) -> None:
    """The attach step is done for the inputs it succeeded with: other attach options (here a
    workload subnet for the route table... that the template has none of) make it pending
    again, without redeploying."""
    inv = write_attach_inventory(1)
    run_apply(inv, attach_fleet.arm.base_url)
    doc = json.loads(inv.read_text())
    doc["defaults"]["attach"] = None  # turned off: nothing left to do
    inv.write_text(json.dumps(doc))
    result, _ = run_apply(inv, attach_fleet.arm.base_url)
    assert [o.status for o in result.outcomes.values()] == ["skipped"]
    doc["defaults"]["attach"] = {"natGateway": True}
    doc["targets"][0]["attach"] = {"natGateway": True, "routeTableSubnets": [
        attach_fleet.subnet_ids(SUB, "site-000")[0].replace("snet-1", "workload")]}
    inv.write_text(json.dumps(doc))
    result, _ = run_apply(inv, attach_fleet.arm.base_url)
    assert result.outcomes["site-000"].status == "failed"  # the template creates no route table
    assert "route tables" in result.outcomes["site-000"].detail
    assert set(attach_fleet.accepted_puts().values()) == {1}


def test_plan_previews_the_attach_and_blocks_one_it_would_refuse(attach_fleet: AttachFleet, write_attach_inventory,
                                                                 tmp_path: Path, capsys) -> None:
    inv = write_attach_inventory(2)
    other = f"/subscriptions/{SUB}/resourceGroups/net-site-001/providers/Microsoft.Network/natGateways/netops"
    attach_fleet.net.add_nat_gateway(other)
    attach_fleet.net.add_subnet(attach_fleet.subnet_ids(SUB, "site-001")[1],
                                {"addressPrefix": "10.0.2.0/24", "natGateway": {"id": other}})
    assert main(["rollout", "plan", str(inv), "--endpoint", attach_fleet.arm.base_url]) == 1
    out = capsys.readouterr().out
    assert "ATTACH" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("site-")}
    assert "2 to attach" in rows["site-000"] and rows["site-000"].rstrip().endswith("PASS")
    assert "BLOCKED" in rows["site-001"]
    assert "site-001: attach: blocked: net-site-001/vnet-site-001/snet-2 already has NAT gateway netops" in out
    plan = json.loads((tmp_path / "fleet.plan" / "plan.json").read_text())
    a0 = plan["targets"][0]["attach"]
    assert [s["state"] for s in a0["subnets"]] == ["pending", "pending"]
    assert a0["names"]["deployment"] == "cc-site-000" and a0["notes"]  # the NAT gateways are still to come
    assert attach_fleet.net.puts == []  # a plan writes nothing

    # apply never deploys the target whose attach would be refused
    result, _ = run_apply(inv, attach_fleet.arm.base_url, plan_entries=None)
    assert result.outcomes["site-001"].status == "blocked"
    assert attach_fleet.deployments.record("rg-site-001", "cc-site-001") is None


def test_inventory_attach_is_checked_with_its_path(attach_fleet: AttachFleet, write_attach_inventory, capsys) -> None:
    inv = write_attach_inventory(1)
    doc = json.loads(inv.read_text())
    for bad, needle in (({}, "$.defaults.attach: nothing to attach"),
                        ({"natGateway": "yes"}, "$.defaults.attach"),
                        ({"natGateway": True, "routeTableSubnets": ["not-an-id"]},
                         "$.defaults.attach.routeTableSubnets[0]: 'not-an-id' is not a subnet resource id")):
        doc["defaults"]["attach"] = bad
        inv.write_text(json.dumps(doc))
        assert main(["rollout", "plan", str(inv), "--endpoint", attach_fleet.arm.base_url]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and needle in err, err


def test_a_stop_before_the_attach_leaves_it_to_the_rerun(attach_fleet: AttachFleet, write_attach_inventory,
                                                        tmp_path: Path) -> None:
    """A stop that lands between the deployment and its attach records the attach step as not
    done: the rerun attaches (and deploys nothing)."""
    import threading

    inv = write_attach_inventory(1)
    stop = threading.Event()
    attach_fleet.deployments.on_success = lambda rec, base=attach_fleet._created: (stop.set(), base(rec))[1]
    result, _ = run_apply(inv, attach_fleet.arm.base_url, stop=stop)
    assert result.interrupted
    step = state_of(tmp_path)["site-000"].get("steps", {}).get("attach")
    assert step is None or step["status"] != "succeeded"
    assert attach_fleet.net.puts == []
    result, _ = run_apply(inv, attach_fleet.arm.base_url)
    assert result.outcomes["site-000"].status == "succeeded"
    assert set(attach_fleet.accepted_puts().values()) == {1} and len(attach_fleet.accepted_subnet_puts()) == 2
