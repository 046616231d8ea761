"""The parts of ``armgen attach`` that need no server: which subnet gets which resource, the
proof after a write (deepdiff), the narrow what-if gate, the inventory hook; plus the library
entry point the rollout will call, and Ctrl-C."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from armgen.armeval import unique_string
from armgen.azure.attach import (
    AttachError,
    AttachOptions,
    NamesNeedDeployment,
    parse_subnet_id,
    plan_links,
    run_attach,
    template_resource_ids,
    verify,
)
from armgen.azure.session import AzureTarget
from armgen.azure.whatif_gate import AllowedChange, Scope, check_attach_gate, evaluate
from armgen.errors import InputError
from tests.azure.attach_world import (
    NAT1,
    NAT2,
    OTHER_NAT,
    RG,
    TEMPLATE_DIR,
    WORKLOAD,
    WORKLOAD_RT,
    ZONE1,
    ZONE2,
    build,
)
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm
from tests.interrupt import popen_interruptible

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = json.loads((Path(TEMPLATE_DIR) / "mainTemplate.json").read_text())
VALUES = {"namePrefix": "zcc", "vnetName": "hub-vnet", "vnetResourceGroup": "network-rg",
          "zone1SubnetName": "cc-zone1", "zone2SubnetName": "cc-zone2"}


def plan(values: dict | None = None, template: dict | None = None, deployment: str | None = None, **opts):
    return plan_links(SUBSCRIPTION, RG, template or TEMPLATE, values or VALUES, AttachOptions(**opts),
                      deployment=deployment)


# ---------------------------------------------------------------- planning


def test_copy_index_in_the_evaluator() -> None:
    s = Scope({}, {}, "s", "rg", copy={"": 2, "loop": 2})
    assert evaluate("[format('n-{0}', copyIndex(1))]", s) == "n-3"
    assert evaluate("[copyIndex('loop')]", s) == 2 and evaluate("[copyIndex('loop', 10)]", s) == 12
    assert not isinstance(evaluate("[copyIndex()]", Scope({}, {}, "s", "rg")), int)  # outside a loop: unknown


def test_zone_slots_pair_in_order() -> None:
    links, appliance = plan()
    assert [(lk.subnet_id, lk.prop, lk.resource_id, lk.slot) for lk in links] == [
        (ZONE1, "natGateway", NAT1, 1), (ZONE2, "natGateway", NAT2, 2)]
    assert appliance == [ZONE1.lower(), ZONE2.lower()]


def test_one_nat_gateway_serves_every_subnet_and_counts_must_match() -> None:
    one = copy.deepcopy(TEMPLATE)
    nat = next(r for r in one["resources"] if r["type"].endswith("natGateways"))
    nat["copy"]["count"] = 1
    links, _ = plan(template=one)
    assert {lk.resource_id for lk in links} == {NAT1} and len(links) == 2
    three = copy.deepcopy(TEMPLATE)
    next(r for r in three["resources"] if r["type"].endswith("natGateways"))["copy"]["count"] = 3
    with pytest.raises(AttachError, match=r"creates 3 NAT gateways .* name 2 distinct appliance subnet"):
        plan(template=three)
    with pytest.raises(AttachError, match=r"creates 2 NAT gateways .* name 1 distinct"):
        plan({**VALUES, "zone2SubnetName": "cc-zone1"})  # both zones in one subnet: one NAT gateway only


def test_names_must_be_evaluable_and_conditions_count() -> None:
    t = copy.deepcopy(TEMPLATE)
    nat = next(r for r in t["resources"] if r["type"].endswith("natGateways"))
    nat["name"] = "[concat('ngw-', reference('x').name, copyIndex())]"  # known only once deployed
    with pytest.raises(AttachError, match="cannot evaluate the name"):
        plan(template=t)
    nat["name"] = "[concat('ngw-', uniqueString(resourceGroup().id, deployment().name), copyIndex())]"
    with pytest.raises(NamesNeedDeployment, match="depends on the deployment's name"):
        plan(template=t)
    links, _ = plan(template=t, deployment="cc-site-1")
    assert links[0].resource_id.endswith("/natGateways/ngw-" + unique_string(f"/subscriptions/{SUBSCRIPTION}/"
                                                                              f"resourceGroups/{RG}", "cc-site-1") + "0")
    nat["name"] = "[format('{0}-ngw-{1}', parameters('namePrefix'), copyIndex(1))]"
    nat["condition"] = "[equals(parameters('namePrefix'), 'nope')]"
    with pytest.raises(AttachError, match="creates no NAT gateway"):
        plan(template=t)
    assert template_resource_ids(TEMPLATE, VALUES, SUBSCRIPTION, RG, "Microsoft.Network/routeTables") == [WORKLOAD_RT]


def test_route_table_links_and_refusals() -> None:
    links, _ = plan(nat_gateway=False, route_table_subnets=(WORKLOAD,))
    assert [(lk.subnet_id, lk.prop, lk.resource_id, lk.role) for lk in links] == [(WORKLOAD, "routeTable", WORKLOAD_RT, "workload")]
    with pytest.raises(AttachError) as exc:
        plan(nat_gateway=False, route_table_subnets=(ZONE1.upper().replace("/SUBSCRIPTIONS/", "/subscriptions/"),))
    assert exc.value.exit_code == 1 and "appliance subnet" in exc.value.message
    for bad in ("not-an-id", WORKLOAD + "/x", WORKLOAD.replace("00000000-0000-0000-0000-000000000001", "sub"),
                WORKLOAD.replace("/workload", "/a%2F..")):
        with pytest.raises(AttachError) as exc:
            parse_subnet_id(bad)
        assert exc.value.exit_code == 2


def test_parameter_errors_name_file_and_path() -> None:
    with pytest.raises(InputError) as exc:
        plan_links(SUBSCRIPTION, RG, TEMPLATE, {**VALUES, "zone2SubnetName": ["ok", 3]},
                   AttachOptions(parameters_label="p.json"))
    assert str(exc.value) == "p.json: $.parameters.zone2SubnetName.value: must be a subnet name or a list of them, got [\"ok\", 3]"
    with pytest.raises(InputError, match=r"\$\.parameters\.vnetName\.value"):
        plan({**VALUES, "vnetName": {"x": 1}})
    with pytest.raises(InputError, match=r"vnetResourceGroup\.value: resource group 'a/b'"):
        plan({**VALUES, "vnetResourceGroup": "a/b"})


def test_inventory_hook() -> None:
    assert AttachOptions.from_inventory({"natGateway": True}, "inv.json", "$.targets[0].attach") == AttachOptions()
    opts = AttachOptions.from_inventory({"routeTableSubnets": [WORKLOAD]}, "inv.json", "$.a")
    assert opts.nat_gateway is False and opts.route_table_subnets == (WORKLOAD,)
    for value, where in (([], "$.a"), ({"natGateway": "yes"}, "$.a.natGateway"), ({"nat": True}, "$.a"),
                         ({"routeTableSubnets": ["x"]}, "$.a.routeTableSubnets[0]")):
        with pytest.raises(InputError) as exc:
            AttachOptions.from_inventory(value, "inv.json", "$.a")
        assert exc.value.file == "inv.json" and exc.value.path == where


# ---------------------------------------------------------------- the proof after a write


def test_verify_allows_exactly_the_one_property() -> None:
    before = {"etag": 'W/"1"', "properties": {"addressPrefix": "10.0.0.0/24", "provisioningState": "Succeeded",
                                              "serviceEndpoints": [{"service": "Microsoft.Storage"}],
                                              "ipConfigurations": [{"id": "nic1"}]}}
    after = copy.deepcopy(before)
    after["etag"] = 'W/"2"'
    after["properties"]["provisioningState"] = "Updating"
    after["properties"]["natGateway"] = {"id": NAT1.upper()}  # ids are case-insensitive
    after["properties"]["ipConfigurations"].append({"id": "nic2"})  # a NIC joined meanwhile: a note
    differences, notes = verify(before, after, "natGateway", NAT1)
    assert differences == [] and notes == ['properties.ipConfigurations[1]: added {"id": "nic2"} '
                                           "(read-only, changed by another resource)"]
    after["properties"]["serviceEndpoints"][0]["service"] = "Microsoft.Sql"
    del after["properties"]["addressPrefix"]
    after["properties"]["natGateway"] = {"id": OTHER_NAT}
    differences, _ = verify(before, after, "natGateway", NAT1)
    assert differences == [f"properties.natGateway.id is {OTHER_NAT!r}, expected {NAT1!r}",
                           'properties.addressPrefix: removed (was "10.0.0.0/24")',
                           'properties.serviceEndpoints[0].service: "Microsoft.Storage" -> "Microsoft.Sql"']
    gone = copy.deepcopy(before)
    gone["properties"]["natGateway"] = {"id": NAT1}
    assert verify(gone, before, "natGateway", None) == ([], [])  # detach: the property went, nothing else
    assert verify(gone, gone, "natGateway", None)[0] == [f'properties.natGateway is still {{"id": "{NAT1}"}}']


# ---------------------------------------------------------------- the narrow gate


def _modify(rid: str, *delta: dict) -> dict:
    return {"resourceId": rid, "changeType": "Modify", "delta": list(delta)}


def _result(*changes: dict, potential: tuple = ()) -> dict:
    return {"properties": {"changes": list(changes), "potentialChanges": list(potential)}}


def test_attach_gate() -> None:
    allowed = [AllowedChange(ZONE1, "natGateway", NAT1), AllowedChange(ZONE2, "natGateway", NAT2)]
    set1 = {"path": "properties.natGateway", "propertyChangeType": "Create", "after": {"id": NAT1}}
    set2 = {"path": "properties", "propertyChangeType": "Modify", "children": [
        {"path": "natGateway.id", "propertyChangeType": "Modify", "before": OTHER_NAT, "after": NAT2.upper()}]}
    noise = {"path": "properties.provisioningState", "propertyChangeType": "NoEffect", "before": "Succeeded"}
    ok = check_attach_gate(_result(_modify(ZONE1, set1, noise), _modify(ZONE2, set2),
                                   {"resourceId": WORKLOAD, "changeType": "NoChange"}), allowed)
    assert [(f.resource_id, f.verdict) for f in ok] == [(ZONE1, "accepted"), (ZONE2, "accepted")]

    def verdicts(*changes: dict, potential: tuple = ()) -> list[tuple[str, str, str]]:
        return [(f.resource_id, f.verdict, f.reason) for f in check_attach_gate(_result(*changes, potential=potential), allowed)
                if f.verdict == "blocked"]

    extra = {"path": "properties.routeTable", "propertyChangeType": "Delete", "before": {"id": "rt"}}
    assert verdicts(_modify(ZONE1, set1, extra), _modify(ZONE2, set2)) == [
        (ZONE1, "blocked", "would also change properties.routeTable (Delete)")]
    wrong = {**set1, "after": {"id": OTHER_NAT}}
    assert verdicts(_modify(ZONE1, wrong), _modify(ZONE2, set2))[0][2] == \
        "would also change properties.natGateway (Create)"
    assert verdicts(_modify(ZONE1, set1), _modify(ZONE2, set2), {"resourceId": WORKLOAD, "changeType": "Delete"}) == [
        (WORKLOAD, "blocked", "delete of a resource armgen attach does not touch")]
    assert verdicts(_modify(ZONE1, set1)) == [(ZONE2, "blocked", "what-if does not show properties.natGateway set")]
    assert verdicts(_modify(ZONE1, set1), {"resourceId": ZONE2, "changeType": "Deploy"})[0][2].startswith(
        "expected a modify of properties.natGateway only, what-if predicts Deploy")
    assert verdicts(_modify(ZONE1, set1), _modify(ZONE2, set2), potential=(_modify(WORKLOAD, extra),)) == [
        (WORKLOAD, "blocked", "modify of a resource armgen attach does not touch (potential change)")]
    remove = [AllowedChange(ZONE1, "natGateway", NAT1, remove=True)]
    gone = {"path": "properties.natGateway", "propertyChangeType": "Delete", "before": {"id": NAT1}}
    assert [f.verdict for f in check_attach_gate(_result(_modify(ZONE1, gone)), remove)] == ["accepted"]
    assert [f.verdict for f in check_attach_gate(_result(_modify(ZONE1, set1)), remove)] == ["blocked"]


# ---------------------------------------------------------------- the library entry point


def test_run_attach_returns_a_structured_result(fake_arm: FakeArm) -> None:
    world = build(fake_arm)
    target = AzureTarget.from_options("public", fake_arm.base_url, SUBSCRIPTION)
    lines: list[str] = []
    result = run_attach(target, RG, TEMPLATE, VALUES, AttachOptions(what_if=False), report=lines.append)
    assert result.ok and result.puts == 2 and result.count("attached") == 2
    doc = result.to_json()
    assert doc["exitCode"] == 0 and doc["gate"] is None
    assert [(s["subnetId"], s["state"], s["puts"]) for s in doc["subnets"]] == [(ZONE1, "attached", 1), (ZONE2, "attached", 1)]
    again = run_attach(target, RG, TEMPLATE, VALUES, AttachOptions(what_if=False))
    assert again.ok and again.puts == 0 and again.count("unchanged") == 2
    bad = run_attach(target, RG, TEMPLATE, {**VALUES, "zone1SubnetName": 7}, AttachOptions(parameters_label="p.json"))
    assert bad.exit_code == 2 and bad.message.startswith("p.json: $.parameters.zone1SubnetName.value")
    assert world.net.put_count() == 2


def test_conflict_appearing_between_get_and_put(fake_arm: FakeArm) -> None:
    world = build(fake_arm)
    world.net.meddle(ZONE1, lambda p: p.update(natGateway={"id": OTHER_NAT}))
    target = AzureTarget.from_options("public", fake_arm.base_url, SUBSCRIPTION)
    result = run_attach(target, RG, TEMPLATE, VALUES, AttachOptions(what_if=False))
    assert result.exit_code == 1 and "netops-ngw was attached meanwhile" in (result.message or "")
    assert world.props(ZONE1)["natGateway"] == {"id": OTHER_NAT}
    assert world.net.put_count(ZONE2) == 0


def test_ctrl_c_while_writing_then_rerun(fake_arm: FakeArm) -> None:
    """SIGINT while the subnet PUT's operation is being polled: one line naming the subnet, exit
    130; once the operation has ended, a rerun finds it attached and writes nothing."""
    world = build(fake_arm)
    world.net.polls = 10_000
    env = {**os.environ, "ARMGEN_ACCESS_TOKEN": "t", "ARMGEN_POLL_INTERVAL": "0.05", "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "armgen.cli", *world.argv("attach", "--no-what-if")]
    proc = popen_interruptible(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while not fake_arm.requests_matching("GET", r"/locations/.*/operations/") and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err.strip() == ("armgen: interrupted while network-rg/hub-vnet/cc-zone1 was being written; the update may "
                           "still complete: run 'armgen attach' again to finish and verify it")
    assert world.net.put_count() == 1
    # the operation is still running: a rerun now writes nothing and says so
    from armgen.cli import main

    assert main(world.argv("attach", "--no-what-if")) == 1 and world.net.put_count() == 1
    world.net.finish_operations()
    world.net.polls = 1
    assert main(world.argv("attach", "--no-what-if")) == 0
    assert world.net.put_count() == 2  # zone 2 only: zone 1 was already attached


def test_parameters_without_a_vnet_or_subnets() -> None:
    with pytest.raises(InputError) as exc:
        plan_links(SUBSCRIPTION, RG, TEMPLATE, {"namePrefix": "zcc"}, AttachOptions(parameters_label="p.json"))
    assert str(exc.value) == "p.json: attach needs the parameter 'vnetName' (the existing VNet)"
    with pytest.raises(InputError, match="found no subnet parameters"):
        plan({"vnetName": "hub-vnet"})
