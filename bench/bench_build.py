"""Cold ``armgen build`` of the default offer (a fresh process each time, as a user runs it).

Goal (issue 2): well under a second. Also prints the in-process time of each stage, so a
regression can be pinned to the model, a renderer or validation.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5


def _cold() -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "armgen.cli", "build", "--out", str(Path(tmp) / str(i))],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


def _stages() -> dict[str, float]:
    from armgen.checks.schemas import validate_document
    from armgen.offers import get_offer
    from armgen.render import arm_json, bicep
    from armgen.uidef import build_uidef

    offer = get_offer("cloud-connector")
    out: dict[str, float] = {}
    validate_document({}, "options")  # compile the schemas once, as a build does
    for name, fn in (
        ("model", lambda: offer.build({})),
        ("arm json", lambda: arm_json.render(offer.build({}))),
        ("createUiDefinition", lambda: build_uidef(offer.build({}))),
        ("bicep", lambda: bicep.render(offer.build({}))),
        ("validate template", lambda: validate_document(arm_json.render(offer.build({})), "template")),
    ):
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        out[name] = statistics.median(samples)
    return out


def run() -> None:
    cold = _cold()
    print(f"armgen build (default offer), cold process: median {statistics.median(cold) * 1000:.0f} ms, "
          f"min {min(cold) * 1000:.0f} ms, max {max(cold) * 1000:.0f} ms over {RUNS} runs (goal: well under 1 s)")
    for name, secs in _stages().items():
        print(f"  in-process {name}: {secs * 1000:.1f} ms")


if __name__ == "__main__":
    run()
