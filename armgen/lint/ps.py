"""PowerShell semantics that arm-ttk's verdicts depend on, in Python.

arm-ttk's rules are PowerShell scripts: property access and ``-eq``/``-like``/``-match`` ignore
case, empty strings/zero/``$null``/empty arrays are false while every object is true, and most
rules walk templates with ``Find-JsonContent``. Reproducing those few behaviours here keeps each
rule module a faithful, short translation of the arm-ttk test it mirrors.
"""

from __future__ import annotations

import bisect
import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import regex

from armgen.records import Record

Path = tuple[str | int, ...]


def get(obj: Any, key: str, default: Any = None) -> Any:
    """``$obj.key``: case-insensitive property access; ``None`` when absent or not an object."""
    if not isinstance(obj, dict):
        return default
    if key in obj:
        return obj[key]
    low = key.lower()
    for k, v in obj.items():
        if k.lower() == low:
            return v
    return default


def has(obj: Any, key: str) -> bool:
    """``$obj.psobject.properties.Item(key)``: the property exists (even with a null value)."""
    if not isinstance(obj, dict):
        return False
    if key in obj:
        return True
    low = key.lower()
    return any(k.lower() == low for k in obj)


def dig(obj: Any, *keys: str) -> Any:
    """``$obj.a.b.c`` with case-insensitive steps (``None`` as soon as a step is missing)."""
    for k in keys:
        obj = get(obj, k)
        if obj is None:
            return None
    return obj


def truthy(v: Any) -> bool:
    """PowerShell's truthiness: objects are true even when empty; one-element arrays unwrap."""
    t = type(v)
    if t is str:
        return v != ""
    if t is dict:
        return True
    if v is None or v is False:
        return False
    if isinstance(v, bool):
        return True
    if isinstance(v, (int, float)):
        return v != 0
    if isinstance(v, str):
        return v != ""
    if isinstance(v, list):
        if not v:
            return False
        if len(v) == 1:
            return truthy(v[0])
        return True
    return True


def to_str(v: Any) -> str:
    """``"$v"``: how PowerShell turns a value into a string."""
    if type(v) is str:
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, str):
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return " ".join(to_str(x) for x in v)
    if isinstance(v, dict):
        return "@{" + "; ".join(f"{k}={to_str(x)}" for k, x in v.items()) + "}"
    return str(v)


def to_json(v: Any) -> str:
    """``ConvertTo-Json``: indented JSON, no ASCII escaping (PowerShell 7 style)."""
    if not isinstance(v, (dict, list)):  # indenting changes nothing; the C encoder is much faster
        return json.dumps(v, ensure_ascii=False)
    return json.dumps(v, indent=2, ensure_ascii=False)


@functools.lru_cache(maxsize=4096)
def _wildcard(pattern: str) -> regex.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "`" and i + 1 < len(pattern):
            i += 1
            out.append(regex.escape(pattern[i]))
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j > i + 1:
                out.append("[" + pattern[i + 1 : j].replace("\\", "\\\\") + "]")
                i = j
            else:
                out.append(regex.escape(c))
        else:
            out.append(regex.escape(c))
        i += 1
    return regex.compile("".join(out) + r"\Z", regex.I | regex.S)


@functools.lru_cache(maxsize=4096)
def _star_matcher(pattern: str) -> Callable[[str], bool] | None:
    """For an ASCII pattern using no wildcard but ``*``: a test of lower-case text against it."""
    if not pattern.isascii() or any(c in pattern for c in "?[`"):
        return None
    parts = tuple(pattern.lower().split("*"))
    if len(parts) == 3 and not parts[0] and not parts[2]:  # "*word*", the usual form
        word = parts[1]
        return lambda s: word in s
    return functools.partial(_star_match, parts=parts)


def _star_match(s: str, parts: tuple[str, ...]) -> bool:
    """Whether lower-case ``s`` matches the ``*``-separated ``parts`` as a whole."""
    if len(parts) == 1:
        return s == parts[0]
    first, last = parts[0], parts[-1]
    if len(s) < len(first) + len(last) or not s.startswith(first) or not s.endswith(last):
        return False
    pos, stop = len(first), len(s) - len(last)
    for piece in parts[1:-1]:  # leftmost placement of each piece is enough for '*' patterns
        at = s.find(piece, pos, stop)
        if at < 0:
            return False
        pos = at + len(piece)
    return True


def like(v: Any, pattern: str) -> bool:
    """``$v -like $pattern`` (case-insensitive wildcard; for arrays: any element matches).

    ASCII text against a pattern with only ``*`` wildcards is matched with string operations
    (same answer; compiling a regex per pattern dominated lint time for names built per control).
    """
    if type(v) is str and v.isascii():  # the usual case first
        test = _star_matcher(pattern)
        if test is not None:
            return test(v.lower())
    if pattern == "*":
        return not isinstance(v, list) or bool(v)
    if isinstance(v, list):
        return any(like(x, pattern) for x in v)
    s = v if type(v) is str else to_str(v)
    test = _star_matcher(pattern)
    if test is not None and s.isascii():
        return test(s.lower())
    try:
        return _wildcard(pattern).match(s) is not None
    except regex.error:
        return False


@functools.lru_cache(maxsize=4096)
def _rx(pattern: str) -> regex.Pattern[str]:
    from armgen.lint import lazy  # rule code's patterns: kept compiled on disk

    return lazy.regex_compile(pattern, regex.I | regex.V0)


def match(v: Any, pattern: str) -> bool:
    """``$v -match $pattern`` (case-insensitive .NET regex; for arrays: any element matches)."""
    if isinstance(v, list):
        return any(match(x, pattern) for x in v)
    try:
        return _rx(pattern).search(to_str(v)) is not None
    except regex.error:
        return False


def eq(a: Any, b: Any) -> bool:
    """``$a -eq $b``: the right side converts to the left's type; strings ignore case."""
    if type(a) is str and type(b) is str:
        return a.lower() == b.lower()
    if isinstance(a, list):
        return any(eq(x, b) for x in a)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str):
        return a.lower() == to_str(b).lower()
    if isinstance(a, bool):
        return a == truthy(b)
    if isinstance(a, (int, float)):
        try:
            return float(a) == float(b if not isinstance(b, str) else b.strip())
        except (TypeError, ValueError):
            return False
    return a is b or a == b


def contains(items: Any, v: Any) -> bool:
    """``$items -contains $v`` (case-insensitive for strings)."""
    seq = items if isinstance(items, list) else [items]
    return any(eq(x, v) for x in seq)


def as_list(v: Any) -> list[Any]:
    """``@($v)``: ``$null`` becomes empty, scalars a one-item list."""
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


class Found(Record):
    """One ``Find-JsonContent`` result: the object holding ``key`` and where it is."""

    __slots__ = __match_args__ = ("obj", "key", "path", "parents")

    def __init__(self, obj: dict[str, Any], key: str, path: Path, parents: list[dict[str, Any]]) -> None:
        self.obj = obj
        self.key = key
        self.path = path  # path to the property (object path + key)
        self.parents = parents  # ancestor objects, nearest first

    @property
    def value(self) -> Any:
        return self.obj.get(self.key)

    @property
    def obj_path(self) -> Path:
        return self.path[:-1]


# (pattern, mode) -> {lower-case property name: selected?}; names recur across templates
_NAME_SELECTED: dict[tuple[str, str], dict[str, bool]] = {}


def _name_selected(name: str, key: str, mode: str) -> bool:
    if mode == "like":
        return like(name, key)
    if mode == "match":
        return match(name, key)
    return name == key.lower()


def _matching_names(names: Iterable[str], key: str, mode: str) -> list[str]:
    """The property names (lower case) a ``-like``/``-match`` key pattern selects (memoized)."""
    known = _NAME_SELECTED.get((key, mode))
    if known is None or len(known) > 100_000:
        known = _NAME_SELECTED[(key, mode)] = {}
    out = []
    for n in names:
        hit = known.get(n)
        if hit is None:
            hit = known[n] = _name_selected(n, key, mode)
        if hit:
            out.append(n)
    return out


class _Lowered(dict[str, str]):
    """Property name -> its lower case, made on first sight (``d[name]`` stays a C lookup after)."""

    def __missing__(self, name: str) -> str:
        low = self[name] = name.lower()
        return low


# names repeat across templates: one lower-case string each, made once per process
_LOWER = _Lowered()
# one indexed property: (sequence number, object, key, path of the object, ancestor objects)
_Entry = tuple[int, dict[str, Any], str, Path, list[dict[str, Any]]]


class _Index:
    """Every property reachable the way ``Find-JsonContent`` walks, grouped by lower-case name.

    Rules call ``find`` hundreds of times per template; one walk per root object serves them all.
    """

    def __init__(self, root: Any):
        # lower-case key -> [(sequence, obj, key, path of obj, parents)]; a defaultdict so the walk
        # appends with one lookup (readers use .get and known keys, which never add a key)
        self.by_key: dict[str, list[_Entry]] = defaultdict(list)
        self.key_matches: dict[tuple[str, str], list[str]] = {}
        self.filtered: dict[tuple[str, str, str, str], list[_Entry]] = {}
        # (key, key mode) -> (hits with a string value by its lower case, hits with other values)
        self.by_value: dict[tuple[str, str], tuple[dict[str, list[_Entry]], list[_Entry]]] = {}
        # id(container) -> (container, its path, sequence number when it was reached)
        self.where: dict[int, tuple[Any, Path, int]] = {}
        seq = 0
        stack: list[tuple[Any, Path, list[dict[str, Any]]]] = [(root, (), [])]
        by_key = self.by_key
        where = self.where
        lowers = _LOWER if len(_LOWER) < 100_000 else _Lowered()
        push = stack.append
        while stack:
            node, path, parents = stack.pop()
            where[id(node)] = (node, path, seq)
            if type(node) is list:
                for i in range(len(node) - 1, -1, -1):
                    item = node[i]
                    t = type(item)
                    if (t is dict) or (t is list and item):
                        push((item, (*path, i), parents))
                continue
            if type(node) is not dict:
                continue
            children = []
            for name, v in node.items():
                seq += 1
                low = lowers[name]
                by_key[low].append((seq, node, name, path, parents))
                t = type(v)
                if ((t is dict) or (t is list and v)) and low[:6] != "parent":
                    children.append((v, (*path, name)))
            if children:
                child_parents = [node, *parents]
                for v, p in reversed(children):
                    push((v, p, child_parents))


_INDEXES: dict[int, tuple[Any, _Index]] = {}
# objects inside an indexed root that finds were asked about -> (object, its index, its path)
_VIEWS: dict[int, tuple[Any, _Index, Path]] = {}


def clear_index_cache() -> None:
    """Forget walked objects (the engine calls this after each lint run)."""
    _INDEXES.clear()
    _VIEWS.clear()


def _index(root: Any) -> tuple[_Index, Path | None]:
    """The index serving ``root`` and, when it is a view into a bigger index, root's path there.

    An object inside an indexed root is served by the first index that walked it (a lint run
    keeps only a few indexes alive, so asking each is cheap).
    """
    hit = _INDEXES.get(id(root))
    if hit is not None and hit[0] is root:
        return hit[1], None
    view = _VIEWS.get(id(root))
    if view is not None and view[0] is root:
        return view[1], view[2]
    for _root, idx in _INDEXES.values():
        where = idx.where.get(id(root))
        if where is not None and where[0] is root:
            _VIEWS[id(root)] = (root, idx, where[1])
            return idx, where[1]
    idx = _Index(root)
    if len(_INDEXES) > 4096:
        clear_index_cache()
    _INDEXES[id(root)] = (root, idx)
    return idx, None


def prime(root: Any) -> None:
    """Index ``root`` now, so later finds on objects inside it reuse this one walk."""
    if isinstance(root, (dict, list)):
        _index(root)


def find(
    root: Any,
    key: str,
    *,
    key_mode: str = "eq",
    value: Any = None,
    value_mode: str | None = None,
    base: Path = (),
) -> Iterator[Found]:
    """``Find-JsonContent``: every object (at any depth) holding a property named like ``key``.

    ``value_mode`` None means "key only"; "like", "match" or "eq" also test the property's value.
    Like arm-ttk it does not descend into false-y values nor into properties named ``parent*``.
    Results come in document order.
    """
    if not isinstance(root, (dict, list)):
        return iter(())
    idx, prefix = _index(root)
    if key_mode == "eq":
        hits = idx.by_key.get(key.lower(), [])
    else:
        names = idx.key_matches.get((key, key_mode))
        if names is None:
            names = _matching_names(idx.by_key, key, key_mode)
            idx.key_matches[(key, key_mode)] = names
        hits = [e for k in names for e in idx.by_key[k]]
        if len(names) > 1:
            hits.sort(key=lambda e: e[0])
    if value_mode is not None and isinstance(value, str):
        memo_key = (key.lower(), key_mode, value_mode, value.lower())
        cached = idx.filtered.get(memo_key)
        if cached is None:
            if value_mode == "eq":
                cached = _equal_values(idx, (key.lower(), key_mode), hits, value)
            else:
                cached = [e for e in hits if _value_ok(e[1][e[2]], value, value_mode)]
            idx.filtered[memo_key] = cached
        hits, value_mode = cached, None
    out = []
    n = len(prefix) if prefix is not None else 0
    if prefix is not None:
        # a subtree is contiguous in document order: start after root's sequence number
        first = bisect.bisect_right(hits, idx.where[id(root)][2], key=lambda e: e[0])
        hits = hits[first:]
    for _seq, obj, name, path, parents in hits:
        if prefix is not None:
            if path[:n] != prefix:
                break
            path = path[n:]
            if obj is root:
                parents = []
            elif type(root) is dict:
                cut = next((i for i, p in enumerate(parents) if p is root), None)
                if cut is None:
                    continue
                parents = parents[: cut + 1]
            else:  # a list root: keep the ancestors that sit inside it
                where = idx.where
                keep = 0
                while keep < len(parents) and len(where[id(parents[keep])][1]) > n:
                    keep += 1
                parents = parents[:keep]
        if value_mode is not None and not _value_ok(obj[name], value, value_mode):
            continue
        out.append(Found(obj, name, (*base, *path, name), parents))
    return iter(out)


def _equal_values(idx: _Index, key: tuple[str, str], hits: list[_Entry], value: str) -> list[_Entry]:
    """The hits whose value ``-eq`` the string ``value``: string values are grouped by lower case
    once per key (rules ask about many values of ``type``), others are compared one by one."""
    groups = idx.by_value.get(key)
    if groups is None:
        by_lower: dict[str, list[_Entry]] = {}
        others: list[_Entry] = []
        for e in hits:
            v = e[1][e[2]]
            if type(v) is str:
                by_lower.setdefault(v.lower(), []).append(e)
            else:
                others.append(e)
        groups = idx.by_value[key] = (by_lower, others)
    by_lower, others = groups
    out = by_lower.get(value.lower(), [])
    if others:
        out = sorted(out + [e for e in others if eq(e[1][e[2]], value)], key=lambda e: e[0])
    return out


def _value_ok(v: Any, value: Any, mode: str) -> bool:
    return (
        (mode == "like" and like(v, value))
        or (mode == "match" and match(v, value))
        or (mode == "eq" and eq(v, value))
    )


def mentions(obj: Any, needle: str) -> bool:
    """Whether ``needle`` (lower case) appears in any key or string of ``obj`` (ignoring case).

    The same answer as searching ``ConvertTo-Json`` output for a word. For a long ASCII word that
    cannot start inside an escape (``\\n``, ``\\u00ab``...) that search is done on compact JSON written by
    the C encoder: such a word can only match inside one key or string there.
    """
    if len(needle) > 8 and needle.isascii() and needle.isalpha() and needle[0] not in "abcdefnrtu":
        return needle in json.dumps(obj, ensure_ascii=False).lower()
    stack = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if needle in node.lower():
                return True
        elif isinstance(node, dict):
            for k, v in node.items():
                if needle in k.lower():
                    return True
                stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
    return False


def truthy_container(v: Any) -> bool:
    """Whether ``Find-JsonContent`` descends into ``v`` (it skips false-y values)."""
    if isinstance(v, (dict, list)):
        return bool(v) or isinstance(v, dict)
    return False


def resource_type_chain(found_parents: list[dict[str, Any]], obj: dict[str, Any]) -> list[str]:
    """Types from the outermost ancestor to ``obj`` (the parent chain of a child resource)."""
    types = [to_str(get(p, "type")) for p in reversed(found_parents) if truthy(get(p, "type"))]
    if truthy(get(obj, "type")):
        types.append(to_str(get(obj, "type")))
    return types
