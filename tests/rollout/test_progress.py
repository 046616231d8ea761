"""Progress output: a redrawn bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import io

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
