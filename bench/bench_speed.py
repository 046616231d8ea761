"""Where users wait, and how it grows (issue 18): whole processes as a user runs them.

Prints, medians of several fresh processes (see bench/_process.py for the environment):

* ``armgen --help`` (the text kept from the warm-up run, see armgen/entry.py), and when click
  makes it;
* ``armgen package`` of the default offer (build, zip, gate), beside ``checkov --framework arm``
  on the same files in the same run, and the ratio (checkov is not a dependency of armgen: `make
  bench` installs a pinned checkov into .bench-venv/ the first time, or set $CHECKOV; without one
  the line says why);
* a template at Resource Manager's limits (800 resources, 256 parameters; bench/big_template.py)
  and one of 100 resources: built, validated against our schemas and linted in one process, and
  the ratio of the two CPU times (linear growth is 8); the same with the Bicep written and parsed;
* ``armgen validate --official`` of the 800-resource build (needs ../shared/arm-schemas).

Figures only, never a verdict: the goals are in the issue, for people to compare.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench._process import (
    ROOT,
    SHARED,
    Figures,
    armgen,
    checkov,
    checkov_command,
    checkov_missing,
    env,
    measure,
    once,
)

_SCALE = r"""
import sys, tempfile
from pathlib import Path
from armgen.build import build_files
from armgen.jsonio import write_all_atomic
from armgen.lint import lint_path
files = build_files("bench.big_template:SCALE_{n}", with_bicep={bicep})
with tempfile.TemporaryDirectory() as out:
    write_all_atomic({{Path(out) / name: text for name, text in files.items()}})
    report = lint_path(Path(out))
print(len(files), len(report.findings))
"""


def _scale(n: int, bicep: bool, runs: int) -> Figures:
    code = _SCALE.format(n=n, bicep=bicep)
    return measure([sys.executable, "-c", code], runs, cwd=ROOT)


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a and b else "n/a"


def run() -> None:
    help_ = measure([*armgen(), "--help"], 9)
    print(f"armgen --help: {help_}  (goal <= 0.06 s)")
    with tempfile.TemporaryDirectory() as tmp:  # an empty cache: click makes the text (armgen/entry.py)
        made = [once([*armgen(), "--help"], env(str(Path(tmp) / str(i)))) for i in range(5)]
    print(f"  when click makes the text (a new terminal width, or a first run): "
          f"{sorted(m[0] for m in made)[2]:.3f} s wall (median of 5)")

    from armgen.build import build_files

    with tempfile.TemporaryDirectory() as tmp:
        out, files = Path(tmp) / "dist", Path(tmp) / "files"
        for name, text in build_files().items():
            if name.endswith(".json"):
                (files / name).parent.mkdir(parents=True, exist_ok=True)
                (files / name).write_text(text, encoding="utf-8")
        cmd = [*armgen(), "package", "--version", "1.0.0", "--out", str(out)]
        first = once(cmd, env(str(Path(tmp) / "empty-cache")))
        pkg = measure(cmd, 7)
        print(f"armgen package (default offer), fresh process: {pkg}  (goal <= 0.15 s and >= 20x faster than checkov)")
        print(f"  the first run on a machine (compiles and caches the schema checks): {first[0]:.3f} s wall"
              + (f", {first[1]:.3f} s CPU" if first[1] is not None else ""))
        exe = checkov()
        if exe is None:
            print(checkov_missing())
        else:
            ck = measure(checkov_command(exe, files), 3)
            print(f"checkov -d (the same mainTemplate.json and createUiDefinition.json) --framework arm: {ck}")
            print(f"  armgen package is {_ratio(ck.wall, pkg.wall)} faster than checkov (wall), "
                  f"{_ratio(ck.cpu, pkg.cpu)} (CPU)")

    small, big = _scale(100, False, 5), _scale(800, False, 5)
    print(f"100 resources / 32 parameters: build + validate + lint, one process: {small}")
    print(f"800 resources / 256 parameters: build + validate + lint, one process: {big}  (goal <= 0.7 s CPU)")
    print(f"  t800/t100: {_ratio(big.cpu, small.cpu)} CPU, {_ratio(big.wall, small.wall)} wall  (goal <= 8)")
    small_b, big_b = _scale(100, True, 3), _scale(800, True, 3)
    print(f"  with the Bicep written and parsed too: 100: {small_b.cpu or small_b.wall:.3f} s, "
          f"800: {big_b.cpu or big_b.wall:.3f} s ({'CPU' if big_b.cpu else 'wall'}), "
          f"t800/t100 {_ratio(big_b.cpu or big_b.wall, small_b.cpu or small_b.wall)}")

    schemas = SHARED / "arm-schemas"
    if not schemas.is_dir():
        print("validate --official: ../shared/arm-schemas not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        from armgen.jsonio import write_all_atomic

        write_all_atomic({Path(tmp) / n: t for n, t in build_files("bench.big_template:SCALE_800",
                                                                     with_bicep=False).items()})
        official = measure([*armgen(), "validate", "--official", str(schemas), tmp], 5)
        print(f"armgen validate --official (800 resources): {official}  (goal <= 0.5 s)")


if __name__ == "__main__":
    run()
