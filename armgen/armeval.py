"""A static evaluator of ARM template expressions: what can be known without Azure.

Used by the what-if brownfield gate (:mod:`armgen.azure.whatif_gate`: which resource ids does the
template create?), preflight (copy counts) and the topology diagram (:mod:`armgen.diagram`: names,
zones, subnets and references of every resource). One evaluator, so the three agree on what a
template means.

What it knows: ``parameters`` (given values, else defaults), ``variables`` (including variable
copy loops), ``copyIndex`` inside a copy loop it is told about, property copy loops, string,
array, object, logical, comparison and numeric functions, the CIDR functions (``parseCidr``,
``cidrSubnet``, ``cidrHost``, with :mod:`ipaddress`), ``resourceGroup()``, ``subscription()``,
``deployment().name`` (when the scope is told the deployment's name), ``resourceId`` /
``subscriptionResourceId`` / ``tenantResourceId``, property access, ``environment()`` where the
region is known (its name says the cloud: ``china*`` regions are Azure China's, ``usgov*``/``usdod*``
Azure Government's, every other one public Azure's; the cloud's name and Key Vault suffix are
known, the rest is not), and ARM's two hash functions exactly as Resource Manager computes them:
``uniqueString`` (:func:`unique_string`) and ``guid`` (:func:`arm_guid`), so a name like
``take(uniqueString(resourceGroup().id, deployment().name), 8)`` is known once the resource
group's id and the deployment's name are.

What it cannot know becomes :data:`UNKNOWN`; inside a string (``concat('lb-', uniqueString(..))``)
an unknown piece is a wildcard of a :class:`Partial`, so names keep what is known. Two opt-in
modes serve a diagram, which would rather draw ``‹vnetName›`` than nothing:

* ``placeholders=True``: a parameter without a value or default is a :class:`Hole`, a string that
  shows the parameter's name and that comparisons treat as unknown;
* ``assume_zones=True``: ``pickZones`` answers as in a region with availability zones.

``reference(id)`` is a :class:`Ref` that remembers the id (and the properties read from it), so a
route's next hop can still be traced to the load balancer it reads.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

#: Longest list or string the evaluator builds (range(), padLeft(), copy counts...): beyond it, unknown.
MAX_ITEMS = 10_000
#: Longest input ARM hashes: uniqueString/guid of more characters fail the deployment.
MAX_HASHED = 131_072
#: The namespace of ARM's name-based ``guid()`` UUIDs (Azure.Deployments.Expression's ARMNamespaceGuid).
ARM_GUID_NAMESPACE = uuid.UUID("11fb06fb-712d-4ddd-98c7-e71bbd588830")


class _Unknown:
    """A value the evaluator cannot compute (becomes a one-segment wildcard in names)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Any = _Unknown()
WILD = None  # a wildcard part inside a Partial


class Hole(str):
    """A parameter that has no value (placeholder mode): shows as ``‹name›``, compares as unknown."""

    __slots__ = ()

    @classmethod
    def named(cls, name: str) -> Hole:
        return cls(f"‹{name}›")


@dataclass(frozen=True)
class Ref:
    """``reference(id)`` (and properties read from it): unknown, but it knows which resource."""

    id: Any
    path: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Partial:
    """A string with unknown pieces: literal parts and ``None`` wildcards."""

    parts: tuple[str | None, ...]

    @staticmethod
    def of(v: Any) -> Partial:
        if isinstance(v, Partial):
            return v
        if isinstance(v, str):
            return Partial((v,))
        if isinstance(v, bool):
            return Partial(("true" if v else "false",))
        if isinstance(v, (int, float)):
            return Partial((str(v),))
        return Partial((WILD,))

    def __add__(self, other: Partial) -> Partial:
        return Partial(self.parts + other.parts)

    def simplify(self) -> str | Partial:
        merged: list[str | None] = []
        for p in self.parts:
            if p == "":
                continue
            if merged and isinstance(p, str) and isinstance(merged[-1], str):
                merged[-1] += p
            elif p is WILD and merged and merged[-1] is WILD:
                continue
            else:
                merged.append(p)
        if all(isinstance(p, str) for p in merged):
            return "".join(merged)  # type: ignore[arg-type]
        return Partial(tuple(merged))

    def regex(self) -> str:
        return "".join(r"[^/]*" if p is WILD else re.escape(p) for p in self.parts)

    def display(self, wildcard: str = "…") -> str:
        return "".join(wildcard if p is WILD else p for p in self.parts)


def concat_str(values: list[Any]) -> str | Partial:
    acc = Partial(())
    for v in values:
        acc = acc + Partial.of(v)
    return acc.simplify()


def known(*vals: Any) -> bool:
    """True when none of ``vals`` is unknown, partial, a placeholder or a reference."""
    return not any(v is UNKNOWN or isinstance(v, (Partial, Hole, Ref)) for v in vals)


# ------------------------------------------------------------------ ARM's hash functions

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def _rotl32(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _M32


def _fmix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _M32
    return h ^ (h >> 16)


def murmur_hash64(data: bytes) -> int:
    """The 64-bit MurmurHash variant behind ARM's ``uniqueString`` (seed 0).

    Two 32-bit lanes over 8-byte little-endian blocks (MurmurHash3's x86 constants and
    rotations, ``h = h * 5 + c`` mixing), the tail folded into the lanes, both lanes XORed with
    the length, cross-added, finalised with MurmurHash3's ``fmix32`` and cross-added again; the
    result is ``lane2 << 32 | lane1``. Written from the published definition (Azure/bicep's and
    Microsoft's ``ComputeHash.MurmurHash64``); tests/armeval pins it to values ARM produced.
    """
    c1, c2 = 0x239B961B, 0xAB0E9789
    n = len(data)
    h1 = h2 = 0
    i = 0
    while i + 8 <= n:
        k1 = int.from_bytes(data[i:i + 4], "little")
        k2 = int.from_bytes(data[i + 4:i + 8], "little")
        h1 ^= (_rotl32((k1 * c1) & _M32, 15) * c2) & _M32
        h1 = ((_rotl32(h1, 19) + h2) * 5 + 0x561CCD1B) & _M32
        h2 ^= (_rotl32((k2 * c2) & _M32, 17) * c1) & _M32
        h2 = ((_rotl32(h2, 13) + h1) * 5 + 0x0BCAA747) & _M32
        i += 8
    tail = n - i
    if tail:
        k1 = int.from_bytes(data[i:i + min(tail, 4)], "little")
        h1 ^= (_rotl32((k1 * c1) & _M32, 15) * c2) & _M32
        if tail > 4:
            k2 = int.from_bytes(data[i + 4:n], "little")
            h2 ^= (_rotl32((k2 * c2) & _M32, 17) * c1) & _M32
    h1 ^= n & _M32
    h2 ^= n & _M32
    h1 = (h1 + h2) & _M32
    h2 = (h2 + h1) & _M32
    h1, h2 = _fmix32(h1), _fmix32(h2)
    h1 = (h1 + h2) & _M32
    h2 = (h2 + h1) & _M32
    return (h2 << 32) | h1


def unique_string(*parts: str) -> str:
    """ARM's ``uniqueString(parts...)``: the parts joined with ``-``, hashed as UTF-8 by
    :func:`murmur_hash64`, written as 13 characters of base32 (``a-z2-7``), most significant
    5 bits first (the 13th character takes the last 4 bits, shifted up by one)."""
    value = murmur_hash64("-".join(parts).encode("utf-8"))
    out = []
    for _ in range(13):
        out.append(_BASE32[value >> 59])
        value = (value << 5) & _M64
    return "".join(out)


def arm_guid(*parts: str, namespace: uuid.UUID = ARM_GUID_NAMESPACE) -> str:
    """ARM's ``guid(parts...)``: a name-based (version 5, SHA-1) UUID of the parts joined with
    ``-`` in ARM's namespace, lower case (RFC 4122 §4.3, as Python's :func:`uuid.uuid5` makes it)."""
    return str(uuid.uuid5(namespace, "-".join(parts)))


def _hash_args(a: list[Any], s: Scope) -> list[str] | None:
    """The arguments of uniqueString/guid when every one is a known string (ARM refuses other
    types); None otherwise. A placeholder spelled inside a string (``‹resource group›``, the
    diagram's) is not a value: hashing it would invent a name."""
    if not a or not all(isinstance(x, str) and known(x) for x in a):
        return None
    if not s.hashes or (s.placeholders and any("‹" in x for x in a)):
        return None
    if sum(len(x) for x in a) + len(a) - 1 > MAX_HASHED:
        return None
    return a


# ------------------------------------------------------------------ expression parsing

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][\w]*)|(?P<p>[(),.\[\]]))")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"cannot parse expression at {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
    return out


@dataclass
class Scope:
    """What the evaluator knows: parameter values, template parameters/variables, target RG.

    ``copy`` maps copy-loop names to the current index (key ``""``: the resource's own loop);
    :meth:`at` gives a scope inside one more loop that shares this one's variable cache.

    ``uniqueString``/``guid`` hash exactly what they are given, and ARM hashes the resource
    group's id as Resource Manager stores it (its name's case included): a caller that only has
    the name a user typed passes ``hashes=False`` and gets a wildcard instead of a wrong name.
    """

    parameters: dict[str, Any]
    template: dict[str, Any]
    subscription: str
    resource_group: str
    location: str | None = None
    placeholders: bool = False
    assume_zones: bool = False
    copy: dict[str, int] = field(default_factory=dict)
    deployment_name: str | None = None  # deployment().name; unknown unless the caller knows it
    hashes: bool = True  # False: uniqueString/guid stay unknown (wildcards), whatever their inputs
    _vars: dict[str, Any] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)
    _plain_vars: dict[str, Any] = field(default_factory=dict)

    def without_assumptions(self) -> Scope:
        """This scope without ``assume_zones`` (its own variable cache): what is certain."""
        return replace(self, assume_zones=False, _vars=self._plain_vars, _busy=set())

    def at(self, loop: str, index: int, *, own: bool = False) -> Scope:
        """This scope inside copy loop ``loop`` at ``index`` (``own``: it is the resource's loop)."""
        copy = {**self.copy, loop.lower(): index}
        if own:
            copy[""] = index
        return replace(self, copy=copy)

    def param(self, name: str) -> Any:
        lower = {k.lower(): v for k, v in self.parameters.items()}
        if name.lower() in lower:
            return lower[name.lower()]
        decl = {k.lower(): v for k, v in (self.template.get("parameters") or {}).items()}.get(name.lower())
        key = "parameters:" + name.lower()
        if isinstance(decl, dict) and "defaultValue" not in decl and self.placeholders:
            return Hole.named(name)
        if not isinstance(decl, dict) or "defaultValue" not in decl or key in self._busy:
            return UNKNOWN  # a default that refers back to itself is unknown, like a variable cycle
        self._busy.add(key)
        try:
            val = self.value(decl["defaultValue"])
        finally:
            self._busy.discard(key)
        if isinstance(val, Hole) and self.placeholders:
            # a default taken from the deployment (resourceGroup().name...): name the parameter
            return Hole.named(name)
        return val

    def var(self, name: str) -> Any:
        key = name.lower()
        if key in self._vars:
            return self._vars[key]
        if key in self._busy:
            return UNKNOWN
        declared = self.template.get("variables") or {}
        decl = {k.lower(): v for k, v in declared.items()}
        loops = {str(c.get("name", "")).lower(): c for c in decl.get("copy") or [] if isinstance(c, dict)}
        if key not in decl and key not in loops:
            return UNKNOWN
        self._busy.add(key)
        try:
            val = self.value(decl[key]) if key in decl else self._copy_loop(loops[key])
        finally:
            self._busy.discard(key)
        self._vars[key] = val
        return val

    def _copy_loop(self, loop: dict[str, Any]) -> Any:
        """A variable or property copy loop: ``input`` evaluated ``count`` times."""
        count = self.value(loop.get("count"))
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_ITEMS:
            return UNKNOWN
        name = str(loop.get("name", ""))
        return [self.at(name, i).value(loop.get("input")) for i in range(count)]

    def value(self, v: Any) -> Any:
        """Evaluate a JSON value: expression strings are evaluated, containers recursively.

        An object with a property copy loop (``"copy": [{"name", "count", "input"}]``) gets each
        loop's array under the loop's name.
        """
        if isinstance(v, str):
            return evaluate(v, self)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            if "copy" in v:
                loops = v["copy"]
                if not isinstance(loops, list) or not all(isinstance(c, dict) for c in loops):
                    return UNKNOWN
                out = {k: self.value(x) for k, x in v.items() if k != "copy"}
                for c in loops:
                    out[str(c.get("name", ""))] = self._copy_loop(c)
                return out
            return {k: self.value(x) for k, x in v.items()}
        return v


def evaluate(text: str, scope: Scope) -> Any:
    """Evaluate an ARM template string (``[expr]`` or a literal) as far as it can be known."""
    if not (text.startswith("[") and text.endswith("]")) or text.startswith("[["):
        return text[1:] if text.startswith("[[") else text
    try:
        toks = _tokens(text[1:-1])
        _check_nesting(toks, text)
        val, pos = _parse(toks, 0, scope)
        return val if pos == len(toks) else UNKNOWN
    except (ValueError, IndexError, TypeError, KeyError, ZeroDivisionError, OverflowError):
        return UNKNOWN


#: How deeply calls and indexes may nest in one expression. The parser recurses once per level;
#: real templates nest under 15 (ARM caps an expression at 24,576 characters, room for 3,000
#: nested calls, far past Python's recursion limit).
MAX_EXPRESSION_NESTING = 100


def _check_nesting(toks: list[tuple[str, str]], text: str) -> None:
    """Refuse an expression nested deeper than :data:`MAX_EXPRESSION_NESTING`: an error the
    command reports in one line, never a RecursionError, and never a guess (the what-if gate
    must not read an expression it could not evaluate as a wildcard)."""
    depth = 0
    for kind, tok in toks:
        if kind == "p" and tok in "([":
            depth += 1
            if depth > MAX_EXPRESSION_NESTING:
                from armgen.errors import InputError

                raise InputError(f"an expression nests calls more than {MAX_EXPRESSION_NESTING} deep: "
                                 f"{text[:48]}...")
        elif kind == "p" and tok in ")]":
            depth -= 1


def _parse(toks: list[tuple[str, str]], i: int, scope: Scope) -> tuple[Any, int]:
    kind, text = toks[i]
    if kind == "str":
        val: Any = text[1:-1].replace("''", "'")
        i += 1
    elif kind == "num":
        val = float(text) if "." in text else int(text)
        i += 1
    elif kind == "id" and i + 1 < len(toks) and toks[i + 1] == ("p", "("):
        i += 2
        args: list[Any] = []
        while toks[i] != ("p", ")"):
            a, i = _parse(toks, i, scope)
            args.append(a)
            if toks[i] == ("p", ","):
                i += 1
        i += 1
        val = _call(text.lower(), args, scope)
    else:
        raise ValueError(f"unexpected token {text!r}")
    while i < len(toks) and toks[i] in (("p", "."), ("p", "[")):
        if toks[i] == ("p", "."):
            key = toks[i + 1][1]
            i += 2
        else:
            key, i = _parse(toks, i + 1, scope)
            i += 1  # ]
        val = _member(val, key)
    return val, i


def _member(val: Any, key: Any) -> Any:
    if isinstance(val, Ref):
        return Ref(val.id, (*val.path, key))
    if isinstance(val, dict) and isinstance(key, str):
        low = {k.lower(): v for k, v in val.items()}
        return low.get(key.lower(), UNKNOWN)
    if isinstance(val, list) and isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(val):
        return val[key]
    return UNKNOWN


# ------------------------------------------------------------------ functions


def _num(*vals: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in vals)


#: What ``environment()`` is known to answer per cloud (Microsoft's template-functions-deployment).
_CLOUDS = {
    "AzureCloud": {"name": "AzureCloud", "suffixes": {"keyvaultDns": ".vault.azure.net"}},
    "AzureUSGovernment": {"name": "AzureUSGovernment", "suffixes": {"keyvaultDns": ".vault.usgovcloudapi.net"}},
    "AzureChinaCloud": {"name": "AzureChinaCloud", "suffixes": {"keyvaultDns": ".vault.azure.cn"}},
}


def cloud_of_region(location: Any) -> str | None:
    """The cloud a region belongs to, by its name (None when the region is not known)."""
    if not isinstance(location, str) or not known(location) or not location.strip():
        return None
    low = location.replace(" ", "").lower()
    if low.startswith("china"):
        return "AzureChinaCloud"
    if low.startswith(("usgov", "usdod")):
        return "AzureUSGovernment"
    return "AzureCloud"


def _cidr(fn: str, a: list[Any]) -> Any:
    """parseCidr, cidrSubnet and cidrHost as Microsoft documents them (template-functions-cidr):
    ``cidrHost(net, 0)`` is the first address after the network's, ``parseCidr`` reports the
    network, netmask, broadcast (IPv4), first and last usable address and the prefix length."""
    if not a or not isinstance(a[0], str) or not known(a[0]):
        return UNKNOWN
    try:
        net = ipaddress.ip_network(a[0], strict=False)
    except ValueError:
        return UNKNOWN
    if fn == "parsecidr":
        out: dict[str, Any] = {"network": str(net.network_address), "netmask": str(net.netmask)}
        if net.version == 4:
            out["broadcast"] = str(net.broadcast_address)
            out["firstUsable"] = str(net.network_address + 1) if net.num_addresses > 2 else str(net.network_address)
            out["lastUsable"] = str(net.broadcast_address - 1) if net.num_addresses > 2 else str(net.broadcast_address)
        else:
            out["firstUsable"], out["lastUsable"] = str(net.network_address), str(net.broadcast_address)
        out["cidr"] = net.prefixlen
        return out
    if fn == "cidrsubnet" and len(a) == 3 and _num(a[1], a[2]):
        if not net.prefixlen <= a[1] <= net.max_prefixlen or a[2] < 0 or a[2] >= 2 ** (a[1] - net.prefixlen):
            return UNKNOWN
        size = 2 ** (net.max_prefixlen - a[1])
        return str(ipaddress.ip_network((int(net.network_address) + a[2] * size, a[1])))
    if fn == "cidrhost" and len(a) == 2 and _num(a[1]):
        host = int(net.network_address) + 1 + a[1]
        if a[1] < 0 or host > int(net.broadcast_address):
            return UNKNOWN
        return str(ipaddress.ip_address(host))
    return UNKNOWN


def _plain(v: Any) -> bool:
    """A fully known JSON value (no unknown piece anywhere inside)."""
    if isinstance(v, list):
        return all(_plain(x) for x in v)
    if isinstance(v, dict):
        return all(_plain(x) for x in v.values())
    return known(v)


def _copy_index(a: list[Any], s: Scope) -> Any:
    loop, offset = "", 0
    if a and isinstance(a[0], str):
        loop = a[0].lower()
        a = a[1:]
    if a:
        if not _num(a[0]):
            return UNKNOWN
        offset = a[0]
    return s.copy[loop] + offset if loop in s.copy else UNKNOWN


def _pick_zones(a: list[Any], s: Scope) -> Any:
    if not s.assume_zones:
        return UNKNOWN
    n = a[3] if len(a) > 3 and _num(a[3]) else 1
    offset = a[4] if len(a) > 4 and _num(a[4]) else 0
    return [str(z) for z in range(1 + offset, min(3, offset + n) + 1)]


def _format(a: list[Any]) -> Any:
    if not isinstance(a[0], str):
        return UNKNOWN
    pieces: list[Any] = []
    pos = 0
    for m in re.finditer(r"\{(\d+)(?::[^}]*)?\}", a[0]):
        pieces.append(a[0][pos:m.start()])
        idx = int(m.group(1)) + 1
        pieces.append(a[idx] if idx < len(a) else UNKNOWN)
        pos = m.end()
    pieces.append(a[0][pos:])
    return concat_str(pieces)


def _union(a: list[Any]) -> Any:
    if all(isinstance(x, dict) for x in a):
        out: dict[str, Any] = {}
        for x in a:
            out.update(x)
        return out
    if all(isinstance(x, list) for x in a):
        items: list[Any] = []
        for x in a:
            items += [y for y in x if y not in items]
        return items
    return UNKNOWN


def _contains(container: Any, item: Any) -> Any:
    if not known(item):
        return UNKNOWN
    if isinstance(container, dict) and isinstance(item, str):
        return item.lower() in {k.lower() for k in container}
    if isinstance(container, list) and _plain(container):
        return item in container
    if isinstance(container, str) and known(container) and isinstance(item, str):
        return item in container
    return UNKNOWN


def _compare(fn: str, x: Any, y: Any) -> Any:
    if not ((_num(x) and _num(y)) or (isinstance(x, str) and isinstance(y, str) and known(x, y))):
        return UNKNOWN
    return {"greater": x > y, "less": x < y, "greaterorequals": x >= y, "lessorequals": x <= y}[fn]


def _logic(fn: str, a: list[Any]) -> Any:
    if fn == "and":
        if any(x is False for x in a):
            return False
        return True if all(x is True for x in a) else UNKNOWN
    if any(x is True for x in a):
        return True
    return False if all(x is False for x in a) else UNKNOWN


def _arith(fn: str, x: Any, y: Any) -> Any:
    if not _num(x, y):
        return UNKNOWN
    if fn == "add":
        return x + y
    if fn == "sub":
        return x - y
    if fn == "mul":
        return x * y
    if y == 0:
        return UNKNOWN
    q = abs(x) // abs(y) * (1 if (x >= 0) == (y >= 0) else -1)  # ARM truncates towards zero
    return q if fn == "div" else x - q * y


def _seq(fn: str, a: list[Any]) -> Any:
    """first, last, take, skip, length, empty on known strings, arrays and objects."""
    v = a[0]
    if v is None and fn == "empty":
        return True
    if (isinstance(v, str) and not known(v)) or not isinstance(v, (str, list, dict)):
        return UNKNOWN
    if fn == "length":
        return len(v)
    if fn == "empty":
        return len(v) == 0
    if isinstance(v, dict):
        return UNKNOWN
    if fn == "first":
        return v[0] if v else ("" if isinstance(v, str) else None)
    if fn == "last":
        return v[-1] if v else ("" if isinstance(v, str) else None)
    if not _num(a[1]):
        return UNKNOWN
    n = max(0, a[1])
    return v[:n] if fn == "take" else v[n:]


def _text(fn: str, a: list[Any]) -> Any:
    """String functions that need every argument known."""
    if not all(isinstance(x, (str, int)) and not isinstance(x, bool) and known(x) for x in a):
        return UNKNOWN
    s = a[0]
    if not isinstance(s, str):
        return UNKNOWN
    if fn == "trim":
        return s.strip()
    if fn == "substring":
        start = a[1] if len(a) > 1 else 0
        return s[start:start + a[2]] if len(a) > 2 else s[start:]
    if fn == "padleft":
        width = a[1]
        if not isinstance(width, int) or width > MAX_ITEMS:
            return UNKNOWN
        fill = a[2] if len(a) > 2 and isinstance(a[2], str) and a[2] else " "
        return s.rjust(width, fill[0])
    if fn in ("startswith", "endswith", "indexof", "lastindexof") and isinstance(a[1], str):
        low, sub = s.lower(), a[1].lower()
        return {"startswith": low.startswith(sub), "endswith": low.endswith(sub),
                "indexof": low.find(sub), "lastindexof": low.rfind(sub)}[fn]
    if fn == "split" and isinstance(a[1], str):
        return s.split(a[1])
    if fn == "base64":
        return base64.b64encode(s.encode()).decode()
    return UNKNOWN


#: Functions that keep a placeholder (``toLower(parameters('vnetName'))`` still shows ‹vnetName›).
_KEEP_HOLE = ("tolower", "toupper", "replace", "trim", "substring", "take", "string")


def _call(fn: str, a: list[Any], s: Scope) -> Any:
    rg_id = f"/subscriptions/{s.subscription}/resourceGroups/{s.resource_group}"
    if a and isinstance(a[0], Hole) and fn in _KEEP_HOLE:
        return a[0]
    if fn == "parameters":
        return s.param(a[0]) if isinstance(a[0], str) else UNKNOWN
    if fn == "variables":
        return s.var(a[0]) if isinstance(a[0], str) else UNKNOWN
    if fn == "copyindex":
        return _copy_index(a, s)
    if fn == "concat":
        if a and all(isinstance(x, list) for x in a):
            return [y for x in a for y in x]
        return concat_str(a)
    if fn == "format":
        return _format(a)
    if fn in ("tolower", "toupper"):
        if isinstance(a[0], str):
            return a[0].lower() if fn == "tolower" else a[0].upper()
        return a[0] if isinstance(a[0], Partial) else UNKNOWN
    if fn == "string":
        if isinstance(a[0], (str, Partial)):
            return a[0]
        if isinstance(a[0], bool):
            return "True" if a[0] else "False"
        if isinstance(a[0], (dict, list)) and _plain(a[0]):
            return json.dumps(a[0], separators=(",", ":"))
        if a[0] is None:
            return ""
        return str(a[0]) if known(a[0]) else UNKNOWN
    if fn == "replace" and known(*a[:3]) and all(isinstance(x, str) for x in a[:3]):
        return a[0].replace(a[1], a[2])
    if fn == "equals":
        return a[0] == a[1] if _plain(a[0]) and _plain(a[1]) else UNKNOWN
    if fn == "not":
        return (not a[0]) if isinstance(a[0], bool) else UNKNOWN
    if fn in ("and", "or"):
        return _logic(fn, a)
    if fn == "if":
        return (a[1] if a[0] else a[2]) if isinstance(a[0], bool) else UNKNOWN
    if fn in ("true", "false"):
        return fn == "true"
    if fn == "null":
        return None
    if fn == "json":
        if isinstance(a[0], str) and known(a[0]):
            return json.loads(a[0])
        return UNKNOWN
    if fn == "bool":
        if isinstance(a[0], bool):
            return a[0]
        if isinstance(a[0], str) and known(a[0]) and a[0].lower() in ("true", "false"):
            return a[0].lower() == "true"
        return UNKNOWN
    if fn == "int":
        if _num(a[0]):
            return a[0]
        return int(a[0]) if isinstance(a[0], str) and known(a[0]) and re.fullmatch(r"-?\d+", a[0].strip()) else UNKNOWN
    if fn in ("add", "sub", "mul", "div", "mod"):
        return _arith(fn, a[0], a[1])
    if fn in ("min", "max"):
        vals = a[0] if len(a) == 1 and isinstance(a[0], list) else a
        return (min(vals) if fn == "min" else max(vals)) if vals and _num(*vals) else UNKNOWN
    if fn in ("greater", "less", "greaterorequals", "lessorequals"):
        return _compare(fn, a[0], a[1])
    if fn in ("length", "empty", "first", "last", "take", "skip"):
        return _seq(fn, a)
    if fn == "contains":
        return _contains(a[0], a[1])
    if fn == "createarray":
        return list(a)
    if fn == "array":
        return a[0] if isinstance(a[0], list) else [a[0]]
    if fn == "createobject":
        keys = a[0::2]
        if len(a) % 2 or not all(isinstance(k, str) for k in keys):
            return UNKNOWN
        return dict(zip(keys, a[1::2], strict=True))
    if fn == "union":
        return _union(a)
    if fn == "coalesce":
        for x in a:
            if x is UNKNOWN or isinstance(x, Ref):
                return UNKNOWN
            if x is not None:
                return x
        return None
    if fn == "range":
        if _num(a[0], a[1]) and 0 <= a[1] <= MAX_ITEMS:
            return list(range(a[0], a[0] + a[1]))
        return UNKNOWN
    if fn in ("trim", "substring", "padleft", "startswith", "endswith", "indexof", "lastindexof", "split", "base64"):
        return _text(fn, a)
    if fn == "pickzones":
        return _pick_zones(a, s)
    if fn in ("parsecidr", "cidrsubnet", "cidrhost"):
        return _cidr(fn, a)
    if fn == "environment":
        cloud = cloud_of_region(s.location)
        return json.loads(json.dumps(_CLOUDS[cloud])) if cloud else UNKNOWN
    if fn == "resourcegroup":
        return {"name": s.resource_group, "id": rg_id, "location": s.location or UNKNOWN}
    if fn == "subscription":
        return {"subscriptionId": s.subscription, "id": f"/subscriptions/{s.subscription}"}
    if fn == "deployment":
        return {"name": s.deployment_name} if s.deployment_name else UNKNOWN
    if fn in ("uniquestring", "guid"):
        parts = _hash_args(a, s)
        if parts is None:
            return UNKNOWN
        return unique_string(*parts) if fn == "uniquestring" else arm_guid(*parts)
    if fn == "resourceid":
        return _resource_id_fn(a, s)
    if fn == "subscriptionresourceid":
        return _scoped_id_fn(a, s, tenant=False)
    if fn == "tenantresourceid":
        return _scoped_id_fn(a, s, tenant=True)
    if fn == "reference" and a:
        return Ref(a[0])
    return UNKNOWN


def _resource_id_fn(a: list[Any], s: Scope) -> Any:
    """``resourceId([sub], [rg], type, name...)``: the type is the first arg containing a '/'."""
    ti = next((i for i, x in enumerate(a) if isinstance(x, str) and "/" in x), None)
    if ti is None or ti > 2:
        return UNKNOWN
    pre = a[:ti]
    sub, rg = s.subscription, s.resource_group
    if len(pre) == 2:
        sub, rg = pre
    elif len(pre) == 1:
        rg = pre[0]
    return build_id(sub, rg, a[ti], a[ti + 1 :])


def _scoped_id_fn(a: list[Any], s: Scope, *, tenant: bool) -> Any:
    """``subscriptionResourceId([sub], type, name...)`` and ``tenantResourceId(type, name...)``."""
    ti = next((i for i, x in enumerate(a) if isinstance(x, str) and "/" in x), None)
    if ti is None or ti > (0 if tenant else 1):
        return UNKNOWN
    ns, *types = a[ti].split("/")
    pieces: list[Any] = [] if tenant else ["/subscriptions/", a[0] if ti == 1 else s.subscription]
    pieces.append(f"/providers/{ns}")
    for t, n in zip(types, a[ti + 1:], strict=False):
        pieces += [f"/{t}/", n]
    return concat_str(pieces)


def build_id(sub: Any, rg: Any, rtype: str, names: list[Any]) -> str | Partial:
    ns, *types = rtype.split("/")
    pieces: list[Any] = ["/subscriptions/", sub, "/resourceGroups/", rg, f"/providers/{ns}"]
    for t, n in zip(types, names, strict=False):
        pieces += [f"/{t}/", n]
    return concat_str(pieces)
