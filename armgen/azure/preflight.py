"""``armgen preflight``: can the customer's existing network take the appliances? Read-only.

Everything is read with ``ResourceManagementClient.resources.get_by_id`` (explicit Network
api-version), so nothing here can change the customer's network. Checks:

- the VNet and each subnet exist, and the VNet is in the deployment's region;
- each subnet has room for its NICs (+ the load balancer frontend) after Azure's 5 reserved
  addresses and the ip configurations already in it; delegated subnets cannot take VM NICs;
- requested static IPs lie inside their subnet, are not reserved and are not in use;
- a NAT gateway or route table already on a subnet is reported (armgen must not replace it);
- a route on an appliance subnet whose next hop is an address inside an appliance subnet (the
  appliances or their load balancer) is a loop and fails;
- what Azure would otherwise refuse only at deploy time, minutes in (:func:`_compute_checks`):
  the VM size offered in the region and in each chosen zone (``Microsoft.Compute/skus`` and its
  ``restrictions``), the vCPU quota of the size's family and the regional total for all the
  appliances (``Microsoft.Compute/locations/{location}/usages``), the Marketplace terms of the
  image's plan accepted (``Microsoft.MarketplaceOrdering`` agreements) and the template's resource
  providers registered. Each row names the command that fixes it.

Which subnets and how many NICs come from the deployment parameters through
:func:`network_plan`, the one place to adapt when the offer's parameter names change. Counts
from the template or its parameters are bounded by ARM's own limit (800 copies) before they drive
a loop: a parameter default of 9007199254740993 is bad input, not a loop that never ends.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from armgen.azure.session import (
    NETWORK_API_VERSION,
    RESOURCES_API_VERSION,
    AzureFailure,
    AzureTarget,
    azure_errors,
)

AZURE_RESERVED_PER_SUBNET = 5  # network, gateway (.1), 2 x DNS (.2, .3), broadcast
READ_ACTION = "Microsoft.Network/virtualNetworks/read"
MAX_COPIES = 800  # ARM: a copy loop has at most 800 iterations (and a template 800 resources)
SKUS_API_VERSION = "2021-07-01"  # Microsoft.Compute/skus
USAGES_API_VERSION = "2024-07-01"  # Microsoft.Compute/locations/{location}/usages
MARKETPLACE_API_VERSION = "2021-01-01"  # Microsoft.MarketplaceOrdering
MAX_PAGES = 200  # nextLink pages followed for one list (a real SKU list is a handful)


# ------------------------------------------------------------------ parameters -> plan


@dataclass
class SubnetNeed:
    """One subnet the deployment puts NICs into."""

    name: str
    roles: list[str] = field(default_factory=list)  # e.g. ["mgmt", "service"]
    nics: int = 0
    lb_frontend: bool = False
    static_ips: list[str] = field(default_factory=list)


@dataclass
class NetworkPlan:
    vnet_name: str
    vnet_resource_group: str
    subnets: list[SubnetNeed]
    location: str | None = None


_SUBNET_PARAM = re.compile(r"^(?P<role>[a-z0-9]*?)subnets?\d*names?\d*$", re.IGNORECASE)
_STATIC_PARAM = re.compile(r"(static|private)ip|frontendip", re.IGNORECASE)
_COUNT_PARAMS = ("vmCount", "instanceCount", "applianceCount", "ccCount", "vmInstances")
_ROLE_ALIASES = {"": "service", "management": "mgmt", "appliance": "service", "cc": "service", "svc": "service",
                 "fwd": "service", "forwarding": "service"}


def _template_counts(template: dict[str, Any], values: dict[str, Any], resource_group: str) -> tuple[int, int, bool]:
    """``(VMs, NICs, has load balancer)`` declared by the template, copy counts evaluated."""
    from armgen.azure.whatif_gate import Scope

    scope = Scope(values, template, "-", resource_group)
    vms = nics = 0
    lb = False
    resources = template.get("resources") or []
    for r in resources.values() if isinstance(resources, dict) else resources:
        if not isinstance(r, dict) or r.get("existing") is True:
            continue
        rtype = str(r.get("type", "")).lower()
        count: Any = 1
        if isinstance(r.get("copy"), dict):
            count = scope.value(r["copy"].get("count"))
        if not isinstance(count, int) or isinstance(count, bool):
            raise AzureFailure(f"cannot evaluate the copy count of {r.get('type')} {r.get('name')}; "
                               "pass the parameter values it depends on", 2)
        _check_count(count, f"the copy count of {r.get('type')} {r.get('name')}")
        if rtype == "microsoft.compute/virtualmachines":
            vms += count
        elif rtype == "microsoft.network/networkinterfaces":
            nics += count
        elif rtype == "microsoft.network/loadbalancers":
            lb = True
    _check_count(vms, "the template's virtual machines in all")
    _check_count(nics, "the template's network interfaces in all")
    return vms, nics, lb


def _check_count(count: int, what: str) -> None:
    """A count from input is bounded before it drives a loop (ARM's limit, 800)."""
    if not 0 <= count <= MAX_COPIES:
        raise AzureFailure(f"{what} is {count}; ARM allows 0 to {MAX_COPIES}", 2)


def network_plan(values: dict[str, Any], resource_group: str, template: dict[str, Any] | None = None) -> NetworkPlan:
    """Map deployment parameter values (and the template, when known) to "which subnets, how
    many NICs in each". This is the one function to adapt when the offer's parameters change.

    Assumptions (parameter names case-insensitive), matching the built-in cloud-connector offer:

    - ``vnetName`` (required) and ``vnetResourceGroup`` (default: the target resource group);
    - subnet names in every parameter named ``[role|zoneN]Subnet[s][N]Name[s][N]`` — e.g.
      ``subnetName``, ``zone1SubnetName``, ``mgmtSubnetName1`` — a string or a list (one per
      zone). Role ``mgmt``/``management`` is the management NIC's subnet; anything else is the
      service (forwarding) subnet; with no management subnet both NICs share the service subnet;
    - VM and NIC counts from the template's ``copy`` counts when a template is given, else from
      ``vmCount``/``instanceCount``/``applianceCount`` (default 2) with 2 NICs per VM;
    - VM *i* goes to the *(i mod n)*-th subnet of each role (one subnet per zone);
    - the load balancer frontend (when the template has one, or without a template) takes one
      address in the first service subnet;
    - static addresses are in parameters whose name contains ``staticIp``/``privateIp``/
      ``frontendIp`` (string or list); each is checked in the subnet whose prefix holds it.
    """
    low = {k.lower(): v for k, v in values.items()}
    vnet = low.get("vnetname")
    if vnet is None:
        raise AzureFailure("preflight needs the parameter 'vnetName' (the existing VNet)", 2)
    if not isinstance(vnet, str) or not vnet:
        raise AzureFailure(f"parameter 'vnetName' must be the existing VNet's name, got {vnet!r}", 2)
    vnet_rg = low.get("vnetresourcegroup") or low.get("vnetresourcegroupname") or resource_group
    if not isinstance(vnet_rg, str) or vnet_rg.startswith("["):
        vnet_rg = resource_group
    by_role: dict[str, list[str]] = {}
    for key in sorted(values, key=str.lower):
        m = _SUBNET_PARAM.match(key)
        if not m:
            continue
        role = re.sub(r"zone\d*|\d+", "", m.group("role").lower())
        role = _ROLE_ALIASES.get(role, role)
        val = values[key]
        names = [val] if isinstance(val, str) else val if isinstance(val, list) else None
        if names is None or not all(isinstance(n, str) for n in names):
            raise AzureFailure(f"parameter {key!r} must be a subnet name or a list of them, got {val!r}", 2)
        names = [n for n in names if n]  # an empty name: that slot is not used
        if names:
            known = by_role.setdefault(role, [])
            known.extend(n for n in names if n not in known)
    if not by_role:
        raise AzureFailure("preflight found no subnet parameters (expected e.g. 'subnetName', "
                           "'zone1SubnetName' or 'mgmtSubnetName1')", 2)
    if template is not None:
        vms, nic_total, lb = _template_counts(template, values, resource_group)
        nics_per_vm = max(nic_total // vms, 1) if vms else 0
    else:
        vms = next((low[c.lower()] for c in _COUNT_PARAMS
                    if isinstance(low.get(c.lower()), int) and not isinstance(low.get(c.lower()), bool)), 2)
        _check_count(vms, "the VM count parameter")
        nics_per_vm, lb = 2, True
    needs: dict[str, SubnetNeed] = {}

    def need(name: str, role: str) -> SubnetNeed:
        sn = needs.setdefault(name.lower(), SubnetNeed(name))
        if role not in sn.roles:
            sn.roles.append(role)
        return sn

    service = by_role.get("service") or next(iter(by_role.values()))
    mgmt = by_role.get("mgmt") or service
    for i in range(vms):
        need(service[i % len(service)], "service").nics += max(nics_per_vm - 1, 1) if nics_per_vm else 0
        if nics_per_vm > 1:
            need(mgmt[i % len(mgmt)], "mgmt").nics += 1
    if lb:
        need(service[0], "service").lb_frontend = True
    for role, names in by_role.items():  # subnets named but given no VM still get checked
        for n in names:
            need(n, role)
    statics: list[str] = []
    for k, v in values.items():
        if _STATIC_PARAM.search(k):
            statics.extend([v] if isinstance(v, str) else [x for x in v if isinstance(x, str)] if isinstance(v, list) else [])
    plan = NetworkPlan(vnet, vnet_rg, list(needs.values()), location=low.get("location"))
    plan.subnets[0].static_ips.extend(ip for ip in statics if ip)  # placed by prefix at check time
    return plan


# ------------------------------------------------------------------ checks


@dataclass
class Check:
    check: str
    status: str  # pass | warn | fail
    subject: str
    detail: str
    fix: str | None = None  # the command (or step) that fixes a warn/fail

    def to_json(self) -> dict[str, Any]:
        doc = {"check": self.check, "status": self.status, "subject": self.subject, "detail": self.detail}
        if self.fix:
            doc["fix"] = self.fix
        return doc


@dataclass
class Report:
    location: str | None
    checks: list[Check] = field(default_factory=list)

    def add(self, check: str, status: str, subject: str, detail: str, fix: str | None = None) -> None:
        self.checks.append(Check(check, status, subject, detail, fix if status != "pass" else None))

    @property
    def failed(self) -> bool:
        return any(c.status == "fail" for c in self.checks)

    def summary(self) -> dict[str, int]:
        return {s: sum(c.status == s for c in self.checks) for s in ("pass", "warn", "fail")}

    def to_json(self) -> dict[str, Any]:
        return {"location": self.location, "passed": not self.failed, "summary": self.summary(),
                "checks": [c.to_json() for c in self.checks]}


def _prefixes(subnet: dict[str, Any]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    props = subnet.get("properties") or {}
    raw = props.get("addressPrefixes") or ([props["addressPrefix"]] if props.get("addressPrefix") else [])
    out = []
    for p in raw:
        try:
            out.append(ipaddress.ip_network(p, strict=False))
        except ValueError:
            continue
    return out


def _reserved(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> set[Any]:
    first = net.network_address
    return {first, first + 1, first + 2, first + 3, net.broadcast_address}


def _norm_loc(loc: str | None) -> str:
    return (loc or "").replace(" ", "").lower()


class _Reader:
    """get_by_id with the pinned Network api-version; a 404 is None, other errors propagate."""

    def __init__(self, target: AzureTarget):
        self.client = target.resources_client()
        self.endpoint = target.endpoint

    def get(self, rid: str) -> dict[str, Any] | None:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            res = self.client.resources.get_by_id(rid, api_version=NETWORK_API_VERSION)
        except ResourceNotFoundError:
            return None
        return res.as_dict() if hasattr(res, "as_dict") else dict(res)

    def group(self, rid: str) -> dict[str, Any] | None:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            rg = self.client.resource_groups.get(rid.rsplit("/", 1)[-1])
        except ResourceNotFoundError:
            return None
        return rg.as_dict() if hasattr(rg, "as_dict") else dict(rg)

    def rest(self, path: str, api_version: str, **params: str) -> Any:
        """GET one Resource Manager URL through the client's pipeline (auth, retry, throttle);
        JSON body, or None for a 404 (an endpoint or resource that is not there)."""
        from azure.core.exceptions import HttpResponseError
        from azure.core.rest import HttpRequest

        request = HttpRequest("GET", path, params={"api-version": api_version, **params} if api_version else params)
        response = self.client.send_request(request)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise HttpResponseError(response=response)
        try:
            return response.json()
        except ValueError:
            raise AzureFailure(f"Resource Manager answered {path} with a body that is not JSON") from None

    def rest_list(self, path: str, api_version: str, **params: str) -> list[dict[str, Any]] | None:
        """Every ``value`` item of a list, following ``nextLink`` on the same host (None: 404)."""
        from urllib.parse import urlsplit

        page = self.rest(path, api_version, **params)
        if page is None:
            return None
        items: list[dict[str, Any]] = []
        host = urlsplit(self.endpoint).netloc.lower()
        for _ in range(MAX_PAGES):
            if not isinstance(page, dict) or not isinstance(page.get("value", []), list):
                raise AzureFailure(f"Resource Manager answered {path} with something that is not a list")
            items.extend(v for v in page.get("value") or [] if isinstance(v, dict))
            link = page.get("nextLink")
            if not isinstance(link, str) or not link:
                return items
            if urlsplit(link).netloc.lower() != host:  # the token must never follow a link elsewhere
                raise AzureFailure(f"Resource Manager's nextLink for {path} points to another host")
            page = self.rest(link, "")
            if page is None:
                return items
        raise AzureFailure(f"Resource Manager's list {path} has more than {MAX_PAGES} pages")


def run_preflight(target: AzureTarget, resource_group: str, values: dict[str, Any],
                  location: str | None = None, template: dict[str, Any] | None = None,
                  zones: list[str] | None = None, lookups: Lookups | None = None) -> Report:
    """Every check for one deployment. ``zones``: the zones the appliances go to (default: from
    ``zoneN`` subnet parameter names); ``lookups``: a cache shared by the targets of a rollout,
    so the subscription-wide lists (SKUs, usages, providers, terms) are read once per run."""
    plan = network_plan(values, resource_group, template)
    compute = compute_needs(template, values, target.subscription, resource_group, location, zones) \
        if template is not None else None
    with azure_errors(target, READ_ACTION, resource_group):
        reader = _Reader(target)
        try:
            report = _checks(target, reader, resource_group, plan, location)
            if compute is not None and report.location:
                with azure_errors(target, "Microsoft.Compute/skus/read", scope=f"/subscriptions/{target.subscription}"):
                    _compute_checks(report, reader, target, report.location, compute, lookups or Lookups())
            return report
        finally:
            reader.client.close()


def _checks(target: AzureTarget, reader: _Reader, resource_group: str, plan: NetworkPlan,
            location: str | None) -> Report:
    rg = reader.group(target.resource_group_id(resource_group))
    loc = location or (plan.location if plan.location and not plan.location.startswith("[") else None)
    if rg is None:
        report = Report(loc)
        report.add("resource group", "fail", resource_group, f"not found in subscription {target.subscription}")
    else:
        loc = loc or rg.get("location")
        report = Report(loc)
        report.add("resource group", "pass", resource_group, f"exists in {rg.get('location')}")

    vnet_id = (f"/subscriptions/{target.subscription}/resourceGroups/{plan.vnet_resource_group}"
               f"/providers/Microsoft.Network/virtualNetworks/{plan.vnet_name}")
    vnet = reader.get(vnet_id)
    if vnet is None:
        report.add("vnet exists", "fail", plan.vnet_name, f"not found in resource group {plan.vnet_resource_group}")
        return report
    report.add("vnet exists", "pass", plan.vnet_name, f"in {plan.vnet_resource_group}")
    if loc and _norm_loc(vnet.get("location")) != _norm_loc(loc):
        report.add("vnet region", "fail", plan.vnet_name,
                   f"VNet is in {vnet.get('location')}, the deployment in {loc}; NICs must be in the VNet's region")
    else:
        report.add("vnet region", "pass", plan.vnet_name, f"{vnet.get('location')}")

    subnets: dict[str, tuple[SubnetNeed, dict[str, Any]]] = {}
    for need in plan.subnets:
        sub = reader.get(f"{vnet_id}/subnets/{need.name}")
        if sub is None:
            report.add("subnet exists", "fail", need.name, f"no subnet '{need.name}' in VNet {plan.vnet_name}")
            continue
        nets = _prefixes(sub)
        report.add("subnet exists", "pass", need.name, ", ".join(map(str, nets)) or "no address prefix")
        subnets[need.name.lower()] = (need, sub)
    appliance_nets = [n for _, s in subnets.values() for n in _prefixes(s)]

    static_by_subnet = _place_static_ips(report, plan, subnets)
    for need, sub in subnets.values():
        _capacity(report, need, sub)
        _static_ips(report, reader, need, sub, static_by_subnet.get(need.name.lower(), []))
        _attachments(report, reader, need, sub, appliance_nets)
    return report


def _place_static_ips(report: Report, plan: NetworkPlan,
                      subnets: dict[str, tuple[SubnetNeed, dict[str, Any]]]) -> dict[str, list[str]]:
    placed: dict[str, list[str]] = {}
    for need in plan.subnets:
        for ip in need.static_ips:
            try:
                addr = ipaddress.ip_address(ip)
            except ValueError:
                report.add("static ip", "fail", ip, "not an IP address")
                continue
            home = next((k for k, (_, s) in subnets.items() if any(addr in n for n in _prefixes(s))), None)
            if home is None:
                report.add("static ip", "fail", ip, "not inside any of the deployment's subnets")
            else:
                placed.setdefault(home, []).append(ip)
    return placed


def _capacity(report: Report, need: SubnetNeed, sub: dict[str, Any]) -> None:
    props = sub.get("properties") or {}
    nets = _prefixes(sub)
    if props.get("delegations"):
        names = ", ".join(str((d.get("properties") or {}).get("serviceName") or d.get("name")) for d in props["delegations"])
        report.add("subnet delegation", "fail", need.name, f"delegated to {names}; VM NICs cannot be placed in it")
    size = sum(n.num_addresses - AZURE_RESERVED_PER_SUBNET for n in nets)
    used = len(props.get("ipConfigurations") or [])
    wanted = need.nics + (1 if need.lb_frontend else 0)
    free = size - used
    what = f"{need.nics} NIC{'s' if need.nics != 1 else ''}" + (" + LB frontend" if need.lb_frontend else "")
    detail = f"needs {wanted} ({what}); {free} free of {size} usable ({used} in use, 5 reserved per prefix)"
    if free < wanted:
        report.add("subnet capacity", "fail", need.name, detail)
    elif free - wanted < max(wanted, 1):
        report.add("subnet capacity", "warn", need.name, detail + "; no room to redeploy side by side")
    else:
        report.add("subnet capacity", "pass", need.name, detail)


def _static_ips(report: Report, reader: _Reader, need: SubnetNeed, sub: dict[str, Any], ips: list[str]) -> None:
    if not ips:
        return
    used: dict[str, str] = {}
    for cfg in (sub.get("properties") or {}).get("ipConfigurations") or []:
        rid = cfg.get("id")
        doc = reader.get(rid) if rid else None
        ip = ((doc or {}).get("properties") or {}).get("privateIPAddress")
        if ip:
            used[ip] = rid
    for ip in ips:
        addr = ipaddress.ip_address(ip)
        net = next(n for n in _prefixes(sub) if addr in n)
        if addr in _reserved(net):
            report.add("static ip", "fail", ip, f"reserved by Azure in {net} (first four and last address)")
        elif ip in used:
            report.add("static ip", "fail", ip, f"already used by {used[ip]}")
        else:
            report.add("static ip", "pass", ip, f"free in {need.name} ({net})")


def _attachments(report: Report, reader: _Reader, need: SubnetNeed, sub: dict[str, Any],
                 appliance_nets: list[Any]) -> None:
    props = sub.get("properties") or {}
    nat = (props.get("natGateway") or {}).get("id")
    if nat:
        report.add("nat gateway", "warn", need.name, f"already has NAT gateway {nat.rsplit('/', 1)[-1]}; "
                   "armgen must not attach another (keep the existing one)")
    else:
        report.add("nat gateway", "pass", need.name, "none attached")
    rt_id = (props.get("routeTable") or {}).get("id")
    if not rt_id:
        report.add("route table", "pass", need.name, "none attached")
        return
    rt_name = rt_id.rsplit("/", 1)[-1]
    report.add("route table", "warn", need.name, f"route table {rt_name} already attached; armgen will not replace it")
    rt = reader.get(rt_id)
    if rt is None:
        report.add("route loop", "warn", need.name, f"route table {rt_name} could not be read")
        return
    loops = []
    for route in (rt.get("properties") or {}).get("routes") or []:
        rp = route.get("properties") or {}
        hop = rp.get("nextHopIpAddress")
        if rp.get("nextHopType") != "VirtualAppliance" or not hop:
            continue
        try:
            addr = ipaddress.ip_address(hop)
        except ValueError:
            continue
        if any(addr in n for n in appliance_nets):
            loops.append(f"{route.get('name')} ({rp.get('addressPrefix')} -> {hop})")
    if loops:
        report.add("route loop", "fail", need.name, "routes on the appliance subnet point back at the appliances: "
                   + "; ".join(loops))
    else:
        report.add("route loop", "pass", need.name, f"no route in {rt_name} points back at the appliance subnets")


# ------------------------------------------------------------------ what Azure refuses at deploy time


@dataclass
class ComputeNeeds:
    """What the template asks of the subscription: VM sizes and counts, zones, image plans, providers."""

    sizes: dict[str, int]  # VM size -> VMs of that size
    zones: list[str]
    plans: list[tuple[str, str, str]]  # (publisher, product/offer, plan name)
    namespaces: list[str]
    unknown_sizes: int = 0  # VMs whose size could not be evaluated


_ZONE_PARAM = re.compile(r"zone(\d)", re.IGNORECASE)


def compute_needs(template: dict[str, Any], values: dict[str, Any], subscription: str, resource_group: str,
                  location: str | None = None, zones: list[str] | None = None) -> ComputeNeeds:
    """Read :class:`ComputeNeeds` off the template's resources, evaluated with the deployment's values.

    Zones: the ``zones`` given (a rollout target's subnet slots), else the zone numbers of the
    subnet parameters that have a value (``zone1SubnetName`` -> 1), else a literal ``zones`` of a
    VM resource. Copy counts are bounded like everywhere else (:data:`MAX_COPIES`).
    """
    from armgen.azure.whatif_gate import Scope

    scope = Scope(values, template, subscription, resource_group, location)
    sizes: dict[str, int] = {}
    plans: list[tuple[str, str, str]] = []
    namespaces: list[str] = []
    literal_zones: list[str] = []
    unknown = 0
    resources = template.get("resources") or []
    for r in resources.values() if isinstance(resources, dict) else resources:
        if not isinstance(r, dict) or r.get("existing") is True:
            continue
        rtype = scope.value(r.get("type", ""))
        if not isinstance(rtype, str) or "/" not in rtype:
            continue
        ns = rtype.split("/", 1)[0]
        if ns.lower() != "microsoft.resources" and ns.lower() not in (n.lower() for n in namespaces):
            namespaces.append(ns)
        if rtype.lower() != "microsoft.compute/virtualmachines":
            continue
        count: Any = scope.value(r["copy"].get("count")) if isinstance(r.get("copy"), dict) else 1
        if not isinstance(count, int) or isinstance(count, bool):
            count = 1
        _check_count(count, f"the copy count of {r.get('type')} {r.get('name')}")
        size = scope.value(((r.get("properties") or {}).get("hardwareProfile") or {}).get("vmSize"))
        if isinstance(size, str) and size:
            sizes[size] = sizes.get(size, 0) + count
            _check_count(sum(sizes.values()), "the template's virtual machines in all")
        else:
            unknown += count
        plan = r.get("plan")
        if isinstance(plan, dict):
            got = tuple(scope.value(plan.get(k)) for k in ("publisher", "product", "name"))
            if all(isinstance(x, str) and x for x in got) and got not in plans:
                plans.append(got)  # type: ignore[arg-type]
        z = scope.value(r.get("zones"))
        if isinstance(z, list):
            literal_zones += [str(x) for x in z if isinstance(x, (str, int)) and str(x) not in literal_zones]
    if zones is None:
        found = sorted({m.group(1) for k, v in values.items() if v and (m := _ZONE_PARAM.search(k))
                        and _SUBNET_PARAM.match(k)})
        zones = found or literal_zones
    return ComputeNeeds(sizes, list(zones), plans, namespaces, unknown)


class Lookups:
    """Per-run memo of subscription-wide reads (thread-safe): a rollout of 200 targets in one
    region reads the region's SKU list once, not 200 times."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[tuple[str, ...], Any] = {}
        self._values: dict[tuple[str, ...], Any] = {}

    def get(self, key: tuple[str, ...], load: Any) -> Any:
        with self._lock:
            if key in self._values:
                return self._values[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one loader per key; the others wait for its answer
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = load()
            with self._lock:
                self._values[key] = value
            return value


def _num(v: Any) -> int | None:
    """An integer from a usage/capability value (ints, or digit strings as az prints them)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def _restricted(sku: dict[str, Any], kind: str, location: str) -> list[dict[str, Any]]:
    out = []
    for r in sku.get("restrictions") or []:
        if not isinstance(r, dict) or str(r.get("type", "")).lower() != kind.lower():
            continue
        info = r.get("restrictionInfo") if isinstance(r.get("restrictionInfo"), dict) else {}
        locs = [*(r.get("values") or []), *(info.get("locations") or [])]
        if not locs or any(_norm_loc(str(x)) == _norm_loc(location) for x in locs):
            out.append(r)
    return out


def _compute_checks(report: Report, reader: _Reader, target: AzureTarget, location: str, needs: ComputeNeeds,
                    lookups: Lookups) -> None:
    sub = target.subscription
    loc = _norm_loc(location)
    base = f"/subscriptions/{sub}/providers"
    if needs.sizes:
        skus = lookups.get((sub, "skus", loc), lambda: reader.rest_list(
            f"{base}/Microsoft.Compute/skus", SKUS_API_VERSION, **{"$filter": f"location eq '{loc}'"}))
        usages = lookups.get((sub, "usages", loc), lambda: reader.rest_list(
            f"{base}/Microsoft.Compute/locations/{loc}/usages", USAGES_API_VERSION))
        _size_checks(report, sub, loc, needs, skus, usages)
    for publisher, offer, plan in needs.plans:
        subject = f"{publisher}:{offer}:{plan}"
        doc = lookups.get((sub, "terms", publisher.lower(), offer.lower(), plan.lower()), lambda p=publisher, o=offer,
                          n=plan: reader.rest(f"{base}/Microsoft.MarketplaceOrdering/offerTypes/virtualmachine/publishers/"
                                              f"{p}/offers/{o}/plans/{n}/agreements/current", MARKETPLACE_API_VERSION))
        fix = f"az vm image terms accept --publisher {publisher} --offer {offer} --plan {plan} --subscription {sub}"
        accepted = ((doc or {}).get("properties") or {}).get("accepted") if isinstance(doc, dict) else None
        if doc is None:
            report.add("marketplace terms", "warn", subject, "could not read the terms' agreement (404)", fix)
        elif accepted is True:
            report.add("marketplace terms", "pass", subject, "accepted for the subscription")
        else:
            report.add("marketplace terms", "fail", subject, "not accepted for the subscription: the "
                       "deployment would fail with MarketplacePurchaseEligibilityFailed", fix)
    for ns in needs.namespaces:
        doc = lookups.get((sub, "provider", ns.lower()),
                          lambda n=ns: reader.rest(f"{base}/{n}", RESOURCES_API_VERSION))
        fix = f"az provider register --namespace {ns} --subscription {sub}"
        state = str((doc or {}).get("registrationState") or "") if isinstance(doc, dict) else ""
        if doc is None:
            report.add("resource provider", "warn", ns, "could not read its registration (404)", fix)
        elif state.lower() == "registered":
            report.add("resource provider", "pass", ns, "registered")
        elif state.lower() == "registering":
            report.add("resource provider", "warn", ns, "still registering; wait for Registered", fix)
        else:
            report.add("resource provider", "fail", ns, f"{state or 'not registered'} in the subscription", fix)


def _size_checks(report: Report, sub: str, loc: str, needs: ComputeNeeds, skus: list[dict[str, Any]] | None,
                 usages: list[dict[str, Any]] | None) -> None:
    listing = f"az vm list-skus --location {loc} --resource-type virtualMachines --all --output table"
    regional_need = 0
    by_family: dict[str, tuple[int, str]] = {}
    for size, vms in needs.sizes.items():
        if skus is None:
            report.add("vm size", "warn", size, f"could not read the VM sizes of {loc} (404)", listing)
            continue
        sku = next((k for k in skus if str(k.get("resourceType", "")).lower() == "virtualmachines"
                    and str(k.get("name", "")).lower() == size.lower()), None)
        if sku is None:
            report.add("vm size", "fail", size, f"not offered in {loc}", f"choose a size offered there: {listing}")
            continue
        blocked = _restricted(sku, "Location", loc)
        if blocked:
            why = ", ".join(sorted({str(r.get("reasonCode") or "restricted") for r in blocked}))
            report.add("vm size", "fail", size, f"not available to the subscription in {loc} ({why})",
                       f"choose another size ({listing}) or request access to {size} in {loc} "
                       "(Azure portal: Help + support > Service and subscription limits)")
            continue
        report.add("vm size", "pass", size, f"offered in {loc}")
        offered = next((li.get("zones") or [] for li in sku.get("locationInfo") or []
                        if isinstance(li, dict) and _norm_loc(str(li.get("location"))) == loc), [])
        zone_blocked = {str(z) for r in _restricted(sku, "Zone", loc)
                        for z in ((r.get("restrictionInfo") or {}).get("zones") or [])}
        for zone in needs.zones:
            subject = f"{size} zone {zone}"
            if zone in zone_blocked:
                report.add("vm size zone", "fail", subject, f"not available to the subscription in zone {zone} of {loc}",
                           f"choose other zones or another size: {listing}")
            elif offered and zone not in [str(z) for z in offered]:
                report.add("vm size zone", "fail", subject, f"offered only in zones {', '.join(map(str, offered))} "
                           f"of {loc}", f"choose other zones or another size: {listing}")
            elif not offered:
                report.add("vm size zone", "warn", subject, f"{loc} offers {size} in no availability zone",
                           "deploy without zones (an availability set) or choose a zonal region")
            else:
                report.add("vm size zone", "pass", subject, f"offered in zone {zone}")
        vcpus = next((_num(c.get("value")) for c in sku.get("capabilities") or []
                      if isinstance(c, dict) and str(c.get("name", "")).lower() == "vcpus"), None)
        family = str(sku.get("family") or "")
        if vcpus is None or not family:
            report.add("vcpu quota", "warn", size, "the SKU list gives no vCPU count or family for it")
            continue
        need = vcpus * vms
        regional_need += need
        have, _ = by_family.get(family.lower(), (0, family))
        by_family[family.lower()] = (have + need, family)
    if not by_family:
        return
    if usages is None:
        report.add("vcpu quota", "warn", loc, f"could not read the compute usages of {loc} (404)")
        return
    wants = [(key, need, label) for key, (need, label) in by_family.items()] + [("cores", regional_need, "cores")]
    named = {str(u["name"].get("value", "")).lower(): u for u in usages if isinstance(u.get("name"), dict)}
    for key, need, label in wants:
        usage = named.get(key) or {}
        subject = label if key != "cores" else "regional vCPUs"
        limit, used = _num(usage.get("limit")), _num(usage.get("currentValue"))
        fix = (f"az quota update --scope /subscriptions/{sub}/providers/Microsoft.Compute/locations/{loc} "
               f"--resource-name {label} --limit-object value={(used or 0) + need} --resource-type dedicated")
        if limit is None or used is None:
            report.add("vcpu quota", "warn", subject, f"no usable '{label}' usage in {loc}")
        elif limit - used < need:
            report.add("vcpu quota", "fail", subject, f"needs {need} vCPUs; {max(limit - used, 0)} free of {limit} "
                       f"in {loc} ({used} in use)", fix)
        else:
            report.add("vcpu quota", "pass", subject, f"needs {need} vCPUs; {limit - used} free of {limit} in {loc}")


# ------------------------------------------------------------------ rendering

_STATUS_COLOR = {"pass": "\033[38;5;77m", "warn": "\033[38;5;136m", "fail": "\033[38;5;203m"}


def format_table(report: Report, color: bool = False) -> str:
    rows = [("STATUS", "CHECK", "SUBJECT", "DETAIL")] + [(c.status.upper(), c.check, c.subject, c.detail)
                                                         for c in report.checks]
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for i, r in enumerate(rows):
        status = r[0].ljust(w[0])
        if color and i:
            status = f"{_STATUS_COLOR[r[0].lower()]}{status}\033[0m"
        lines.append(f"{status}  {r[1].ljust(w[1])}  {r[2].ljust(w[2])}  {r[3]}".rstrip())
        if i and report.checks[i - 1].fix:
            lines.append(f"{'':{w[0]}}  fix: {report.checks[i - 1].fix}")
    s = report.summary()
    where = f" (region {report.location})" if report.location else ""
    lines.append("")
    warns = f"{s['warn']} warning" + ("" if s["warn"] == 1 else "s")
    lines.append(f"Preflight{where}: {s['pass']} passed, {warns}, {s['fail']} failed.")
    return "\n".join(lines) + "\n"
