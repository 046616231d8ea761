"""Timing a whole process as a user runs it: wall time (time.perf_counter), CPU time and peak
memory (/usr/bin/time where it exists), medians of several runs after a warm-up run.

The processes run with armgen's sources compiled to bytecode once (as an installed armgen has
them; a checkout run under PYTHONDONTWRITEBYTECODE would compile every module on every run), in a
folder of the build tree, and with a disk cache of their own (build/bench-cache), warmed by the
warm-up run: "cold" means a fresh interpreter, not a first run ever.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Figures:
    """Medians (and the spread of wall time) of several runs of one command."""

    wall: float
    cpu: float | None
    peak_mib: float | None
    fastest: float
    runs: int

    def __str__(self) -> str:
        cpu = f", {self.cpu:.3f} s CPU" if self.cpu is not None else ""
        peak = f", peak {self.peak_mib:.0f} MiB" if self.peak_mib is not None else ""
        return f"{self.wall:.3f} s wall{cpu}{peak} (median of {self.runs}; fastest {self.fastest:.3f} s)"


def env(cache: str | None = None) -> dict[str, str]:
    """The environment the measured processes run in (see the module's docstring)."""
    out = dict(os.environ)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    out["PYTHONPYCACHEPREFIX"] = str(ROOT / "build" / "bench-pycache")
    out["ARMGEN_CACHE_DIR"] = cache or str(ROOT / "build" / "bench-cache")
    out["SOURCE_DATE_EPOCH"] = "315532800"
    return out


def armgen() -> list[str]:
    script = Path(sys.executable).with_name("armgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "armgen.cli"]


def once(cmd: list[str], environ: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float | None, float | None, int]:
    """(wall s, cpu s, peak MiB, exit code) of one run; cpu and peak from /usr/bin/time when present."""
    timed = [TIME, "-f", "%U %S %M", *cmd] if os.path.exists(TIME) else cmd
    t0 = time.perf_counter()
    done = subprocess.run(timed, capture_output=True, text=True, env=environ or env(), cwd=cwd, check=False)
    wall = time.perf_counter() - t0
    if timed is cmd:
        return wall, None, None, done.returncode
    user, sys_, peak_kb = done.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(sys_), int(peak_kb) / 1024, done.returncode


def measure(cmd: list[str], runs: int, environ: dict[str, str] | None = None, cwd: Path | None = None,
            warmup: int = 1) -> Figures:
    for _ in range(warmup):
        once(cmd, environ, cwd)
    samples = [once(cmd, environ, cwd) for _ in range(runs)]
    cpus = [s[1] for s in samples if s[1] is not None]
    peaks = [s[2] for s in samples if s[2] is not None]
    return Figures(statistics.median(s[0] for s in samples), statistics.median(cpus) if cpus else None,
                   max(peaks) if peaks else None, min(s[0] for s in samples), runs)


#: where `make bench` installs checkov (bench/checkov_setup.sh), a venv of its own
BENCH_VENV = ROOT / ".bench-venv"


def checkov() -> str | None:
    """The checkov executable armgen is compared with, if there is one: $CHECKOV, else the one
    `make bench` installs into .bench-venv/ (bench/checkov_setup.sh), else one on PATH. armgen
    does not need it."""
    given = os.environ.get("CHECKOV")
    if given and Path(given).exists():
        return given
    local = BENCH_VENV / "bin" / "checkov"
    if local.exists():
        return str(local)
    return shutil.which("checkov")


def checkov_command(exe: str, folder: str | Path) -> list[str]:
    """checkov on the ARM files of ``folder``: --skip-download keeps its start-up off the network
    (it would otherwise fetch Prisma Cloud's guidelines first), so the figure is its own work."""
    return [exe, "-d", str(folder), "--framework", "arm", "--quiet", "--compact", "--skip-download"]


def checkov_missing() -> str:
    """Why there is no checkov to compare with, in one line."""
    log = BENCH_VENV.with_name(".bench-venv.log")
    if log.exists():
        return f"checkov not installed: installing it into {BENCH_VENV.name}/ failed (see {log.name})"
    return "checkov not installed (`make bench` installs it into .bench-venv/; or set $CHECKOV)"
