"""Start a child process that Ctrl-C (SIGINT) can interrupt, however the test run was started.

Why: a process started in the background by a non-interactive shell (``make test &``, a CI runner,
``nohup``) inherits SIGINT as *ignored*, and Python then installs no KeyboardInterrupt handler.
A test that sends SIGINT to an ``armgen`` child would see it ignored and time out, failing for a
reason that has nothing to do with armgen. The child gets SIGINT back at its default disposition,
so it behaves like a command run from a terminal, which is what these tests are about.
"""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def popen_interruptible(args: list[str], **kwargs: Any) -> subprocess.Popen[str]:
    """``subprocess.Popen(args, text=True, **kwargs)`` with SIGINT at its default in the child."""
    return subprocess.Popen(args, text=True, preexec_fn=_default_sigint, **kwargs)
