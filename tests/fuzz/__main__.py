"""``make fuzz``: at least 1,000 cases per entry point, a table per entry point.

    python -m tests.fuzz [--cases N] [ENTRY ...]

Prints, per entry point: cases run, the exit codes seen (with counts), the slowest case, and
the failures (each with its argv, environment, files and stderr). Exit status 1 if any case
broke the invariant (tests/fuzz/harness.py).
"""

from __future__ import annotations

import argparse
import sys
import time

from tests.fuzz.entrypoints import ENTRY_POINTS
from tests.fuzz.run import Score, describe, fuzz


def table(score: Score, seconds: float) -> str:
    codes = ", ".join(f"{c}: {n}" for c, n in sorted(score.codes.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))
    lines = [f"== {score.name}",
             f"   cases     {score.cases}  ({seconds:.0f} s)",
             f"   exit      {codes}",
             f"   max time  {score.max_seconds:.2f} s",
             f"   failures  {len(score.failures)}"]
    for case, result in score.failures[:5]:
        lines.append("   - " + describe(case, result))
    if len(score.failures) > 5:
        lines.append(f"   ... and {len(score.failures) - 5} more")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000, help="cases per entry point (default 1000)")
    parser.add_argument("entries", nargs="*", choices=[[], *ENTRY_POINTS], metavar="ENTRY",
                        help=f"entry points (default: all): {', '.join(ENTRY_POINTS)}")
    args = parser.parse_args(argv)
    failed = 0
    for name in args.entries or list(ENTRY_POINTS):
        started = time.perf_counter()
        score = fuzz(name, args.cases, raise_on_failure=False)
        print(table(score, time.perf_counter() - started), flush=True)
        failed += len(score.failures)
    print(f"\n{failed} failure(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
