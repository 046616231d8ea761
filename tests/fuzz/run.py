"""Drive an entry point's strategy through the harness and keep score (for pytest and make fuzz)."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from tests.fuzz.entrypoints import ENTRY_POINTS, elsewhere_requests
from tests.fuzz.harness import Case, Result, run_case


@dataclass
class Score:
    name: str
    cases: int = 0
    codes: Counter[int | None] = field(default_factory=Counter)
    max_seconds: float = 0.0
    failures: list[tuple[Case, Result]] = field(default_factory=list)

    def add(self, case: Case, result: Result) -> None:
        self.cases += 1
        self.codes[result.code] += 1
        self.max_seconds = max(self.max_seconds, result.seconds)
        if result.problems:
            self.failures.append((case, result))


def describe(case: Case, result: Result) -> str:
    argv = " ".join(repr(a) if (not a or " " in a or not a.isprintable()) else a for a in case.argv)
    env = {k: (v if v is None or len(v) < 60 else v[:60] + "...") for k, v in case.env.items()
           if k in ("SOURCE_DATE_EPOCH", "ARMGEN_ACCESS_TOKEN") or
           (v not in (None, "0", "1", "3", "30", "test-token") and k.startswith("ARMGEN_"))}
    files = {k: (v[:120] if v is not None else "<folder>") for k, v in case.files.items()}
    err = result.err.strip().replace("\n", "\n      ")[-1500:]
    return (f"{'; '.join(result.problems)}\n    case: {case.label}\n    argv: {argv}\n    env: {env}\n    files: {files}\n"
            f"    exit {result.code}, stderr:\n      {err}")


def fuzz(name: str, examples: int, *, raise_on_failure: bool, derandomize: bool = False,
         base: Path | None = None) -> Score:
    """Run ``examples`` cases of entry point ``name``; with ``raise_on_failure`` the first failure
    fails (hypothesis shrinks it to a small example), else every failure is kept in the score."""
    score = Score(name)
    workdir = Path(tempfile.mkdtemp(prefix=f"armgen-fuzz-{name}-", dir=base))
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if raise_on_failure else [])

    @settings(max_examples=examples, deadline=None, database=None, derandomize=derandomize, phases=phases,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(ENTRY_POINTS[name]())
    def prop(case: Case) -> None:
        root = Path(tempfile.mkdtemp(dir=workdir))
        try:
            seen_elsewhere = elsewhere_requests()
            result = run_case(case, root / "case")
            if elsewhere_requests() != seen_elsewhere:
                result.problems.append("a request reached another host than the endpoint")
            score.add(case, result)
            if raise_on_failure and result.problems:
                raise AssertionError(describe(case, result))
        finally:
            shutil.rmtree(root, ignore_errors=True)

    try:
        prop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return score
