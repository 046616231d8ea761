"""The Bicep armgen writes keeps Bicep's linter rules, checked on the tree-sitter tree.

Rules: no-unused-params, no-unused-vars, no-unused-existing-resources, secure-parameter-default,
no-hardcoded-location, prefer-interpolation, simplify-interpolation,
use-resource-symbol-reference, no-unnecessary-dependson, outputs-should-not-contain-secrets.
Each rule is first shown to fire on Bicep that breaks it, so a clean result means something.
"""

from __future__ import annotations

import pytest

from armgen.checks import bicep_syntax as bicepcheck
from armgen.render import bicep
from armgen.template import Template
from tests.bicep.conftest import needs_tree_sitter

pytestmark = needs_tree_sitter


def test_generated_bicep_keeps_the_linter_rules(template: Template) -> None:
    assert bicepcheck.lint(bicep.render(template)) == []


def test_offers_keep_the_linter_rules(offer_template: Template) -> None:
    text = bicep.render(offer_template)
    assert bicepcheck.lint(text) == []
    # The brownfield contract, seen from Bicep: the customer's network is only referenced.
    for d in bicepcheck.outline(text):
        if d.kind == "resource" and d.type.lower().startswith("microsoft.network/virtualnetworks"):
            assert d.existing, d.name


BAD = {
    "no-unused-params": "param unused string\n",
    "no-unused-vars": "var unused = 1\n",
    "no-unused-existing-resources": "resource v 'Microsoft.Network/virtualNetworks@2025-07-01' existing = {\n"
                                    "  name: 'v'\n}\n",
    "secure-parameter-default": "@secure()\nparam pw string = 'hunter2'\noutput o int = length(pw)\n",
    "no-hardcoded-location": "resource r 'Microsoft.Network/routeTables@2025-07-01' = {\n"
                             "  name: 'rt'\n  location: 'westeurope'\n}\n",
    "prefer-interpolation": "param a string\nvar v = concat(a, '-x')\noutput o string = v\n",
    "simplify-interpolation": "param a string\noutput o string = '${a}'\n",
    "simplify-interpolation ": "param a string\noutput o string = '${'${a}-x'}-y'\n",
    "use-resource-symbol-reference": "resource r 'Microsoft.Network/routeTables@2025-07-01' = {\n  name: 'rt'\n"
                                     "  location: resourceGroup().location\n}\n"
                                     "output o string = resourceId('Microsoft.Network/routeTables', 'rt')\n",
    "no-unnecessary-dependson": "resource a 'Microsoft.Network/routeTables@2025-07-01' = {\n  name: 'a'\n"
                                "  location: resourceGroup().location\n}\n"
                                "resource b 'Microsoft.Network/routeTables@2025-07-01' = {\n  name: 'b'\n"
                                "  location: resourceGroup().location\n  tags: {\n    a: a.id\n  }\n"
                                "  dependsOn: [\n    a\n  ]\n}\n",
    "outputs-should-not-contain-secrets": "@secure()\nparam pw string\noutput o string = pw\n",
}


@pytest.mark.parametrize("rule", sorted(BAD))
def test_each_rule_fires_on_bicep_that_breaks_it(rule: str) -> None:
    text = BAD[rule]
    assert bicepcheck.parse_errors(text) == [], text
    problems = bicepcheck.lint(text)
    assert any(p.startswith(rule.strip() + ":") for p in problems), problems


@pytest.mark.parametrize(
    "text",
    [
        # A needed dependsOn (no data flow) is fine; so is format() with a format specifier.
        "resource a 'Microsoft.Network/routeTables@2025-07-01' = {\n  name: 'a'\n"
        "  location: resourceGroup().location\n}\n"
        "resource b 'Microsoft.Network/routeTables@2025-07-01' = {\n  name: format('{0:D3}', 7)\n"
        "  location: resourceGroup().location\n  dependsOn: [\n    a\n  ]\n}\n",
        # An empty default on a secure parameter is allowed, and concat of arrays is no string concat.
        "@secure()\nparam pw string = ''\nparam xs array\nvar all = concat(xs, [\n  length(pw)\n])\n"
        "output n int = length(all)\n",
        # resourceId of something the file does not declare, and 'global' as a location.
        "resource z 'Microsoft.Network/dnsZones@2018-05-01' = {\n  name: 'example.com'\n  location: 'global'\n"
        "  properties: {\n    other: resourceId('Microsoft.Network/dnsZones', 'other.com')\n  }\n}\n",
    ],
)
def test_rules_do_not_fire_on_good_bicep(text: str) -> None:
    assert bicepcheck.parse_errors(text) == []
    assert bicepcheck.lint(text) == []
