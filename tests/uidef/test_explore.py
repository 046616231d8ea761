"""The wizard contract walk (armgen.uidef.explore): which states it reaches and what it reports."""

from __future__ import annotations

import itertools
from typing import Any

from armgen.uidef.evaluator import Environment
from armgen.uidef.explore import check_wizard, distinct

DD = "Microsoft.Common.DropDown"


def dropdown(name: str, values: list[str]) -> dict[str, Any]:
    return {"name": name, "type": DD, "label": name,
            "constraints": {"required": True, "allowedValues": [{"label": v, "value": v} for v in values]}}


def document(*elements: dict[str, Any], outputs: dict[str, str] | None = None) -> dict[str, Any]:
    names = [e["name"] for e in elements if e["type"] != "Microsoft.Solutions.ArmApiControl"]
    return {"parameters": {"basics": [], "steps": [{"name": "s", "label": "S", "elements": list(elements)}],
                           "outputs": outputs if outputs is not None else {n: f"[steps('s').{n}]" for n in names}}}


def template(**params: dict[str, Any]) -> dict[str, Any]:
    return {"parameters": params}


def test_every_pair_of_choices_is_reached_in_few_states() -> None:
    choices = {f"c{i}": ["a", "b", "c"] for i in range(5)}
    doc = document(*(dropdown(n, v) for n, v in choices.items()))
    report = check_wizard(doc, template(**{n: {"type": "string"} for n in choices}), Environment())
    assert report.problems == []
    accepted = [r.outcome.outputs for r in report.results if r.outcome.ok]
    for (n1, n2) in itertools.combinations(choices, 2):
        for a, b in itertools.product("abc", repeat=2):
            assert any(o[n1] == a and o[n2] == b for o in accepted), (n1, a, n2, b)
    assert len(report.results) < 3 ** 5 // 5  # far fewer than all 243 combinations


def test_a_state_the_template_refuses_is_reported_with_its_label() -> None:
    doc = document(dropdown("size", ["S", "M", "XL"]))
    report = check_wizard(doc, template(size={"type": "string", "allowedValues": ["S", "M"]}), Environment())
    assert report.problems == ["[s.size = 'XL'] the template refuses $.size: 'XL' not in allowedValues ['S', 'M']"]


def test_cleared_boxes_empty_pickers_and_silent_apis_are_visited() -> None:
    box = {"name": "n", "type": "Microsoft.Common.TextBox", "label": "N", "defaultValue": "x",
           "constraints": {"required": True, "regex": "^[a-z]{1,5}$", "validationMessage": "Letters."}}
    picker = {"name": "vnet", "type": "Microsoft.Solutions.ResourceSelector", "label": "VNet",
              "resourceType": "Microsoft.Network/virtualNetworks"}
    api = {"name": "api", "type": "Microsoft.Solutions.ArmApiControl",
           "request": {"method": "GET", "path": "[concat(steps('s').vnet.id, '/subnets')]"}}
    listed = {"name": "subnet", "type": DD, "label": "Subnet", "constraints": {"required": True, "allowedValues":
              "[map(coalesce(steps('s').api.value, parse('[]')), (i) => parse(concat('{\"label\":\"', i.name, "
              "'\",\"value\":\"', i.name, '\"}')))]"}}
    env = Environment.from_json({
        "resources": {"Microsoft.Network/virtualNetworks": [{"id": "/v1", "name": "v1", "location": "westus"}]},
        "arm": {"GET /v1/subnets": {"value": [{"name": "a"}, {"name": "b"}]}}})
    doc = document(box, picker, api, listed, outputs={"n": "[steps('s').n]", "subnet": "[steps('s').subnet]"})
    report = check_wizard(doc, template(n={"type": "string"}, subnet={"type": "string"}), env)
    assert report.problems == []
    labels = {r.state.label: r for r in report.results}
    assert labels["start"].outcome.outputs == {"n": "x", "subnet": "a"}
    assert labels["s.n cleared"].verdict == "blocked"
    assert labels["s.vnet = None"].outcome.blocked[0].message == "VNet: select a resource."
    assert labels["s.api answers nothing"].verdict == "blocked"
    assert labels["s.api answers an empty list"].outcome.blocked[0].message == "Subnet: there is nothing to choose from."


def test_a_start_that_cannot_deploy_is_a_problem() -> None:
    doc = document(dropdown("a", []))
    report = check_wizard(doc, template(a={"type": "string"}), Environment())
    assert report.problems[0] == "[start] the starting state is not deployable: s: a: a: there is nothing to choose from."


def test_invariants_see_the_outputs() -> None:
    doc = document(dropdown("x", ["1", "2"]), dropdown("y", ["1", "2"]))
    report = check_wizard(doc, template(x={"type": "string"}, y={"type": "string"}), Environment(),
                          [distinct(["x", "y"], "one value twice")])
    assert report.problems and all("one value twice: '1'" in p or "one value twice: '2'" in p for p in report.problems)
    assert report.problems[0].startswith("[start]")  # both default to the first item
