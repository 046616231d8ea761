"""The common controls armgen's offers do not use, driven through the page against the Python
evaluator: CredentialsCombo (SSH key and password), Slider and OptionsGroup inside a Section,
a multi-select DropDown, PasswordBox, UserNameTextBox, a required CheckBox, a ResourceSelector,
a SizeSelector; and the controls the page only approximates (VirtualNetworkCombo and friends),
whose values must have the shapes Microsoft documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from armgen.preview import page
from armgen.uidef.evaluator import Environment, Wizard
from tests.preview.conftest import open_clean, write_page
from tests.preview.driver import Driver
from tests.preview.test_conformance import same

SAMPLE = json.loads(page.asset("sample.json"))
VAULT = SAMPLE["resources"]["Microsoft.KeyVault/vaults"][0]["id"]

DOC: dict[str, Any] = {
    "$schema": "https://schema.management.azure.com/schemas/0.1.2-preview/CreateUIDefinition.MultiVm.json#",
    "handler": "Microsoft.Azure.CreateUIDef", "version": "0.1.2-preview",
    "parameters": {
        "basics": [
            {"name": "name", "type": "Microsoft.Common.TextBox", "label": "Name", "defaultValue": "app",
             "constraints": {"required": True, "regex": "^[a-z][a-z0-9]{1,9}$", "validationMessage": "2-10 lower-case letters or digits."}},
            {"name": "sec", "type": "Microsoft.Common.Section", "label": "Scale", "elements": [
                {"name": "count", "type": "Microsoft.Common.Slider", "label": "Instances", "min": 1, "max": 5, "defaultValue": 2},
                {"name": "tier", "type": "Microsoft.Common.OptionsGroup", "label": "Tier",
                 "constraints": {"allowedValues": [{"label": "Basic", "value": "A"}, {"label": "Premium", "value": "B"}]}}]},
            {"name": "features", "type": "Microsoft.Common.DropDown", "label": "Features", "multiselect": True,
             "defaultValue": ["Logs"], "constraints": {"allowedValues": [
                 {"label": "Logs", "value": "x"}, {"label": "Metrics", "value": "y"}, {"label": "Traces", "value": "z"}]}},
        ],
        "steps": [{"name": "vm", "label": "Virtual machine", "elements": [
            {"name": "size", "type": "Microsoft.Compute.SizeSelector", "label": "Size", "osPlatform": "Linux",
             "recommendedSizes": ["Standard_D2s_v3"], "constraints": {"allowedSizes": ["Standard_D2s_v3", "Standard_D4s_v3"]}},
            {"name": "user", "type": "Microsoft.Compute.UserNameTextBox", "label": "User name", "osPlatform": "Linux"},
            {"name": "cred", "type": "Microsoft.Compute.CredentialsCombo", "osPlatform": "Linux",
             "label": {"authenticationType": "Authentication type", "password": "Password", "confirmPassword": "Confirm password",
                       "sshPublicKey": "SSH public key"},
             "constraints": {"required": True, "customPasswordRegex": "^.{12,}$", "customValidationMessage": "12 characters."}},
            {"name": "pw", "type": "Microsoft.Common.PasswordBox", "label": {"password": "Database password", "confirmPassword": "Confirm"},
             "constraints": {"required": True}},
            {"name": "kv", "type": "Microsoft.Solutions.ResourceSelector", "label": "Key Vault", "resourceType": "Microsoft.KeyVault/vaults",
             "options": {"filter": {"subscription": "onBasics", "location": "onBasics"}}},
            {"name": "accept", "type": "Microsoft.Common.CheckBox", "label": "I accept", "constraints": {"required": True}},
        ]}],
        "outputs": {"name": "[basics('name')]", "count": "[steps('basics').sec.count]", "tier": "[steps('basics').sec.tier]",
                    "features": "[basics('features')]", "size": "[steps('vm').size]", "user": "[steps('vm').user]",
                    "cred": "[steps('vm').cred]", "pw": "[steps('vm').pw]", "vault": "[steps('vm').kv.name]",
                    "accept": "[steps('vm').accept]", "location": "[location()]"},
    },
}

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"


@pytest.mark.parametrize("cred", [{"authenticationType": "sshPublicKey", "sshPublicKey": KEY},
                                  {"authenticationType": "password", "password": "correct-horse-battery"}],
                         ids=["ssh", "password"])
def test_common_controls_download_what_python_computes(browser: Any, tmp_path: Path, cred: dict[str, Any]) -> None:
    values = {"basics": {"name": "shop1", "sec": {"count": 4, "tier": "B"}, "features": ["x", "z"]},
              "vm": {"size": "Standard_D4s_v3", "user": "ops", "cred": cred, "pw": "An0ther-Passw0rd", "kv": VAULT,
                     "accept": True}}
    wizard = Wizard(DOC, Environment.from_json(SAMPLE))
    open_clean(browser, write_page(tmp_path, page.Source(DOC, None, "controls", "Controls"), SAMPLE))
    drive = Driver(browser, wizard)
    drive.enter(values)
    drive.review()
    assert browser.text("#pv-validation").startswith("✓ Validation passed")
    got = {k: v["value"] for k, v in drive.download()["parameters"].items()}
    env = drive.environment_json()
    outcome = Wizard(DOC, Environment.from_json({**SAMPLE, **env})).run(values)
    assert outcome.ok and same(got, outcome.outputs)
    assert got["cred"]["authenticationType"] == cred["authenticationType"] and got["features"] == ["x", "z"]
    assert browser.js("return window.__armgenErrors") == []


def test_blocks_of_common_controls(browser: Any, tmp_path: Path) -> None:
    """Each control's constraint shows the evaluator's message; a mistyped confirmation (which the
    evaluator does not model: the portal checks it in the control) blocks too."""
    wizard = Wizard(DOC, Environment.from_json(SAMPLE))
    open_clean(browser, write_page(tmp_path, page.Source(DOC, None, "controls", "Controls"), SAMPLE))
    drive = Driver(browser, wizard)
    drive.enter({"basics": {"name": "Bad Name"}})
    drive.next()
    assert drive.showing() == "basics"
    assert drive.messages("basics", "name") == ["2-10 lower-case letters or digits."]
    values = {"basics": {"name": "good"}, "vm": {"cred": {"authenticationType": "password", "password": "short"}}}
    drive.enter(values)
    drive.next()  # from the last step, Next is Review + create: it validates and says what blocks
    assert drive.showing() == "review" and browser.text("#pv-validation").startswith("Validation failed")
    browser.click('[data-tab="1"]')
    python = wizard.run(values)
    assert {b.element for b in python.blocked} == {"user", "cred", "pw", "kv", "accept"}
    for b in python.blocked:
        assert drive.messages(b.step, b.element) == [b.message], b
    box = browser.find_all('[data-element="pw"] input[type=password]')
    box[0].send_keys("An0ther-Passw0rd")
    box[1].send_keys("typo")
    assert "The passwords do not match." in drive.messages("vm", "pw")


APPROXIMATED_DOC: dict[str, Any] = {
    "parameters": {
        "basics": [],
        "steps": [{"name": "net", "label": "Network", "elements": [
            {"name": "vnet", "type": "Microsoft.Network.VirtualNetworkCombo", "label": {"virtualNetwork": "Virtual network", "subnets": "Subnets"},
             "defaultValue": {"name": "app-vnet", "addressPrefixSize": "/16"},
             "subnets": {"subnet1": {"label": "Front", "defaultValue": {"name": "front", "addressPrefixSize": "/24"}},
                         "subnet2": {"label": "Back", "defaultValue": {"name": "back", "addressPrefixSize": "/26"}}}},
            {"name": "pip", "type": "Microsoft.Network.PublicIpAddressCombo", "label": {"publicIpAddress": "Public IP"},
             "defaultValue": {"publicIpAddressName": "app-ip", "domainNameLabel": "app"}},
            {"name": "sa", "type": "Microsoft.Storage.StorageAccountSelector", "label": "Storage", "defaultValue": {"name": "appdiag", "type": "Standard_LRS"}},
            {"name": "multi", "type": "Microsoft.Storage.MultiStorageAccountCombo", "label": {"prefix": "Prefix"},
             "defaultValue": {"prefix": "logs", "type": "Premium_LRS"}, "count": 2},
            {"name": "sp", "type": "Microsoft.Common.ServicePrincipalSelector", "label": {"password": "Password"},
             "defaultValue": {"principalId": "11111111-2222-3333-4444-555555555555"}, "options": {"hideCertificate": True}},
            {"name": "grid", "type": "Microsoft.Common.EditableGrid", "label": "Grid"},
        ]}],
        "outputs": {"vnet": "[steps('net').vnet]", "pip": "[steps('net').pip]", "sa": "[steps('net').sa]",
                    "multi": "[steps('net').multi]", "sp": "[steps('net').sp]", "grid": "[steps('net').grid]"},
    },
}


def test_approximated_controls_have_the_documented_shapes(browser: Any, tmp_path: Path) -> None:
    open_clean(browser, write_page(tmp_path, page.Source(APPROXIMATED_DOC, None, "approx", "Approximations"), SAMPLE))
    browser.click("#pv-next")
    assert len(browser.find_all(".pv-approx")) == 5
    assert browser.find('[data-element="grid"]').get_attribute("data-placeholder") == "Microsoft.Common.EditableGrid"
    browser.find('[data-element="sp"] input[type=password]').send_keys("a-service-principal-secret")
    browser.click("#pv-primary")
    assert browser.text("#pv-validation").startswith("✓ Validation passed")
    out = json.loads(browser.js("return JSON.stringify(window.armgenPreview.outcome.outputs)"))
    assert out["vnet"] == {"name": "app-vnet", "resourceGroup": "cc-rg", "addressPrefixes": ["10.0.0.0/16"],
                           "addressPrefix": "10.0.0.0/16", "newOrExisting": "new", "subnets": {
                               "subnet1": {"name": "front", "addressPrefix": "10.0.0.0/24", "startAddress": "10.0.0.4"},
                               "subnet2": {"name": "back", "addressPrefix": "10.0.1.0/26", "startAddress": "10.0.1.4"}}}
    assert out["pip"]["name"] == "app-ip" and out["pip"]["newOrExistingOrNone"] == "new"
    assert out["sa"] == {"name": "appdiag", "resourceGroup": "cc-rg", "type": "Standard_LRS", "newOrExisting": "new", "kind": "StorageV2"}
    assert out["multi"]["types"] == ["Premium_LRS", "Premium_LRS"] and out["multi"]["prefix"] == "logs"
    assert out["sp"]["appId"] == "11111111-2222-3333-4444-555555555555" and out["sp"]["password"]
    assert out["grid"] is None
    # An existing VNet: its subnets come from the sample's ArmApiControl answers.
    browser.click('[data-tab="1"]')
    from selenium.webdriver.support.ui import Select

    hub = next(v["id"] for v in SAMPLE["resources"]["Microsoft.Network/virtualNetworks"] if v["name"] == "hub-vnet")
    Select(browser.find('[data-element="vnet"] select')).select_by_value(hub)
    pick = browser.find_all('[data-element="vnet"] .pv-subnet select')[0]
    Select(pick).select_by_index(1)
    vnet = json.loads(browser.js("return JSON.stringify(window.armgenPreview.outcome.elements.get("
                                 "window.ArmgenUidef.keyOf('net', ['vnet'])).value)"))
    assert vnet["newOrExisting"] == "existing" and vnet["name"] == "hub-vnet" and vnet["resourceGroup"] == "net-rg"
    assert vnet["subnets"]["subnet1"]["name"] == "cc-a" and vnet["subnets"]["subnet1"]["addressPrefix"] == "10.0.1.0/26"
    assert browser.js("return window.__armgenErrors") == []
