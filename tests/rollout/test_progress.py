"""Progress output: a redrawn bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import io
import threading

import pytest

from armgen.azure.rollout import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_gets_a_bar_and_failures_stay_visible() -> None:
    out = Tty()
    p = Progress(4, out)
    p.event("a", "running")
    p.event("a", "succeeded", final=True)
    p.event("b", "failed", "SkuNotAvailable: no", final=True)
    p.close()
    text = out.getvalue()
    assert "\r\033[2K[" + "#" * 15 + "." * 15 + "] 2/4 failed 1 succeeded 1" in text
    assert "[2/4] b: failed (SkuNotAvailable: no)\n" in text  # printed on its own line above the bar
    assert "a: succeeded" not in text  # successes only move the bar
    assert text.endswith("\n")


def test_plain_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    p = Progress(2, out)
    p.event("a", "running", "cc-a")
    p.event("a", "succeeded", "correlation x", final=True)
    p.close()
    assert out.getvalue() == "[0/2] a: running (cc-a)\n[1/2] a: succeeded (correlation x)\n"


class Broken(io.StringIO):
    """A stream whose reader went away (a closed pipe)."""

    def isatty(self) -> bool:
        return False

    def write(self, s: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_lines_are_written_in_order_by_the_printer_and_close_drains_them() -> None:
    out = io.StringIO()
    p = Progress(50, out)
    for i in range(50):
        p.event(f"t{i:02d}", "succeeded", final=True)
    p.close()
    assert out.getvalue().splitlines() == [f"[{i + 1:>2}/50] t{i:02d}: succeeded" for i in range(50)]
    p.event("late", "skipped", final=True)  # usable after close: a new printer
    p.close()
    assert out.getvalue().endswith("[51/50] late: skipped\n")


def test_a_stream_that_fails_reaches_the_next_event() -> None:
    """What a worker writing the line itself would have met: the stream's error, raised in it."""
    p = Progress(2, Broken())
    p.event("a", "running")
    printer = p._printer
    assert printer is not None
    printer.join(5)  # the printer met the error and stopped
    with pytest.raises(BrokenPipeError):
        p.event("a", "succeeded", final=True)
    p.close()
    assert not any(t is printer for t in threading.enumerate())
