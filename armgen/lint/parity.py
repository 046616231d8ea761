"""Run arm-ttk's own unit-test cases through ``armgen lint`` and count agreement.

Each case of ``../shared/armttk/cases.json`` is judged the way arm-ttk's Pester harness judges it:

* ``Pass``: the test produced at least one result (it applied to some file) and no error;
* ``Fail``: at least one error, and, where the case names an expected error id, every error has it.

The apiVersions tests use arm-ttk's 2023-11-13 provider cache and a pinned test date
(:data:`TEST_DATE`) so the verdicts do not drift with the calendar. ``make ttk-parity`` runs this
module and prints ``N/M cases agree`` per test and in total.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from armgen.lint import lint_path
from armgen.lint.model import normalize_test_name
from armgen.lint.rules import all_rules

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
# arm-ttk's fixtures were written against its provider cache of 2023-11-13; judged on that day,
# apiVersions that were current when the fixtures were made are still current (see README of
# ../shared/armttk and the parity test for why this date and not "today").
TEST_DATE = _dt.date(2023, 11, 13)


@dataclass
class CaseResult:
    test: str
    verdict: str  # expected: "Pass" or "Fail"
    case: str
    expected_id: str | None
    agrees: bool
    detail: str


def case_inputs(case_path: Path) -> list[tuple[Path, bool]]:
    """What arm-ttk's harness tests for one case: (path, is single file)."""
    if case_path.name.endswith(".path.txt"):
        raw = case_path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # .NET strips one byte-order mark (a second one stays and breaks the path)
        out = []
        for line in raw.decode("utf-8", errors="replace").splitlines():
            line = line.strip()
            if not line:
                continue
            target = (case_path.parent / line.replace("\\", "/")).resolve()
            if target.exists():
                out.append((target, target.is_file()))
        return out
    return [(case_path, case_path.is_file())]


def judge_case(entry: dict, shared: Path, cache: Path, test_date: _dt.date) -> CaseResult:
    test = entry["test"]
    expected = entry["verdict"]
    expected_id = entry.get("expected_error_id")
    case_path = shared / "armttk" / entry["case"]
    results = 0
    errors = []
    for target, _single in case_inputs(case_path):
        report = lint_path(target, tests=[test], api_versions=cache, test_date=test_date)
        results += sum(report.ran.values())
        errors.extend(f for f in report.findings if f.severity == "error")
    if expected == "Pass":
        agrees = results > 0 and not errors
        detail = "no result" if results == 0 else "; ".join(f"{e.id}: {e.message}" for e in errors[:3])
    else:
        agrees = bool(errors) and (not expected_id or all(e.id == expected_id for e in errors))
        detail = "no error" if not errors else "; ".join(f"{e.id}" for e in errors[:5])
    return CaseResult(test, expected, entry["case"], expected_id, agrees, detail)


def run(shared: Path = SHARED, test_date: _dt.date = TEST_DATE) -> list[CaseResult]:
    cases = json.loads((shared / "armttk" / "cases.json").read_text(encoding="utf-8"))
    cache = shared / "armttk" / "AllAzureResources.cache.json"
    return [judge_case(c, shared, cache, test_date) for c in cases]


def summarize(results: list[CaseResult]) -> list[str]:
    names = {r.key: r.name for r in all_rules()}
    per: dict[str, list[CaseResult]] = {}
    for r in results:
        per.setdefault(names.get(normalize_test_name(r.test), r.test), []).append(r)
    lines = []
    for test in sorted(per, key=str.lower):
        rs = per[test]
        lines.append(f"{test}: {sum(r.agrees for r in rs)}/{len(rs)} cases agree")
    total = sum(r.agrees for r in results)
    lines.append(f"TOTAL: {total}/{len(results)} cases agree ({100.0 * total / max(1, len(results)):.1f}%)")
    return lines


def main(argv: list[str] | None = None) -> int:
    if not (SHARED / "armttk" / "cases.json").is_file():
        print(f"arm-ttk fixtures not found at {SHARED / 'armttk'}", file=sys.stderr)
        return 2
    results = run()
    for line in summarize(results):
        print(line)
    bad = [r for r in results if not r.agrees]
    if bad:
        print("\nDisagreements:")
        for r in bad:
            print(f"  {r.verdict} {r.case}: {r.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
