"""parse_errors reads a file in pieces (issue 18: tree-sitter-bicep is quadratic in member
accesses) and gives the answer a parse of the whole file gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from armgen.checks import bicep_syntax as bicepcheck
from tests.bicep.conftest import needs_tree_sitter

pytestmark = needs_tree_sitter
ROOT = Path(__file__).resolve().parents[2]


def whole(text: str, kind: str = "bicep") -> list[str] | None:
    """What parse_errors answered before: one parse of the whole text (a cut pattern that never
    matches leaves one piece)."""
    saved = bicepcheck._TOP_LEVEL
    bicepcheck._TOP_LEVEL = re.compile(r"(?!x)x")
    try:
        return bicepcheck.parse_errors(text, kind)
    finally:
        bicepcheck._TOP_LEVEL = saved


TRICKY = [
    # a multi-line string holding a blank line and text at the left margin: the cut is inside it
    "var a = '''\nfirst\n\nvar b = 1\n'''\n\nvar c = a\n",
    # the same in a block comment
    "/* note\n\nvar b = 1\n*/\nvar c = 1\n",
    # a broken statement after a clean one: the error keeps its line
    "var ok = {\n  a: x.id\n}\n\nvar bad = (1 +)\n\nvar after = 2\n",
    # an object whose closing brace sits at the left margin after a blank line
    "var o = {\n  a: 1\n\n}\n",
    "param p string\n\n= 'x'\n",
    "@description('d')\n\nparam p string\n",
]


@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
def test_tricky_cuts_answer_as_the_whole_file(text: str) -> None:
    assert bicepcheck.parse_errors(text) == whole(text)


@pytest.mark.parametrize("path", sorted(ROOT.glob("bicep/*/main.bicep")), ids=lambda p: p.parent.name)
def test_golden_bicep_parses_in_pieces(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(bicepcheck._TOP_LEVEL.split(text)) > 10
    assert bicepcheck.parse_errors(text) == whole(text) == []


def test_an_error_in_a_large_file_is_placed_as_in_the_whole_file() -> None:
    text = (ROOT / "bicep" / "cloud-connector" / "main.bicep").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("resource "))
    lines[at + 1] = lines[at + 1].rstrip("\n") + " +\n"
    broken = "".join(lines)
    assert bicepcheck.parse_errors(broken) == whole(broken) != []
