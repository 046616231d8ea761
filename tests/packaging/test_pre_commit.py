"""The hooks in .pre-commit-hooks.yaml, run by pre-commit itself in a throw-away git repository.

Offline: the hooks repository is a local git repository holding our hooks file (pre-commit clones
it like any other), and the hooks are `language: system`, so they run the armgen of this test
environment without installing anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.packaging


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60,
                          env=ENV).stdout.strip()


ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "GIT_AUTHOR_NAME": "t",
       "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"], cwd=repo,
                          env={**ENV, "PRE_COMMIT_HOME": str(home)}, capture_output=True, text=True, timeout=300)


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency (make venv installs it)")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy2(ROOT / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml")
    git(hooks, "init", "-q")
    git(hooks, "add", ".")
    git(hooks, "commit", "-qm", "hooks")
    rev = git(hooks, "rev-parse", "HEAD")

    repo = tmp_path / "user"
    repo.mkdir()
    git(repo, "init", "-q")
    subprocess.run([str(BIN / "armgen"), "build", "two-nic-appliance", "--out", "pkg"], cwd=repo, env=ENV,
                   check=True, capture_output=True, timeout=120)
    config = {"repos": [{"repo": str(hooks), "rev": rev, "hooks": [
        {"id": "armgen-validate"},
        {"id": "armgen-lint", "args": ["pkg", "--marketplace"]},
        {"id": "armgen-build-check", "args": ["two-nic-appliance", "--out", "pkg"]},
    ]}]}
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config, indent=2))  # JSON is YAML
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "offer")
    return repo, tmp_path / "pre-commit-home"


def test_hooks_pass_on_a_fresh_build(repos: tuple[Path, Path]) -> None:
    repo, home = repos
    out = pre_commit(repo, home)
    assert out.returncode == 0, out.stdout + out.stderr
    for name in ("armgen validate", "armgen lint", "armgen build --check"):
        assert any(line.startswith(name) and line.rstrip().endswith("Passed") for line in out.stdout.splitlines()), \
            out.stdout


def test_hooks_fail_on_an_invalid_or_stale_template(repos: tuple[Path, Path]) -> None:
    repo, home = repos
    template = repo / "pkg" / "mainTemplate.json"
    doc = json.loads(template.read_text())
    doc["resources"][0]["locaton"] = "westeurope"  # a misspelled property: our closed schemas catch it
    template.write_text(json.dumps(doc, indent=2))
    git(repo, "add", ".")
    out = pre_commit(repo, home)
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("armgen validate") and line.rstrip().endswith("Failed") for line in lines), out.stdout
    assert any(line.startswith("armgen build --check") and line.rstrip().endswith("Failed") for line in lines), \
        out.stdout
    assert "locaton" in out.stdout and "pkg/mainTemplate.json: differs from a fresh build" in out.stdout
