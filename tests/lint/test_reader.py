"""The tolerant reader: what arm-ttk's JSON reader accepts, and where a non-JSON file breaks."""

from __future__ import annotations

import json

import pytest

from armgen.errors import InputError
from armgen.lint.reader import Document, build_spans, load_tolerant

TOLERANT = (
    "\ufeff{\n"
    "  // a line comment\n"
    "  /* a block\n     comment */\n"
    "  unquoted: 1,\n"
    '  "s": "raw\ttab",\n'
    '  "arr": [1, 2, ],\n'
    '  "obj": {"a": true, },\n'
    "}\n"
)


def test_tolerates_comments_trailing_commas_bom_control_chars_unquoted_keys() -> None:
    doc = load_tolerant(TOLERANT.encode("utf-8"))
    assert doc == {"unquoted": 1, "s": "raw\ttab", "arr": [1, 2], "obj": {"a": True}}


def test_strict_json_goes_through_unchanged() -> None:
    data = {"a": [1, {"b": "c\u00e9"}], "d": None}
    assert load_tolerant(json.dumps(data)) == data


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [('{\n  "a": 1\n  "b": 2\n}', 3, 3), ("{\n\n  x y\n}", 3, 5), ('{"a": [1, 2}', 1, 12), ("", 1, 1)],
)
def test_not_json_names_line_and_column(text: str, line: int, col: int) -> None:
    with pytest.raises(InputError) as err:
        load_tolerant(text, file="bad.json")
    assert err.value.file == "bad.json"
    assert f"line {line} column {col}" in err.value.message


def test_line_of_a_json_path_and_path_at_an_offset() -> None:
    text = '{\n  "parameters": {\n    "location": {\n      "type": "string"\n    }\n  },\n  "resources": [\n    {"name": "x"},\n    {"name": "y"}\n  ]\n}\n'
    doc = Document.parse(text)
    assert doc.line_of(("parameters", "location", "type")) == 4
    assert doc.line_of(("resources", 1, "name")) == 9
    assert doc.line_of(("RESOURCES", 1, "NAME")) == 9  # property names ignore case, as in PowerShell
    assert doc.line_of(("resources", 5)) is None
    assert doc.path_at(text.index('"y"')) == ("resources", 1, "name")


def test_tolerant_documents_get_the_same_spans_as_strict_ones() -> None:
    strict = '{"a": [1, {"b": 2}], "c": "d"}'
    loose = '{"a": [1, {"b": 2,},], // note\n "c": "d",}'
    for text in (strict, loose):
        doc = Document.parse(text)
        assert doc.path_at(text.index("2")) == ("a", 1, "b")
        assert doc.node(("c",)).start == text.index('"d"')
    assert build_spans(strict) is not None
