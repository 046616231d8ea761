"""docs/ci.md's GitHub Actions workflow: its `armgen` steps run, in order, on a new offer."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def workflow() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit, a dev dependency")
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL) if "jobs:" in b]
    return yaml.safe_load(block)


def test_the_workflow_uploads_sarif_even_when_lint_fails() -> None:
    steps = workflow()["jobs"]["offer"]["steps"]
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    lint = next(s for s in steps if "armgen lint" in s.get("run", ""))
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] in lint["run"]
    assert workflow()["permissions"]["security-events"] == "write"


def test_the_workflows_armgen_steps_run(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}

    def sh(cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    assert sh("armgen new offer my-offer").returncode == 0
    assert sh("armgen build my_offer.py --out build/my-offer").returncode == 0  # the checked-in output
    runs = [s["run"] for s in workflow()["jobs"]["offer"]["steps"] if s.get("run", "").startswith("armgen ")]
    assert len(runs) >= 4
    for cmd in runs:
        out = sh(cmd.replace("${{ github.run_number }}", "7"))
        assert out.returncode == 0, f"{cmd}\n{out.stdout}{out.stderr}"
    sarif = json.loads((tmp_path / "armgen.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"]
    assert (tmp_path / "dist" / "my-offer-1.0.7.zip").is_file()
