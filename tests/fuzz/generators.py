"""Our own generators of hostile input: JSON bytes, zips, option/values/parameters files,
inventories, state files, environment variables and flag values.

Each generator starts from a document armgen accepts and breaks it in one of the ways real input
breaks (and the ways the issue's fuzz run found): bytes that are not UTF-8 or carry a UTF-16 BOM
on an odd length, JSON that is truncated, nested past the stack, holds ``NaN`` or 5,000-digit
numbers or lone surrogate escapes, values of the wrong type or out of every range, zips that are
bombs, hold 20,000 entries, unsafe or duplicate or non-UTF-8 names, or a corrupt central
directory. Half of the time a mutation is applied to a valid document, so most cases get past the
first read and exercise the layers behind it.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from functools import cache
from typing import Any

from hypothesis import strategies as st

# ---------------------------------------------------------------------------------------------
# JSON values

HOSTILE_NUMBERS: list[Any] = [0, -1, 1, 2, 3, 7, 255, 256, 257, 799, 800, 801, 65535, 2**31, 2**53 + 1,
                              9007199254740993, 10**20, -(10**20), 1.0, 2.0, 0.5, -0.0, 1e308, 1e-308, 3.5]
HOSTILE_STRINGS: list[str] = ["", " ", "x", "\n", "a\nb", "1.0.0\n", "\x00", "\x1b[31mred", "\ud800", "a\udc80b",
                              "\u202e", "😀", "../../etc/passwd", "/abs", "C:\\x", "[concat('a')]", "[[x]", "[",
                              "x" * 300, "NaN", "-1", "1e308", "true", "null", "zone1", "westeurope",
                              "00000000-0000-0000-0000-000000000001", "Standard_D2s_v3"]

scalars = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.sampled_from(HOSTILE_STRINGS),
    st.booleans(),
    st.none(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Lo", "So"]), max_size=5),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(HOSTILE_STRINGS)),
                                                 inner, max_size=4)), max_leaves=12)


def paths_of(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path in ``doc`` (containers and leaves), root included."""
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += paths_of(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += paths_of(v, (*prefix, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    parent[path[-1]] = value
    return doc


def _delete(doc: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return doc
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    del parent[path[-1]]
    return doc


@st.composite
def mutated(draw: st.DrawFn, seed: Any, extra_keys: list[str] | None = None) -> Any:
    """``seed`` (deep-copied) with up to three of: a value replaced, a key deleted, a key added."""
    doc = json.loads(json.dumps(seed))
    for _ in range(draw(st.integers(0, 3))):
        paths = paths_of(doc)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if op == "replace":
            doc = _set(doc, path, draw(json_values))
        elif op == "delete" and path:
            doc = _delete(doc, path)
        else:
            target = doc
            for p in path:
                target = target[p]
            if isinstance(target, dict):
                key = draw(st.sampled_from(extra_keys or []) if extra_keys and draw(st.booleans())
                           else st.one_of(st.text(max_size=8), st.sampled_from(HOSTILE_STRINGS)))
                target[key] = draw(json_values)
            elif isinstance(target, list):
                target.append(draw(json_values))
    return doc


def dump(doc: Any, ascii_only: bool = True) -> bytes:
    """JSON bytes; a lone surrogate is written as its escape (ascii) or as the bytes a
    ``surrogatepass`` encoder gives (not UTF-8 at all)."""
    text = json.dumps(doc, ensure_ascii=ascii_only, indent=1)
    return text.encode("utf-8", "surrogatepass")


BYTE_MUTATIONS = ["none", "truncate", "flip", "insert", "bom8", "bom16le", "bom16le-odd", "bom16be", "bom32",
                  "deep", "nan", "infinity", "bignum", "surrogate", "dupkey", "trailing-comma", "comment",
                  "empty", "nul", "latin1", "not-json"]


@st.composite
def json_bytes(draw: st.DrawFn, seed: Any, extra_keys: list[str] | None = None) -> bytes:
    """Bytes of a JSON file made from ``seed``: mutated as a document, then (maybe) as bytes."""
    doc = draw(mutated(seed, extra_keys)) if draw(st.booleans()) else seed
    raw = dump(doc, ascii_only=draw(st.booleans()))
    kind = draw(st.sampled_from(BYTE_MUTATIONS))
    if kind == "truncate" and raw:
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif kind == "flip" and raw:
        i = draw(st.integers(0, len(raw) - 1))
        raw = raw[:i] + bytes([raw[i] ^ draw(st.integers(1, 255))]) + raw[i + 1:]
    elif kind == "insert":
        i = draw(st.integers(0, len(raw)))
        raw = raw[:i] + draw(st.binary(min_size=1, max_size=6)) + raw[i:]
    elif kind == "bom8":
        raw = b"\xef\xbb\xbf" + raw
    elif kind == "bom16le":
        raw = b"\xff\xfe" + raw.decode("utf-8", "replace").encode("utf-16-le")
    elif kind == "bom16le-odd":
        raw = b"\xff\xfe" + raw.decode("utf-8", "replace").encode("utf-16-le") + b"\x00"
        raw = raw if len(raw) % 2 else raw + b"}"
    elif kind == "bom16be":
        raw = b"\xfe\xff" + raw.decode("utf-8", "replace").encode("utf-16-be")
    elif kind == "bom32":
        raw = b"\xff\xfe\x00\x00" + raw.decode("utf-8", "replace").encode("utf-32-le")
    elif kind == "deep":
        n = draw(st.sampled_from([500, 5000, 100_000]))
        raw = b'{"a": ' + b"[" * n + b"]" * n + b"}"
    elif kind in ("nan", "infinity", "bignum", "surrogate"):
        token = {"nan": b"NaN", "infinity": b"-Infinity", "bignum": b"1" + b"0" * 5000,
                 "surrogate": b'"\\udc00x"'}[kind]
        raw = _replace_a_value(raw, token, draw)
    elif kind == "dupkey":
        raw = raw.replace(b"{", b'{"a": 1, "a": 2, ', 1) if raw.lstrip().startswith(b"{") else raw
    elif kind == "trailing-comma":
        raw = raw.replace(b"}", b",}", 1)
    elif kind == "comment":
        raw = b"// c\n" + raw
    elif kind == "empty":
        raw = b""
    elif kind == "nul":
        raw = raw + b"\x00"
    elif kind == "latin1":
        raw = raw.replace(b'"', b'"\xe9', 1)
    elif kind == "not-json":
        raw = draw(st.sampled_from([b"<html></html>", b"null", b"[]", b"42", b'"s"', b"true", b"{", b"}"]))
    return raw


def _replace_a_value(raw: bytes, token: bytes, draw: st.DrawFn) -> bytes:
    """``raw`` with one value (after some ``": "``) replaced by ``token``."""
    spots = [i for i in range(len(raw) - 1) if raw[i:i + 2] == b": "]
    if not spots:
        return raw
    i = draw(st.sampled_from(spots)) + 2
    j = i
    depth = 0
    in_str = False
    while j < len(raw):
        c = raw[j:j + 1]
        if in_str:
            if c == b"\\":
                j += 2
                continue
            if c == b'"':
                in_str = False
                if depth == 0:
                    j += 1
                    break
        elif c == b'"':
            in_str = True
        elif c in (b"{", b"["):
            depth += 1
        elif c in (b"}", b"]"):
            if depth == 0:
                break
            depth -= 1
            if depth == 0:
                j += 1
                break
        elif c in (b",", b"\n") and depth == 0:
            break
        j += 1
    return raw[:i] + token + raw[j:]


# ---------------------------------------------------------------------------------------------
# Seeds: documents armgen accepts

OPTIONS_SEED: dict[str, Any] = {"offer": "cloud-connector", "variant": "ha", "zones": ["1", "2"],
                                "appliancesPerZone": 2, "natGateway": True, "namePrefix": "zcc"}
OPTION_KEYS = ["offer", "variant", "zones", "appliancesPerZone", "natGateway", "namePrefix", "trackingGuid"]


@cache
def template_parameters() -> dict[str, Any]:
    from armgen.build import build_files

    return json.loads(build_files(with_bicep=False)["mainTemplate.json"])["parameters"]


@cache
def values_seed() -> dict[str, Any]:
    """A value for every required parameter of the built-in offer (what ``--values`` takes)."""
    out: dict[str, Any] = {}
    for name, spec in template_parameters().items():
        if "defaultValue" in spec:
            continue
        t = spec["type"].lower()
        if spec.get("allowedValues"):
            out[name] = spec["allowedValues"][0]
        elif t == "securestring":
            out[name] = {"reference": {"keyVault": {"id": "/subscriptions/x/resourceGroups/r/providers/"
                                                          "Microsoft.KeyVault/vaults/v"}, "secretName": "s"}}
        elif t == "int":
            out[name] = spec.get("minValue", 1)
        elif t == "bool":
            out[name] = False
        elif t == "array":
            out[name] = []
        elif t == "object":
            out[name] = {}
        else:
            text = "ssh-rsa AAAAB3NzaC1yc2E" + "A" * 80 + "= a@b" if "ssh" in name.lower() else "https://x.example.com"
            out[name] = text.ljust(spec.get("minLength", 0), "x")
    return out


# ---------------------------------------------------------------------------------------------
# Zips


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are meant
        with zipfile.ZipFile(buf, "w", method) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return buf.getvalue()


def _stored_zip(entries: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A zip from already-compressed entries: (name, method, data, crc, uncompressed size)."""
    local = bytearray()
    central = bytearray()
    for name, method, data, crc, size in entries:
        raw_name = name.encode()
        offset = len(local)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(data), size,
                             len(raw_name), 0) + raw_name + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, len(data), size,
                               len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(local), 0)
    return bytes(local + central + end)


def bomb(size: int = 1 << 30) -> bytes:
    """A zip whose entry ``big.json`` inflates to ``size`` bytes of zeros (1 GiB: about 1 MB of zip).

    Built without compressing a gigabyte: after a full flush a deflate stream is byte-aligned and
    forgets its history, so one compressed MiB of zeros can simply be repeated.
    """
    block = b"\0" * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    data = piece * (size // len(block)) + c.flush()
    crc = 0
    for _ in range(size // len(block)):
        crc = zlib.crc32(block, crc)
    return _stored_zip([("mainTemplate.json", 0, b"{}", zlib.crc32(b"{}"), 2), ("big.json", 8, data, crc, size)])


@cache
def _bomb_cached() -> bytes:
    return bomb()


@cache
def many_entries(n: int = 20_000) -> bytes:
    return _zip([(f"f{i}.json", b"{}") for i in range(n)], zipfile.ZIP_STORED)


def _flag_utf8_with_bad_name(data: bytes, good: bytes, bad: bytes) -> bytes:
    """``data`` with entry name ``good`` replaced by ``bad`` (same length) and the UTF-8 flag set."""
    out = bytearray(data.replace(good, bad))
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = out.find(sig)
        while i >= 0:
            out[i + flag_at + 1] |= 0x08
            i = out.find(sig, i + 4)
    return bytes(out)


def _corrupt_cd_offset(data: bytes, value: int) -> bytes:
    at = data.rfind(b"PK\x05\x06")
    return data[:at + 16] + struct.pack("<L", value & 0xFFFFFFFF) + data[at + 20:]


ZIP_KINDS = ["valid", "bomb", "many", "badname-utf8", "dotdot", "absolute", "duplicate", "control-name",
             "cd-offset", "cd-offset-negative", "truncated", "flip", "encrypted-flag", "method-99",
             "declared-size-lie", "empty", "not-a-zip", "nested-root", "entry-json-broken", "stored"]


@st.composite
def zip_bytes(draw: st.DrawFn, files: dict[str, bytes]) -> bytes:
    """A zip made from ``files`` (a valid package), broken in one of :data:`ZIP_KINDS`."""
    kind = draw(st.sampled_from(ZIP_KINDS))
    entries = sorted(files.items())
    if kind == "entry-json-broken":
        name = draw(st.sampled_from([n for n, _ in entries if n.endswith(".json")]))
        entries = [(n, draw(json_bytes(json.loads(d))) if n == name else d) for n, d in entries]
    data = _zip(entries, zipfile.ZIP_STORED if kind == "stored" else zipfile.ZIP_DEFLATED)
    if kind == "bomb":
        return _bomb_cached()
    if kind == "many":
        return many_entries(draw(st.sampled_from([1001, 20_000])))
    if kind == "badname-utf8":
        return _flag_utf8_with_bad_name(_zip([*entries, ("abcdefgh.json", b"{}")]), b"abcdefgh", b"ab\xff\xfedefg")
    if kind in ("dotdot", "absolute", "duplicate", "control-name"):
        extra = {"dotdot": "../evil.json", "absolute": "/abs.json", "duplicate": entries[0][0],
                 "control-name": "a\nb.json"}[kind]
        return _zip([*entries, (extra, b"{}")])
    if kind == "cd-offset":
        return _corrupt_cd_offset(data, draw(st.integers(0, 2**32 - 1)))
    if kind == "cd-offset-negative":
        return _corrupt_cd_offset(data, len(data) + 1000)
    if kind == "truncated":
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "flip":
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1:]
    if kind == "encrypted-flag":
        out = bytearray(data)
        i = out.find(b"PK\x01\x02")
        out[i + 8] |= 0x01
        return bytes(out)
    if kind == "method-99":
        out = bytearray(data)
        i = out.find(b"PK\x01\x02")
        out[i + 10:i + 12] = struct.pack("<H", 99)
        return bytes(out)
    if kind == "declared-size-lie":
        out = bytearray(data)
        i = out.find(b"PK\x01\x02")
        out[i + 24:i + 28] = struct.pack("<L", draw(st.sampled_from([0, 1, 2**31, 2**32 - 1])))
        return bytes(out)
    if kind == "empty":
        return _zip([])
    if kind == "not-a-zip":
        return draw(st.binary(max_size=64))
    if kind == "nested-root":
        return _zip([(f"offer/{n}", d) for n, d in entries])
    return data


# ---------------------------------------------------------------------------------------------
# Environment and flags

EPOCH_VALUES = ["", "0", "1700000000", "-1", "1e9", "1_000", "99999999999999999999", "4354819198", "4354819199",
                "253402300800", "abc", " 1700000000 ", "١٧٠٠٠٠٠٠٠٠", "1700000000.5", "\udcff", "0x10"]

TOKEN_VALUES = ["test-token", "", " ", "a b", "t\u00e9st", "x" * 5000, "\x01", "eyJhbGciOiJub25lIn0.e30."]
KNOB_VALUES = ["", "0", "1", "-1", "nan", "inf", "1e308", "abc", "0.001", "99999999999999999999"]
ARMGEN_KNOBS = ["ARMGEN_POLL_INTERVAL", "ARMGEN_RETRY_TOTAL", "ARMGEN_RETRY_BACKOFF", "ARMGEN_MAX_RETRY_AFTER",
                "ARMGEN_HTTP_TIMEOUT", "ARMGEN_MAX_POLLS", "ARMGEN_MAX_RESPONSE_BYTES"]
# knobs a case may set without making a legal run slower than the 5 s a case has
SAFE_KNOBS = {"ARMGEN_RETRY_TOTAL": ["0", "1", "-1", "nan", "abc", "1.5"],
              "ARMGEN_MAX_POLLS": ["1", "5", "0", "-3", "inf", "abc"],
              "ARMGEN_MAX_RESPONSE_BYTES": ["10", "1000", "0", "abc"],
              "ARMGEN_HTTP_TIMEOUT": ["0", "-1", "nan", "abc"],
              "ARMGEN_POLL_INTERVAL": ["-1", "nan", "inf", "abc", "0"],
              "ARMGEN_MAX_RETRY_AFTER": ["0", "-1", "abc"]}


@st.composite
def azure_env(draw: st.DrawFn) -> dict[str, str | None]:
    """Environment for a command that talks to the local Resource Manager: fast by default, with
    (sometimes) one hostile knob or token."""
    env: dict[str, str | None] = {"ARMGEN_ACCESS_TOKEN": "test-token", "ARMGEN_POLL_INTERVAL": "0",
                                  "ARMGEN_RETRY_BACKOFF": "0", "ARMGEN_RETRY_TOTAL": "1",
                                  "ARMGEN_MAX_RETRY_AFTER": "0", "ARMGEN_HTTP_TIMEOUT": "3",
                                  "ARMGEN_MAX_POLLS": "30", "AZURE_SUBSCRIPTION_ID": None}
    what = draw(st.sampled_from(["plain"] * 4 + ["knob", "token"]))
    if what == "knob":
        knob = draw(st.sampled_from(sorted(SAFE_KNOBS)))
        env[knob] = draw(st.sampled_from(SAFE_KNOBS[knob]))
    elif what == "token":
        env["ARMGEN_ACCESS_TOKEN"] = draw(st.sampled_from(TOKEN_VALUES))
    return env


# what a command line can hold: any text, and the surrogates Python makes of bytes that are not
# UTF-8 (U+DC80-U+DCFF, os.fsdecode's surrogateescape); never other lone surrogates
ARG_SURROGATES = st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF)
flag_text = st.one_of(
    st.sampled_from([s for s in HOSTILE_STRINGS if "\ud800" not in s and "\x00" not in s]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12),
    st.text(alphabet=st.one_of(ARG_SURROGATES, st.characters(categories=["Cc"], blacklist_characters="\x00")),
            min_size=1, max_size=3))
