"""Fast paths must give exactly the answers of the regexes they stand in for.

Each speed-up in lint replaces a regex (arm-ttk's semantics) by cheaper work in the common case;
these tests compare both on generated inputs built from the characters that matter.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import regex

from armgen.lint import expressions as ex
from armgen.lint import ps
from armgen.lint.reader import Document, build_spans, decode_text
from armgen.lint.rules._common import WS, blank_pattern, char_before, find_blanks, search_back
from armgen.lint.rules.allowed_values_should_actually_be_allowed import _output_regex, _refers
from armgen.lint.rules.ids_should_be_derived_from_resourceids import (
    EXCEPTIONS,
    _is_exception,
    exception_regex,
)

_SPACES = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\x1c\x1f\u200b"


def _wildcard_like(value: str, pattern: str) -> bool:
    if pattern == "*":
        return True
    try:
        return ps._wildcard(pattern).match(value) is not None
    except regex.error:
        return False


def test_like_string_path_matches_the_wildcard_regex() -> None:
    rnd = random.Random(1)
    checked = matched = 0
    for _ in range(10_000):
        pattern = "".join(rnd.choice("aAbB*.?(x)$^ \n\\[]`") for _ in range(rnd.randint(0, 5)))
        value = "".join(rnd.choice("aAbBx.()$^ \n\\[]ſK") for _ in range(rnd.randint(0, 8)))
        expected = _wildcard_like(value, pattern)
        assert ps.like(value, pattern) == expected, (value, pattern)
        checked += 1
        matched += expected
    assert matched > 300 and checked - matched > 300


def test_ws_class_is_the_regex_packages_whitespace() -> None:
    ours = re.compile(WS)
    theirs = regex.compile(r"\s")
    for cp in range(0x3100):  # every whitespace code point lies below U+3100
        ch = chr(cp)
        assert bool(ours.match(ch)) == bool(theirs.match(ch)), hex(cp)


def test_one_pass_blanks_equal_one_search_per_blank() -> None:
    blanks = (r"\{\s*\}", r"\[\s*\]", r'"\s*"', r"\[\s*\{\s*\}\s*\]", r'\[\s*"\s*"\s*\]', r"null")
    separate = [regex.compile(r":(\s*" + b + ")") for b in blanks]
    combined = blank_pattern(blanks)
    rnd = random.Random(2)
    found = 0
    for _ in range(20_000):
        text = "".join(
            rnd.choice([":", "{", "}", "[", "]", '"', "null", "a", *_SPACES])
            for _ in range(rnd.randint(0, 14))
        )
        expected = [(m.start(1), m.group(1)) for rx in separate for m in rx.finditer(text)]
        assert find_blanks(combined, text) == expected, repr(text)
        found += len(expected)
    assert found > 200


def _output_text(rnd: random.Random) -> str:
    def piece() -> str:
        kind = rnd.choice(["basics", "steps", "Steps", "junk"])
        if kind == "junk":
            return rnd.choice([" ", ".", "a", "'", ")", "(", "[", "]", ",", "\t"])
        name = rnd.choice(["a", "A", "ab", "b", "a.b", "x 1", "s"])
        props = "".join(
            "." + rnd.choice(["a", "A", "ab", "b", "x_1", "a.b"]) for _ in range(rnd.randint(0, 3))
        )
        return f"{kind}({rnd.choice(['', ' '])}'{name}'{rnd.choice(['', ' ', chr(0x2028)])}){props}"

    return "[" + "".join(piece() for _ in range(rnd.randint(0, 4))) + "]"


def test_output_reference_check_matches_the_per_control_regex() -> None:
    rnd = random.Random(3)
    hits = 0
    for _ in range(20_000):
        text = _output_text(rnd)
        control = rnd.choice(["a", "A", "ab", "b", "a.b", "x_1", "a b", "ſ"])
        step = rnd.choice(["a", "A", "s", "", "x 1"]) or None
        expected = _output_regex(control, step).search(text) is not None
        assert _refers(text, control, step) == expected, (text, control, step)
        hits += expected
    assert hits > 500


def test_word_anchored_search_equals_finditer(shared: Path) -> None:
    rx = ex.function(r"reference|list\w*")
    texts = [decode_text(p.read_bytes()) for p in sorted((shared / "corpus").rglob("*.json"))[::4]]
    rnd = random.Random(4)
    atoms = ["reference(", "list(", "listKeys (", "LIST(", "[", ",", "(", ")", "'a'", " ", "x", "ſ"]
    texts += ["".join(rnd.choice(atoms) for _ in range(rnd.randint(0, 12))) for _ in range(5_000)]
    found = 0
    for text in texts:
        expected = [(m.start(), m.group()) for m in rx.finditer(text)]
        assert [
            (m.start(), m.group()) for m in ex.finditer_at_words(rx, text, ("reference", "list"))
        ] == expected
        found += len(expected)
    assert found > 100


def _paths(data: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*path, i))
    return out


def test_lazy_spans_equal_the_full_span_tree(shared: Path) -> None:
    """Strict documents scan only what a lookup needs; the answers equal the whole tree's."""
    rnd = random.Random(5)
    files = sorted((shared / "corpus").rglob("*.json"))[::6]
    checked = 0
    for file in files:
        lazy = Document.parse(file.read_bytes())
        assert lazy.strict
        full = Document(lazy.text, lazy.data)
        full._root = build_spans(lazy.text)
        paths = _paths(lazy.data)
        for path in [*rnd.sample(paths, min(30, len(paths))), ("nope",), ("RESOURCES", 0, "TYPE")]:
            assert lazy.line_of(path) == full.line_of(path), (file, path)
            a, b = lazy.node(path), full.node(path)
            assert (a and (a.start, a.end, a.first)) == (b and (b.start, b.end, b.first)), (file, path)
            offset = rnd.randrange(len(lazy.text) + 1)
            assert lazy.path_at(offset) == full.path_at(offset), (file, offset)
            checked += 1
    assert checked > 500


def test_char_before_equals_the_right_to_left_regex() -> None:
    rnd = random.Random(6)
    for _ in range(20_000):
        text = "".join(rnd.choice('ab["@\\') for _ in range(rnd.randint(0, 10)))
        end = rnd.randint(-2, len(text) + 2)
        for chars in (r"\[\"", r"\[\"@"):
            m = search_back(r"(?<!\\)[" + chars + "]", text, end)
            assert char_before(text, end, chars) == (m.group() if m else ""), (text, end, chars)


def test_id_exceptions_equal_the_anchored_alternation() -> None:
    rnd = random.Random(7)
    atoms = [*EXCEPTIONS, "x", ".", "Id", "id", "\n", "resources[0]", "ſ", "K"]
    hits = 0
    for _ in range(20_000):
        rel = "".join(rnd.choice(atoms) for _ in range(rnd.randint(0, 4)))
        rel = rel.upper() if rnd.random() < 0.3 else rel
        expected = exception_regex().search(rel) is not None
        assert _is_exception(rel) == expected, repr(rel)
        hits += expected
    assert hits > 1000


def _walk_mentions(obj: object, needle: str) -> bool:
    stack = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if needle in node.lower():
                return True
        elif isinstance(node, dict):
            stack.extend(node.values())
            if any(needle in k.lower() for k in node):
                return True
        elif isinstance(node, list):
            stack.extend(node)
    return False


def test_mentions_through_compact_json_equals_the_walk() -> None:
    rnd = random.Random(8)
    parts = [
        "Managed",
        "Identity",
        "Extension",
        "ManagedIdentityExtension",
        "\n",
        "\\",
        '"',
        "x",
        "\x1f",
        "ſ",
        "Σ",
    ]

    def text() -> str:
        return "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 5)))

    def value(depth: int = 0) -> object:
        r = rnd.random()
        if depth > 2 or r < 0.4:
            return text()
        if r < 0.5:
            return rnd.choice([1, 2.5, True, None])
        if r < 0.75:
            return {text(): value(depth + 1) for _ in range(rnd.randint(0, 3))}
        return [value(depth + 1) for _ in range(rnd.randint(0, 3))]

    hits = 0
    for _ in range(5_000):
        obj = value()
        expected = _walk_mentions(obj, "managedidentityextension")
        assert ps.mentions(obj, "managedidentityextension") == expected, obj
        hits += expected
    assert hits > 500


def test_line_at_counts_the_newlines_before_the_offset() -> None:
    """The line of an offset, counted from the offset asked before it (in any order)."""
    rnd = random.Random(11)
    for _ in range(200):
        text = "".join(rnd.choice("ab\n{}\r") for _ in range(rnd.randrange(0, 40)))
        doc = Document(text, None, None, True)
        offsets = [rnd.randrange(0, len(text) + 1) for _ in range(30)]
        for offset in [*range(len(text) + 1), *offsets]:
            assert doc.line_at(offset) == text.count("\n", 0, offset) + 1


def test_text_prefilter_never_hides_a_managed_identity_extension() -> None:
    """ManagedIdentityExtension's text pre-check: whenever it says the template cannot mention the
    word, the walk over the parsed resources agrees (escapes and non-ASCII text included)."""
    from armgen.lint.rules.managedidentityextension_must_not_be_used import WORD, could_mention

    rnd = random.Random(5)
    parts = ["Managed", "Identity", "Extension", "E", "\u0130", "\u212a", "\u03a3", "x", '"', "\\", "\n"]
    for _ in range(500):
        words = ["".join(rnd.choice(parts) for _ in range(rnd.randrange(1, 6))) for _ in range(4)]
        obj = {words[0]: [words[1], {"type": words[2]}], "name": words[3]}
        body = json.dumps({"resources": obj}, ensure_ascii=rnd.random() < 0.5)
        if not could_mention(body):
            assert not ps.mentions(obj, WORD)
    assert could_mention('{"resources": [{"type": "ManagedIdentity\\u0045xtensionForLinux"}]}')


def test_reference_index_equals_the_case_insensitive_scan(shared: Path) -> None:
    """parameters('x') / variables('x') found from word candidates, as the regex scan finds them."""
    texts = [decode_text(p.read_bytes()) for p in sorted((shared / "corpus").rglob("*.json"))[::3]]
    texts += ["[PARAMETERS ('a')] variables( 'b' ) Variables('c')parameters('d'"]
    found = 0
    for text in texts:
        for kind, rx in (("parameters", ex._ANY_PARAMETER), ("variables", ex._ANY_VARIABLE)):
            expected: dict[str, list[tuple[int, int]]] = {}
            for m in rx.finditer(text):
                expected.setdefault(m.group("Name").lower(), []).append((m.start(), m.end()))
            assert ex._reference_index(text, kind) == expected
            found += len(expected)
    assert found > 100
