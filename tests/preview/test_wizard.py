"""The preview driven as a user drives it, against armgen's Python evaluator.

For each built-in offer and several variants, a deployable state far from the defaults (every
choice changed where the wizard allows it; armgen/uidef/explore.py's start state and choices, in
the sample data's regions) is entered through the page with Selenium (typing, choosing, clicking Next), the parameters.json
the page downloads from "Review + create" is read from disk, and it must equal the outputs the
Python evaluator computes for the same choices, in the same environment (the page's guid() and
utcNow() values included). A blocked step must show the evaluator's message and keep the user on
it, as the portal does.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from armgen.params import PARAMETERS_SCHEMA
from armgen.uidef.acceptance import check_parameters
from armgen.uidef.evaluator import Environment, Wizard
from armgen.uidef.explore import Explorer, State, _set
from armgen.uidef.expressions import equal
from tests.preview.conftest import offer_source, offer_test_data, open_clean, write_page
from tests.preview.driver import Driver
from tests.preview.test_conformance import same

#: The sample the page and the evaluator get (the default sample, grown with the offer tests').
SAMPLE = offer_test_data()

VARIANTS = [
    ("cloud-connector", {}, "westeurope"),
    ("cloud-connector", {}, "northcentralus"),
    ("cloud-connector", {"variant": "standalone"}, "westeurope"),
    ("cloud-connector", {"network": "new", "zpa": True, "zones": []}, "westeurope"),
    ("cloud-connector", {"byoNatGateway": True, "zones": ["1", "2", "3"], "appliancesPerZone": 1}, "westeurope"),
    ("cloud-connector", {"natGateway": False, "zpa": True}, "westeurope"),
    ("two-nic-appliance", {}, "westeurope"),
    ("two-nic-appliance", {"variant": "standalone", "zones": []}, "northcentralus"),
]


def environment(location: str) -> Environment:
    env = Environment.from_json(SAMPLE)
    env.location = location
    return env


#: The controls a user chooses a value of (armgen/uidef/explore.py walks the same ones).
CHOICES = ("Microsoft.Common.DropDown", "Microsoft.Common.OptionsGroup", "Microsoft.Common.CheckBox",
           "Microsoft.Compute.SizeSelector", "Microsoft.Common.Slider", "Microsoft.Solutions.ResourceSelector")


def every_choice_changed(wizard: Wizard) -> dict[str, Any]:
    """From the contract walk's start (defaults, first resource of each picker, sample text),
    each choice in document order set to the last value it offers that keeps the wizard
    deployable: a state as far from the defaults as a user can take it."""
    explorer = Explorer(wizard)
    state, outcome = explorer.complete(State("start", {}))
    values = state.values
    for step, name, kind in wizard.element_paths():
        es = outcome.element(step, name)
        if kind not in CHOICES or not es.visible:
            continue
        for v in reversed(explorer.domain(es)):
            if equal(v, es.value if kind != "Microsoft.Solutions.ResourceSelector" else (es.value or {}).get("id")):
                continue
            trial = copy.deepcopy(values)
            _set(trial, (step, name), v)
            tried, out = explorer.complete(State("try", trial))
            if out.ok:
                values, outcome = tried.values, out
                break
    return values


def with_tags(wizard: Wizard, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` plus a tag on the first resource type of the wizard's TagsByResource."""
    out = copy.deepcopy(values)
    for el in wizard.order:
        if el.type == "Microsoft.Common.TagsByResource" and el.doc.get("resources"):
            out.setdefault(el.step, {})[el.path[-1]] = {el.doc["resources"][0]: {"costCenter": "cc-42"}}
    return out


def python_outputs(wizard_doc: dict[str, Any], page_env: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    env = Environment.from_json({**SAMPLE, **page_env})
    outcome = Wizard(wizard_doc, env).run(values)
    assert outcome.ok, (outcome.blocked, outcome.errors)
    assert outcome.outputs is not None
    return outcome.outputs


@pytest.mark.parametrize(("offer", "options", "region"), VARIANTS,
                         ids=[f"{o}-{'-'.join(f'{k}={v}' for k, v in opts.items()) or 'default'}-{r}" for o, opts, r in VARIANTS])
def test_the_download_is_what_the_python_evaluator_computes(browser: Any, tmp_path: Path, offer: str,
                                                           options: dict[str, Any], region: str) -> None:
    src = offer_source(offer, options)
    wizard = Wizard(src.uidef, environment(region))
    values = with_tags(wizard, every_choice_changed(wizard))
    target = write_page(tmp_path, src, SAMPLE)

    open_clean(browser, target)
    drive = Driver(browser, wizard)
    if region != SAMPLE["location"]:
        drive.region(region)
    drive.enter(values)
    drive.review()
    assert drive.showing() == "review"
    assert browser.text("#pv-validation").startswith("✓ Validation passed")
    got = drive.download()

    expected = python_outputs(src.uidef, drive.environment_json(), values)
    assert got["$schema"] == PARAMETERS_SCHEMA and got["contentVersion"] == "1.0.0.0"
    assert list(got["parameters"]) == list(expected)
    assert same({k: v["value"] for k, v in got["parameters"].items()}, expected)
    # The template accepts them, and the page says so with the same checks.
    assert check_parameters(src.template, expected) == []
    assert browser.text("#pv-acceptance").startswith("✓ The template accepts these parameters")
    assert browser.js("return window.__armgenErrors") == []


def test_the_start_state_downloads_the_defaults(browser: Any, tmp_path: Path) -> None:
    """A user who only fills what is required gets exactly the wizard's defaults."""
    src = offer_source("cloud-connector", {})
    wizard = Wizard(src.uidef, environment("westeurope"))
    start, _ = Explorer(wizard).complete(State("start", {}))
    open_clean(browser, write_page(tmp_path, src, SAMPLE))
    drive = Driver(browser, wizard)
    drive.enter(start.values)
    drive.review()
    got = drive.download()
    expected = python_outputs(src.uidef, drive.environment_json(), start.values)
    assert same({k: v["value"] for k, v in got["parameters"].items()}, expected)
    # guid() is drawn by the page, as the portal draws it: the suffix is fresh, not a constant.
    assert expected["nameSuffix"] != "00000000" and len(expected["nameSuffix"]) == 8


TEXT = ("Microsoft.Common.TextBox", "Microsoft.Compute.UserNameTextBox", "Microsoft.Common.PasswordBox")


def cleared_box_state(wizard: Wizard) -> tuple[State, Any]:
    """The start state with the first box after Basics that a user must not leave empty cleared
    (the contract walk's "cleared" states), blocked on that box's step alone."""
    explorer = Explorer(wizard)
    start, outcome = explorer.complete(State("start", {}))
    for step, name, kind in wizard.element_paths():
        if step == "basics" or kind not in TEXT or not outcome.element(step, name).visible:
            continue
        values = copy.deepcopy(start.values)
        _set(values, (step, name), "")
        cleared = wizard.run(values)
        if cleared.blocked and {b.step for b in cleared.blocked} == {step}:
            return State(f"{step}.{name} cleared", values), cleared
    raise AssertionError("no box after Basics blocks when cleared")


def test_a_blocked_step_shows_the_message_and_keeps_the_user_on_it(browser: Any, tmp_path: Path) -> None:
    src = offer_source("cloud-connector", {})
    wizard = Wizard(src.uidef, environment("westeurope"))
    state, outcome = cleared_box_state(wizard)
    step, name = outcome.blocked[0].step, outcome.blocked[0].element
    open_clean(browser, write_page(tmp_path, src, SAMPLE))
    drive = Driver(browser, wizard)
    # The user fills in everything, then goes back and clears the box.
    filled = copy.deepcopy(state.values)
    filled[step].pop(name)
    drive.enter(filled)
    drive.open_step(step)
    drive.fill(state.values, [(step, name)])
    assert drive.showing() == step
    for b in outcome.blocked:  # typing already showed the message under the box
        assert drive.messages(b.step, b.element) == [b.message]
    drive.next()
    assert drive.showing() == step  # Next did not move on
    index = wizard.steps.index(step)
    assert "pv-tab-invalid" in browser.find(f'[data-tab="{index}"]').get_attribute("class")
    later = len(wizard.steps)  # Review + create, through its tab: stopped as well
    browser.click(f'[data-tab="{later - 1}"]')
    assert drive.showing() == step
    drive.review()  # the primary button validates every step and lists what blocks
    assert drive.showing() == "review"
    banner = browser.text("#pv-validation")
    assert banner.startswith("Validation failed") and outcome.blocked[0].message in banner
    assert browser.find("#pv-next").get_attribute("disabled") is not None  # nothing to download
