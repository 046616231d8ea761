"""Lint's patterns kept compiled on disk (armgen.lint.lazy): a later run rebuilds them instead of
compiling, and a rebuilt pattern is the compiled one."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
import regex

import armgen.lint.rules as rules_pkg
from armgen.build import build_files
from armgen.lint import expressions, lazy, ps


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A cache folder of its own and a process that has compiled nothing yet; returns the patterns
    ``regex.compile`` is asked to compile from then on."""
    monkeypatch.setenv("ARMGEN_CACHE_DIR", str(tmp_path / "cache"))
    _next_process(monkeypatch)
    made: list[str] = []
    real = regex.compile
    monkeypatch.setattr(lazy.regex, "compile", lambda p, f=0: made.append(p) or real(p, f))
    return made


def _next_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new process starts from: nothing compiled, the disk cache not read yet."""
    for name, value in (("_compiled", {}), ("_stored", None), ("_used", {}), ("_dirty", False),
                        ("_rebuild", None), ("_rebuild_name", None)):
        monkeypatch.setattr(lazy, name, value)


def test_a_pattern_compiled_once_is_rebuilt_by_the_next_run(fresh: list[str], monkeypatch) -> None:
    text = "[concat(reference(resourceId('a', 'b')).x, listKeys(variables('k'), '2020-01-01'))]"
    pattern = r"(?<=(?>\[|\(|,)\s*)(?<Name>(?>reference|list\w*))\s*\("
    first = lazy.regex_compile(pattern, regex.I | regex.V0)
    assert fresh == [pattern] and lazy.regex_compile(pattern, regex.I | regex.V0) is first
    lazy.save()
    _next_process(monkeypatch)
    again = lazy.regex_compile(pattern, regex.I | regex.V0)
    assert fresh == [pattern]  # not compiled a second time
    assert (again.pattern, again.flags, again.groupindex) == (first.pattern, first.flags, first.groupindex)
    assert [(m.span(), m.group("Name")) for m in again.finditer(text)] == [
        (m.span(), m.group("Name")) for m in first.finditer(text)] != []


def test_nothing_is_written_when_nothing_was_new(fresh: list[str], monkeypatch) -> None:
    lazy.regex_compile(r"a+b", 0)
    lazy.save()
    entry = next((Path(lazy._cache_file().parent)).iterdir())
    entry.write_bytes(entry.read_bytes())  # same bytes, new mtime: was it rewritten?
    stamp = entry.stat().st_mtime_ns
    _next_process(monkeypatch)
    lazy.regex_compile(r"a+b", 0)
    lazy.save()
    assert entry.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("damage", [b"", b"not marshal", b"\xe9\x02\x00\x00"])
def test_a_damaged_cache_costs_a_compile_only(fresh: list[str], monkeypatch, damage: bytes) -> None:
    lazy.regex_compile(r"x(\d+)y", 0)
    lazy.save()
    lazy._cache_file().write_bytes(damage)
    _next_process(monkeypatch)
    rebuilt = lazy.regex_compile(r"x(\d+)y", 0)
    assert fresh == [r"x(\d+)y", r"x(\d+)y"] and rebuilt.search("ax12y").group(1) == "12"
    lazy.save()  # and the entry is written again
    _next_process(monkeypatch)
    lazy.regex_compile(r"x(\d+)y", 0)
    assert len(fresh) == 2


def test_a_pattern_that_does_not_compile_raises_as_before_and_is_not_kept(fresh: list[str]) -> None:
    with pytest.raises(regex.error):
        lazy.regex_compile(r"(unclosed", 0)
    assert lazy._used == {} and not lazy._dirty


def test_the_cache_keeps_at_most_max_entries_the_latest_run_first(fresh: list[str], monkeypatch) -> None:
    monkeypatch.setattr(lazy, "MAX_ENTRIES", 3)
    for p in ("a1", "a2", "a3"):
        lazy.regex_compile(p, 0)
    lazy.save()
    _next_process(monkeypatch)
    for p in ("b1", "b2"):
        lazy.regex_compile(p, 0)
    lazy.save()
    _next_process(monkeypatch)
    kept = lazy._read_store()
    assert len(kept) == 3 and {("b1", 0), ("b2", 0)} <= set(kept)


def _lint_patterns() -> list[lazy.LazyPattern]:
    modules = [expressions, ps] + [importlib.import_module(f"armgen.lint.rules.{m.name}")
                                   for m in pkgutil.iter_modules(rules_pkg.__path__)]
    return [v for m in modules for v in vars(m).values() if isinstance(v, lazy.LazyPattern)]


def test_every_module_pattern_rebuilt_from_the_cache_matches_as_compiled(fresh: list[str], monkeypatch) -> None:
    files = build_files(with_bicep=False)
    texts = [files["mainTemplate.json"], files["createUiDefinition.json"]]
    found = _lint_patterns()
    assert len(found) > 40
    compiled = [regex.compile(*p._args) for p in found]  # straight from regex, no cache
    for p in found:
        lazy.regex_compile(*p._args)
    lazy.save()
    _next_process(monkeypatch)
    before = len(fresh)
    matched = 0
    for p, direct in zip(found, compiled, strict=True):
        rebuilt = lazy.regex_compile(*p._args)
        assert (rebuilt.pattern, rebuilt.flags, rebuilt.groupindex) == (direct.pattern, direct.flags, direct.groupindex)
        for text in texts:
            got = [m.span() for m in rebuilt.finditer(text)]
            assert got == [m.span() for m in direct.finditer(text)], p
            matched += bool(got)
    assert len(fresh) == before  # every one rebuilt, none compiled
    assert matched > 10
