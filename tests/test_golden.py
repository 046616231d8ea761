"""The checked-in artifacts must equal a fresh build (regenerate with ``make golden``)."""

from __future__ import annotations

import json

import pytest
from deepdiff import DeepDiff

from armgen.golden import ROOT, golden_files


def test_golden_artifacts_match_a_fresh_build() -> None:
    fresh = golden_files()
    assert fresh, "no built-in offers"
    problems: list[str] = []
    for path, text in fresh.items():
        rel = path.relative_to(ROOT)
        if not path.exists():
            problems.append(f"{rel}: missing (run make golden)")
            continue
        old = path.read_text(encoding="utf-8")
        if old == text:
            continue
        if path.suffix == ".json":
            diff = DeepDiff(json.loads(old), json.loads(text), verbose_level=2)
            problems.append(f"{rel}: differs from a fresh build: {diff.pretty()[:2000]}")
        else:
            import difflib

            delta = "".join(list(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                      "checked-in", "fresh", n=1))[:60])
            problems.append(f"{rel}: differs from a fresh build:\n{delta}")
    if problems:
        pytest.fail("\n".join(problems) + "\nregenerate with: make golden")


def test_two_builds_are_byte_identical() -> None:
    first = {p: t.encode() for p, t in golden_files().items()}
    second = {p: t.encode() for p, t in golden_files().items()}
    assert first == second
