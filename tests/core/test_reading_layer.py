"""The reading layer (armgen.jsonio) and the one-line error: regression tests for issue 12.

A lone surrogate (the valid JSON escape ``"\\ud800"``) used to be read fine and crash later, when
encoded: the Bicep check in build, printing a problem in validate and package. Now it is refused
where it is read, naming the file and the JSON path. Exit-2 runs print exactly one line, even
when a file name holds a newline. A failed multi-file write leaves no folder behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armgen import jsonio
from armgen.cli import main
from armgen.errors import InputError
from tests.fuzz.generators import values_seed
from tests.package import sample


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("text", "path"), [
    ('{"a": "\\ud800"}', "$.a"),
    ('{"a": [1, {"b c": "x\\udfff"}]}', "$.a[1]['b c']"),
    ('{"k\\udc00": 1}', "$['k\\udc00']"),
])
def test_a_lone_surrogate_is_refused_naming_the_json_path(text: str, path: str) -> None:
    with pytest.raises(InputError) as err:
        jsonio.parse_json(text, "f.json")
    assert (err.value.file, err.value.path) == ("f.json", path)
    assert "unpaired UTF-16 surrogate" in err.value.message
    str(err.value).encode("utf-8")  # the message itself can be printed


def test_a_surrogate_pair_is_text() -> None:
    assert jsonio.parse_json('"\\ud83d\\ude00"', "f") == "\U0001f600"


def test_build_values_with_a_lone_surrogate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = dict(values_seed())
    name = next(k for k, v in values.items() if isinstance(v, str))
    vf = tmp_path / "values.json"
    vf.write_text(json.dumps({**values, name: "\ud800"}))  # json.dumps writes the escape
    code, _, err = run(["build", "--out", str(tmp_path / "out"), "--values", str(vf)], capsys)
    assert code == 2 and err == f"armgen: {vf}: $.{name}: an unpaired UTF-16 surrogate (U+D800) in a string: " \
                                "not text that can be written as UTF-8\n"
    assert not (tmp_path / "out").exists()


def test_build_set_with_a_lone_surrogate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A string parameter takes ``--set``'s text as it is (as az does), escapes and all; a JSON-typed
    one parses it, and a surrogate escape there is refused before anything is written."""
    vf = tmp_path / "v.json"
    vf.write_text(json.dumps(dict(values_seed())))
    code, _, err = run(["build", "--out", str(tmp_path / "out"), "--values", str(vf),
                        "--set", 'tagsByResource={"x": "\\ud800"}'], capsys)
    assert code == 2 and err.startswith("armgen: --set") and "unpaired" in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_a_flag_that_was_not_utf8_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["build", "--out", str(tmp_path / "out"), "--name-prefix", "zc\udcff"], capsys)
    assert code == 2 and err == "armgen: --name-prefix: not valid UTF-8 text (U+DCFF is an unpaired surrogate)\n"


def test_validate_names_the_path_of_a_lone_surrogate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mainTemplate.json"
    doc = json.loads(sample.files()["mainTemplate.json"])
    doc["variables"]["nicName"] = "\udc80"
    f.write_text(json.dumps(doc))
    code, out, err = run(["validate", str(f)], capsys)
    assert code == 2 and err.startswith(f"armgen: {f}: $.variables.nicName: an unpaired") and not out


def test_package_reports_a_lone_surrogate_as_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "offer"
    for name, data in sample.files().items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    doc = json.loads((src / "mainTemplate.json").read_text())
    doc["variables"]["nicName"] = "\ud800"
    (src / "mainTemplate.json").write_text(json.dumps(doc))
    code, out, err = run(["package", str(src), "--version", "1.0.0", "--out", str(tmp_path / "dist")], capsys)
    assert code == 1, err
    assert "mainTemplate.json: $.variables.nicName: an unpaired UTF-16 surrogate" in out
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("version", ["1.0.0\n", "1.0.0\r", "\n1.0.0", "1.0.0 "])
def test_a_version_with_a_newline_is_refused(version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["package", "--version", version, "--out", str(tmp_path / "dist")], capsys)
    assert code == 2 and len(err.splitlines()) == 1 and "must be integer.integer.integer" in err, err
    assert not (tmp_path / "dist").exists()


def test_exit_2_is_one_line_even_for_a_file_name_with_a_newline(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad\nname.json"
    f.write_text("{")
    code, _, err = run(["build", "--out", str(tmp_path / "o"), "--options", str(f)], capsys)
    assert code == 2 and err.count("\n") == 1 and "bad\\nname.json" in err, err


def test_a_failed_multi_file_write_leaves_no_folder_behind(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = tmp_path / "new" / "deeper"
    with pytest.raises(InputError):
        jsonio.write_all_atomic({out / "a.json": "{}", blocker / "b.json": "{}"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_file_over_the_read_limit_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "big.json"
    f.write_bytes(b" " * 2000)
    with pytest.raises(InputError, match="more than the 1000 bytes"):
        jsonio.read_bytes(f, limit=1000)


# --- nesting: one bound where documents are read, so no walker meets a RecursionError ----------


def _nested(levels: int) -> dict:
    """A dict ``levels`` deep (the outermost is level 1), holding a number at the bottom."""
    doc: dict = {"leaf": 1}
    for _ in range(levels - 2):
        doc = {"k": doc}
    return doc


def test_nesting_up_to_the_bound_is_read_and_one_level_more_is_refused_with_its_path() -> None:
    ok = _nested(jsonio.MAX_NESTING)
    assert jsonio.parse_json(json.dumps(ok), "f.json") == ok
    with pytest.raises(InputError) as err:
        jsonio.parse_json(json.dumps({"a": [_nested(jsonio.MAX_NESTING)]}), "f.json")
    assert err.value.file == "f.json"
    assert err.value.path.startswith("$.a[0].k.k.k.k.k.k...") and "more levels" in err.value.path
    assert f"deeper than {jsonio.MAX_NESTING} levels" in err.value.message


def test_the_deepest_file_of_the_corpus_is_far_inside_the_bound(shared: Path) -> None:
    deepest = 0
    for f in sorted((shared / "corpus").rglob("*.json")):
        level, depth = [jsonio.load_json(f)], 0  # each file reads without an error
        while level:
            depth += 1
            level = [c for n in level if isinstance(n, (dict, list)) for c in (n.values() if isinstance(n, dict) else n)]
        deepest = max(deepest, depth)
    assert 5 < deepest < jsonio.MAX_NESTING // 2


@pytest.mark.parametrize("argv", [
    ["validate", "{pkg}"], ["lint", "{pkg}"], ["diagram", "{pkg}", "--out", "{tmp}/d.svg"],
    ["preview", "{pkg}", "--out", "{tmp}/pv"], ["package", "{pkg}", "--version", "1.0.0", "--out", "{tmp}/z"],
])
def test_a_deep_document_that_python_reads_is_one_clear_error_in_every_command(
        argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """400 levels: json reads it, but walkers recursing a few frames per level used to end in a
    RecursionError printed without a file name. Now every command names the file and the path."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    deep = _nested(400)
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0", "parameters": {"p": {"type": "object", "defaultValue": deep}},
                "resources": []}
    (pkg / "mainTemplate.json").write_text(json.dumps(template))
    (pkg / "createUiDefinition.json").write_text(json.dumps(sample.ui_definition()))
    code, out, err = run([a.format(pkg=pkg, tmp=tmp_path) for a in argv], capsys)
    said = out + err
    assert "mainTemplate.json" in said and "$.parameters.p.defaultValue.k" in said
    assert f"deeper than {jsonio.MAX_NESTING} levels" in said and "Traceback" not in said
    assert code in (1, 2)  # lint and package report it as a finding (1); the others refuse the input (2)
    assert not (tmp_path / "z").exists() and not (tmp_path / "d.svg").exists()
