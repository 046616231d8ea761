"""``armgen preview``: the page it writes (self-contained, deterministic, safe with hostile
documents), its sources and options, bad input, and the sample data it ships."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from armgen.cli import main
from armgen.offers import get_offer
from armgen.preview import page
from armgen.uidef import build_uidef
from armgen.uidef.evaluator import Environment, Wizard
from armgen.uidef.explore import Explorer, State
from tests.offers import wizard_env
from tests.preview.conftest import offer_source, open_clean, write_page

ROOT = Path(__file__).parents[2]
SAMPLE = json.loads(page.asset("sample.json"))


def run(*args: str) -> int:
    return main(list(args))


def html_of(folder: Path) -> str:
    return (folder / page.PAGE_NAME).read_text(encoding="utf-8")


# --- the page -------------------------------------------------------------------------------------


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    assert run("preview", "--out", str(tmp_path / "a")) == 0
    assert run("preview", "cloud-connector", "--out", str(tmp_path / "b")) == 0
    assert (tmp_path / "a" / page.PAGE_NAME).read_bytes() == (tmp_path / "b" / page.PAGE_NAME).read_bytes()
    src = page.from_offer("two-nic-appliance", {})
    assert page.render(src, SAMPLE) == page.render(page.from_offer("two-nic-appliance", {}), json.loads(json.dumps(SAMPLE)))


def test_the_page_loads_nothing_from_anywhere(tmp_path: Path) -> None:
    assert run("preview", "--out", str(tmp_path)) == 0
    text = html_of(tmp_path)
    # One file: no external script, stylesheet, image, font or frame; a CSP that forbids them.
    assert re.search(r"<(script|img|iframe|link|embed|object)\b[^>]*\b(src|href)\s*=", text, re.I) is None
    assert "@import" not in text and "url(" not in text
    assert f'content="{page.CSP}"' in text and "default-src 'none'" in page.CSP
    assert text.count("<script") == 4  # error trap, data, evaluator, page


def test_no_request_leaves_the_page(browser: Any, tmp_path: Path) -> None:
    target = write_page(tmp_path, offer_source("cloud-connector"))
    open_clean(browser, target)
    tabs = len(browser.find_all(".pv-tab"))
    for i in range(tabs):
        browser.js("window.armgenPreview.show(arguments[0])", i)
    assert browser.js("return performance.getEntriesByType('resource').length") == 0
    assert browser.js("return location.protocol") == "file:"
    assert browser.js("return window.__armgenErrors") == []


def test_a_hostile_document_cannot_break_out_of_the_page(browser: Any, tmp_path: Path) -> None:
    """Labels and texts are somebody else's input: shown as text, never run."""
    evil = "</script><script>window.__pwned = 1</script><!-- <img src=x onerror='window.__pwned=2'>"
    uidef = {"$schema": "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#",
             "handler": "Microsoft.Azure.CreateUIDef", "version": "0.1.2-preview",
             "parameters": {"basics": [{"name": "n", "type": "Microsoft.Common.TextBox", "label": evil, "defaultValue": evil},
                                       {"name": "i", "type": "Microsoft.Common.InfoBox", "options": {"text": evil, "uri": "javascript:alert(1)"}}],
                            "steps": [], "outputs": {"n": "[basics('n')]"}}}
    target = write_page(tmp_path, page.Source(uidef, None, "evil", evil))
    assert "</script><script>window.__pwned" not in target.read_text(encoding="utf-8")
    open_clean(browser, target)
    assert browser.js("return window.__pwned === undefined")
    assert evil in browser.text('[data-element="n"] label')
    assert browser.js("return document.querySelector('[data-element=\"n\"] input').value") == evil
    assert browser.find_all('[data-element="i"] a') == []  # only http(s) links are made links


def test_secure_defaults_stay_out_of_the_page(tmp_path: Path) -> None:
    secret = "hunter2-do-not-ship"
    template = {"parameters": {"adminPassword": {"type": "securestring", "defaultValue": secret},
                               "name": {"type": "string", "defaultValue": "visible"}}}
    uidef = {"parameters": {"basics": [], "steps": [], "outputs": {}}}
    text = page.render(page.Source(uidef, template, "t", "t"), SAMPLE)
    assert secret not in text and '"visible"' in text


def test_secure_parameters_are_left_out_of_the_download(browser: Any, tmp_path: Path) -> None:
    uidef = {"parameters": {"basics": [{"name": "pw", "type": "Microsoft.Common.PasswordBox", "label": "Password",
                                        "options": {"hideConfirmation": True}},
                                       {"name": "n", "type": "Microsoft.Common.TextBox", "label": "Name", "defaultValue": "x"}],
                            "steps": [], "outputs": {"adminPassword": "[basics('pw')]", "name": "[basics('n')]"}}}
    template = {"parameters": {"adminPassword": {"type": "securestring"}, "name": {"type": "string"}}}
    open_clean(browser, write_page(tmp_path, page.Source(uidef, template, "t", "t")))
    browser.find('[data-element="pw"] input').send_keys("s3cret-Passw0rd!")
    browser.click("#pv-primary")
    assert browser.text("#pv-acceptance").startswith("✓")  # checked with the secret, in memory
    for stale in browser.downloads.glob("*"):
        stale.unlink()
    browser.click("#pv-next")
    got = json.loads(browser.wait_for_download("parameters.json").read_text(encoding="utf-8"))
    assert got["parameters"] == {"name": {"value": "x"}}
    assert "adminPassword" in browser.text(".pv-parameters")


# --- sources and options ----------------------------------------------------------------------------


def test_offer_options(tmp_path: Path) -> None:
    assert run("preview", "two-nic-appliance", "--variant", "standalone", "--zones", "none", "--out", str(tmp_path)) == 0
    data = payload_of(html_of(tmp_path))
    assert data["title"] and data["source"].startswith("built-in offer two-nic-appliance (variant standalone, zones none")
    t = get_offer("two-nic-appliance").build({"variant": "standalone", "zones": []})
    assert data["createUiDefinition"] == build_uidef(t)


def payload_of(text: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="armgen-data">(.*?)</script>', text, re.S)
    assert m
    return json.loads(m.group(1))


def test_folder_zip_and_file_give_the_same_page_content(tmp_path: Path) -> None:
    built = ROOT / "createUiDefinition" / "cloud-connector"
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name in ("createUiDefinition.json", "mainTemplate.json"):
        (folder / name).write_bytes((built / name).read_bytes())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in ("createUiDefinition.json", "mainTemplate.json"):
            zf.writestr(name, (built / name).read_bytes())
    (tmp_path / "pkg.zip").write_bytes(buf.getvalue())
    contents = []
    for i, src in enumerate((folder, tmp_path / "pkg.zip", folder / "createUiDefinition.json")):
        out = tmp_path / f"out{i}"
        assert run("preview", str(src), "--out", str(out)) == 0
        data = payload_of(html_of(out))
        assert data["template"] is not None  # found beside the createUiDefinition
        contents.append((data["createUiDefinition"], data["template"], data["title"]))
    assert contents[0] == contents[1] == contents[2]
    assert contents[0][2] == "Cloud Connector"


def test_a_createuidefinition_without_a_template_still_previews(tmp_path: Path) -> None:
    (tmp_path / "createUiDefinition.json").write_text('{"parameters": {"basics": [], "steps": [], "outputs": {}}}')
    assert run("preview", str(tmp_path), "--out", str(tmp_path / "out")) == 0
    assert payload_of(html_of(tmp_path / "out"))["template"] is None


def test_data_file(tmp_path: Path) -> None:
    data = json.loads(json.dumps(SAMPLE))
    data["location"] = "northcentralus"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data))
    assert run("preview", "--data", str(path), "--out", str(tmp_path / "out")) == 0
    got = payload_of(html_of(tmp_path / "out"))
    assert got["data"]["location"] == "northcentralus" and got["dataSource"] == "mine.json"


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("preview", "--out", str(tmp_path), "-o", "json") == 0
    got = json.loads(capsys.readouterr().out)
    assert got["page"] == str(tmp_path / page.PAGE_NAME) and got["title"] == "Cloud Connector"
    assert got["template"] is True and got["elements"] >= 30 and got["placeholders"] == 0


def test_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    assert run("preview", "--out", str(tmp_path), "--open") == 0
    assert opened == [(tmp_path / page.PAGE_NAME).resolve().as_uri()]


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{ nope")
    bad_data = tmp_path / "data.json"
    bad_data.write_text(json.dumps({**SAMPLE, "resources": {"Microsoft.Network/virtualNetworks": [{"name": "x"}]}}))
    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps({"locaton": "westeurope"}))
    empty = tmp_path / "empty"
    empty.mkdir()
    template_only = tmp_path / "t.json"
    template_only.write_text('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"}')
    calls = [
        ("preview", str(tmp_path / "missing"), "--out", str(out)),
        ("preview", "no-such-offer-and-no-file", "--out", str(out)),
        ("preview", str(empty), "--out", str(out)),
        ("preview", str(bad_json), "--out", str(out)),
        ("preview", str(template_only), "--out", str(out)),
        ("preview", str(empty), "--variant", "standalone", "--out", str(out)),
        ("preview", "--zones", "7", "--out", str(out)),
        ("preview", "--data", str(bad_json), "--out", str(out)),
        ("preview", "--data", str(bad_data), "--out", str(out)),
        ("preview", "--data", str(typo), "--out", str(out)),
        ("preview", "--data", str(tmp_path / "nope.json"), "--out", str(out)),
    ]
    for call in calls:
        assert run(*call) == 2, call
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == len(calls) and all(line.startswith("armgen: ") for line in err), err
    assert "Traceback" not in "".join(err)
    assert f"armgen: {bad_data}: $.resources['Microsoft.Network/virtualNetworks'][0]: 'id' is a required property" in err
    assert any(line.startswith(f"armgen: {typo}: $: ") and "locaton" in line for line in err)
    assert not out.exists()


# --- the sample data ---------------------------------------------------------------------------------


def test_the_sample_is_valid_and_in_the_evaluators_format() -> None:
    page.validate_data(SAMPLE, "sample.json")
    env = Environment.from_json(SAMPLE)
    assert env.location == "westeurope" and env.sizes and env.arm and env.resources


def test_the_sample_holds_the_offer_tests_network() -> None:
    """One format and one network for both: the offer tests' hub and spoke subnets, identity and
    NSG are the sample's (tests/offers/wizard_env.py builds them in code, the sample is JSON)."""
    test_env = wizard_env.environment("westeurope")
    sample = Environment.from_json(SAMPLE)
    subnets = [key for key in test_env.arm if key.endswith("/subnets")]
    assert subnets
    for key in subnets:
        assert sample.arm.get(key) == test_env.arm[key], key
    for rtype in ("Microsoft.Network/virtualNetworks", "Microsoft.ManagedIdentity/userAssignedIdentities",
                  "Microsoft.Network/networkSecurityGroups"):
        ids = {r["id"] for r in sample.candidates(rtype)}
        assert {r["id"] for r in test_env.candidates(rtype)} <= ids, rtype


@pytest.mark.parametrize(("offer", "options", "region"), [
    ("cloud-connector", {}, "westeurope"), ("cloud-connector", {}, "northcentralus"),
    ("cloud-connector", {"variant": "standalone"}, "eastus"), ("cloud-connector", {"zones": ["1", "2", "3"]}, "northeurope"),
    ("two-nic-appliance", {}, "westeurope"), ("two-nic-appliance", {"variant": "standalone", "zones": []}, "australiaeast"),
    ("cloud-connector", {"network": "new"}, "westeurope"), ("cloud-connector", {"network": "new", "zpa": True}, "northcentralus"),
    ("cloud-connector", {"zpa": True}, "westeurope"), ("cloud-connector", {"zpa": True}, "eastus"),
    ("cloud-connector", {"byoNatGateway": True}, "westeurope"),
])
def test_the_sample_deploys_the_offers_in_each_region(offer: str, options: dict[str, Any], region: str) -> None:
    """A user of the default sample can reach Review + create in every region it lists."""
    env = Environment.from_json(SAMPLE)
    env.location = region
    wizard = Wizard(build_uidef(get_offer(offer).build(options)), env)
    _, outcome = Explorer(wizard).complete(State("start", {}))
    assert outcome.ok, outcome.blocked
