"""The offer registry and option handling."""

from __future__ import annotations

import pytest

from armgen.errors import InputError
from armgen.offers import OFFERS, Offer, get_offer
from armgen.render.arm_json import render


def test_builtin_offers_are_registered() -> None:
    assert {"cloud-connector", "two-nic-appliance"} <= set(OFFERS)
    for name, offer in OFFERS.items():
        assert isinstance(offer, Offer) and offer.name == name and offer.description


def test_unknown_offer_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as err:
        get_offer("fortigate")
    assert "fortigate" in err.value.message
    for name in OFFERS:
        assert name in err.value.message


def test_defaults_fill_in_and_offer_key_is_ignored() -> None:
    cc = get_offer("cloud-connector")
    assert cc.defaults == {"variant": "ha", "zones": ["1", "2"], "appliancesPerZone": 2, "natGateway": True,
                           "namePrefix": "zscc", "trackingGuid": "6a357855-14c7-4d01-8297-0bb7ebb133a1",
                           "network": "existing", "zpa": False, "byoNatGateway": False, "workloadSubnet": False,
                           "bastion": False}
    resolved = cc.resolve({"offer": "cloud-connector", "$schema": "options.schema.json", "zones": ["3"]})
    assert resolved["zones"] == ["3"] and resolved["variant"] == "ha" and "offer" not in resolved and "$schema" not in resolved
    resolved["zones"].append("1")  # the defaults are not shared mutable state
    assert cc.defaults["zones"] == ["1", "2"]


@pytest.mark.parametrize(("options", "path"), [
    ({"colour": "red"}, "$.colour"),
    ({"variant": "active-active"}, "$.variant"),
    ({"zones": ["4"]}, "$.zones"),
    ({"zones": ["1", "1"]}, "$.zones"),
    ({"appliancesPerZone": 0}, "$.appliancesPerZone"),
    ({"appliancesPerZone": 11}, "$.appliancesPerZone"),
    ({"appliancesPerZone": True}, "$.appliancesPerZone"),
    ({"natGateway": "yes"}, "$.natGateway"),
    ({"namePrefix": "this-prefix-is-too-long"}, "$.namePrefix"),
    ({"namePrefix": "1abc"}, "$.namePrefix"),
])
def test_bad_options_are_input_errors_with_a_path(options: dict, path: str) -> None:
    with pytest.raises(InputError) as err:
        get_offer("cloud-connector").build(options)
    assert err.value.path == path


def test_default_build_counts() -> None:
    doc = render(get_offer("cloud-connector").build())
    vm = next(r for r in doc["resources"] if r["type"] == "Microsoft.Compute/virtualMachines")
    assert vm["copy"]["count"] == 4  # 2 per zone x zones 1 and 2, as the reference architecture recommends
