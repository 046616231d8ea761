"""A spinner on the terminal while a command waits on Azure.

A what-if or a deployment can take tens of seconds with nothing to print; a still terminal looks
hung. The spinner is for people only: it draws on stderr, and only when both stdout and stderr
are terminals (so a pipe, a file, CI logs or ``-o json`` never see a byte of it), and it erases
its line before anything else is printed. Usage::

    with spinner("Running what-if in appliance-rg", enabled=not is_machine(output)):
        result = run(...)
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
ASCII_FRAMES = "|/-\\"
INTERVAL = 0.1


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def wanted(out: IO[str] | None = None, err: IO[str] | None = None) -> bool:
    """A spinner only on a terminal: stdout and stderr both TTYs, and ``TERM`` not ``dumb``."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    return _is_tty(out) and _is_tty(err) and os.environ.get("TERM") != "dumb"


class Spinner:
    """Draws ``<frame> message (Ns)`` on ``stream`` from a daemon thread until stopped."""

    def __init__(self, message: str, stream: IO[str], interval: float = INTERVAL):
        self.message = message
        self.stream = stream
        self.interval = interval
        encoding = (getattr(stream, "encoding", None) or "ascii").lower()
        self.frames = FRAMES if "utf" in encoding else ASCII_FRAMES
        self._stop = threading.Event()
        self._drawn = threading.Event()  # set once the first frame is on the terminal
        self._lock = threading.Lock()
        self._width = 0
        self._thread = threading.Thread(target=self._run, name="armgen-spinner", daemon=True)

    def start(self) -> Spinner:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def _run(self) -> None:
        i = 0
        while not self._stop.is_set():
            elapsed = int(time.monotonic() - self._started)
            line = f"{self.frames[i % len(self.frames)]} {self.message}" + (f" ({elapsed}s)" if elapsed else "")
            with self._lock:
                if self._stop.is_set():
                    break
                self._write("\r" + line + " " * max(self._width - len(line), 0))
                self._width = len(line)
            self._drawn.set()
            i += 1
            self._stop.wait(self.interval)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: stop drawing, never fail the command
            self._stop.set()

    def above(self, write: Any) -> None:
        """Run ``write`` (which prints a line) with the spinner's line erased first: the line
        stays above, and the next frame is drawn below it. For commands that report progress
        while they wait."""
        with self._lock:
            if self._width:
                self._write("\r" + " " * self._width + "\r")
                self._width = 0
            write()

    def stop(self) -> None:
        """Stop and erase the line, so what is printed next starts at column 0 on a clean line."""
        self._stop.set()
        self._thread.join()
        with self._lock:
            if self._width:
                self._write("\r" + " " * self._width + "\r")
                self._width = 0


@contextlib.contextmanager
def spinner(message: str, *, enabled: bool = True, stream: IO[str] | None = None,
            out: IO[str] | None = None) -> Iterator[Spinner | None]:
    """Spin while the block runs, when ``enabled`` and on a terminal (see :func:`wanted`).

    Yields the running :class:`Spinner`, or None when there is none; the line is erased on the
    way out whatever happens in the block (an error, Ctrl-C).
    """
    err = stream if stream is not None else sys.stderr
    if not enabled or not wanted(out, err):
        yield None
        return
    s = Spinner(message, err).start()
    try:
        yield s
    finally:
        s.stop()
