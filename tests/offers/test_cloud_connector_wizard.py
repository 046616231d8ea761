"""What a customer gets from the cloud-connector wizard, run with armgen's evaluator (issue 13).

Each test drives the generated createUiDefinition as the portal would (:class:`Wizard` with
sample answers from Azure, ``tests/offers/wizard_env.py``) and checks what reaches the template,
then what the template does with it (``tests/offers/armeval.py``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from armgen import expr as E
from armgen.offers import cloud_connector as cc
from armgen.offers import get_offer
from armgen.render.arm_json import render
from armgen.template import Template
from armgen.uidef import build_uidef
from armgen.uidef.acceptance import check_parameters
from armgen.uidef.evaluator import Outcome, Wizard
from armgen.uidef.explore import Explorer, State
from tests.offers.armeval import Env
from tests.offers.wizard_env import NET, environment

#: RFC 1123 host name label (what a Linux host name accepts), which a VM name becomes.
HOST_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class Run:
    """The offer's wizard in one environment, started as a user would (pickers and inputs filled)."""

    def __init__(self, options: dict[str, Any] | None = None, location: str = "westeurope",
                 zones: tuple[str, ...] = ("1", "2", "3")):
        self.template: Template = get_offer("cloud-connector").build(options or {})
        self.doc = build_uidef(self.template)
        self.wizard = Wizard(self.doc, environment(location, zones=zones))
        self.start, self.outcome = Explorer(self.wizard).complete(State("start", {}))

    def with_(self, **changes: Any) -> Outcome:
        """The start state with ``step__element=value`` changes."""
        values = json.loads(json.dumps(self.start.values))
        for key, v in changes.items():
            step, name = key.split("__")
            values.setdefault(step, {})[name] = v
        return self.wizard.run(values)

    def element(self, name: str) -> dict[str, Any]:
        return next(el for s in self.doc["parameters"]["steps"] for el in s["elements"] if el["name"] == name)


def messages(outcome: Outcome) -> list[str]:
    return [b.message for b in outcome.blocked]


def deployed(run: Run, outputs: dict[str, Any], **kw: Any) -> Env:
    """The template evaluated with what the wizard handed over."""
    assert check_parameters(render(run.template), outputs) == []
    return Env(run.template, params=dict(outputs), **kw)


# --- both zones on one subnet -------------------------------------------------------------------


def test_zones_start_on_different_subnets_and_cannot_share_one() -> None:
    run = Run()
    out = run.outcome.outputs
    assert out is not None
    assert (out["zone1SubnetName"], out["zone2SubnetName"]) == ("cc-a", "cc-b")
    # zone 2 never offers zone 1's subnet, so its default (its first item) differs
    zone2 = run.outcome.element("network", "zone2SubnetName")
    assert "cc-a" not in zone2.options and zone2.options[0] == zone2.value
    same = run.with_(network__zone2SubnetName="cc-a")
    assert same.outputs is None
    assert any("different subnet" in m for m in messages(same))
    # choosing zone 1 onto zone 2's subnet afterwards is stopped as well
    later = run.with_(network__zone1SubnetName="cc-b", network__zone2SubnetName="cc-b")
    assert later.outputs is None and any("different subnet" in m for m in messages(later))


def test_a_vnet_with_one_usable_subnet_stops_the_second_zone_with_a_reason() -> None:
    run = Run()
    spoke = run.with_(network__virtualNetwork=f"{NET}/virtualNetworks/spoke-vnet",
                      network__zone1SubnetName="only")
    assert spoke.outputs is None
    assert messages(spoke) == ["Subnet for the second zone: there is nothing to choose from."]
    box = spoke.element("network", "zone2SubnetNameNone")
    assert box.visible and "not chosen above" in box.value


# --- optional boxes -------------------------------------------------------------------------------


@pytest.mark.parametrize(("step", "name"), [("basics", "namePrefix"), ("bootstrap", "httpProbePort"),
                                            ("loadBalancer", "probeIntervalInSeconds"),
                                            ("network", "supportServerAddress")])
def test_a_cleared_box_blocks_instead_of_sending_an_empty_value(step: str, name: str) -> None:
    run = Run()
    cleared = run.with_(**{f"{step}__{name}": ""})
    assert cleared.outputs is None
    assert [b.element for b in cleared.blocked] == [name]
    assert messages(cleared)[0].endswith("a value is required.")


def test_admin_user_name_left_empty_is_zsroot() -> None:
    run = Run()
    box = run.element("adminUsername")
    assert "defaultValue" not in box and box["constraints"]["required"] is False  # arm-ttk: no default
    assert "Leave empty for zsroot" in box["toolTip"]
    assert run.outcome.outputs["adminUsername"] == "zsroot"
    assert run.with_(appliance__adminUsername="ops").outputs["adminUsername"] == "ops"
    assert run.with_(appliance__adminUsername="Root!").outputs is None


# --- boxes that accept what the template or the appliance refuses -----------------------------------


@pytest.mark.parametrize(("value", "ok"), [("80", True), ("1024", True), ("50000", True), ("65535", True),
                                           ("81", False), ("443", False), ("1023", False), ("65536", False),
                                           ("0", False), ("08080", False)])
def test_probe_port_box_takes_80_or_1024_to_65535(value: str, ok: bool) -> None:
    out = Run().with_(bootstrap__httpProbePort=value)
    assert (out.outputs is not None) is ok
    if ok:
        assert out.outputs["httpProbePort"] == int(value)


@pytest.mark.parametrize(("prefix", "ok"), [("zscc", True), ("a", True), ("cc-prod-01", True), ("abcdefghijkl", True),
                                            ("Zscc", False), ("zs_cc", False), ("zscc-", False), ("1zscc", False),
                                            ("zs.cc", False), ("abcdefghijklm", False), ("zs cc", False)])
def test_name_prefix_gives_valid_host_names(prefix: str, ok: bool) -> None:
    run = Run()
    out = run.with_(basics__namePrefix=prefix)
    assert (out.outputs is not None) is ok, messages(out)
    if ok:
        vm = next(r for r in run.template.resources if r.symbol == "ccvm")
        for i in range(4):
            name = deployed(run, out.outputs, copy_index=i).eval(vm.properties["osProfile"]["computerName"])
            assert HOST_LABEL.match(name) and len(name) <= 64, name
    assert bool(re.fullmatch(cc.NAME_PREFIX_REGEX, prefix)) is ok  # the build option follows the same rule


def test_ssh_key_is_checked_and_no_key_pair_is_generated_empty() -> None:
    run = Run()
    assert not [el for s in run.doc["parameters"]["steps"] for el in s["elements"]
                if el["type"] == "Microsoft.Compute.CredentialsCombo"]  # no "Generate new key pair"
    short = run.with_(appliance__sshPublicKey="ssh-rsa AAAA test")
    assert short.outputs is None and "OpenSSH public key" in messages(short)[0]
    # and the template itself refuses what no key can be
    assert check_parameters(render(run.template), {**run.outcome.outputs, "sshPublicKey": "ssh-rsa AAAA"}) == [
        "$.sshPublicKey: 12 characters, fewer than minLength 80"]


def test_support_access_off_hides_the_address_and_denies() -> None:
    run = Run()
    off = run.with_(network__supportAccess=False, network__supportServerAddress="not an address")
    assert off.outputs is not None  # a hidden box neither blocks nor leaks what it held
    assert not off.element("network", "supportServerAddress").visible
    assert off.outputs["supportAccess"] is False
    assert off.outputs["supportServerAddress"] == cc.SUPPORT_SERVER
    nsg = next(r for r in run.template.resources if r.symbol == "mgmtNsg")
    rule = next(r for r in nsg.properties["securityRules"] if r["name"] == "Zscaler_Support_Access")
    assert deployed(run, off.outputs).eval(rule["properties"]["access"]) == "Deny"
    assert run.with_(network__supportServerAddress="10.1.2.3").outputs["supportServerAddress"] == "10.1.2.3"


# --- zones chosen in the wizard ---------------------------------------------------------------------


def test_customer_chooses_the_zones() -> None:
    run = Run()
    out = run.with_(network__firstZone="3", network__secondZone="1").outputs
    assert out is not None and out["zones"] == ["3", "1"]
    vm = next(r for r in run.template.resources if r.symbol == "ccvm")
    nat = next(r for r in run.template.resources if r.symbol == "natGateway")
    placed = [deployed(run, out, copy_index=i).eval(vm.zones) for i in range(4)]
    assert placed == [["3"], ["1"], ["3"], ["1"]]
    assert [deployed(run, out, copy_index=k).eval(nat.zones) for k in (0, 1)] == [["3"], ["1"]]
    assert run.outcome.outputs["zones"] == ["1", "2"]  # the build's zones are the defaults
    twice = run.with_(network__firstZone="2", network__secondZone="2")
    assert twice.outputs is None and any("different zone" in m for m in messages(twice))


def test_a_region_without_zones_hides_the_choice_and_uses_an_availability_set() -> None:
    run = Run(location="northcentralus", zones=())
    out = run.outcome.outputs
    assert out is not None and out["zones"] == ["1", "2"]
    assert not run.outcome.element("network", "firstZone").visible
    assert run.outcome.element("network", "regionHasNoZones").visible
    vm = next(r for r in run.template.resources if r.symbol == "ccvm")
    assert deployed(run, out, copy_index=0, region_zones=[]).eval(vm.properties["availabilitySet"]) is not None


def test_a_zone_the_region_lacks_is_refused() -> None:
    run = Run({"zones": ["1", "2", "3"], "appliancesPerZone": 1}, zones=("1", "2"))
    assert run.outcome.outputs is None
    assert [b.element for b in run.outcome.blocked] == ["thirdZone"]
    assert "has no such zone" in messages(run.outcome)[0]


@pytest.mark.parametrize("options", [{}, {"zones": ["2"]}, {"zones": []}, {"variant": "standalone"},
                                     {"zones": ["1", "2", "3"], "appliancesPerZone": 1}], ids=str)
def test_texts_fit_the_build(options: dict[str, Any]) -> None:
    """No "spread over zones" with one zone, no "the appliances of the appliances"."""
    t = get_offer("cloud-connector").build(options)
    doc = build_uidef(t)
    text = json.dumps(doc) + json.dumps([p.description for p in t.parameters.values()])
    assert "of the appliances of the appliances" not in text and "for the appliances of the appliances" not in text
    zones_box = [el for s in doc["parameters"]["steps"] for el in s["elements"] if el["name"] == "regionHasZones"]
    if len(options.get("zones", ["1", "2"])) == 1:
        assert "spread" not in zones_box[0]["options"]["text"]
    if options.get("zones") == []:
        assert zones_box == []


# --- subnets the customer already uses ----------------------------------------------------------------


def test_chosen_subnet_with_a_nat_gateway_or_route_table_is_flagged() -> None:
    run = Run()
    plain = run.outcome
    assert not plain.element("network", "zone1SubnetNameHasNatGateway").visible
    assert not plain.element("network", "zone1SubnetNameHasRouteTable").visible
    nat = run.with_(network__zone1SubnetName="cc-nat")
    box = nat.element("network", "zone1SubnetNameHasNatGateway")
    assert box.visible and "would replace it" in box.value
    rt = run.with_(network__zone2SubnetName="cc-c")
    assert rt.element("network", "zone2SubnetNameHasRouteTable").visible
    assert not rt.element("network", "zone1SubnetNameHasRouteTable").visible


def test_subnet_list_reads_address_prefixes_too() -> None:
    offered = Run().outcome.element("network", "zone1SubnetName").options
    # cc-b has only addressPrefixes; tiny, full, web (delegated), v6first (IPv6 first) and GatewaySubnet can't
    assert offered == ["cc-a", "cc-b", "cc-c", "cc-nat"]


# --- names that let a second run add appliances -----------------------------------------------------------


def test_a_second_deployment_adds_appliances_instead_of_rewriting_the_first() -> None:
    t = get_offer("cloud-connector").build({})
    params = {"vnetName": "hub-vnet", "zone1SubnetName": "a", "zone2SubnetName": "b", "sshPublicKey": "k",
              "ccUrl": "u", "keyVaultUrl": "v", "identityName": "i"}
    names = {}
    for deployment in ("first", "second", "first"):
        e = Env(t, params=params, deployment_name=deployment, copy_index=0)
        names.setdefault(deployment, set()).add(frozenset(e.eval(r.name) for r in t.deployed
                                                          if r.type != "Microsoft.Resources/deployments"))
    first, second = names["first"], names["second"]
    assert len(first) == 1  # the same deployment again updates what it made
    assert not (next(iter(first)) & next(iter(second)))  # a new deployment shares no name with it
    e = Env(t, params={**params, "nameSuffix": "keep1234"}, copy_index=0)
    vm = next(r for r in t.resources if r.symbol == "ccvm")
    assert e.eval(vm.name) == "zscc-ccvm-1-keep1234"
    assert render(t)["parameters"]["nameSuffix"]["defaultValue"] == (
        "[take(uniqueString(resourceGroup().id, deployment().name), 8)]")
    assert E.to_json(t.outputs["resourceNameSuffix"].value) == "[parameters('nameSuffix')]"


def test_the_wizard_makes_a_new_name_suffix_each_run_and_records_it() -> None:
    """The portal computes the suffix (guid()), so the deployment's parameters hold it and
    ``armgen attach -p parameters.json`` can name the NAT gateways exactly."""
    from armgen.azure.attach import template_resource_ids

    run = Run()
    assert "nameSuffix" not in {el["name"] for s in run.doc["parameters"]["steps"] for el in s["elements"]}
    env = environment()
    env.guids = ["c7bc8bdc-7252-4a82-ba53-7c468679a511"]
    first = Wizard(run.doc, env).run(run.start.values).outputs
    env.guids = ["0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"]
    second = Wizard(run.doc, env).run(run.start.values).outputs
    assert (first["nameSuffix"], second["nameSuffix"]) == ("c7bc8bdc", "0f1e2d3c")
    nats = template_resource_ids(render(run.template), first, "sub", "cc-rg", "Microsoft.Network/natGateways")
    assert [n.rsplit("/", 1)[1] for n in nats] == ["zscc-ngw-1-c7bc8bdc", "zscc-ngw-2-c7bc8bdc"]
