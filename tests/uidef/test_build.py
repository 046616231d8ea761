"""createUiDefinition derived from a template: the contract, controls and portal logic."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from armgen.render.arm_json import render
from armgen.template import ModelError, Template
from armgen.uidef import HANDLER, SCHEMA, VERSION, build_uidef, check_contract
from armgen.uidef.contract import all_elements
from tests.uidef.conftest import SIZES, Evaluator, appliance_template

TOOLTIP_EXEMPT = {
    "microsoft.common.infobox", "microsoft.common.section", "microsoft.common.textblock",
    "microsoft.solutions.armapicontrol",
}


def elements_of(doc: dict[str, Any], type_: str | None = None) -> list[dict[str, Any]]:
    return [el for _, _, el in all_elements(doc) if type_ is None or el["type"] == type_]


def element(doc: dict[str, Any], name: str) -> dict[str, Any]:
    (el,) = [el for el in elements_of(doc) if el["name"] == name]
    return el


def test_top_level(template: Template) -> None:
    doc = build_uidef(template)
    assert (doc["$schema"], doc["handler"], doc["version"]) == (SCHEMA, HANDLER, VERSION)
    assert SCHEMA.endswith("/0.1.2-preview/CreateUIDefinition.MultiVm.json#")
    assert [s["name"] for s in doc["parameters"]["steps"]] == ["appliance", "network", "tags"]


def test_contract_both_ways(template: Template) -> None:
    doc = build_uidef(template)
    outputs = doc["parameters"]["outputs"]
    params = template.parameters
    assert set(outputs) <= set(params)
    no_default = {n for n, p in params.items() if not p.has_default}
    assert no_default == {"sshPublicKey", "vnetName", "vnetResourceGroup", "subnetZone1", "subnetZone2"}
    assert no_default <= set(outputs)
    # Hidden (no ui, with default) parameters stay out of the UI.
    assert "bootstrapPort" not in outputs
    assert check_contract(render(template), doc) == []


def test_location_output(template: Template) -> None:
    doc = build_uidef(template)
    assert doc["parameters"]["outputs"]["location"] == "[location()]"
    assert next(iter(doc["parameters"]["outputs"])) == "location"


def test_parameter_without_default_or_ui_is_a_model_error(template: Template) -> None:
    template.param("licenseKey", "string", description="Forgotten in the UI.")
    with pytest.raises(ModelError, match="licenseKey"):
        build_uidef(template)


def test_hidden_parameter_needs_a_default(template: Template) -> None:
    template.param("secretThing", "string", ui={"control": "hidden"})
    with pytest.raises(ModelError, match=r"secretThing.*default"):
        build_uidef(template)


def test_template_without_location_is_refused() -> None:
    t = Template(ui={})
    t.param("x", "string", default="a", description="x", ui={"step": "basics"})
    with pytest.raises(ModelError, match="location"):
        build_uidef(t)


@pytest.mark.parametrize(
    "name,ui,match",
    [
        ("a", {"step": "nowhere"}, "step 'nowhere'"),
        ("b", {"control": "slider"}, "unknown ui control"),
        ("c", {"step": "basics", "lable": "typo"}, "unknown ui hint"),
        ("d", {"step": "basics", "regex": "^x{1,2}$"}, "both regex and validationMessage"),
        ("f", {"step": "basics", "control": "dropdown"}, "allowed_values"),
        ("g", {"step": "network", "control": "subnet"}, "VNet|vnet"),
    ],
)
def test_bad_hints_are_model_errors(name: str, ui: dict[str, Any], match: str) -> None:
    t = appliance_template()
    if name == "g":
        for p in ("vnetName", "vnetResourceGroup"):
            t.parameters[p].ui = {}
            t.parameters[p].default = "x"
        for p in ("subnetZone1", "subnetZone2"):
            t.parameters[p].ui["control"] = "subnet"
    t.param(name, "string", default="xx", description="d", ui=ui)
    with pytest.raises(ModelError, match=match):
        build_uidef(t)


def test_tooltip_is_required() -> None:
    t = appliance_template()
    t.param("quiet", "string", default="q", ui={"step": "basics"})
    with pytest.raises(ModelError, match=r"quiet.*toolTip"):
        build_uidef(t)


def test_expression_default_cannot_be_shown() -> None:
    from armgen import expr as E

    t = appliance_template()
    t.param("suffix", "string", default=E.unique_string(E.resource_group().id), description="s", ui={"step": "basics"})
    with pytest.raises(ModelError, match=r"suffix.*expression"):
        build_uidef(t)


def test_offer_regex_without_length_quantifier_gets_a_length_guard() -> None:
    t = appliance_template()
    t.param("nsgId", "string", default="", max_length=300, description="d",
            ui={"step": "basics", "regex": "^$|^/subscriptions/[^/]+/x$", "validationMessage": "an id"})
    box = element(build_uidef(t), "nsgId")
    pattern = box["constraints"]["regex"]
    assert re.search(r"\{\d+(,\d*)?\}", pattern)
    assert re.search(pattern, "") and re.search(pattern, "/subscriptions/abc/x")
    assert not re.search(pattern, "/subscriptions/abc/y")
    assert not re.search(pattern, "/subscriptions/" + "a" * 300 + "/x")


def test_default_must_match_offer_regex() -> None:
    t = appliance_template()
    t.param("code", "string", default="ABC", description="d",
            ui={"step": "basics", "regex": "^[a-z]{1,5}$", "validationMessage": "lowercase"})
    with pytest.raises(ModelError, match="does not match"):
        build_uidef(t)


def test_size_selector_allowed_sizes_equal_allowed_values(template: Template) -> None:
    doc = build_uidef(template)
    (sel,) = elements_of(doc, "Microsoft.Compute.SizeSelector")
    assert sel["constraints"]["allowedSizes"] == template.parameters["vmSize"].allowed_values == SIZES
    assert sel["recommendedSizes"] == ["Standard_D2s_v3"]
    assert doc["parameters"]["outputs"]["vmSize"] == "[steps('appliance').vmSize]"


def test_size_without_allowed_values_is_refused() -> None:
    t = appliance_template()
    t.parameters["vmSize"].allowed_values = None
    with pytest.raises(ModelError, match="vmSize"):
        build_uidef(t)


def test_textboxes_are_well_formed_and_tooltips_present(template: Template) -> None:
    doc = build_uidef(template)
    boxes = elements_of(doc, "Microsoft.Common.TextBox") + elements_of(doc, "Microsoft.Compute.UserNameTextBox")
    assert len(boxes) == 4  # name prefix, probe interval, SSH key, user name
    for box in boxes:
        c = box["constraints"]
        assert c["regex"] and c["validationMessage"]
        pattern = re.compile(c["regex"])
        assert re.search(r"\{\d+(,\d*)?\}", c["regex"]), box["name"]
        if "defaultValue" in box:
            assert pattern.search(box["defaultValue"]), box["name"]
    for el in elements_of(doc):
        if el["type"].lower() not in TOOLTIP_EXEMPT:
            assert str(el.get("toolTip", "")).strip(), el["name"]


def test_int_textbox_enforces_template_range(template: Template) -> None:
    doc = build_uidef(template)
    box = element(doc, "probeInterval")
    pattern = re.compile(box["constraints"]["regex"])
    accepted = [n for n in range(0, 100) if pattern.search(str(n))]
    assert accepted == list(range(5, 61))
    assert doc["parameters"]["outputs"]["probeInterval"] == "[int(steps('appliance').probeInterval)]"


def test_username_never_has_a_default(template: Template) -> None:
    assert template.parameters["adminUsername"].default == "zsroot"
    doc = build_uidef(template)
    (box,) = elements_of(doc, "Microsoft.Compute.UserNameTextBox")
    assert "defaultValue" not in box


def _openssh(kind: bytes, *fields: bytes) -> str:
    import base64
    import struct

    blob = b"".join(struct.pack(">I", len(f)) + f for f in (kind, *fields))
    return f"{kind.decode()} {base64.b64encode(blob).decode()}"


def test_ssh_key_box_takes_only_keys_azure_accepts(template: Template) -> None:
    """Not a CredentialsCombo: its 'Generate new key pair' hands the template an empty key."""
    doc = build_uidef(template)
    box = element(doc, "sshPublicKey")
    assert box["type"] == "Microsoft.Common.TextBox"
    assert not elements_of(doc, "Microsoft.Compute.CredentialsCombo")
    assert doc["parameters"]["outputs"]["sshPublicKey"] == "[steps('appliance').sshPublicKey]"
    c = box["constraints"]
    assert c["required"] is True and "defaultValue" not in box
    ed25519 = _openssh(b"ssh-ed25519", bytes(32))
    rsa2048 = _openssh(b"ssh-rsa", b"\x01\x00\x01", b"\x00" + b"\x07" * 256)
    ok = [ed25519, ed25519 + " me@host", rsa2048, _openssh(b"ssh-rsa", b"\x01\x00\x01", b"\x00" + b"\x07" * 512)]
    bad = ["", "ssh-ed25519 AAAA", _openssh(b"ssh-rsa", b"\x01\x00\x01", b"\x00" + b"\x07" * 128),  # 1024 bits
           _openssh(b"ecdsa-sha2-nistp256", b"nistp256", bytes(65)), ed25519 + "\nsecond line", " " + ed25519,
           "-----BEGIN OPENSSH PRIVATE KEY-----"]
    assert [k for k in ok if not re.search(c["regex"], k)] == []
    assert [k for k in bad if re.search(c["regex"], k)] == []


def test_ssh_key_must_be_a_plain_string_parameter() -> None:
    t = appliance_template()
    t.parameters["sshPublicKey"].type = "securestring"
    with pytest.raises(ModelError, match=r"sshPublicKey.*not a secret"):
        build_uidef(t)


def test_dropdown_offers_allowed_values_with_labels(template: Template) -> None:
    doc = build_uidef(template)
    dd = element(doc, "appliancesPerZone")
    assert [i["value"] for i in dd["constraints"]["allowedValues"]] == [1, 2, 3, 4]
    assert [i["label"] for i in dd["constraints"]["allowedValues"]] == ["One", "Two", "3", "4"]
    assert dd["defaultValue"] == "Two"  # a label, as the portal expects


def test_tags_by_resource_defaults_to_deployed_types(template: Template) -> None:
    doc = build_uidef(template)
    tags = element(doc, "tagsByResource")
    assert tags["type"] == "Microsoft.Common.TagsByResource"
    assert tags["resources"] == ["Microsoft.Network/networkInterfaces", "Microsoft.Compute/virtualMachines"]
    assert doc["parameters"]["outputs"]["tagsByResource"] == "[steps('tags').tagsByResource]"


def test_tags_only_for_deployed_types() -> None:
    t = appliance_template()
    t.parameters["tagsByResource"].ui["resources"] = ["Microsoft.Sql/servers", "Microsoft.Compute/virtualMachines"]
    assert element(build_uidef(t), "tagsByResource")["resources"] == ["Microsoft.Compute/virtualMachines"]
    t.parameters["tagsByResource"].ui["resources"] = ["Microsoft.Sql/servers"]
    with pytest.raises(ModelError, match="tagsByResource"):
        build_uidef(t)


def test_no_virtual_network_combo_only_existing_vnets(template: Template) -> None:
    doc = build_uidef(template)
    assert not elements_of(doc, "Microsoft.Network.VirtualNetworkCombo")
    (sel,) = elements_of(doc, "Microsoft.Solutions.ResourceSelector")
    assert sel["resourceType"] == "Microsoft.Network/virtualNetworks"
    assert sel["options"]["filter"] == {"subscription": "onBasics", "location": "onBasics"}


VNET_ID = "/subscriptions/0000/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/hub"


def _subnet(name: str, prefix: str | None, used: int = 0, delegated: bool = False) -> dict[str, Any]:
    props: dict[str, Any] = {"delegations": [{"name": "d"}] if delegated else []}
    if prefix is not None:
        props["addressPrefix"] = prefix
    else:
        props["addressPrefixes"] = ["10.9.0.0/24"]
    if used:
        props["ipConfigurations"] = [{"id": f"ip{i}"} for i in range(used)]
    return {"id": f"{VNET_ID}/subnets/{name}", "name": name, "properties": props}


SUBNETS = [
    _subnet("big", "10.0.0.0/24"),
    _subnet("exact28", "10.0.1.0/28"),  # 11 usable
    _subnet("small29", "10.0.1.16/29"),  # too small a prefix
    _subnet("full28", "10.0.1.32/28", used=8),  # 3 free < 5
    _subnet("almost28", "10.0.1.48/28", used=6),  # 5 free == 5
    _subnet("GatewaySubnet", "10.0.2.0/24"),
    _subnet("delegated", "10.0.3.0/24", delegated=True),
    _subnet("multi", None),  # addressPrefixes only: a subnet created with several prefixes
    {"id": f"{VNET_ID}/subnets/v6first", "name": "v6first",
     "properties": {"addressPrefixes": ["fd00:db8::/64", "10.0.9.0/24"]}},
]


def _network_eval(subnets: list[dict[str, Any]], vnet_id: str | None = VNET_ID,
                  chosen: tuple[str | None, str | None] = ("big", "exact28")) -> Evaluator:
    vnet = {"id": vnet_id, "name": "hub", "location": "westeurope"} if vnet_id else None
    return Evaluator({"network": {"virtualNetwork": vnet, "virtualNetworkSubnets": {"value": subnets},
                                  "subnetZone1": chosen[0], "subnetZone2": chosen[1]}})


def test_subnet_dropdown_offers_only_subnets_large_enough(template: Template) -> None:
    doc = build_uidef(template)
    dd = element(doc, "subnetZone1")
    options = _network_eval(SUBNETS).evaluate(dd["constraints"]["allowedValues"])
    # "multi" has only addressPrefixes (the filter used to read addressPrefix alone and hide it);
    # "v6first" lists an IPv6 prefix first, which is no room for IPv4 NICs.
    assert [o["value"] for o in options] == ["big", "exact28", "almost28", "multi"]
    assert options[0]["label"] == "big (10.0.0.0/24)"
    assert options[3] == {"label": "multi (10.9.0.0/24)", "value": "multi", "description": "251 free addresses"}
    assert options[1]["description"] == "11 free addresses"
    assert dd["constraints"]["required"] is True


def test_subnet_warning_only_when_nothing_fits(template: Template) -> None:
    doc = build_uidef(template)
    warn = element(doc, "subnetZone1None")
    assert warn["type"] == "Microsoft.Common.InfoBox"
    assert _network_eval(SUBNETS).evaluate(warn["visible"]) is False
    assert _network_eval([_subnet("tiny", "10.0.0.0/29")]).evaluate(warn["visible"]) is True
    assert _network_eval([], vnet_id=None).evaluate(warn["visible"]) is False  # nothing chosen yet


def test_min_address_count_tightens_prefix() -> None:
    t = appliance_template()
    t.parameters["subnetZone1"].ui.update({"minAddressPrefixSize": "/28", "minAddressCount": 20})
    doc = build_uidef(t)
    options = _network_eval([*SUBNETS, _subnet("p27", "10.0.4.0/27", used=5)]).evaluate(
        element(doc, "subnetZone1")["constraints"]["allowedValues"]
    )
    assert [o["value"] for o in options] == ["big", "multi", "p27"]  # /27: 27 usable - 5 used = 22 >= 20


def test_vnet_outputs_resolve_name_and_group(template: Template) -> None:
    doc = build_uidef(template)
    outs = doc["parameters"]["outputs"]
    ev = _network_eval(SUBNETS)
    assert ev.evaluate(outs["vnetName"]) == "hub"
    assert ev.evaluate(outs["vnetResourceGroup"]) == "rg-network"
    assert ev.evaluate(outs["subnetZone1"]) == "big"
    subnets_api = element(doc, "virtualNetworkSubnets")
    assert ev.evaluate(subnets_api["request"]["path"]) == VNET_ID + "/subnets?api-version=2025-07-01"


def test_vnet_in_own_group_warns_when_elsewhere() -> None:
    t = appliance_template()
    rg = t.parameters["vnetResourceGroup"]
    rg.ui = {}
    rg.default = "unused-by-ui"
    doc = build_uidef(t)
    assert "vnetResourceGroup" not in doc["parameters"]["outputs"]
    info = element(doc, "virtualNetworkWrongGroup")
    assert _network_eval(SUBNETS).evaluate(info["visible"]) is True  # hub is in rg-network, not rg-app
    same = VNET_ID.replace("rg-network", "rg-app")
    assert _network_eval(SUBNETS, vnet_id=same).evaluate(info["visible"]) is False


def _zones_eval(step: str, locations: list[dict[str, Any]] | None, location: str = "westeurope") -> Evaluator:
    api = {"value": locations} if locations is not None else {}
    return Evaluator({step: {"regionLocations": api}}, location=location)


LOCATIONS = [
    {"name": "westeurope", "availabilityZoneMappings": [{"logicalZone": "1"}, {"logicalZone": "2"}]},
    {"name": "westcentralus"},
]


def test_zone_info_follows_the_region(template: Template) -> None:
    doc = build_uidef(template)
    network = next(s for s in doc["parameters"]["steps"] if s["name"] == "network")
    names = [e["name"] for e in network["elements"]]
    assert names[:3] == ["regionLocations", "regionHasNoZones", "regionHasZones"]
    no_zones, zones = element(doc, "regionHasNoZones"), element(doc, "regionHasZones")
    api = element(doc, "regionLocations")
    assert _zones_eval("network", LOCATIONS).evaluate(api["request"]["path"]) == (
        "/subscriptions/0000/locations?api-version=2022-12-01"
    )
    with_zones = _zones_eval("network", LOCATIONS, "westeurope")
    assert (with_zones.evaluate(no_zones["visible"]), with_zones.evaluate(zones["visible"])) == (False, True)
    without = _zones_eval("network", LOCATIONS, "westcentralus")
    assert (without.evaluate(no_zones["visible"]), without.evaluate(zones["visible"])) == (True, False)
    loading = _zones_eval("network", None)
    assert (loading.evaluate(no_zones["visible"]), loading.evaluate(zones["visible"])) == (False, False)


def test_no_zone_info_without_pick_zones() -> None:
    t = appliance_template()
    vm = next(r for r in t.resources if r.symbol == "vm")
    vm.zones = None
    doc = build_uidef(t)
    assert not [e for e in elements_of(doc) if e["name"].startswith("region")]


def test_outputs_refer_to_existing_elements(template: Template) -> None:
    doc = build_uidef(template)
    refs = {ref for _, ref, _ in all_elements(doc)}
    for name, value in doc["parameters"]["outputs"].items():
        if name == "location":
            continue
        assert any(r in value for r in refs), name


def test_deterministic(template: Template) -> None:
    a = json.dumps(build_uidef(appliance_template()))
    b = json.dumps(build_uidef(appliance_template()))
    assert a == b


def test_no_blank_values(template: Template) -> None:
    """arm-ttk CreateUIDefinition-Must-Not-Have-Blanks: no empty {}, [], "" or null values."""
    text = json.dumps(build_uidef(template), indent=2)
    for m in re.finditer(r'(?<=:)\s*(\{\s*\}|\[\s*\]|"\s*"|null)', text):
        prop = re.findall(r'"([^"]+)"\s*:', text[: m.start()])[-1]
        assert prop in ("basics", "defaultValue", "steps"), prop


# --- check_contract on arbitrary pairs ------------------------------------------------------


@pytest.fixture
def pair(template: Template) -> tuple[dict[str, Any], dict[str, Any]]:
    return render(template), build_uidef(template)


def test_stale_output_is_found(pair: tuple[dict, dict]) -> None:
    tmpl, ui = copy.deepcopy(pair)
    ui["parameters"]["outputs"]["imageSku"] = "[steps('appliance').vmSize]"
    assert check_contract(tmpl, ui) == [
        "$.parameters.outputs.imageSku: output 'imageSku' is not a parameter of the template"
    ]


def test_missing_output_is_found(pair: tuple[dict, dict]) -> None:
    tmpl, ui = copy.deepcopy(pair)
    del ui["parameters"]["outputs"]["subnetZone2"]
    (problem,) = check_contract(tmpl, ui)
    assert problem.startswith("$.parameters.subnetZone2:") and "no default" in problem


def test_special_outputs_and_case_are_tolerated(pair: tuple[dict, dict]) -> None:
    tmpl, ui = copy.deepcopy(pair)
    outs = ui["parameters"]["outputs"]
    outs["applicationResourceName"] = "[basics('namePrefix')]"
    outs["VNETNAME"] = outs.pop("vnetName")
    assert check_contract(tmpl, ui) == []


def test_bad_location_and_dangling_references(pair: tuple[dict, dict]) -> None:
    tmpl, ui = copy.deepcopy(pair)
    outs = ui["parameters"]["outputs"]
    outs["location"] = "westeurope"
    outs["namePrefix"] = "[basics('prefix')]"
    outs["vmSize"] = "[steps('compute').vmSize]"
    outs["deployNat"] = "[steps('network').nat]"
    problems = check_contract(tmpl, ui)
    assert any(p.startswith("$.parameters.outputs.location:") for p in problems)
    assert any("basics('prefix')" in p for p in problems)
    assert any("step 'compute'" in p for p in problems)
    assert any("steps('network').nat" in p for p in problems)
    assert any("size selector 'vmSize' is not used" in p for p in problems)


def test_size_and_dropdown_values_checked(pair: tuple[dict, dict]) -> None:
    tmpl, ui = copy.deepcopy(pair)
    sel = next(el for _, _, el in all_elements(ui) if el["name"] == "vmSize")
    sel["constraints"]["allowedSizes"] = ["Standard_D4s_v3", "Standard_F2s"]
    dd = next(el for _, _, el in all_elements(ui) if el["name"] == "appliancesPerZone")
    dd["constraints"]["allowedValues"] = [{"label": "5", "value": 5}]
    problems = check_contract(tmpl, ui)
    assert any("Standard_F2s" in p and "allowedValues" in p for p in problems)
    assert any("default 'Standard_D2s_v3'" in p for p in problems)
    assert any("values [5]" in p for p in problems)
    assert any("default [2]" in p for p in problems)


def test_int_from_plain_textbox_is_flagged(pair: tuple[dict, dict]) -> None:
    tmpl, ui = copy.deepcopy(pair)
    ui["parameters"]["outputs"]["probeInterval"] = "[steps('appliance').probeInterval]"
    (problem,) = check_contract(tmpl, ui)
    assert "int()" in problem


def test_no_outputs_at_all() -> None:
    problems = check_contract({"parameters": {"a": {"type": "string"}}}, {"parameters": {}})
    assert problems[0] == "$.parameters.outputs: createUiDefinition has no outputs object"
    assert any("'a' has no default" in p for p in problems)


def test_resource_group_default_is_computed_by_the_portal() -> None:
    from armgen import expr as E

    t = appliance_template()
    t.param("identityGroup", "string", default=E.resource_group().prop("name"), description="d",
            ui={"step": "basics", "regex": r"^[-\w._()]{1,90}$", "validationMessage": "A group name."})
    doc = build_uidef(t)
    box = element(doc, "identityGroup")
    assert "defaultValue" not in box and box["constraints"]["required"] is False
    assert re.search(box["constraints"]["regex"], "") and re.search(box["constraints"]["regex"], "rg-1")
    assert not re.search(box["constraints"]["regex"], "bad group")
    out = doc["parameters"]["outputs"]["identityGroup"]
    assert Evaluator({}, {"identityGroup": ""}).evaluate(out) == "rg-app"
    assert Evaluator({}, {"identityGroup": "rg-id"}).evaluate(out) == "rg-id"
