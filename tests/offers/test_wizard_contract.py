"""The wizard contract, for every built-in offer and variant: each state a customer can reach is
blocked by a constraint with a message, or hands the template parameters it accepts.

The states come from :func:`armgen.uidef.explore.states` (every choice's values, pairs of
choices, cleared boxes, one subnet for two zones, empty pickers and API answers) in regions with
and without zones; Azure's answers come from ``tests/offers/wizard_env.py``. The last tests break
a createUiDefinition on purpose and prove the check notices.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from armgen.offers import get_offer
from armgen.render.arm_json import render
from armgen.uidef import build_uidef
from armgen.uidef.explore import ContractReport, check_wizard, model_invariants
from tests.offers.wizard_env import environment

ZONAL = ("westeurope", ("1", "2", "3"))
NO_ZONES = ("northcentralus", ())
CHINA = ("chinanorth3", ("1", "2", "3"))

CASES = [
    ("cloud-connector", {}, ZONAL),
    ("cloud-connector", {}, NO_ZONES),
    ("cloud-connector", {}, CHINA),
    ("cloud-connector", {"variant": "standalone"}, ZONAL),
    ("cloud-connector", {"variant": "standalone", "zones": ["1"]}, NO_ZONES),
    ("cloud-connector", {"zones": []}, ZONAL),
    ("cloud-connector", {"zones": ["2"], "appliancesPerZone": 3}, ZONAL),
    ("cloud-connector", {"zones": ["1", "2", "3"], "appliancesPerZone": 1}, ZONAL),
    ("cloud-connector", {"natGateway": False}, ZONAL),
    ("cloud-connector", {"network": "new", "workloadSubnet": True, "bastion": True}, ZONAL),
    ("cloud-connector", {"network": "new", "variant": "standalone", "zones": []}, NO_ZONES),
    ("cloud-connector", {"zpa": True}, ZONAL),
    ("cloud-connector", {"zpa": True, "variant": "standalone"}, NO_ZONES),
    ("cloud-connector", {"network": "new", "zpa": True, "byoNatGateway": True}, CHINA),
    ("cloud-connector", {"byoNatGateway": True}, ZONAL),
    ("cloud-connector", {"byoNatGateway": True, "zones": ["1", "2", "3"], "appliancesPerZone": 1}, NO_ZONES),
    ("two-nic-appliance", {}, ZONAL),
    ("two-nic-appliance", {"variant": "standalone", "zones": []}, NO_ZONES),
]


def run(name: str, options: dict[str, Any], region: tuple[str, tuple[str, ...]],
        doc: dict[str, Any] | None = None) -> ContractReport:
    t = get_offer(name).build(options)
    location, zones = region
    return check_wizard(doc if doc is not None else build_uidef(t), render(t), environment(location, zones=zones),
                        model_invariants(t))


@pytest.mark.parametrize(("name", "options", "region"), CASES,
                         ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in o.items()) or 'default'}-{r[0]}" for n, o, r in CASES])
def test_every_state_is_blocked_with_a_message_or_deployable(name: str, options: dict[str, Any],
                                                            region: tuple[str, tuple[str, ...]]) -> None:
    report = run(name, options, region)
    assert report.problems == [], report.summary()
    # Not vacuous: the walk reached both kinds of state, and the start is deployable.
    assert report.results[0].verdict == "accepted"
    assert report.count("accepted") >= 5 and report.count("blocked") >= 5, report.summary()


def _element(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(el for step in doc["parameters"]["steps"] for el in step["elements"] if el["name"] == name)


def _cc_doc(**options: Any) -> dict[str, Any]:
    return copy.deepcopy(build_uidef(get_offer("cloud-connector").build(options)))


def test_a_box_that_may_be_cleared_into_an_int_parameter_is_caught() -> None:
    """The issue's optional boxes: "" reaches int() and the deployment would fail."""
    doc = _cc_doc()
    _element(doc, "httpProbePort")["constraints"]["required"] = False
    problems = run("cloud-connector", {}, ZONAL, doc).problems
    assert any(p.startswith("[bootstrap.httpProbePort cleared] does not evaluate") and "int()" in p
               for p in problems), problems


def test_a_choice_the_template_refuses_is_caught() -> None:
    doc = _cc_doc()
    _element(doc, "loadDistribution")["constraints"]["allowedValues"].append({"label": "Round robin", "value": "RR"})
    problems = run("cloud-connector", {}, ZONAL, doc).problems
    assert any("loadDistribution" in p and "'RR' not in allowedValues" in p for p in problems), problems


def test_two_zones_on_one_subnet_is_caught() -> None:
    """Without the exclusion and the check, zone 2 offers (and defaults to) zone 1's subnet."""
    doc = _cc_doc()
    plain = copy.deepcopy(_element(doc, "zone1SubnetName")["constraints"])
    plain["allowedValues"] = plain["allowedValues"].replace("zone1SubnetName", "zone2SubnetName")
    _element(doc, "zone2SubnetName")["constraints"] = {
        "allowedValues": _element(doc, "zone1SubnetName")["constraints"]["allowedValues"], "required": True}
    problems = run("cloud-connector", {}, ZONAL, doc).problems
    assert any("the same subnet for two slots" in p for p in problems), problems
    assert problems[0].startswith("[start]")  # the defaults themselves put both zones on one subnet


def test_a_requirement_without_a_message_is_caught() -> None:
    doc = _cc_doc()
    _element(doc, "zone1SubnetName")["constraints"]["validations"] = [{"isValid": "[false]", "message": " "}]
    problems = run("cloud-connector", {}, ZONAL, doc).problems
    assert any("blocked without a message at network.zone1SubnetName" in p for p in problems), problems
