"""Lint's module-level patterns are compiled on first use (issue 18), and then behave as the
compiled pattern does."""

from __future__ import annotations

import importlib

import regex

from armgen.lint import lazy


def test_a_pattern_is_compiled_on_first_use_only(monkeypatch) -> None:
    made: list[str] = []
    real = regex.compile
    monkeypatch.setattr(lazy.regex, "compile", lambda p, f=0: made.append(p) or real(p, f))
    p = lazy.compile(r"(?<Year>\d{4})-(?<Month>\d{2})", regex.I)
    assert made == []
    m = p.search("on 2025-07 and 2026-03")
    assert m is not None and m.group("Year") == "2025" and made == [r"(?<Year>\d{4})-(?<Month>\d{2})"]
    assert [x.group("Month") for x in p.finditer("2025-07 2026-03")] == ["07", "03"]
    assert p.pattern == r"(?<Year>\d{4})-(?<Month>\d{2})" and p.flags & regex.I
    assert len(made) == 1  # compiled once
    assert "search" in vars(p)  # the method is kept: later calls go straight to it


def test_rule_modules_compile_no_pattern_at_import() -> None:
    module = importlib.reload(importlib.import_module("armgen.lint.rules.vm_size_should_be_a_parameter"))
    lazies = [v for v in vars(module).values() if isinstance(v, lazy.LazyPattern)]
    assert lazies and all(v._compiled is None for v in lazies)
