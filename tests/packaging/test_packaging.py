"""Packaging: `make build`'s install prints no warnings of ours, and the wheel `python -m build`
makes installs in a fresh venv and builds an offer from any folder.

Both build from a copy of the project's packaging inputs in a temporary folder, so the checkout
gets no build/ or egg-info from a test, and both run offline (no build isolation, no index).
Marked ``packaging``: part of every run (CI included), a few seconds each.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.packaging

# What the environment (not the project) makes setuptools and pip say: PYTHONDONTWRITEBYTECODE
# ("byte-compiling is disabled") and a machine's pip configuration ("Location ... is ignored").
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if not k.startswith("PIP_") and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
CLEAN_ENV["PIP_CONFIG_FILE"] = os.devnull


def project_copy(tmp: Path) -> Path:
    """The files a build reads (pyproject.toml, setup.py, MANIFEST.in, README.md, armgen/, schemas/)."""
    dst = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("armgen", "schemas"):
        shutil.copytree(ROOT / name, dst / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, dst / name)
    return dst


def warnings_in(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.search(r"warn", line, re.IGNORECASE)]


def test_make_build_install_prints_no_warnings(tmp_path: Path) -> None:
    """What `pip install -e .` (make build) runs: the PEP 660 editable build, then a regular wheel."""
    src = project_copy(tmp_path)
    script = ("import sys; from setuptools import build_meta as b; "
              "print(b.build_editable(sys.argv[1])); print(b.build_wheel(sys.argv[1]))")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "whl")], cwd=src, env=CLEAN_ENV,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout + out.stderr
    assert warnings_in(text) == [], text[-3000:]
    assert "BuildBackendWarning" not in text


def test_wheel_installs_in_a_fresh_venv_and_builds_from_any_folder(tmp_path: Path) -> None:
    pytest.importorskip("build", reason="the 'build' package is a dev dependency (make venv installs it)")
    src = project_copy(tmp_path)
    dist = tmp_path / "dist"
    # sdist first, then the wheel from the sdist (python -m build's default): proves MANIFEST.in
    out = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(src)],
                         env=CLEAN_ENV, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    assert warnings_in(out.stdout + out.stderr) == [], (out.stdout + out.stderr)[-3000:]
    (wheel,) = dist.glob("armgen-*.whl")

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    out = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
                          "--no-compile", str(wheel)], env=CLEAN_ENV, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    # armgen's dependencies come from this test environment's site-packages as a plain path entry:
    # no network, and (no .pth processing there) not this checkout's editable armgen
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in CLEAN_ENV.items() if k != "VIRTUAL_ENV"}
    where = subprocess.run([str(py), "-c", "import armgen.checks.schemas as s; print(s.__file__); print(s.schema_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    module_file, schemas = where.stdout.split()
    assert Path(module_file).is_relative_to(venv) and Path(schemas).is_relative_to(venv), where.stdout
    assert (Path(schemas) / "template.schema.json").is_file()

    run = subprocess.run([str(venv / "bin" / "armgen"), "build", "--out", "out"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "validated: mainTemplate.json, createUiDefinition.json against schemas/" in run.stdout
    assert (elsewhere / "out" / "mainTemplate.json").is_file()
    check = subprocess.run([str(venv / "bin" / "armgen"), "validate", "out"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0 and check.stderr.strip() == "0 problem(s)", check.stdout + check.stderr
