"""What preflight asks a subscription before deploying VMs, on the fake Resource Manager.

``svc = install_compute(arm)`` answers, per the documented REST contracts:

- ``GET /subscriptions/{sub}/providers/Microsoft.Compute/skus?$filter=location eq '{loc}'``:
  ``{"value": [ResourceSku...]}`` for that location (``resourceType``, ``name``, ``family``,
  ``locations``, ``locationInfo[{location, zones}]``, ``capabilities[{name: vCPUs, value}]``,
  ``restrictions[{type: Location|Zone, values, restrictionInfo{locations, zones}, reasonCode}]``),
  paged with ``nextLink`` every ``svc.page_size`` entries;
- ``GET /subscriptions/{sub}/providers/Microsoft.Compute/locations/{loc}/usages``:
  ``{"value": [{"name": {"value", "localizedValue"}, "currentValue", "limit", "unit"}]}``;
- ``GET /subscriptions/{sub}/providers/Microsoft.MarketplaceOrdering/offerTypes/virtualmachine/
  publishers/{p}/offers/{o}/plans/{n}/agreements/current``: an agreement with ``accepted``;
- ``GET /subscriptions/{sub}/providers/{namespace}``: a provider with ``registrationState``.

Defaults make a healthy subscription: ``svc.add_size(name, family, vcpus, zones)`` offers a size
in every location asked (zones 1-3 unless told), quotas are generous, every provider registered,
every plan's terms accepted. Tests then break one thing: ``svc.restrict(size, "Location" |
"Zone", zones=...)``, ``svc.usage(family, current, limit)``, ``svc.providers[ns] = "NotRegistered"``,
``svc.terms[(publisher, offer, plan)] = False``, ``svc.missing`` (a set of "skus", "usages",
"terms", "providers" answered 404). ``svc.reads`` counts the requests per kind.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from tests.fakearm.server import FakeArm, Request, Response, arm_error

SUB = r"/subscriptions/(?P<sub>[^/]+)/providers"


@dataclass
class ComputeService:
    arm: FakeArm
    sizes: dict[str, dict[str, Any]] = field(default_factory=dict)
    restrictions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    usages: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (current, limit)
    providers: dict[str, str] = field(default_factory=dict)  # namespace (lower) -> registrationState
    terms: dict[tuple[str, str, str], bool] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    page_size: int = 50
    reads: Counter[str] = field(default_factory=Counter)

    # ------------------------------------------------------------ configuration
    def add_size(self, name: str, family: str, vcpus: int, zones: tuple[str, ...] = ("1", "2", "3")) -> None:
        self.sizes[name.lower()] = {"name": name, "family": family, "vcpus": vcpus, "zones": list(zones)}

    def restrict(self, size: str, kind: str, location: str, zones: tuple[str, ...] = (),
                 reason: str = "NotAvailableForSubscription") -> None:
        info: dict[str, Any] = {"locations": [location]}
        if zones:
            info["zones"] = list(zones)
        self.restrictions.setdefault(size.lower(), []).append(
            {"type": kind, "values": [location], "restrictionInfo": info, "reasonCode": reason})

    def usage(self, name: str, current: int, limit: int) -> None:
        self.usages[name] = (current, limit)

    # ------------------------------------------------------------ handlers
    def _sku(self, size: dict[str, Any], loc: str) -> dict[str, Any]:
        return {"resourceType": "virtualMachines", "name": size["name"], "tier": "Standard",
                "size": size["name"].split("_", 1)[-1], "family": size["family"], "locations": [loc],
                "locationInfo": [{"location": loc, "zones": size["zones"], "zoneDetails": []}],
                "capabilities": [{"name": "vCPUs", "value": str(size["vcpus"])},
                                 {"name": "MaxNetworkInterfaces", "value": "2"}],
                "restrictions": list(self.restrictions.get(size["name"].lower(), []))}

    def skus(self, req: Request) -> Response:
        self.reads["skus"] += 1
        if "skus" in self.missing:
            return arm_error(404, "NotFound", "No such endpoint.")
        m = re.fullmatch(r"location eq '([^']+)'", req.query.get("$filter", ""))
        loc = m.group(1) if m else "westeurope"
        items = [{"resourceType": "disks", "name": "Premium_LRS", "locations": [loc], "restrictions": []}]
        items += [self._sku(s, loc) for s in self.sizes.values()]
        start = int(req.query.get("skiptoken", "0"))
        page: dict[str, Any] = {"value": items[start:start + self.page_size]}
        if start + self.page_size < len(items):
            page["nextLink"] = self.arm.url(f"{req.path}?api-version={quote(req.query['api-version'])}&"
                                            f"$filter={quote(req.query.get('$filter', ''))}"
                                            f"&skiptoken={start + self.page_size}")
        return Response(200, page, {})

    def usage_list(self, req: Request) -> Response:
        self.reads["usages"] += 1
        if "usages" in self.missing:
            return arm_error(404, "NotFound", "No such endpoint.")
        families = {s["family"]: (0, 100) for s in self.sizes.values()}
        table = {"cores": (0, 100), **families, **self.usages}
        return Response(200, {"value": [
            {"unit": "Count", "currentValue": cur, "limit": lim,
             "name": {"value": name, "localizedValue": "Total Regional vCPUs" if name == "cores" else f"{name} vCPUs"}}
            for name, (cur, lim) in table.items()]}, {})

    def agreement(self, req: Request) -> Response:
        self.reads["terms"] += 1
        if "terms" in self.missing:
            return arm_error(404, "NotFound", "No such endpoint.")
        p, o, n = (unquote(req.params[k]) for k in ("pub", "offer", "plan"))
        accepted = self.terms.get((p, o, n), True)
        sub = req.params["sub"]
        return Response(200, {
            "id": f"/subscriptions/{sub}/providers/Microsoft.MarketplaceOrdering/offerTypes/VirtualMachine/"
                  f"publishers/{p}/offers/{o}/plans/{n}/agreements/current",
            "name": n, "type": "Microsoft.MarketplaceOrdering/offertypes",
            "properties": {"publisher": p, "product": o, "plan": n, "licenseTextLink": "https://example.invalid/l",
                           "privacyPolicyLink": "https://example.invalid/p", "retrieveDatetime": "2026-01-01T00:00:00Z",
                           "signature": "SIG", "accepted": accepted}}, {})

    def provider(self, req: Request) -> Response:
        self.reads["providers"] += 1
        if "providers" in self.missing:
            return arm_error(404, "NotFound", "No such endpoint.")
        ns = unquote(req.params["ns"])
        state = self.providers.get(ns.lower(), "Registered")
        return Response(200, {"id": f"/subscriptions/{req.params['sub']}/providers/{ns}", "namespace": ns,
                              "registrationState": state, "resourceTypes": []}, {})


def install_compute(arm: FakeArm) -> ComputeService:
    svc = ComputeService(arm)
    arm.route("GET", SUB + r"/(?P<ns>[A-Za-z]+\.[A-Za-z.]+)")(svc.provider)
    arm.route("GET", SUB + r"/Microsoft\.Compute/skus")(svc.skus)
    arm.route("GET", SUB + r"/Microsoft\.Compute/locations/(?P<loc>[^/]+)/usages")(svc.usage_list)
    arm.route("GET", SUB + r"/Microsoft\.MarketplaceOrdering/offerTypes/virtualmachine/publishers/(?P<pub>[^/]+)"
                           r"/offers/(?P<offer>[^/]+)/plans/(?P<plan>[^/]+)/agreements/current")(svc.agreement)
    return svc
