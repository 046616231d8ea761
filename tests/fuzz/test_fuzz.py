"""The fuzz invariant on a bounded sample of every entry point (``make fuzz`` runs 1,000+ each).

Derandomized, so CI sees the same cases on every run; ``make fuzz`` explores at random. The
invariant is in tests/fuzz/harness.py: a documented exit code, exit 2 as exactly one line on
stderr, never a traceback, every case within 5 s, a failed run's output folder and state file
byte-identical, and no request to any host but the endpoint.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.fuzz.entrypoints import ENTRY_POINTS
from tests.fuzz.harness import Case, run_subprocess
from tests.fuzz.run import describe, fuzz

# cases per entry point in `make test` (about 25 s in all on a 2-core machine)
SAMPLE = {"build-options": 15, "build-values": 15, "build-flags": 20, "validate": 25, "lint": 25, "package": 12,
          "inspect": 30, "what-if": 25, "preflight": 25, "rollout-plan": 20, "rollout-apply": 20}

def test_every_entry_point_has_a_sample() -> None:
    assert set(SAMPLE) == set(ENTRY_POINTS)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_fuzz_sample(name: str, tmp_path: Path) -> None:
    score = fuzz(name, SAMPLE[name], raise_on_failure=False, derandomize=True, base=tmp_path)
    assert score.cases == SAMPLE[name]
    assert not score.failures, "\n".join(describe(c, r) for c, r in score.failures[:3])


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_fuzz_through_the_real_exit_path(name: str, tmp_path: Path) -> None:
    """One case per entry point as a process: the exit status and stderr bytes a shell sees."""
    counter = iter(range(10**6))

    @settings(max_examples=1, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(ENTRY_POINTS[name]())
    def prop(case: Case) -> None:
        result = run_subprocess(case, tmp_path / f"case{next(counter)}")
        assert "No module named" not in result.err, result.err  # it really ran armgen
        assert result.ok, describe(case, result)

    prop()
