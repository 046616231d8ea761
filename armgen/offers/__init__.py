"""Offer registry: the built-in offers ``armgen build`` knows by name.

An :class:`Offer` is a name, a one-line description, the build options it understands with their
defaults, and a ``build(options) -> Template`` function. Options arrive already validated
against ``schemas/options.schema.json``; ``build`` fills in defaults for what is not given, so
the Python API (``get_offer("cloud-connector").build({})``) works without the CLI.

Writing your own offer: see ``docs/writing-an-offer.md`` and
:mod:`armgen.offers.two_nic_appliance`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from armgen.errors import InputError
from armgen.template import Template

#: Options every appliance offer takes; offers may narrow or extend them.
COMMON_DEFAULTS: dict[str, Any] = {
    "variant": "ha",
    "zones": ["1", "2"],
    "appliancesPerZone": 2,
    "natGateway": True,
    "namePrefix": "zscc",
}


#: Keys of an options file that select things rather than configure the offer.
_SELECTORS = ("offer", "$schema")


@dataclasses.dataclass(frozen=True)
class Offer:
    """A buildable offer. ``defaults`` are the options schema's defaults for this offer."""

    name: str
    description: str
    defaults: dict[str, Any]
    builder: Callable[[dict[str, Any]], Template]
    #: Defaults that differ by variant (``{"standalone": {"appliancesPerZone": 1}}``): applied over
    #: ``defaults`` for that variant, under the options the caller gives.
    variant_defaults: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: Checks of parameter values that a template cannot state (an item pattern of an array, a
    #: CIDR's size), run on ``armgen build --values``/``--set`` as the wizard runs them: each
    #: problem is ``(JSON path, message)``, e.g. ``("$.zpaDomains[1]", "must end with a dot")``.
    values_check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None

    def resolve(self, options: dict[str, Any] | None) -> dict[str, Any]:
        """``options`` over the defaults; ``offer`` and an options file's ``$schema`` are not options of the offer."""
        given = {k: v for k, v in (options or {}).items() if k not in _SELECTORS}
        merged = {k: (list(v) if isinstance(v, list) else v) for k, v in self.defaults.items()}
        variant = given.get("variant", merged.get("variant"))
        if isinstance(variant, str):
            merged.update(copy.deepcopy(self.variant_defaults.get(variant, {})))
        merged.update(given)
        unknown = sorted(set(merged) - set(self.defaults))
        if unknown:
            raise InputError(f"offer {self.name} does not take option(s) {', '.join(unknown)}",
                             path=f"$.{unknown[0]}")
        return merged

    def build(self, options: dict[str, Any] | None = None) -> Template:
        return self.builder(self.resolve(options))


def _registry() -> dict[str, Offer]:
    from armgen.offers import cloud_connector, two_nic_appliance

    return {o.name: o for o in (cloud_connector.OFFER, two_nic_appliance.OFFER)}


OFFERS: dict[str, Offer] = _registry()


def get_offer(name: str) -> Offer:
    """The built-in offer ``name``; an unknown name is an InputError listing the known ones."""
    try:
        return OFFERS[name]
    except KeyError:
        raise InputError(f"unknown offer {name!r}; known offers: {', '.join(sorted(OFFERS))}") from None
