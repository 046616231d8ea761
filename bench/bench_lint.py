"""How long ``armgen lint`` takes over the shared corpus (goal: 127 packages, one process, <= 1 s
wall and <= 60 MiB peak on the project's 2-core machine).

Prints, for ``armgen lint ../shared/corpus`` as a user runs it (a new process: start-up, imports,
the bundled apiVersions cache, 127 packages found and linted one by one, text output): the median
wall and CPU time of several runs and the peak memory, from ``/usr/bin/time`` where it exists;
the same with ``--jobs 2``; and checkov's time on the same folder when there is a checkov (the one
`make bench` installs into .bench-venv/, $CHECKOV, or on PATH; for scale only: checkov checks
different things). Figures only, never a verdict.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import _process

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RUNS = 7
TIME = "/usr/bin/time"


def _armgen() -> list[str]:
    script = Path(sys.executable).with_name("armgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "armgen.cli"]


def _once(cmd: list[str]) -> tuple[float, float | None, float | None]:
    """(wall s, cpu s, peak MiB) of one run; cpu and peak from /usr/bin/time when present."""
    env = dict(os.environ, XDG_CACHE_HOME=str(ROOT / "build" / "bench-xdg"))  # the bundled cache
    if os.path.exists(TIME):
        cmd = [TIME, "-f", "%U %S %M", *cmd]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if not os.path.exists(TIME):
        return wall, None, None
    user, sys_, peak_kb = done.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(sys_), int(peak_kb) / 1024


def _median_of(cmd: list[str], runs: int) -> str:
    _once(cmd)  # warm-up: file cache, .pyc
    samples = [_once(cmd) for _ in range(runs)]
    wall = statistics.median(s[0] for s in samples)
    out = f"{wall:.2f} s wall"
    if samples[0][1] is not None:
        cpu = statistics.median(s[1] for s in samples if s[1] is not None)
        peak = max(s[2] for s in samples if s[2] is not None)
        out += f", {cpu:.2f} s CPU, peak {peak:.0f} MiB"
    return out + f" (median of {runs}; fastest {min(s[0] for s in samples):.2f} s)"


def run() -> None:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; skipped")
        return
    from armgen.lint import lint_targets

    packages = len(lint_targets([corpus]))
    files = sum(1 for _ in corpus.rglob("*.json"))
    size = sum(p.stat().st_size for p in corpus.rglob("*.json"))
    print(f"corpus: {packages} packages, {files} JSON files ({size / 1e6:.1f} MB)")
    # an installed armgen runs from bytecode (pip compiles it); an editable checkout under
    # PYTHONDONTWRITEBYTECODE would recompile ~70 modules from source on every run instead
    import armgen

    compileall.compile_dir(Path(armgen.__file__).parent, quiet=1)
    print("armgen's bytecode compiled first (as in an installed armgen)")
    cmd = [*_armgen(), "lint", str(corpus)]
    print(f"armgen lint corpus (one process): {_median_of(cmd, RUNS)}  (goal <= 1 s, <= 60 MiB)")
    print(f"armgen lint corpus --jobs 2:      {_median_of([*cmd, '--jobs', '2'], 3)}")
    checkov = _process.checkov()
    if checkov:
        t0 = time.perf_counter()
        subprocess.run(
            _process.checkov_command(checkov, corpus),
            capture_output=True,
            check=False,
        )
        print(f"checkov -d corpus --framework arm: {time.perf_counter() - t0:.2f} s wall (one run)")
    else:
        print(_process.checkov_missing())
