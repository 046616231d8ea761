"""A tolerant JSON reader that knows where every value sits in the text.

arm-ttk reads files with PowerShell's ``ConvertFrom-Json`` (Newtonsoft underneath), which accepts
``//`` and ``/* */`` comments, trailing commas, unquoted keys, raw control characters in strings and
a UTF-8 byte-order mark. Real Marketplace packages rely on that, so ``armgen lint`` must too, while
still saying exactly where a file stops being JSON at all.

Two entry points:

* :func:`load_tolerant` returns the parsed document (fast path: the C ``json`` module; the tolerant
  parser runs only when strict parsing fails).
* :class:`Document` keeps the text and, on first demand, a tree of value spans, so a finding can
  name the line of a JSON path (:meth:`Document.line_of`) or the JSON path at a text offset
  (:meth:`Document.path_at`). Spans are computed lazily because most files need only a few.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from armgen.errors import InputError, json_path
from armgen.jsonio import check_nesting, find_surrogate, has_surrogate, surrogate_message

Path = tuple[str | int, ...]

# whitespace and comments between tokens
_SKIP = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
# a double-quoted string: any char but quote/backslash (raw control characters allowed), or escapes
_DQ_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SQ_STRING = re.compile(r"'(?:[^'\\]|\\.)*'", re.S)
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# the non-finite literals Newtonsoft (ConvertFrom-Json) reads as doubles, as Python's json does
_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
_BARE = re.compile(r"[A-Za-z_$][\w$\-]*")
_CTRL = re.compile(r"[\x00-\x1f]")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "'": "'"}


def decode_text(data: str | bytes) -> str:
    """Text of a file as .NET's ReadAllText gives it: UTF-8 (or UTF-16 by BOM), BOM removed.

    Like .NET, bytes that do not decode become U+FFFD instead of failing: invalid UTF-8, a
    UTF-16 file with an odd number of bytes (its last byte is half a code unit), or a UTF-16
    surrogate without its partner.
    """
    if isinstance(data, bytes):
        if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
            text = data.decode("utf-16", errors="replace")
        else:
            text = data.decode("utf-8-sig", errors="replace")
    else:
        text = data
    while text.startswith("\ufeff"):
        text = text[1:]
    return text


def _refuse_surrogates(data: Any, text: str, file: str | None) -> None:
    """A string escape like ``"\\ud800"`` is valid JSON (and .NET reads it) but not text: no
    report that quotes it can be printed or written as UTF-8. The file is refused as not JSON,
    naming the JSON path, like any other file arm-ttk's reader could not turn into text."""
    if "\\u" not in text and not has_surrogate(text):
        return
    found = find_surrogate(data)
    if found is not None:
        path, bad = found
        raise InputError(f"not JSON text at {json_path(path)}: {surrogate_message(bad)}", file=file)


def _number(text: str) -> int | float:
    """A JSON integer as ``int``, or as ``float`` when it has more digits than Python converts.

    ConvertFrom-Json reads such a number (a BigInteger, or a double) instead of failing, so lint
    must read it too; a float keeps it a number while, like arm-ttk's BigInteger, not an int or a
    long (Min-And-Max-Value-Are-Numbers).
    """
    try:
        return int(text)
    except ValueError:  # beyond sys.get_int_max_str_digits()
        return float(text)


class Node:
    """Where one value sits in the text; containers know their children (in file order).

    In strict JSON, children are scanned only as far as a lookup needs (``more`` says that some
    are still unscanned) and a container's ``end`` stays -1 until someone needs it.
    """

    __slots__ = ("children", "end", "key_start", "keys", "more", "start")

    def __init__(self, start: int, end: int, key_start: int = -1):
        self.start = start
        self.end = end
        self.key_start = key_start
        self.keys: list[str | int] = []
        self.children: list[Node] = []
        self.more = False

    @property
    def first(self) -> int:
        """Where the value begins in the text, its key included."""
        return self.key_start if self.key_start >= 0 else self.start


_TOKEN = re.compile(
    r"""(?P<s>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<p>[{}\[\]:,])|(?P<c>//[^\n]*|/\*.*?\*/)"""
    r"""|(?P<w>[^\s{}\[\]:,"'/]+)|(?P<x>\S)""",
    re.S,
)


def build_spans(text: str) -> Node | None:
    """The span tree of an already-parsed document, from one tokenizing pass (fast path).

    Returns None if the text does not tokenize cleanly (the caller falls back to the full parser).
    """
    root: Node | None = None
    stack: list[Node] = []
    # per open container: is the next token a key (objects only)?
    want_key: list[bool] = []
    pending_key: str | int | None = None
    pending_key_start = -1

    def attach(node: Node) -> bool:
        nonlocal root, pending_key, pending_key_start
        if not stack:
            if root is not None:
                return False
            root = node
            return True
        parent = stack[-1]
        if want_key[-1] is None:  # array
            parent.keys.append(len(parent.children))
            parent.children.append(node)
            return True
        if pending_key is None:
            return False
        node.key_start = pending_key_start
        parent.keys.append(pending_key)
        parent.children.append(node)
        pending_key = None
        want_key[-1] = True
        return True

    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "c":
            continue
        if kind == "x":
            return None
        tok = m.group()
        if kind == "p":
            if tok == "{" or tok == "[":
                node = Node(m.start(), -1)
                if not attach(node):
                    return None
                stack.append(node)
                want_key.append(True if tok == "{" else None)  # type: ignore[arg-type]
            elif tok == "}" or tok == "]":
                if not stack:
                    return None
                stack.pop().end = m.end()
                want_key.pop()
            continue
        # a string or a bare word
        if stack and want_key[-1] is True:
            if kind == "s":
                raw = tok[1:-1]
                if "\\" in raw:
                    try:
                        raw = json.loads('"' + raw + '"')
                    except json.JSONDecodeError:
                        return None
            else:
                raw = tok
            pending_key, pending_key_start = raw, m.start()
            want_key[-1] = False
            continue
        if not attach(Node(m.start(), m.end())):
            return None
    if stack or root is None:
        return None
    return root


class _Parser:
    """Recursive-descent tolerant parser; optionally records a :class:`Node` per value."""

    def __init__(self, text: str, file: str | None, spans: bool):
        self.text = text
        self.file = file
        self.spans = spans
        self.pos = 0

    def fail(self, msg: str, pos: int | None = None) -> InputError:
        p = self.pos if pos is None else pos
        line = self.text.count("\n", 0, p) + 1
        col = p - (self.text.rfind("\n", 0, p) + 1) + 1
        return InputError(f"not JSON: {msg} at line {line} column {col}", file=self.file)

    def skip(self) -> None:
        self.pos = _SKIP.match(self.text, self.pos).end()

    def parse(self) -> tuple[Any, Node | None]:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("empty document")
        value, node = self.value()
        self.skip()
        if self.pos < len(self.text):
            raise self.fail("unexpected text after the JSON value")
        return value, node

    def string(self) -> str:
        text = self.text
        quote = text[self.pos]
        m = (_DQ_STRING if quote == '"' else _SQ_STRING).match(text, self.pos)
        if not m:
            raise self.fail("unterminated string")
        raw = m.group()
        self.pos = m.end()
        if quote == '"' and not _CTRL.search(raw):
            try:
                return json.loads(raw)
            except json.JSONDecodeError:
                pass
        body = raw[1:-1]
        out: list[str] = []
        i = 0
        while i < len(body):
            ch = body[i]
            if ch == "\\" and i + 1 < len(body):
                nxt = body[i + 1]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6] or ""):
                    out.append(chr(int(body[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                out.append(_ESCAPES.get(nxt, nxt))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)

    def value(self) -> tuple[Any, Node | None]:
        text = self.text
        start = self.pos
        if start >= len(text):
            raise self.fail("unexpected end of file")
        ch = text[start]
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.arr()
        if ch in "\"'":
            v: Any = self.string()
        else:
            m = _NUMBER.match(text, start)
            if m:
                self.pos = m.end()
                s = m.group()
                v = float(s) if any(c in s for c in ".eE") else _number(s)
            elif text.startswith("-Infinity", start):
                v = _CONSTANTS["-Infinity"]
                self.pos = start + len("-Infinity")
            else:
                m = _BARE.match(text, start)
                if not m:
                    raise self.fail(f"unexpected character {ch!r}")
                word = m.group()
                consts = {"true": True, "false": False, "null": None, **_CONSTANTS}
                if word not in consts:
                    raise self.fail(f"unexpected word {word!r}")
                v = consts[word]
                self.pos = m.end()
        return v, (Node(start, self.pos) if self.spans else None)

    def obj(self) -> tuple[dict[str, Any], Node | None]:
        text = self.text
        node = Node(self.pos, -1) if self.spans else None
        self.pos += 1
        out: dict[str, Any] = {}
        while True:
            self.skip()
            if self.pos >= len(text):
                raise self.fail("unterminated object")
            ch = text[self.pos]
            if ch == "}":
                self.pos += 1
                break
            key_start = self.pos
            if ch in "\"'":
                key = self.string()
            else:
                m = _BARE.match(text, self.pos) or _NUMBER.match(text, self.pos)
                if not m:
                    raise self.fail(f"expected a property name, found {ch!r}")
                key = m.group()
                self.pos = m.end()
            self.skip()
            if self.pos >= len(text) or text[self.pos] != ":":
                raise self.fail("expected ':' after a property name")
            self.pos += 1
            self.skip()
            value, child = self.value()
            out[key] = value
            if node is not None and child is not None:
                child.key_start = key_start
                node.keys.append(key)
                node.children.append(child)
            self.skip()
            if self.pos < len(text) and text[self.pos] == ",":
                self.pos += 1
                continue
            if self.pos < len(text) and text[self.pos] == "}":
                self.pos += 1
                break
            raise self.fail("expected ',' or '}' in an object")
        if node is not None:
            node.end = self.pos
        return out, node

    def arr(self) -> tuple[list[Any], Node | None]:
        text = self.text
        node = Node(self.pos, -1) if self.spans else None
        self.pos += 1
        out: list[Any] = []
        while True:
            self.skip()
            if self.pos >= len(text):
                raise self.fail("unterminated array")
            if text[self.pos] == "]":
                self.pos += 1
                break
            value, child = self.value()
            if node is not None and child is not None:
                node.keys.append(len(out))
                node.children.append(child)
            out.append(value)
            self.skip()
            if self.pos < len(text) and text[self.pos] == ",":
                self.pos += 1
                continue
            if self.pos < len(text) and text[self.pos] == "]":
                self.pos += 1
                break
            raise self.fail("expected ',' or ']' in an array")
        if node is not None:
            node.end = self.pos
        return out, node


_DECODER = json.JSONDecoder()
# only for text the default decoder refused for a too-long integer: a Python parse_int on every
# number would slow the common case down
_BIG_NUMBER_DECODER = json.JSONDecoder(parse_int=_number)
_SCAN_ONCE = _DECODER.scan_once
_WS = re.compile(r"[ \t\n\r]*")
# after a value: the separator or closer, and the whitespace around it
_SEPARATOR = re.compile(r"[ \t\n\r]*([,}\]])[ \t\n\r]*").match
# a key with no escape and no control character (what the strict decoder takes as it is), its colon
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*').match


class _NotStrict(Exception):
    """The text is not strict JSON here; spans come from the tolerant tokenizer instead."""


def _value_end(text: str, node: Node) -> int:
    """``node.end``, letting the C decoder skip the value when it is not known yet."""
    if node.end < 0:
        try:
            node.end = _SCAN_ONCE(text, node.start)[1]
        except (StopIteration, ValueError) as exc:
            raise _NotStrict from exc
    return node.end


def _scan_next(text: str, node: Node) -> bool:
    """Scan one more child of a strict-JSON container; False (and ``end`` set) when none is left."""
    ws = _WS.match
    opener = text[node.start]
    closer = "}" if opener == "{" else "]"
    try:
        if node.children:
            sep = _SEPARATOR(text, _value_end(text, node.children[-1]))
            if sep is None:
                raise _NotStrict
            c = sep.group(1)
            if c == closer:
                node.end, node.more = sep.start(1) + 1, False
                return False
            if c != ",":
                raise _NotStrict
            pos = sep.end()
        else:
            pos = ws(text, node.start + 1).end()
            if text[pos : pos + 1] == closer:
                node.end, node.more = pos + 1, False
                return False
        key_start = -1
        key: str | int = len(node.children)
        if opener == "{":
            key_start = pos
            plain = _PLAIN_KEY(text, pos)  # most keys: no escape, so no decoding needed
            if plain is not None:
                key, pos = plain.group(1), plain.end()
            else:
                if text[pos : pos + 1] != '"':
                    raise _NotStrict
                key, pos = json.decoder.scanstring(text, pos + 1)
                pos = ws(text, pos).end()
                if text[pos : pos + 1] != ":":
                    raise _NotStrict
                pos = ws(text, pos + 1).end()
        if text[pos : pos + 1] in ("{", "["):
            child = Node(pos, -1, key_start)
            child.more = True
        else:
            child = Node(pos, _SCAN_ONCE(text, pos)[1], key_start)
    except (StopIteration, ValueError, IndexError) as exc:
        raise _NotStrict from exc
    node.keys.append(key)
    node.children.append(child)
    return True


def _load(text: str, file: str | None) -> tuple[Any, bool]:
    """The parsed document, and whether it was strict JSON (strings holding an unpaired
    surrogate refused, see :func:`_refuse_surrogates`)."""
    data, strict = _parse_any(text, file)
    _refuse_surrogates(data, text, file)
    check_nesting(data, file)
    return data, strict


def _parse_any(text: str, file: str | None) -> tuple[Any, bool]:
    try:
        return json.loads(text), True
    except (json.JSONDecodeError, RecursionError):
        pass
    except ValueError:  # an integer with more digits than int() converts (not a syntax error)
        try:
            return _BIG_NUMBER_DECODER.decode(text), True
        except (json.JSONDecodeError, RecursionError):
            pass
    try:
        return _Parser(text, file, spans=False).parse()[0], False
    except RecursionError:
        raise InputError("not JSON: nested too deeply", file=file) from None


def load_tolerant(text_or_bytes: str | bytes, file: str | None = None) -> Any:
    """Parse JSON the way arm-ttk's reader accepts it; InputError (with line/column) if not JSON."""
    return _load(decode_text(text_or_bytes), file)[0]


class Document:
    """One JSON file: its text, its parsed value, and (lazily) where each value sits."""

    def __init__(self, text: str, data: Any, file: str | None = None, strict: bool = False):
        self.text = text
        self.data = data
        self.file = file
        self.strict = strict  # the whole text is strict JSON (json.loads read it)
        self._root: Node | None = None
        self._line_memo = (0, 1)  # (offset, its line) of the last line_at

    @classmethod
    def parse(cls, text_or_bytes: str | bytes, file: str | None = None) -> Document:
        text = decode_text(text_or_bytes)
        data, strict = _load(text, file)
        return cls(text, data, file, strict)

    @property
    def root(self) -> Node:
        """The root span; containers are scanned lazily (strict JSON) or all at once (tolerant)."""
        if self._root is None:
            text = self.text
            start = _WS.match(text).end()
            try:
                # strict JSON ends where its trailing whitespace starts; otherwise ask the decoder
                end = len(text.rstrip(" \t\n\r")) if self.strict else _SCAN_ONCE(text, start)[1]
                node = Node(start, end)
                node.more = text[start] in "{["
                self._root = node
            except (StopIteration, ValueError, IndexError):
                self._root = self._full_tree()
        return self._root

    def _full_tree(self) -> Node:
        tree = build_spans(self.text) or _Parser(self.text, self.file, spans=True).parse()[1]
        assert tree is not None
        return tree

    def _next(self, n: Node) -> bool:
        """Scan n's next child (False when all are known)."""
        if not n.more:
            return False
        try:
            return _scan_next(self.text, n)
        except _NotStrict:
            # not strict JSON after all: build the whole tree the tolerant way, once
            self._root = self._full_tree()
            raise

    def _end(self, n: Node) -> int:
        try:
            return _value_end(self.text, n)
        except _NotStrict:
            self._root = self._full_tree()
            raise

    def _child(self, n: Node, key: str | int) -> Node | None:
        """The child at ``key``: exact property names first, then ignoring case (as before)."""
        if isinstance(key, int):
            while len(n.children) <= key and self._next(n):
                pass
            if n.keys and isinstance(n.keys[0], int) and 0 <= key < len(n.children):
                return n.children[key]
            return None
        i = 0
        while i < len(n.keys) or self._next(n):
            if n.keys[i] == key:
                return n.children[i]
            i += 1
        low = key.lower()
        for k, c in zip(n.keys, n.children, strict=True):
            if isinstance(k, str) and k.lower() == low:
                return c
        return None

    def _lookup(self, path: Path) -> Node | None:
        for _attempt in range(2):
            try:
                n: Node | None = self.root
                for part in path:
                    if n is None:
                        return None
                    n = self._child(n, part)
                return n
            except InputError:
                return None
            except _NotStrict:
                continue
        return None

    def node(self, path: Path) -> Node | None:
        """The span of the value at ``path`` (keys compared case-insensitively as a fallback)."""
        n = self._lookup(path)
        if n is not None and n.end < 0:
            try:
                self._end(n)
            except _NotStrict:
                return self._lookup(path)  # the tolerant tree knows every end
        return n

    def line_at(self, offset: int) -> int:
        # the newlines between the offset asked last and this one, counted in C: findings come
        # rule by rule in text order, so each count is short, and no line table is built
        last, line = self._line_memo
        if offset >= last:
            line += self.text.count("\n", last, offset)
        else:
            line -= self.text.count("\n", offset, last)
        self._line_memo = (offset, line)
        return line

    def line_of(self, path: Path) -> int | None:
        """Line (1-based) where the value at ``path`` starts (or its key, for properties)."""
        n = self._lookup(path)  # a start is all a line needs: no need to find where the value ends
        if n is None:
            return None
        return self.line_at(n.first)

    def path_at(self, offset: int) -> Path:
        """The deepest JSON path whose value contains text ``offset``."""
        for _attempt in range(2):
            try:
                return self._path_at(offset)
            except InputError:
                return ()
            except _NotStrict:
                continue
        return ()

    def _path_at(self, offset: int) -> Path:
        # Children are in text order. A container starting at or before offset whose end is not
        # known yet is looked into before anything is skipped: finding where it ends would decode
        # it all, and usually offset is inside it. If it closes before offset after all, the
        # walk goes back up and carries on with the next sibling.
        trail: list[tuple[Node, str | int | None]] = [(self.root, None)]
        while True:
            n = trail[-1][0]
            last = n.children[-1] if n.children else None
            if last is not None and last.first <= offset:
                if last.end < 0:
                    trail.append((last, n.keys[-1]))
                    continue
                if self._next(n):
                    continue
            elif last is None and self._next(n):
                continue
            # every child starting at or before offset is known now
            if n.end >= 0 and offset >= n.end:  # n closed before offset: back to its parent
                trail.pop()
                if not trail:
                    return ()
                continue
            i = bisect.bisect_right([c.first for c in n.children], offset) - 1
            if i >= 0 and offset < n.children[i].end:
                trail.append((n.children[i], n.keys[i]))
                continue
            return tuple(k for _n, k in trail[1:] if k is not None)
