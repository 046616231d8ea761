"""Every Bicep file armgen writes parses with tree-sitter-bicep: no ERROR and no MISSING node."""

from __future__ import annotations

import pytest

from armgen.checks import bicep_syntax as bicepcheck
from armgen.render import bicep
from armgen.template import Template
from tests.bicep.conftest import needs_tree_sitter

pytestmark = needs_tree_sitter


def test_every_case_and_offer_parses(template: Template) -> None:
    text = bicep.render(template)
    assert bicepcheck.parse_errors(text) == []
    kinds = [d.kind for d in bicepcheck.outline(text)]
    # Every model item is declared: nothing was dropped on the way.
    assert kinds.count("param") == len(template.parameters)
    assert kinds.count("var") == len(template.variables)
    assert kinds.count("resource") == len(template.resources)
    assert kinds.count("output") == len(template.outputs)


def test_rendering_is_deterministic(template: Template) -> None:
    assert bicep.render(template) == bicep.render(template)


def test_layout_is_bicep_format_style(template: Template) -> None:
    text = bicep.render(template)
    assert text.endswith("\n") and not text.endswith("\n\n")
    for line in text.splitlines():
        assert line == line.rstrip(), f"trailing blank: {line!r}"
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0 and "\t" not in line[:indent], f"indent not 2-space: {line!r}"
    # One blank line between top-level declarations (decorators stick to theirs).
    blocks = text.rstrip("\n").split("\n\n")
    for block in blocks:
        first = block.split("\n", 1)[0]
        assert first.startswith(("@", "param ", "var ", "resource ", "output ", "metadata ", "//")), first


@pytest.mark.parametrize(
    "broken",
    [
        "param x\n",  # no type
        "var x = '${a'\n",  # unterminated interpolation
        "resource r 'A/b@1' = {\n  name: 'x'\n",  # unclosed body
        "var x = (a ? b)\n",  # incomplete ternary
        "output o string = [for i in range(0, 2) i]\n",  # loop without colon
    ],
)
def test_parse_errors_reports_broken_bicep(broken: str) -> None:
    errors = bicepcheck.parse_errors(broken)
    assert errors, broken
    assert all(e.split(" ")[1] in ("ERROR", "MISSING") and ":" in e.split(" ")[0] for e in errors)


def test_parse_errors_positions_are_one_based() -> None:
    errors = bicepcheck.parse_errors("var ok = 1\n\nvar x = (1 +)\n")
    assert errors and errors[0].startswith("3:")


def test_bicepparam_is_checked_with_the_same_grammar() -> None:
    good = "using 'main.bicep'\n\nparam a = 'x'\nparam b = {\n  k: [\n    1\n  ]\n}\n"
    assert bicepcheck.parse_errors(good, "bicepparam") == []
    errors = bicepcheck.parse_errors("using 'main.bicep'\n\nparam a = {\n", "bicepparam")
    assert errors and errors[0][:2] in ("3:", "4:")


def test_check_file_picks_the_grammar_by_suffix(tmp_path) -> None:
    (tmp_path / "a.bicepparam").write_text("using 'main.bicep'\nparam a = 1\n")
    (tmp_path / "a.bicep").write_text("param a = 1\n")  # a .bicep param needs a type
    assert bicepcheck.check_file(str(tmp_path / "a.bicepparam")) == []
    assert bicepcheck.check_file(str(tmp_path / "a.bicep"))


def test_without_tree_sitter_the_check_says_not_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ImportError("No module named 'tree_sitter'")

    monkeypatch.setattr(bicepcheck, "_parser", missing)
    assert bicepcheck.parse_errors("param x string\n") is None
    assert not bicepcheck.available()


def test_bicepparam_files_parse(template: Template) -> None:
    """A .bicepparam with a value for every non-secure parameter parses and reads back the same."""
    samples = {"string": "x'y${z}\\", "int": 7, "bool": False, "object": {"a-b": [1, {"c": None}]},
               "array": ["1", 2]}
    values = {n: samples[p.type.lower()] for n, p in template.parameters.items() if not p.secure}
    text = bicep.render_params(template, values)
    assert bicepcheck.parse_errors(text, "bicepparam") == []
    decls = {d.name: d for d in bicepcheck.outline(bicepcheck.parse(text, "bicepparam"))}
    assert {n: bicepcheck.literal(d.value) for n, d in decls.items()} == values
