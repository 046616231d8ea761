"""The entry point's quick exit (issue 18): ``armgen`` ends with ``os._exit`` to skip the
interpreter's teardown, and loses nothing a normal exit would have done: exit codes, every byte
written to stdout/stderr, atexit handlers, and waiting for a thread still running."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from armgen import __version__


def _run(body: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys\nfrom armgen.entry import run\n" + textwrap.dedent(body) + "\nsys.argv = ['armgen', *sys.argv[1:]]\nrun()\n"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("args", "code"), [(["--version"], 0), (["no-such-command"], 2), (["package", "--version", "x"], 2)])
def test_exit_codes_are_mains(args: list[str], code: int) -> None:
    done = subprocess.run([sys.executable, "-m", "armgen.cli", *args], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == code
    assert (done.stdout if code == 0 else done.stderr).startswith("armgen")


def test_all_output_and_atexit_handlers_survive() -> None:
    # an atexit handler that writes to stdout (buffered: nothing flushes it but the exit) after a
    # write of several pipe buffers' worth: all of it reaches the reader, in order
    done = _run("""
        import atexit
        atexit.register(lambda: sys.stdout.write("atexit ran\\n"))
        sys.stdout.write("x" * 300_000)
    """, "--version")
    assert done.returncode == 0
    assert done.stdout.startswith("x" * 300_000)
    assert done.stdout[300_000:].splitlines() == [f"armgen, version {__version__}", "atexit ran"]


def test_a_running_thread_is_waited_for() -> None:
    # a non-daemon thread still working when main returns: Python's exit waits for it, so must ours;
    # the thread proves it finished by what it prints after main is done
    done = _run("""
        import threading
        started = threading.Event()
        def late():
            started.wait()
            import time
            time.sleep(0.2)
            print("thread finished", flush=True)
        threading.Thread(target=late).start()
        import armgen.cli
        real = armgen.cli.main
        def main(argv=None):
            rc = real(argv)
            started.set()
            return rc
        armgen.cli.main = main
    """, "--version")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"armgen, version {__version__}", "thread finished"]
