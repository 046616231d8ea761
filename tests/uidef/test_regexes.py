"""Derived validation regexes accept exactly what the template accepts."""

from __future__ import annotations

import re

import pytest

from armgen.uidef import regexes


@pytest.mark.parametrize(
    "lo,hi",
    [(0, 9), (1, 100), (5, 15), (5, 60), (-20, 35), (-300, -7), (15, 65535), (2, 2), (0, 0), (99, 1000), (123, 4567)],
)
def test_int_range_regex_matches_exactly_the_range(lo: int, hi: int) -> None:
    pattern = re.compile(regexes.int_regex(lo, hi))
    for n in range(lo - 1100, hi + 1100):
        assert bool(pattern.search(str(n))) == (lo <= n <= hi), (n, pattern.pattern)
    assert not pattern.search("0" + str(hi))  # no leading zeros sneak in
    assert not pattern.search("")
    assert regexes.has_length_quantifier(pattern.pattern)


def test_open_int_ranges_still_carry_length_quantifier() -> None:
    for lo, hi in [(None, None), (0, None), (None, 10), (-5, None)]:
        pattern = regexes.int_regex(lo, hi)
        assert regexes.has_length_quantifier(pattern)
        assert re.search(pattern, "42")
        assert not re.search(pattern, "4x2")
    assert not re.search(regexes.int_regex(0, None), "-1")


def test_string_length_regex() -> None:
    pattern = re.compile(regexes.string_regex(3, 5, required=True))
    assert [bool(pattern.search("a" * n)) for n in range(0, 8)] == [False, False, False, True, True, True, False, False]
    optional = re.compile(regexes.string_regex(None, None, required=False))
    assert optional.search("")
    assert not re.compile(regexes.string_regex(None, None, required=True)).search("")


def test_allowed_values_regex_is_exact() -> None:
    pattern = re.compile(regexes.allowed_regex(["a.b", "Default", "x+"]))
    assert pattern.search("a.b") and pattern.search("Default") and pattern.search("x+")
    assert not pattern.search("axb") and not pattern.search("Defaults") and not pattern.search("xx")


def test_password_regex_needs_twelve() -> None:
    pattern = re.compile(regexes.password_regex(None, None))
    assert not pattern.search("a" * 11) and pattern.search("a" * 12)
    assert not re.search(regexes.password_regex(16, None), "a" * 15)
