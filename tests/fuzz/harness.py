"""Run one fuzz case and judge it against the invariant every armgen command keeps.

The invariant (README, "Bad input"): the exit code is one of the documented ones
(0 ok, 1 check failed/blocked, 2 bad input, 3 Azure refused, 130 Ctrl-C); exit 2 prints exactly
one line on stderr (``armgen: ...``); nothing ever prints a traceback; every case ends within 5 s;
and a run that fails leaves its output folder and state file byte-identical.

Cases run in-process (``armgen.cli.main(argv)``) for speed, with stdout and stderr replaced by
strict UTF-8 text streams (as a terminal's are: text that cannot be encoded fails there too), the
environment and working folder set per case and restored after. A case that runs past the hard
limit is interrupted by SIGALRM. :func:`run_subprocess` runs the same case through
``python -m armgen`` for the real exit path.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

EXIT_CODES = frozenset({0, 1, 2, 3, 130})
CASE_SECONDS = 5.0
HARD_LIMIT = 15.0  # a case still running then is stopped (and reported as a hang)


@dataclass
class Case:
    """One run: argv, files to lay out first (relative to the case folder), environment,
    and the paths (relative) whose bytes must not change when the run fails."""

    argv: list[str]
    files: dict[str, bytes | None] = field(default_factory=dict)  # None: a folder
    env: dict[str, str | None] = field(default_factory=dict)
    guarded: list[str] = field(default_factory=list)
    # exit codes after which the guarded paths must be byte-identical: a run that failed. A
    # rollout's exit 1 (a target blocked, a wave stopped) is a result that it records.
    unchanged_on: frozenset[int] = frozenset({1, 2, 3, 130})
    label: str = ""
    setup: Callable[[Path], None] | None = None

    def resolve(self, root: Path) -> list[str]:
        return [a.replace("{root}", str(root)) for a in self.argv]


@dataclass
class Result:
    code: int | None
    out: str
    err: str
    seconds: float
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


class _Hang(BaseException):
    """Raised by SIGALRM in a case that ran past the hard limit."""


def snapshot(path: Path) -> dict[str, bytes | None] | None:
    """Every file (bytes) and folder (None) under ``path`` (or the file itself); None if absent."""
    if not path.exists():
        return None
    if path.is_file():
        return {"": path.read_bytes()}
    out: dict[str, bytes | None] = {}
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path).as_posix()
        out[rel] = p.read_bytes() if p.is_file() and not p.is_symlink() else None
    return out


def lay_out(root: Path, case: Case) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in case.files.items():
        target = root / rel
        if data is None:
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    if case.setup is not None:
        case.setup(root)


@contextlib.contextmanager
def _environment(env: dict[str, str | None], cwd: Path) -> Iterator[None]:
    saved = dict(os.environ)
    old_cwd = os.getcwd()
    try:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.chdir(cwd)
        yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(saved)


def _strict_stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buf = stream.buffer
    assert isinstance(buf, io.BytesIO)
    return buf.getvalue().decode("utf-8", "replace")


def judge(code: int | None, out: str, err: str, seconds: float, before: dict[str, object],
          after: dict[str, object], unchanged_on: frozenset[int] = frozenset({1, 2, 3, 130})) -> list[str]:
    problems = []
    if code not in EXIT_CODES:
        problems.append(f"exit code {code!r} is not one of {sorted(EXIT_CODES)}")
    if "Traceback (most recent call last)" in err or "Traceback (most recent call last)" in out:
        problems.append("printed a traceback")
    if code == 2:
        lines = err.splitlines()
        if len(lines) != 1 or not lines[0].startswith("armgen: "):
            problems.append(f"exit 2 printed {len(lines)} line(s) on stderr, not one 'armgen: ...' line")
    if seconds > CASE_SECONDS:
        problems.append(f"took {seconds:.1f} s, over {CASE_SECONDS:.0f} s")
    if code in unchanged_on:
        for rel, snap in before.items():
            if after.get(rel) != snap:
                problems.append(f"a failed run changed {rel}")
    return problems


def run_case(case: Case, root: Path) -> Result:
    """Lay out ``case`` under ``root``, run it in-process and judge it."""
    from armgen.cli import main

    lay_out(root, case)
    guarded = {rel: root / rel for rel in case.guarded}
    before = {rel: snapshot(p) for rel, p in guarded.items()}
    stdout, stderr = _strict_stream(), _strict_stream()
    code: int | None = None
    crash = ""
    old_handler = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, HARD_LIMIT)
    started = time.perf_counter()
    try:
        with _environment(case.env, root), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(case.resolve(root))
    except _Hang as exc:
        crash = f"hung: still running after {HARD_LIMIT:.0f} s{_where(exc)}"
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # anything escaping main() is the finding
        crash = "uncaught " + "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300] + _where(exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
    seconds = time.perf_counter() - started
    out, err = _text(stdout), _text(stderr)
    after = {rel: snapshot(p) for rel, p in guarded.items()}
    problems = judge(code, out, err, seconds, before, after, case.unchanged_on)
    if crash:
        problems.insert(0, crash)
    return Result(code, out, err, seconds, problems)


def _alarm(signum: int, frame: object) -> None:
    raise _Hang


def _where(exc: BaseException) -> str:
    """Where it happened: the innermost frames of armgen's own code (a finding names its line)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/armgen/" in f.filename.replace("\\", "/")]
    if not frames:
        return ""
    return " at " + " <- ".join(f"{f.filename.rsplit('/armgen/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames[-3:]))


def run_subprocess(case: Case, root: Path) -> Result:
    """The same case through ``python -m armgen.cli``: the real exit path (exit code of the process,
    bytes on the real stderr)."""
    lay_out(root, case)
    guarded = {rel: root / rel for rel in case.guarded}
    before = {rel: snapshot(p) for rel, p in guarded.items()}
    env = dict(os.environ)
    for k, v in case.env.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    args = [os.fsencode(a) for a in case.resolve(root)]
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "armgen.cli", *args], cwd=root, env=env, capture_output=True,
                              timeout=HARD_LIMIT + 30, stdin=subprocess.DEVNULL)
        code: int | None = proc.returncode
        out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        code, out, err = None, "", ""
    seconds = time.perf_counter() - started
    after = {rel: snapshot(p) for rel, p in guarded.items()}
    problems = judge(code, out, err, 0.0, before, after, case.unchanged_on)  # start-up is not the command's
    if code is None:
        problems.insert(0, "hung")
    return Result(code, out, err, seconds, problems)
