"""Templates the Bicep tests run on: the synthetic cases and every built-in offer variant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from armgen.checks import bicep_syntax as bicepcheck
from armgen.template import Template
from tests.bicep.cases import CASES

#: For test modules that read Bicep back through tree-sitter.
needs_tree_sitter = pytest.mark.skipif(
    not bicepcheck.available(), reason="tree-sitter-bicep is not installed (pip install -e '.[dev]')"
)

#: Option sets that cover both variants, zoned and zone-less builds.
OFFER_VARIANTS: list[dict[str, Any]] = [
    {},
    {"variant": "standalone"},
    {"zones": []},
    {"variant": "standalone", "zones": []},
    {"zones": ["1", "2", "3"], "appliancesPerZone": 1},
    {"natGateway": False},
]


def _offer_builders() -> dict[str, Callable[[], Template]]:
    try:
        from armgen.offers import OFFERS
    except ImportError:  # the offers are written by another task; they may not have landed
        return {}
    out: dict[str, Callable[[], Template]] = {}
    for name, offer in sorted(OFFERS.items()):
        for opts in OFFER_VARIANTS:
            if set(opts) - set(offer.defaults):
                continue
            label = name + ("" if not opts else "[" + ",".join(f"{k}={v}" for k, v in opts.items()) + "]")
            out[label] = lambda offer=offer, opts=opts: offer.build(opts)
    return out


OFFER_BUILDERS = _offer_builders()
ALL_BUILDERS: dict[str, Callable[[], Template]] = {**CASES, **OFFER_BUILDERS}


def offers_or_skip() -> None:
    if not OFFER_BUILDERS:
        pytest.skip("armgen.offers has not landed yet (built-in offers are another task)")


@pytest.fixture(params=sorted(ALL_BUILDERS), ids=str)
def template(request: pytest.FixtureRequest) -> Template:
    """Each synthetic case and each offer variant, built fresh."""
    return ALL_BUILDERS[request.param]()


@pytest.fixture(params=sorted(OFFER_BUILDERS) or ["<no offers>"], ids=str)
def offer_template(request: pytest.FixtureRequest) -> Template:
    offers_or_skip()
    return OFFER_BUILDERS[request.param]()
