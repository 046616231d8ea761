"""Speed of packaging the default offer and of official-schema validation (cold and cached).

Figures, not asserts: ``make bench`` prints them for people to read. "Cold" means a fresh
interpreter with empty in-process caches (and, for official validation, an empty disk cache),
measured in a subprocess so imports and first-use costs count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

_PACKAGE = r"""
import time, tempfile
t0 = time.perf_counter()
from armgen.package import offer_files, build_package
import armgen.package as P
try:
    from armgen.lint import lint_path  # noqa: F401  (the gate imports it itself)
    lint = "with lint"
except ImportError:
    P._lint_checks = lambda root: []
    lint = "WITHOUT lint (armgen.lint.lint_path not there yet)"
try:
    offer, files = offer_files(None)
    what = "default offer"
except Exception as exc:
    sys.path.insert(0, str(ROOT))
    from tests.package import sample
    offer, files, what = "sample", sample.files(), f"hand-built sample (default offer unavailable: {type(exc).__name__})"
t1 = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    r = build_package(files, offer, "1.0.0", out_dir=out)
t2 = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    r2 = build_package(files, offer, "1.0.0", out_dir=out)
t3 = time.perf_counter()
print(json.dumps({"what": what, "lint": lint, "build": t1 - t0, "package": t2 - t1, "again": t3 - t2, "same": r.sha256 == r2.sha256,
                  "bytes": len(r.data), "sha": r.sha256}))
"""

_OFFICIAL = r"""
import time
t0 = time.perf_counter()
from armgen.checks import official
try:
    from armgen.build import build_files
    files = build_files()
    what = "default offer"
except Exception as exc:
    sys.path.insert(0, str(ROOT))
    from tests.package import sample
    files = {k: v.decode() for k, v in sample.files().items()}
    what = f"hand-built sample (default offer unavailable: {type(exc).__name__})"
t1 = time.perf_counter()
first = official.validate_texts(files, SCHEMAS)
t2 = time.perf_counter()
second = official.validate_texts(files, SCHEMAS)
t3 = time.perf_counter()
print(json.dumps({"what": what, "setup": t1 - t0, "first": t2 - t1, "cached": t3 - t2,
                  "errors": sum(p.severity == "error" for p in first), "notes": sum(p.severity == "note" for p in first)}))
"""


def _run(code: str, env: dict[str, str]) -> dict[str, object] | str:
    prelude = f"import json, sys\nfrom pathlib import Path\nROOT = Path({str(ROOT)!r})\nSCHEMAS = {str(SHARED / 'arm-schemas')!r}\n"
    proc = subprocess.run([sys.executable, "-c", prelude + code], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["failed"])[-1]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "ARMGEN_CACHE_DIR": cache, "SOURCE_DATE_EPOCH": "315532800"}
        pkg = _run(_PACKAGE, env)
        if isinstance(pkg, str):
            print(f"package default offer: not measured ({pkg})")
        else:
            print(f"package {pkg['what']} {pkg['lint']}, cold process: build {pkg['build']:.3f} s + package (zip + gate) {pkg['package']:.3f} s; "
                  f"again in-process {pkg['again']:.3f} s; {pkg['bytes']} bytes; byte-identical twice: {pkg['same']}")
        if not (SHARED / "arm-schemas").is_dir():
            print("official validation: ../shared/arm-schemas not found")
            return
        for label in ("empty disk cache", "warm disk cache"):
            res = _run(_OFFICIAL, env)
            if isinstance(res, str):
                print(f"official validation ({label}): not measured ({res})")
                continue
            print(f"official validation of the {res['what']} ({label}): first run {res['first']:.3f} s, "
                  f"cached run {res['cached']:.3f} s ({res['errors']} errors, {res['notes']} notes)")


if __name__ == "__main__":
    run()
