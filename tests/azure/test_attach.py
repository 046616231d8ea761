"""``armgen attach``/``detach`` end to end: the real SDK against the fake Resource Manager, whose
subnets have etags that change on every write, honour If-Match with 412 and update through a
long-running operation (tests/fakearm/network.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen.cli import main
from tests.azure.attach_world import (
    HUB_RT,
    NAT1,
    NAT2,
    NSG,
    OTHER_NAT,
    PARAMS,
    RICH,
    WORKLOAD,
    WORKLOAD_RT,
    ZONE1,
    ZONE2,
    World,
    build,
    comparable,
)
from tests.fakearm.network import SUBNET_PATH, WHATIF_PATH
from tests.fakearm.server import FakeArm, Response


@pytest.fixture
def world(fake_arm: FakeArm) -> World:
    return build(fake_arm)


def test_rich_subnet_keeps_everything_and_gets_its_nat_gateway(world: World,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    before = {rid: world.props(rid) for rid in (ZONE1, ZONE2)}
    etags = {rid: world.net.etag(rid) for rid in (ZONE1, ZONE2)}
    assert main(world.argv("attach")) == 0
    out = capsys.readouterr().out
    for rid, nat in ((ZONE1, NAT1), (ZONE2, NAT2)):
        after = world.props(rid)
        assert after["natGateway"] == {"id": nat}
        assert comparable(after, "natGateway") == comparable(before[rid])  # NSG, RT, endpoints, delegation...
        assert after["provisioningState"] == "Succeeded"  # the operation was followed to its end
        [put] = [p for p in world.net.puts if p.subnet_id == rid]
        assert put.if_match == etags[rid] and put.status == 200  # conditional on the etag it read
        assert comparable(put.body["properties"], "natGateway") == comparable(before[rid])  # the whole body went back
    assert world.props(ZONE1)["routeTable"] == {"id": HUB_RT}
    assert world.props(ZONE1)["defaultOutboundAccess"] is False and world.props(ZONE1)["delegations"] == RICH["delegations"]
    # the LRO: each PUT's Azure-AsyncOperation was polled through InProgress (polls=2) to Succeeded
    assert len(world.arm.requests_matching("GET", r"/providers/Microsoft\.Network/locations/.*/operations/")) == 2 * 3
    # the what-if of exactly those bodies ran first, and its gate let exactly the two changes through
    assert len(world.net.what_ifs) == 1
    assert out.count("accepted Modify") == 2 and "BLOCKED" not in out
    assert "+ properties.natGateway:" in out
    assert "cc-zone1: verified: only properties.natGateway changed (ignored: etag, properties.provisioningState)" in out
    # the NAT gateways know their subnets (Resource Manager's back-reference)
    assert world.arm.get_resource(NAT1)["properties"]["subnets"] == [{"id": ZONE1}]


def test_change_made_between_get_and_put_is_preserved(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    sql = {"service": "Microsoft.Sql", "locations": ["westeurope"]}
    world.net.meddle(ZONE1, lambda p: p["serviceEndpoints"].append(sql))
    assert main(world.argv("attach")) == 0
    out = capsys.readouterr().out
    statuses = [p.status for p in world.net.puts if p.subnet_id == ZONE1]
    assert statuses == [412, 200]  # refused once, read again, written
    first, second = [p for p in world.net.puts if p.subnet_id == ZONE1]
    assert second.if_match != first.if_match
    after = world.props(ZONE1)
    assert sql in after["serviceEndpoints"] and after["natGateway"] == {"id": NAT1}
    assert comparable(after, "natGateway", "serviceEndpoints") == comparable(RICH, "serviceEndpoints")
    assert "412 Precondition Failed: the subnet changed since it was read; reading it again" in out


def test_other_nat_gateway_stops_the_run(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.net.add_subnet(ZONE2, {"addressPrefix": "10.0.2.0/26", "natGateway": {"id": OTHER_NAT}})
    assert main(world.argv("attach")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already has NAT gateway netops-ngw" in err and "--replace" in err
    assert world.writes() == [] and world.net.what_ifs == []  # nothing written, not even zone 1
    assert "natGateway" not in world.props(ZONE1)


def test_replace_then_detach(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.net.add_subnet(ZONE2, {"addressPrefix": "10.0.2.0/26", "natGateway": {"id": OTHER_NAT}})
    assert main(world.argv("attach", "--replace", "--format", "json")) == 0
    doc = json.loads(capsys.readouterr().out)
    states = {s["subnetId"]: (s["state"], s["previous"]) for s in doc["subnets"]}
    assert states == {ZONE1: ("attached", None), ZONE2: ("replaced", OTHER_NAT)}
    assert doc["gate"]["passed"] is True and doc["exitCode"] == 0
    assert [(f["resourceId"], f["verdict"]) for f in doc["gate"]["findings"]] == [(ZONE1, "accepted"), (ZONE2, "accepted")]
    assert doc["whatIf"][0]["properties"]["changes"][1]["delta"][0] == {
        "path": "properties.natGateway.id", "propertyChangeType": "Modify", "before": OTHER_NAT, "after": NAT2}
    assert world.props(ZONE2)["natGateway"] == {"id": NAT2}
    assert world.arm.get_resource(OTHER_NAT)["properties"]["subnets"] == []


def test_detach_restores_the_subnet(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    before = {rid: world.props(rid) for rid in (ZONE1, ZONE2)}
    assert main(world.argv("attach")) == 0
    assert main(world.argv("detach")) == 0
    out = capsys.readouterr().out
    for rid in (ZONE1, ZONE2):
        assert comparable(world.props(rid)) == comparable(before[rid])
    assert "Detach: 2 subnet(s) detached" in out and "only properties.natGateway removed" in out


def test_detach_leaves_what_is_not_armgens(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(world.argv("attach")) == 0
    world.net.add_subnet(ZONE2, {"addressPrefix": "10.0.2.0/26", "natGateway": {"id": OTHER_NAT}})
    capsys.readouterr()
    puts = len(world.net.puts)
    assert main(world.argv("detach", "--format", "json")) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {s["subnetId"]: s["state"] for s in doc["subnets"]} == {ZONE1: "detached", ZONE2: "foreign"}
    assert [p.subnet_id for p in world.net.puts[puts:]] == [ZONE1]
    assert world.props(ZONE2)["natGateway"] == {"id": OTHER_NAT}


def test_attach_twice_puts_once(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(world.argv("attach")) == 0
    whatifs = len(world.net.what_ifs)
    assert main(world.argv("attach")) == 0
    assert world.net.put_count(ZONE1) == 1 and world.net.put_count(ZONE2) == 1
    assert len(world.net.what_ifs) == whatifs  # nothing to preview either
    assert "Nothing to attach: every subnet is already as asked." in capsys.readouterr().out


@pytest.mark.parametrize("case", ["unknown subnet", "wrong type", "other region", "bad subnet name",
                                  "malformed id", "not deployed"])
def test_bad_input_one_line_exit_2_no_write(fake_arm: FakeArm, tmp_path, case: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    world = build(fake_arm, vnet_location="northeurope" if case == "other region" else "westeurope")
    params = json.loads(Path(PARAMS).read_text())
    extra: list[str] = []
    if case == "unknown subnet":
        params["parameters"]["zone2SubnetName"] = {"value": "no-such-subnet"}
    elif case == "wrong type":
        params["parameters"]["zone1SubnetName"] = {"value": 5}
    elif case == "bad subnet name":
        params["parameters"]["zone1SubnetName"] = {"value": "../../x"}
    elif case == "malformed id":
        extra = ["--route-table", "--subnet", WORKLOAD.replace("/subnets/", "/subnet/")]
    elif case == "not deployed":
        params["parameters"]["namePrefix"] = {"value": "elsewhere"}
    pfile = tmp_path / "parameters.json"
    pfile.write_text(json.dumps(params))
    assert main(world.argv("attach", *extra, params=str(pfile))) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("armgen: ") and "Traceback" not in err
    expected = {"unknown subnet": f"unknown subnet {ZONE2.replace('cc-zone2', 'no-such-subnet')}",
                "wrong type": f"{pfile}: $.parameters.zone1SubnetName.value: expected string, got integer",
                "other region": "is in northeurope (its virtual network's region), NAT gateway zcc-ngw-1 in westeurope",
                "bad subnet name": "$.parameters.zone1SubnetName.value: '../../x' is not a subnet name",
                "malformed id": "is not a subnet resource id",
                "not deployed": "NAT gateway /subscriptions/"}[case]
    assert expected in err
    assert world.writes() == [] and world.net.puts == []


def test_route_table_on_workload_subnets(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    before = world.props(WORKLOAD)
    assert main(world.argv("attach", "--route-table", "--subnet", WORKLOAD)) == 0
    after = world.props(WORKLOAD)
    assert after["routeTable"] == {"id": WORKLOAD_RT}
    assert comparable(after, "routeTable") == comparable(before)
    assert [p.subnet_id for p in world.net.puts] == [WORKLOAD]  # --route-table alone: no NAT gateways
    assert main(world.argv("detach", "--route-table", "--subnet", WORKLOAD)) == 0
    assert comparable(world.props(WORKLOAD)) == comparable(before)


def test_route_table_refused_on_appliance_subnet(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(world.argv("attach", "--route-table", "--subnet", ZONE2, "--subnet", WORKLOAD)) == 1
    err = capsys.readouterr().err
    assert "refusing to attach the workload route table zcc-workload-rt to network-rg/hub-vnet/cc-zone2" in err
    assert "loop" in err and world.writes() == []


def test_route_table_refused_where_its_next_hop_lives(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    other = WORKLOAD.replace("/workload", "/lb-frontend")
    world.net.add_subnet(other, {"addressPrefix": "10.0.1.0/28"})  # holds 10.0.1.10, the route's next hop
    assert main(world.argv("attach", "--route-table", "--subnet", other)) == 1
    assert "sends traffic to 10.0.1.10, inside this subnet" in capsys.readouterr().err
    assert world.writes() == []


def test_route_table_usage_errors(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(world.argv("attach", "--route-table")) == 2
    assert main(world.argv("attach", "--subnet", WORKLOAD)) == 2
    assert main(world.argv("detach", "--no-nat-gateway")) == 2
    err = capsys.readouterr().err
    assert "--route-table needs at least one --subnet ID" in err and "--subnet is only used with --route-table" in err
    assert world.writes() == []


def test_gate_blocks_a_what_if_showing_more(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """If the preview of the bodies shows anything else (here: the delegation going), nothing is written."""
    def noisy(req):  # a what-if that predicts the subnet would lose its delegation too
        rid = ZONE1
        final = {"status": "Succeeded", "properties": {"changes": [
            {"resourceId": rid, "changeType": "Modify", "delta": [
                {"path": "properties.natGateway", "propertyChangeType": "Create", "after": {"id": NAT1}},
                {"path": "properties.delegations", "propertyChangeType": "Delete", "before": RICH["delegations"]},
                {"path": "properties.provisioningState", "propertyChangeType": "NoEffect", "before": "Succeeded"}]},
            {"resourceId": ZONE2, "changeType": "Modify", "delta": [
                {"path": "properties.natGateway.id", "propertyChangeType": "Create", "after": NAT2}]}]}}
        return world.arm.begin_operation(final, polls=0)

    world.arm.route("POST", WHATIF_PATH)(noisy)
    assert main(world.argv("attach")) == 1
    cap = capsys.readouterr()
    assert f"BLOCKED  Modify      {ZONE1}: would also change properties.delegations (Delete)" in cap.out
    assert f"accepted Modify      {ZONE2}: only properties.natGateway set to zcc-ngw-2" in cap.out
    assert "nothing was written" in cap.err and world.writes() == []


def test_no_what_if_skips_the_preview(world: World) -> None:
    assert main(world.argv("attach", "--no-what-if")) == 0
    assert world.arm.requests_matching("POST", "whatIf") == [] and world.net.put_count() == 2


def test_verification_names_what_else_changed(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """A resource provider that drops a property on the PUT: exit 1, the path named, and the
    second subnet is not touched."""
    world.net.on_write = lambda rid, props: props.pop("defaultOutboundAccess", None)
    assert main(world.argv("attach")) == 1
    cap = capsys.readouterr()
    assert "network-rg/hub-vnet/cc-zone1: DIFFERS properties.defaultOutboundAccess: removed (was false)" in cap.out
    assert cap.err.startswith("armgen: network-rg/hub-vnet/cc-zone1: properties.defaultOutboundAccess: removed")
    assert world.net.put_count(ZONE2) == 0


def test_keeps_changing_is_bounded(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(5):
        world.net.meddle(ZONE1, lambda p: p.update(privateEndpointNetworkPolicies="Disabled"))
    assert main(world.argv("attach", "--no-what-if")) == 3
    assert [p.status for p in world.net.puts] == [412] * 5
    assert "kept changing under armgen (5 x 412 Precondition Failed); nothing was written" in capsys.readouterr().err
    assert "natGateway" not in world.props(ZONE1)


def test_failed_operation_exit_3(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.net.fail_next_put = ("InternalServerError", "An error occurred.")
    assert main(world.argv("attach", "--no-what-if")) == 3
    err = capsys.readouterr().err
    assert err.startswith("armgen: network-rg/hub-vnet/cc-zone1: ") and "An error occurred." in err
    assert world.net.put_count(ZONE2) == 0


def test_denied_write_names_the_action(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.arm.deny("Microsoft.Network/virtualNetworks/subnets/write", r"/subnets/", "network-rg", method="PUT")
    assert main(world.argv("attach", "--no-what-if")) == 3
    assert "lacks permission for Microsoft.Network/virtualNetworks/subnets/write" in capsys.readouterr().err


def test_built_in_offer_is_the_default_source(fake_arm: FakeArm, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """With no SOURCE, the built-in offer's template decides the NAT gateways (namePrefix zscc, and
    the name suffix the portal's wizard put in the deployment's parameters)."""
    world = build(fake_arm)
    for k in (1, 2):
        world.net.add_nat_gateway(NAT1.replace("zcc-ngw-1", f"zscc-ngw-{k}-k3x9a2bq"))
    params = {"parameters": {"vnetName": {"value": "hub-vnet"}, "vnetResourceGroup": {"value": "network-rg"},
                             "zone1SubnetName": {"value": "cc-zone1"}, "zone2SubnetName": {"value": "cc-zone2"},
                             "nameSuffix": {"value": "k3x9a2bq"}}}
    (tmp_path / "p.json").write_text(json.dumps(params))
    assert main(world.argv("attach", params=str(tmp_path / "p.json"), source=None)) == 0
    assert world.props(ZONE2)["natGateway"]["id"].endswith("/natGateways/zscc-ngw-2-k3x9a2bq")


def test_a_proxy_answer_with_different_case_is_still_ours(world: World) -> None:
    """Resource Manager may return ids in another case: a rerun still sees "already attached"."""
    assert main(world.argv("attach")) == 0
    props = world.props(ZONE1)
    props["natGateway"]["id"] = NAT1.upper().replace("/SUBSCRIPTIONS/", "/subscriptions/")
    world.net.add_subnet(ZONE1, props)
    puts = world.net.put_count()
    assert main(world.argv("attach")) == 0 and world.net.put_count() == puts


def test_change_made_during_the_what_if_is_read_before_the_put(world: World,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The subnet is read again right before its PUT: a change made while the what-if ran is the
    base of the PUT (its etag in If-Match, no 412) and survives."""
    def what_if_while_someone_edits(req):
        answer = world.net.what_if(req)  # previews the subnet as armgen read it...
        world.net.add_subnet(ZONE2, {"addressPrefix": "10.0.2.0/26", "defaultOutboundAccess": False,
                                     "networkSecurityGroup": {"id": NSG}})  # ...then someone adds an NSG
        return answer

    world.arm.route("POST", WHATIF_PATH)(what_if_while_someone_edits)
    assert main(world.argv("attach")) == 0
    [put] = [p for p in world.net.puts if p.subnet_id == ZONE2]
    assert put.status == 200 and put.body["properties"]["networkSecurityGroup"] == {"id": NSG}
    assert world.props(ZONE2)["networkSecurityGroup"] == {"id": NSG} and world.props(ZONE2)["natGateway"] == {"id": NAT2}
    assert "cc-zone2: changed since it was first read" in capsys.readouterr().out


def test_put_whose_answer_was_lost(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """The first PUT goes through but its answer is a 500; the retry policy resends it, gets 412
    (the etag moved on), and armgen finds the subnet as asked: verified, not written again."""
    lost = []

    def applied_then_500(req):
        answer = world.net.put(req)
        if not lost and req.params["name"] == "cc-zone1":
            lost.append(answer.status)
            world.net.finish_operations()
            return Response(500, {"error": {"code": "InternalServerError", "message": "lost"}}, {})
        return answer

    world.arm.route("PUT", SUBNET_PATH)(applied_then_500)
    assert main(world.argv("attach", "--no-what-if")) == 0
    out = capsys.readouterr().out
    assert lost == [200] and [p.status for p in world.net.puts if p.subnet_id == ZONE1] == [200, 412]
    assert "cc-zone1: already as asked after a 412 (an earlier try went through, its answer was lost)" in out
    assert "cc-zone1: verified: only properties.natGateway changed" in out
    assert comparable(world.props(ZONE1), "natGateway") == comparable(RICH) and world.props(ZONE1)["natGateway"] == {"id": NAT1}
