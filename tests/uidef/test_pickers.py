"""ResourceSelector pickers for existing resources: the ``identity`` and ``resourceId`` hint controls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from armgen import expr as E
from armgen.render.arm_json import render
from armgen.template import ModelError, Resource, Template
from armgen.uidef import build_uidef, check_contract
from tests.uidef.conftest import Evaluator, appliance_template
from tests.uidef.test_build import element, elements_of

UAMI = "Microsoft.ManagedIdentity/userAssignedIdentities"
NSG = "Microsoft.Network/networkSecurityGroups"
ID_OF = "/subscriptions/sub-7/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-id"


def with_identity(parts: tuple[str, ...] = ("name", "resourceGroup"), step: str = "appliance",
                  **extra: Any) -> Template:
    """The synthetic template plus an existing identity whose id the VM uses."""
    t = appliance_template()
    params: dict[str, Any] = {}
    for part in parts:
        default: Any = {"name": None, "resourceGroup": E.resource_group().prop("name"),
                        "subscriptionId": E.subscription().subscriptionId}[part]
        kw = {} if default is None else {"default": default}
        params[part] = t.param(f"identity{part[:1].upper()}{part[1:]}", "string", description=f"Identity {part}.",
                               ui={"step": step, "control": "identity", "part": part, "label": "Identity",
                                   **extra}, **kw)
    uami = t.add(Resource(UAMI, "2024-11-30", params["name"], "uami", existing=True,
                          resource_group=params.get("resourceGroup"), subscription_id=params.get("subscriptionId")))
    vm = next(r for r in t.resources if r.symbol == "vm")
    vm.identity = {"type": "UserAssigned", "userAssignedIdentities": E.call("createObject", uami.id, E.create_object())}
    return t


def with_nsg(default: Any = "", **ui: Any) -> Template:
    """The synthetic template plus an NSG id parameter the NIC uses."""
    t = appliance_template()
    hints = {"step": "network", "control": "resourceId", "resourceType": NSG, "label": "Data NSG",
             "labels": {"new": "Create one", "existing": "Use an existing NSG"}, **ui}
    kw = {} if default is None else {"default": default}
    nsg = t.param("dataNsgId", "string", description="NSG for the data NIC; empty creates one.", ui=hints, **kw)
    nic = next(r for r in t.resources if r.symbol == "nic")
    nic.properties["networkSecurityGroup"] = {"id": nsg.ref}
    return t


# --- identity ---------------------------------------------------------------------------------------


def test_identity_selector_and_outputs() -> None:
    t = with_identity()
    doc = build_uidef(t)
    (sel,) = [el for el in elements_of(doc, "Microsoft.Solutions.ResourceSelector") if el["resourceType"] == UAMI]
    assert sel["name"] == "userAssignedIdentity" and sel["label"] == "Identity"
    # no subscription part: the template looks in its own subscription, so only that one is listed
    assert sel["options"]["filter"] == {"subscription": "onBasics", "location": "all"}
    assert sel["constraints"] == {"required": True}
    outs = doc["parameters"]["outputs"]
    ev = Evaluator({"appliance": {"userAssignedIdentity": {"id": ID_OF, "name": "app-id"}}})
    assert (ev.evaluate(outs["identityName"]), ev.evaluate(outs["identityResourceGroup"])) == ("app-id", "rg-ids")
    assert ev.evaluate(element(doc, "userAssignedIdentity")["name"]) == "userAssignedIdentity"
    # nothing chosen yet
    assert Evaluator({"appliance": {"userAssignedIdentity": None}}).evaluate(outs["identityResourceGroup"]) == ""
    assert check_contract(render(t), doc) == []


def test_identity_subscription_part_widens_the_list() -> None:
    doc = build_uidef(with_identity(("name", "resourceGroup", "subscriptionId"), locationFilter="onBasics"))
    sel = element(doc, "userAssignedIdentity")
    assert sel["options"]["filter"] == {"subscription": "all", "location": "onBasics"}
    ev = Evaluator({"appliance": {"userAssignedIdentity": {"id": ID_OF, "name": "app-id"}}})
    assert ev.evaluate(doc["parameters"]["outputs"]["identitySubscriptionId"]) == "sub-7"


def test_identity_without_group_part_warns_when_elsewhere() -> None:
    doc = build_uidef(with_identity(("name",)))
    box = element(doc, "userAssignedIdentityWrongGroup")
    assert box["options"]["icon"] == "Error"
    elsewhere = Evaluator({"appliance": {"userAssignedIdentity": {"id": ID_OF}}})
    here = Evaluator({"appliance": {"userAssignedIdentity": {"id": ID_OF.replace("rg-ids", "rg-app")}}})
    assert (elsewhere.evaluate(box["visible"]), here.evaluate(box["visible"])) == (True, False)


@pytest.mark.parametrize("mutate,match", [
    (lambda t: t.parameters["identityName"].ui.update(part="clientId"), "part 'clientId'"),
    (lambda t: t.parameters["identityResourceGroup"].ui.update(part="name"), "both ask for the identity name"),
    (lambda t: t.parameters["identityResourceGroup"].ui.update(step="network"), "spread over steps"),
    (lambda t: t.parameters["identityName"].ui.update(locationFilter="westeurope"), "locationFilter"),
])
def test_identity_hint_mistakes_are_model_errors(mutate: Any, match: str) -> None:
    t = with_identity()
    mutate(t)
    with pytest.raises(ModelError, match=match):
        build_uidef(t)


def test_identity_group_without_name_is_a_model_error() -> None:
    t = with_identity()
    t.parameters["identityName"].ui = {"step": "appliance", "control": "text", "regex": "^[a-z]{3,9}$",
                                       "validationMessage": "m"}
    with pytest.raises(ModelError, match="needs a parameter with the identity name"):
        build_uidef(t)


# --- resourceId ---------------------------------------------------------------------------------------


def test_optional_resource_id_offers_create_or_existing() -> None:
    t = with_nsg()
    doc = build_uidef(t)
    choice, sel = element(doc, "dataNsgIdSource"), element(doc, "dataNsgId")
    assert choice["type"] == "Microsoft.Common.OptionsGroup"
    assert choice["constraints"]["allowedValues"] == [{"label": "Create one", "value": "new"},
                                                      {"label": "Use an existing NSG", "value": "existing"}]
    assert choice["defaultValue"] == "Create one"
    assert (sel["type"], sel["resourceType"], sel["label"]) == ("Microsoft.Solutions.ResourceSelector", NSG,
                                                                "Existing data NSG")
    assert sel["options"]["filter"] == {"subscription": "onBasics", "location": "onBasics"}
    assert "subscription and region chosen on Basics" in sel["toolTip"]
    out = doc["parameters"]["outputs"]["dataNsgId"]
    nsg = {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n"}
    new = Evaluator({"network": {"dataNsgIdSource": "new", "dataNsgId": nsg}})
    existing = Evaluator({"network": {"dataNsgIdSource": "existing", "dataNsgId": nsg}})
    assert (new.evaluate(out), existing.evaluate(out)) == ("", nsg["id"])
    assert (new.evaluate(sel["visible"]), existing.evaluate(sel["visible"])) == (False, True)
    assert check_contract(render(t), doc) == []


def test_required_resource_id_is_a_plain_selector() -> None:
    t = with_nsg(default=None, locationFilter="all")
    t.parameters["dataNsgId"].ui.pop("labels")
    doc = build_uidef(t)
    sel = element(doc, "dataNsgId")
    assert sel["options"]["filter"] == {"subscription": "onBasics", "location": "all"}
    assert not [el for el in elements_of(doc) if el["name"] == "dataNsgIdSource"]
    assert doc["parameters"]["outputs"]["dataNsgId"] == "[steps('network').dataNsgId.id]"
    assert check_contract(render(t), doc) == []


def test_visible_hint_combines_with_the_choice() -> None:
    doc = build_uidef(with_nsg(visible="[steps('network').deployNat]"))
    sel = element(doc, "dataNsgId")
    ev = Evaluator({"network": {"deployNat": True, "dataNsgIdSource": "existing"}})
    assert ev.evaluate(sel["visible"]) is True
    ev = Evaluator({"network": {"deployNat": False, "dataNsgIdSource": "existing"}})
    assert ev.evaluate(sel["visible"]) is False


@pytest.mark.parametrize("default,ui,match", [
    ("x", {}, "default"),
    ("", {"labels": {"new": "Create"}}, "labels"),
    ("", {"labels": {"new": "a", "existing": "b", "none": "c"}}, "labels"),
    ("", {"resourceType": "networkSecurityGroups"}, "resourceType"),
])
def test_resource_id_hint_mistakes_are_model_errors(default: Any, ui: dict[str, Any], match: str) -> None:
    t = with_nsg(default=default, **ui)
    with pytest.raises(ModelError, match=match):
        build_uidef(t)


def test_contract_still_flags_a_dropdown_whose_value_is_handed_over() -> None:
    """The computed-output exemption must not hide a real mismatch of a direct control."""
    t = with_nsg()
    doc = build_uidef(t)
    tmpl = render(t)
    tmpl["parameters"]["appliancesPerZone"]["defaultValue"] = 9
    problems = check_contract(tmpl, doc)
    assert any("default [9]" in p for p in problems)


def test_pickers_pass_arm_ttk_cuid_rules(tmp_path: Path) -> None:
    from tests.uidef.test_offers import _cuid_findings

    t = with_identity(("name", "resourceGroup", "subscriptionId"))
    nsg = t.param("dataNsgId", "string", default="", description="NSG; empty creates one.",
                  ui={"step": "network", "control": "resourceId", "resourceType": NSG, "label": "Data NSG",
                      "labels": {"new": "Create one", "existing": "Use an existing NSG"}})
    next(r for r in t.resources if r.symbol == "nic").properties["nsg"] = nsg.ref
    assert _cuid_findings(t, tmp_path) == []
    json.dumps(build_uidef(t))  # serialisable
