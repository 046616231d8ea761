"""arm-ttk's current verdicts on fixtures written for this project (tests/lint/fixtures/ttk/).

Each case of ``cases.json`` names one arm-ttk test, one template and the error ids (in order) and
warning messages arm-ttk's current test script gives on it, with the reason. The apiVersions cases
use the small cache beside them and the case file's test date, so they do not depend on today.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from armgen.lint import lint_path

HERE = Path(__file__).parent / "fixtures" / "ttk"
SPEC = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", SPEC["cases"], ids=lambda c: c["file"].removesuffix(".json"))
def test_current_arm_ttk_verdict(case: dict[str, Any]) -> None:
    report = lint_path(
        HERE / case["file"],
        tests=[case["test"]],
        api_versions=HERE / "apicache.json",
        test_date=dt.date.fromisoformat(SPEC["test_date"]),
    )
    assert case["test"] in report.ran, case["why"]
    assert [f.id for f in report.errors] == case["errors"], case["why"]
    if case["test"].startswith("apiVersions"):  # the only rules these cases expect warnings from
        assert [f.message for f in report.warnings] == case["warnings"], case["why"]


def test_two_alike_findings_on_one_line_stay_two(tmp_path: Path) -> None:
    """Nothing merges findings: same rule, id, file, line and message, still two results."""
    report = lint_path(HERE / "resourceids-twice-on-one-line.json", tests=["ResourceIds-should-not-contain"])
    first, second = report.errors
    assert (first.line, first.message) == (second.line, second.message)
