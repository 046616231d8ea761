"""Existing networks on the fake Resource Manager, as ``armgen attach``/``detach`` meet them.

``net = install_network(arm, polls=1)`` adds Microsoft.Network's subnet contract as documented
(REST reference, Resource Manager RPC "ETags for Resources", and the error bodies the Network
resource provider is seen to send):

- every stored subnet, VNet, NAT gateway, route table and NSG carries an ``etag``
  (``W/"<uuid>"``, in the body, as Microsoft.Network does) that changes on **every** write;
- ``PUT .../virtualNetworks/{vnet}/subnets/{name}`` is a *replace*: writable properties come from
  the body only (one left out is gone), read-only ones (``provisioningState``,
  ``ipConfigurations``, ``privateEndpoints``, ``serviceAssociationLinks``,
  ``resourceNavigationLinks``, ``ipConfigurationProfiles``, ``purpose``) stay the server's;
- ``If-Match`` is honoured: a value other than the current etag (or any value for a subnet that
  does not exist) answers 412 ``PreconditionFailed`` with a ``PreconditionFailedEtagMismatch``
  detail, and nothing is written; ``If-None-Match: *`` on an existing subnet answers 412 too;
- a PUT is a long-running operation: 200 (or 201 when created) with the resource in
  ``provisioningState: Updating`` and an ``Azure-AsyncOperation`` header; the status URL
  (``/subscriptions/{sub}/providers/Microsoft.Network/locations/{loc}/operations/{id}``) answers
  ``InProgress`` ``polls`` times, then ``Succeeded`` and the subnet turns ``Succeeded``; a PUT
  while the previous one still runs answers 409 ``AnotherOperationInProgress``;
- ``natGateway``/``routeTable``/``networkSecurityGroup`` references must name an existing
  resource of the VNet's region (else 400 ``InvalidResourceReference`` / ``ResourceNotInSameRegion``),
  and the referenced resource's ``properties.subnets`` back-reference list follows;
- a resource-group what-if (``POST .../deployments/{name}/whatIf``) of a template declaring
  ``Microsoft.Network/virtualNetworks/subnets`` answers what ARM would predict for it: the
  delta between the stored subnet and the template's properties (leaf paths; read-only
  properties the template leaves out are ``NoEffect``). Installing this replaces
  :func:`tests.fakearm.whatif.install_what_if` on the same server.

Test knobs: ``net.meddle(subnet_id, fn)`` makes "someone else" change the subnet (``fn`` edits its
``properties`` in place, a new etag follows) just before the next PUT of it is judged, i.e.
between armgen's GET and its PUT; ``net.fail_next_put = (code, message)`` ends the next PUT's
operation as ``Failed``; ``net.on_write = fn(subnet_id, properties)`` edits what a PUT stores (a
resource provider that normalises or drops something); ``net.finish_operations()`` ends every
running operation at once. Observability: ``net.puts`` (every subnet PUT: id, If-Match, status,
body), ``net.what_ifs`` (what-if request bodies), ``net.put_count(subnet_id=None)``. With
``install_network(arm, fallback=whatif.handle)`` the what-ifs of other templates (a rollout's
deployments) are answered by the what-if service installed before.
"""

from __future__ import annotations

import copy
import itertools
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from tests.fakearm.server import FakeArm, Request, Response, arm_error

SUBNET_PATH = (r"/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/Microsoft\.Network"
               r"/virtualNetworks/(?P<vnet>[^/]+)/subnets/(?P<name>[^/]+)")
STATUS_PATH = r"/subscriptions/(?P<sub>[^/]+)/providers/Microsoft\.Network/locations/(?P<loc>[^/]+)/operations/(?P<op>[^/]+)"
WHATIF_PATH = (r"/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)"
               r"/providers/Microsoft\.Resources/deployments/(?P<name>[^/]+)/whatIf")
READ_ONLY = ("provisioningState", "ipConfigurations", "ipConfigurationProfiles", "privateEndpoints",
             "serviceAssociationLinks", "resourceNavigationLinks", "purpose")
REFERENCES = {"natGateway": "natgateways", "routeTable": "routetables", "networkSecurityGroup": "networksecuritygroups"}


_ETAGS = itertools.count(1)


def new_etag() -> str:
    """A fresh ``W/"<uuid>"`` etag; deterministic per process (the docs' sessions stay stable)."""
    return f'W/"{uuid.uuid5(uuid.NAMESPACE_URL, f"fakearm-etag-{next(_ETAGS)}")}"'


@dataclass
class PutRecord:
    subnet_id: str
    if_match: str | None
    status: int
    body: Any


@dataclass
class _Op:
    subnet_key: str
    remaining: int
    fail: tuple[str, str] | None
    done: bool = False


@dataclass
class NetworkService:
    arm: FakeArm
    polls: int = 1
    puts: list[PutRecord] = field(default_factory=list)
    what_ifs: list[Any] = field(default_factory=list)
    fail_next_put: tuple[str, str] | None = None
    on_write: Callable[[str, dict[str, Any]], None] | None = None
    # what-ifs of templates without subnets (a deployment's) go here when set: the service
    # installed before this one (tests/fakearm/whatif.py), so both kinds are answered
    fallback: Callable[[Request], Response] | None = None
    _meddles: dict[str, list[Callable[[dict[str, Any]], None]]] = field(default_factory=dict)
    _ops: dict[str, _Op] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    lock: threading.RLock = field(default_factory=threading.RLock)

    # ------------------------------------------------------------ set-up
    def _store(self, rid: str, body: dict[str, Any]) -> str:
        doc = {"etag": new_etag(), **copy.deepcopy(body)}
        self.arm.put_resource(rid, doc)
        return rid

    def _ensure_group(self, rid: str) -> None:
        parts = rid.split("/")
        if self.arm.get_resource("/".join(parts[:5])) is None:
            self.arm.add_resource_group(parts[2], parts[4])

    def add_vnet(self, vnet_id: str, location: str = "westeurope", prefixes: tuple[str, ...] = ("10.0.0.0/16",)) -> str:
        self._ensure_group(vnet_id)
        return self._store(vnet_id, {"location": location, "properties": {
            "provisioningState": "Succeeded", "addressSpace": {"addressPrefixes": list(prefixes)}}})

    def add_subnet(self, subnet_id: str, properties: dict[str, Any]) -> str:
        """A subnet as Microsoft.Network returns it (read-only ``provisioningState`` added)."""
        props = {"provisioningState": "Succeeded", **copy.deepcopy(properties)}
        self._store(subnet_id, {"properties": props})
        for prop in REFERENCES:
            ref = (props.get(prop) or {}).get("id")
            if ref:
                self._backref(ref, subnet_id, add=True)
        return subnet_id

    def add_nat_gateway(self, rid: str, location: str = "westeurope") -> str:
        self._ensure_group(rid)
        return self._store(rid, {"location": location, "sku": {"name": "Standard"},
                                 "properties": {"provisioningState": "Succeeded", "idleTimeoutInMinutes": 10}})

    def add_route_table(self, rid: str, location: str = "westeurope", routes: list[dict[str, Any]] | None = None) -> str:
        self._ensure_group(rid)
        return self._store(rid, {"location": location, "properties": {
            "provisioningState": "Succeeded", "disableBgpRoutePropagation": True, "routes": routes or []}})

    def add_nsg(self, rid: str, location: str = "westeurope") -> str:
        self._ensure_group(rid)
        return self._store(rid, {"location": location, "properties": {"provisioningState": "Succeeded",
                                                                      "securityRules": []}})

    def meddle(self, subnet_id: str, fn: Callable[[dict[str, Any]], None]) -> None:
        """Before the next PUT of ``subnet_id`` is judged, ``fn(properties)`` edits the stored
        subnet and its etag changes: a concurrent writer that got there first. Each call
        meddles with one PUT (queued in order)."""
        with self.lock:
            self._meddles.setdefault(subnet_id.lower(), []).append(fn)

    def finish_operations(self) -> None:
        """End every running PUT operation now (the subnets reach their terminal state)."""
        with self.lock, self.arm.lock:
            for op in self._ops.values():
                if not op.done:
                    op.remaining = 0
                    doc = self.arm.get_resource(op.subnet_key)
                    if doc is not None:
                        doc["properties"]["provisioningState"] = "Failed" if op.fail else "Succeeded"
                    op.done = True

    # ------------------------------------------------------------ observation
    def subnet(self, subnet_id: str) -> dict[str, Any]:
        doc = self.arm.get_resource(subnet_id)
        assert doc is not None, f"no subnet {subnet_id}"
        return copy.deepcopy(doc)

    def etag(self, rid: str) -> str:
        return self.subnet(rid)["etag"]

    def put_count(self, subnet_id: str | None = None, status: int | None = None) -> int:
        with self.lock:
            return sum(1 for p in self.puts if (subnet_id is None or p.subnet_id.lower() == subnet_id.lower())
                       and (status is None or p.status == status))

    # ------------------------------------------------------------ internals
    def _backref(self, ref_id: str, subnet_id: str, add: bool) -> None:
        with self.arm.lock:
            doc = self.arm.get_resource(ref_id)
            if doc is None:
                return
            subs = doc.setdefault("properties", {}).setdefault("subnets", [])
            subs[:] = [s for s in subs if s.get("id", "").lower() != subnet_id.lower()]
            if add:
                subs.append({"id": subnet_id})
            doc["etag"] = new_etag()

    def _record(self, rid: str, req: Request, status: int) -> None:
        with self.lock:
            self.puts.append(PutRecord(rid, req.header("if-match"), status, copy.deepcopy(req.json)))

    def put(self, req: Request) -> Response:
        miss = self.arm.missing_resource_group(req)
        if miss:
            return miss
        sub, rg = req.params["sub"], unquote(req.params["rg"])
        vnet_name, name = unquote(req.params["vnet"]), unquote(req.params["name"])
        vnet_id = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet_name}"
        rid = f"{vnet_id}/subnets/{name}"
        with self.lock, self.arm.lock:
            vnet = self.arm.get_resource(vnet_id)
            if vnet is None:
                self._record(rid, req, 404)
                return arm_error(404, "ResourceNotFound", f"The Resource 'Microsoft.Network/virtualNetworks/{vnet_name}' "
                                 f"under resource group '{rg}' was not found.")
            queued = self._meddles.get(rid.lower()) or []
            for fn in queued[:1]:  # one meddle per PUT: meddle() twice and two PUTs lose the race
                queued.pop(0)
                current = self.arm.get_resource(rid)
                assert current is not None, "meddle() on a subnet that does not exist"
                fn(current.setdefault("properties", {}))
                current["etag"] = new_etag()
            current = self.arm.get_resource(rid)
            answer = self._precondition(req, rid, current)
            if answer is None:
                answer = self._validate(req, vnet)
            if answer is None and current is not None and any(
                    op.subnet_key == rid.lower() and not op.done for op in self._ops.values()):
                answer = arm_error(409, "AnotherOperationInProgress",
                                   f"Another operation on this or dependent resource is in progress. "
                                   f"To retry later, use the Retry-After header. Resource {rid}.")
            if answer is not None:
                self._record(rid, req, answer.status)
                return answer
            return self._write(req, rid, vnet, current)

    def _precondition(self, req: Request, rid: str, current: dict[str, Any] | None) -> Response | None:
        if_match, if_none = req.header("if-match"), req.header("if-none-match")
        etag = (current or {}).get("etag")
        if if_match is not None and (current is None or (if_match.strip() != "*" and if_match.strip() != etag)):
            detail = (f"Etag provided in if-match header {if_match} does not match etag {etag} of resource {rid} "
                      "in NRP data store." if current is not None else f"Resource {rid} does not exist.")
            return Response(412, {"error": {"code": "PreconditionFailed", "message": "Precondition failed.",
                                            "details": [{"code": "PreconditionFailedEtagMismatch", "message": detail}]}}, {})
        if if_none is not None and if_none.strip() == "*" and current is not None:
            return Response(412, {"error": {"code": "PreconditionFailed", "message": "Precondition failed.",
                                            "details": [{"code": "PreconditionFailedResourceExists",
                                                         "message": f"Resource {rid} already exists."}]}}, {})
        return None

    def _validate(self, req: Request, vnet: dict[str, Any]) -> Response | None:
        body = req.json if isinstance(req.json, dict) else None
        props = (body or {}).get("properties")
        if not isinstance(props, dict):
            return arm_error(400, "InvalidRequestFormat", "Cannot parse the request.")
        if not props.get("addressPrefix") and not props.get("addressPrefixes"):
            return arm_error(400, "AddressPrefixStringCannotBeNullOrEmpty", "Address prefix string for resource "
                             "cannot be null or empty.")
        for prop, rtype in REFERENCES.items():
            ref = props.get(prop)
            if ref is None:
                continue
            rid = ref.get("id") if isinstance(ref, dict) else None
            doc = self.arm.get_resource(rid) if isinstance(rid, str) else None
            if doc is None or f"/{rtype}/" not in rid.lower():
                return arm_error(400, "InvalidResourceReference", f"Resource {rid} referenced by resource "
                                 f"{req.path} was not found. Please make sure that the referenced resource exists, "
                                 "and that both resources are in the same region.")
            if str(doc.get("location", "")).lower() != str(vnet.get("location", "")).lower():
                return arm_error(400, "ResourceNotInSameRegion", f"Resource {rid} is in {doc.get('location')}, "
                                 f"the subnet's virtual network in {vnet.get('location')}.")
        return None

    def _write(self, req: Request, rid: str, vnet: dict[str, Any], current: dict[str, Any] | None) -> Response:
        props = copy.deepcopy(req.json["properties"])
        old = (current or {}).get("properties") or {}
        for ro in READ_ONLY:
            props.pop(ro, None)
            if ro in old and ro != "provisioningState":
                props[ro] = copy.deepcopy(old[ro])
        props["provisioningState"] = "Updating"
        if self.on_write is not None:
            self.on_write(rid, props)
        doc = {"etag": new_etag(), "properties": props}
        self.arm.put_resource(rid, doc)
        for prop in REFERENCES:
            before, after = (old.get(prop) or {}).get("id"), (props.get(prop) or {}).get("id")
            if before and (not after or before.lower() != after.lower()):
                self._backref(before, rid, add=False)
            if after:
                self._backref(after, rid, add=True)
        op_id = f"{uuid.uuid4()}-{next(self._ids)}"
        self._ops[op_id] = _Op(rid.lower(), self.polls, self.fail_next_put)
        self.fail_next_put = None
        status = 200 if current is not None else 201
        self._record(rid, req, status)
        loc = str(vnet.get("location") or "westeurope")
        url = self.arm.url(f"/subscriptions/{req.params['sub']}/providers/Microsoft.Network/locations/{loc}/operations/{op_id}")
        return Response(status, copy.deepcopy(self.arm.get_resource(rid)),
                        {"Azure-AsyncOperation": url, "Retry-After": "0"})

    def status(self, req: Request) -> Response:
        with self.lock, self.arm.lock:
            op = self._ops.get(req.params["op"])
            if op is None:
                return arm_error(404, "OperationNotFound", f"Operation {req.params['op']} was not found.")
            if op.remaining > 0:
                op.remaining -= 1
                return Response(200, {"status": "InProgress"}, {"Retry-After": "0"})
            doc = self.arm.get_resource(op.subnet_key)
            if not op.done and doc is not None:
                doc["properties"]["provisioningState"] = "Failed" if op.fail else "Succeeded"
            op.done = True
            if op.fail:
                return Response(200, {"status": "Failed", "error": {"code": op.fail[0], "message": op.fail[1]}}, {})
            return Response(200, {"status": "Succeeded"}, {})

    # ------------------------------------------------------------ what-if
    def what_if(self, req: Request) -> Response:
        miss = self.arm.missing_resource_group(req)
        if miss:
            return miss
        template = (((req.json or {}).get("properties") or {}).get("template")) or {}
        if self.fallback is not None and not any(str(r.get("type", "")).lower() == "microsoft.network/virtualnetworks/subnets"
                                                 for r in template.get("resources") or [] if isinstance(r, dict)):
            return self.fallback(req)
        with self.lock:
            self.what_ifs.append(copy.deepcopy(req.json))
        sub, rg = req.params["sub"], unquote(req.params["rg"])
        changes = []
        for r in template.get("resources") or []:
            rtype = str(r.get("type", ""))
            if rtype.lower() != "microsoft.network/virtualnetworks/subnets":
                changes.append({"resourceId": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{rtype}/{r.get('name')}",
                                "changeType": "Unsupported", "unsupportedReason": "not modelled by the fake"})
                continue
            vnet, name = str(r.get("name")).split("/")
            rid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}"
            after = {"apiVersion": r.get("apiVersion"), "id": rid, "name": name, "type": rtype,
                     "properties": copy.deepcopy(r.get("properties") or {})}
            stored = self.arm.get_resource(rid)
            if stored is None:
                changes.append({"resourceId": rid, "changeType": "Create", "after": after})
                continue
            before = {"apiVersion": r.get("apiVersion"), "id": rid, "name": name, "type": rtype,
                      "properties": copy.deepcopy(stored.get("properties") or {})}
            delta = _delta(before["properties"], after["properties"], "properties")
            effective = [d for d in delta if d["propertyChangeType"] != "NoEffect"]
            changes.append({"resourceId": rid, "changeType": "Modify" if effective else "NoChange",
                            "before": before, "after": after, **({"delta": delta} if effective else {})})
        final = {"status": "Succeeded", "properties": {"changes": changes}}
        return self.arm.begin_operation(final, polls=1, subscription=sub)


def _delta(before: Any, after: Any, path: str) -> list[dict[str, Any]]:
    """What-if property changes from ``before`` to ``after`` (objects by leaf path, arrays whole)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[dict[str, Any]] = []
        for k in sorted(set(before) | set(after)):
            p = f"{path}.{k}"
            if k not in after:
                ro = path == "properties" and k in READ_ONLY
                out.append({"path": p, "propertyChangeType": "NoEffect" if ro else "Delete", "before": before[k]})
            elif k not in before:
                out.append({"path": p, "propertyChangeType": "Create", "after": after[k]})
            else:
                out.extend(_delta(before[k], after[k], p))
        return out
    if before == after:
        return []
    return [{"path": path, "propertyChangeType": "Modify", "before": before, "after": after}]


def install_network(arm: FakeArm, polls: int = 1,
                    fallback: Callable[[Request], Response] | None = None) -> NetworkService:
    """Register the subnet PUT, its operation status and the subnet what-if (module docstring);
    ``fallback`` answers the what-ifs of templates that declare no subnet."""
    svc = NetworkService(arm, polls, fallback=fallback)
    arm.route("PUT", SUBNET_PATH)(svc.put)
    arm.route("GET", STATUS_PATH)(svc.status)
    arm.route("POST", WHATIF_PATH)(svc.what_if)
    return svc
