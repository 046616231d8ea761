"""How long ``armgen lint`` takes over the shared corpus (goal: the whole corpus under 1 s).

Prints the wall time to lint every package folder (a folder holding a main template) under
``../shared/corpus`` in-process after a warm-up: the median of several single-process runs (the
machine is shared, so one run says little), then the same corpus through ``lint_many`` with two
worker processes, and checkov's time on the same folder when ``checkov`` is on PATH (for scale
only: checkov checks different things).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RUNS = 5


def run() -> None:
    from armgen.lint import lint_many, lint_path
    from armgen.lint.engine import MAIN_NAMES

    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; skipped")
        return
    cache = SHARED / "armttk" / "AllAzureResources.cache.json"
    packages = sorted({p.parent for p in corpus.rglob("*.json") if p.name.lower() in MAIN_NAMES})
    files = sum(1 for p in corpus.rglob("*.json"))
    size = sum(p.stat().st_size for p in corpus.rglob("*.json"))
    lint_path(packages[0], api_versions=cache)  # warm-up: imports, regex compilation, cache load
    walls, cpus = [], []
    findings = 0
    for _ in range(RUNS):
        t0, cpu0 = time.perf_counter(), time.process_time()
        findings = sum(len(lint_path(pkg, api_versions=cache).findings) for pkg in packages)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - cpu0)
    print(
        f"armgen lint: {len(packages)} packages, {files} JSON files ({size / 1e6:.1f} MB), "
        f"{findings} findings: {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU, "
        f"single process (median of {RUNS}; fastest {min(walls):.2f} s) (goal < 1 s)"
    )
    parallel = []
    for _ in range(3):
        t0 = time.perf_counter()
        lint_many(packages, jobs=2, api_versions=cache)
        parallel.append(time.perf_counter() - t0)
    print(f"armgen lint, 2 worker processes: {statistics.median(parallel):.2f} s wall (median of 3)")
    checkov = shutil.which("checkov")
    if checkov:
        t0 = time.perf_counter()
        subprocess.run(
            [checkov, "-d", str(corpus), "--framework", "arm", "--quiet", "--compact"],
            capture_output=True,
            check=False,
        )
        print(f"checkov -d corpus --framework arm: {time.perf_counter() - t0:.2f} s wall")
    else:
        print("checkov: not on PATH (not measured)")
