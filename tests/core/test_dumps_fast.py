"""jsonio.dumps writes large documents with orjson (issue 18): the bytes must be exactly what
Python's own indenting encoder writes, for the golden documents and for hostile values."""

from __future__ import annotations

import enum
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from armgen import jsonio

ROOT = Path(__file__).resolve().parents[2]
orjson = pytest.importorskip("orjson")


def stdlib(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@pytest.fixture
def always_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the orjson path for documents of any size."""
    monkeypatch.setattr(jsonio, "ORJSON_MIN_NODES", 0)


def _golden() -> list[Path]:
    return sorted([*ROOT.glob("createUiDefinition/*/*.json")])


@pytest.mark.parametrize("path", _golden(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_documents_are_written_byte_for_byte(path: Path, always_orjson: None) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert jsonio._worth_orjson(doc)  # the orjson path is really taken
    assert jsonio.dumps(doc) == stdlib(doc) == path.read_text(encoding="utf-8")


class Color(enum.Enum):
    RED = "red"


class Text(str):
    pass


HOSTILE: list[Any] = [
    {"ascii": "plain", "accents": "éàü", "cjk": "雲", "emoji": "🚀", "rtl": "שלום", "zw": "a\u200bb"},
    {"controls": "".join(chr(c) for c in range(32)) + "\x7f", "quotes": "\"'\\/", "sep": "\u2028\u2029"},
    {"bmp-edge": "\uffff\ue000", "astral": "\U0010ffff"},
    [0, -1, 2**53 + 1, 2**63 - 1, -(2**63), 2**64 - 1, True, False, None],
    {"empty": {}, "list": [], "nested": [[[]], [{}]], "tuple": (1, "a")},
    {"": "empty key", " ": "space", "k\nk": "newline key", "é": "accent key"},
]


@pytest.mark.parametrize("doc", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_are_written_as_json_writes_them(doc: Any, always_orjson: None) -> None:
    assert jsonio._worth_orjson(doc) and jsonio._orjson_dumps(doc) is not None  # orjson wrote it
    assert jsonio.dumps(doc) == stdlib(doc)


FALLBACK: list[Any] = [
    {"float": 1.0}, {"float": 0.1}, [1e16, 1e-7, 1e22, -0.0, 2.5e-308, 1.7976931348623157e308],
    [float("nan"), float("inf")],
    [2**64, -(2**63) - 1, 10**40],  # over 64 bits: orjson refuses them
    {"lone": "\ud800"}, ["a\udc80b"],  # unpaired surrogates: written as json writes them, refused at write time
    {1: "int key", None: "null key"},
    {"sub": Text("x")}, {"enum": Color.RED.value}, {"uuid": str(uuid.UUID(int=1))},
]


@pytest.mark.parametrize("doc", FALLBACK, ids=range(len(FALLBACK)))
def test_everything_else_is_written_by_json(doc: Any, always_orjson: None) -> None:
    assert jsonio.dumps(doc) == stdlib(doc)


def test_types_only_orjson_knows_are_refused_as_json_refuses_them(always_orjson: None) -> None:
    for value in (uuid.UUID(int=1), Color.RED):
        with pytest.raises(TypeError):
            jsonio.dumps({"x": value})
        with pytest.raises(TypeError):
            stdlib({"x": value})


def test_deep_and_circular_documents_behave_as_with_json(always_orjson: None) -> None:
    deep: Any = "leaf"
    for _ in range(300):
        deep = [deep]
    assert jsonio.dumps(deep) == stdlib(deep)
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(ValueError, match="Circular"):
        jsonio.dumps(loop)


def test_surrogates_are_still_refused_when_written(tmp_path: Path, always_orjson: None) -> None:
    from armgen.errors import InputError

    with pytest.raises(InputError, match="unpaired surrogate"):
        jsonio.write_atomic(tmp_path / "x.json", jsonio.dumps({"a": "\ud800"}))
    assert not (tmp_path / "x.json").exists()


def test_small_documents_do_not_import_orjson() -> None:
    assert not jsonio._worth_orjson({"a": [1, 2, 3]})
