"""The spinner: drawn on a terminal only, erased before anything else is printed, never in JSON
output or when stdout or stderr is not a terminal."""

from __future__ import annotations

import io
import threading

import pytest

from armgen.cli.spinner import Spinner, spinner, wanted


class FakeTTY(io.StringIO):
    def __init__(self, tty: bool = True):
        super().__init__()
        self.tty = tty
        self.wrote = threading.Event()

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> int:
        n = super().write(s)
        self.wrote.set()
        return n


def test_draws_on_a_terminal_and_erases_its_line() -> None:
    err, out = FakeTTY(), FakeTTY()
    with spinner("Running what-if in rg", stream=err, out=out) as s:
        assert isinstance(s, Spinner)
        assert s._drawn.wait(30)
    text = err.getvalue()
    assert text.startswith("\r") and "Running what-if in rg" in text
    last = text.rsplit("\r", 2)
    assert last[-1] == "" and last[-2].strip() == ""  # the last thing written blanks the line: '\r   \r'
    assert out.getvalue() == ""


@pytest.mark.parametrize(("out_tty", "err_tty", "enabled"), [(False, True, True), (True, False, True),
                                                              (True, True, False), (False, False, True)])
def test_silent_unless_both_streams_are_terminals_and_enabled(out_tty: bool, err_tty: bool, enabled: bool) -> None:
    err, out = FakeTTY(err_tty), FakeTTY(out_tty)
    before = threading.active_count()
    with spinner("waiting", stream=err, out=out, enabled=enabled) as s:
        assert s is None
        assert threading.active_count() == before
    assert err.getvalue() == "" and out.getvalue() == ""


def test_dumb_terminal_gets_no_spinner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    assert not wanted(FakeTTY(), FakeTTY())


def test_erased_when_the_block_raises() -> None:
    err = FakeTTY()
    with pytest.raises(KeyboardInterrupt), spinner("waiting", stream=err, out=FakeTTY()) as s:
        assert s is not None and s._drawn.wait(30)
        raise KeyboardInterrupt
    assert err.getvalue().endswith("\r") and not any(t.name == "armgen-spinner" and t.is_alive()
                                                     for t in threading.enumerate())
