"""How long ``armgen lint`` takes over the shared corpus (goal: the whole corpus under 1 s).

Prints the wall time to lint every package folder (a folder holding a main template) under
``../shared/corpus``, once in-process after a warm-up, and checkov's time on the same folder
when ``checkov`` is on PATH (for scale only: checkov checks different things).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def run() -> None:
    from armgen.lint import lint_path
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
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    findings = 0
    for pkg in packages:
        findings += len(lint_path(pkg, api_versions=cache).findings)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(
        f"armgen lint: {len(packages)} packages, {files} JSON files ({size / 1e6:.1f} MB), "
        f"{findings} findings: {wall:.2f} s wall, {cpu:.2f} s CPU (goal < 1 s)"
    )
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
