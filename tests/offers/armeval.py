"""A tiny evaluator for the model's expression trees, for tests.

It evaluates the handful of template functions the offers use, with parameter values, a
region's zones (what ``pickZones`` answers) and a copy index supplied by the test. That lets
tests assert what a deployment would *do* (appliance 3 lands in zone 2's subnet, user data
decodes to this INI) instead of comparing expression strings.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from dataclasses import dataclass, field
from typing import Any

from armgen import expr as E
from armgen.template import Template

#: What environment() answers in each cloud (the properties the offers read).
CLOUDS: dict[str, dict[str, Any]] = {
    "AzureCloud": {"name": "AzureCloud", "suffixes": {"keyvaultDns": ".vault.azure.net"}},
    "AzureUSGovernment": {"name": "AzureUSGovernment", "suffixes": {"keyvaultDns": ".vault.usgovcloudapi.net"}},
    "AzureChinaCloud": {"name": "AzureChinaCloud", "suffixes": {"keyvaultDns": ".vault.azure.cn"}},
}


@dataclass
class Env:
    template: Template
    params: dict[str, Any] = field(default_factory=dict)
    region_zones: list[str] = field(default_factory=lambda: ["1", "2", "3"])
    copy_index: int | None = None
    client_id: str = "00000000-1111-2222-3333-444444444444"
    deployment_name: str = "deploy-1"
    resource_group: str = "deploy-rg"
    #: The cloud environment() describes: AzureCloud, AzureUSGovernment or AzureChinaCloud.
    cloud: str = "AzureCloud"
    #: What reference() returns per resource symbol (a NIC's or a load balancer's properties).
    references: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> Any:
        if name in self.params:
            return self.params[name]
        p = self.template.parameters[name]
        if not p.has_default:
            raise KeyError(f"test gives no value for parameter {name}")
        return self.eval(p.default)

    def eval(self, node: Any) -> Any:
        if isinstance(node, dict):
            return {k: self.eval(v) for k, v in node.items()}
        if isinstance(node, list | tuple):
            return [self.eval(v) for v in node]
        if not isinstance(node, E.Expr):
            return node
        if isinstance(node, E.Lit):
            return node.value
        if isinstance(node, E.ParamRef):
            return self.param(node.name)
        if isinstance(node, E.VarRef):
            return self.eval(self.template.variables[node.name].value)
        if isinstance(node, E.CopyIndex):
            assert self.copy_index is not None, "copyIndex() outside a loop"
            return self.copy_index + node.offset
        if isinstance(node, E.Prop):
            obj = self.eval(node.obj)
            return obj[node.name]
        if isinstance(node, E.Index):
            return self.eval(node.obj)[self.eval(node.key)]
        if isinstance(node, E.ResourceIdRef):
            return self.eval(node.resource.resource_id_call(node.index))
        if isinstance(node, E.ReferenceRef):
            if node.resource.type == "Microsoft.ManagedIdentity/userAssignedIdentities":
                return {"clientId": self.client_id, "principalId": "p"}
            if node.resource.symbol in self.references:
                found = self.references[node.resource.symbol]
                return found[self.eval(node.index)] if node.index is not None else found
            raise NotImplementedError(f"reference to {node.resource.type}")
        if isinstance(node, E.Call):
            return self.call(node.name, node.args)
        raise NotImplementedError(type(node).__name__)

    def call(self, name: str, args: tuple[Any, ...]) -> Any:
        if name == "if":
            return self.eval(args[1]) if self.eval(args[0]) else self.eval(args[2])
        a = [self.eval(x) for x in args]
        match name:
            case "not":
                return not a[0]
            case "or":
                return any(a)
            case "and":
                return all(a)
            case "length":
                return len(a[0])
            case "max":
                return max(a)
            case "environment":
                return CLOUDS[self.cloud]
            case "uri":
                return a[0].rstrip("/") + "/" + a[1].lstrip("/")
            case "parseCidr":
                net = ipaddress.ip_network(a[0], strict=False)
                return {"network": str(net.network_address), "cidr": net.prefixlen,
                        "firstUsable": str(net.network_address + 1), "lastUsable": str(net.broadcast_address - 1)}
            case "cidrSubnet":
                net = ipaddress.ip_network(a[0])
                return str(list(net.subnets(new_prefix=a[1]))[a[2]])
            case "take":
                return a[0][: a[1]]
            case "toLower":
                return a[0].lower()
            case "startsWith":
                return a[0].lower().startswith(a[1].lower())
            case "uniqueString":
                # A stand-in with uniqueString's shape: 13 lower-case characters, a function of its inputs.
                digest = hashlib.sha256("|".join(a).encode()).digest()
                return "".join("abcdefghijklmnopqrstuvwxyz234567"[b % 32] for b in digest[:13])
            case "deployment":
                return {"name": self.deployment_name}
            case "empty":
                return len(a[0]) == 0
            case "equals":
                return a[0] == a[1]
            case "contains":
                return a[1] in a[0]
            case "pickZones":
                return list(self.region_zones[: a[3] if len(a) > 3 else 1])
            case "createArray":
                return list(a)
            case "createObject":
                return {a[i]: a[i + 1] for i in range(0, len(a), 2)}
            case "union":
                out: dict[str, Any] = {}
                for d in a:
                    out.update(d)
                return out
            case "mod":
                return a[0] % a[1]
            case "add":
                return a[0] + a[1]
            case "format":
                return a[0].format(*a[1:])
            case "concat":
                return "".join(str(x) for x in a)
            case "base64":
                return base64.b64encode(a[0].encode()).decode()
            case "null":
                return None
            case "resourceGroup":
                return {"name": self.resource_group, "location": "westeurope",
                        "id": f"/subscriptions/deploy-sub/resourceGroups/{self.resource_group}"}
            case "subscription":
                return {"subscriptionId": "deploy-sub", "id": "/subscriptions/deploy-sub"}
            case "resourceId":
                # [rg,] type, names...: a readable stand-in with the scope kept
                i = next(k for k, v in enumerate(a) if isinstance(v, str) and "/" in v and "." in v.split("/")[0])
                scope = a[i - 1] if i >= 1 else self.resource_group
                sub = f"/sub/{a[i - 2]}" if i >= 2 else ""
                return f"{sub}/rg/{scope}/{a[i]}/" + "/".join(str(n) for n in a[i + 1:])
        raise NotImplementedError(f"function {name}")
