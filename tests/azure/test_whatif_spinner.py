"""what-if on a real pseudo-terminal: the spinner shows while Resource Manager works, is erased
before the result, and never appears in JSON output."""

from __future__ import annotations

import os
import re
import select
import sys
from pathlib import Path
from typing import Any

import pytest

from armgen.cli import main
from armgen.cli.spinner import FRAMES


@pytest.fixture
def pty_streams(monkeypatch: pytest.MonkeyPatch) -> Any:
    pty = pytest.importorskip("pty")
    monkeypatch.setenv("TERM", "xterm")
    master, slave = pty.openpty()
    stream = open(slave, "w", encoding="utf-8", buffering=1)
    seen = bytearray()

    def attach() -> None:
        """stdout and stderr on the terminal; from inside the test, since pytest puts its own
        capture back in place between a fixture's setup and the test's call."""
        monkeypatch.setattr(sys, "stdout", stream)
        monkeypatch.setattr(sys, "stderr", stream)

    def read_until(predicate: Any, timeout: float = 30.0) -> bool:
        while not predicate(bytes(seen)):
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                return False
            seen.extend(os.read(master, 65536))
        return True

    yield seen, read_until, attach
    stream.close()
    os.close(master)


def test_what_if_spins_while_azure_works_and_never_in_json(fake_arm: Any, pty_streams: Any) -> None:
    from tests.azure.helpers import CREATES, PARAMS, RG, TEMPLATE_DIR
    from tests.fakearm.fixtures import SUBSCRIPTION
    from tests.fakearm.whatif import install_what_if

    seen, read_until, attach = pty_streams
    attach()
    frames = tuple(f.encode() for f in FRAMES)
    fake_arm.add_resource_group(SUBSCRIPTION, RG)
    svc = install_what_if(fake_arm)
    shown_while_waiting: list[bool] = []

    def changes(body: Any) -> list[dict[str, Any]]:
        # Resource Manager answers only once the terminal has shown the spinner
        shown_while_waiting.append(read_until(lambda b: any(f in b for f in frames) and b"Running what-if" in b))
        return list(CREATES)

    svc.changes = changes
    argv = ["what-if", "-g", RG, "--subscription", SUBSCRIPTION, "--endpoint", fake_arm.base_url, "-p", PARAMS,
            TEMPLATE_DIR]
    assert main(argv) == 0
    sys.stdout.flush()
    assert shown_while_waiting == [True], bytes(seen)[:500]
    assert read_until(lambda b: b"Resource changes: 4 to create." in b)
    text = bytes(seen).decode()
    erase = re.search(r"\r {10,}\r", text)  # the spinner blanks its line...
    assert erase, text[:300]
    spun, result = text[: erase.start()], text[erase.end():]
    assert "Running what-if" in spun and spun.startswith("\r")  # ...after spinning...
    assert "Running what-if" not in result and not any(f.decode() in result for f in frames)  # ...before the result
    assert "Resource changes: 4 to create." in result

    seen.clear()
    svc.changes = list(CREATES)
    assert main([*argv, "-o", "json"]) == 0
    sys.stdout.flush()
    assert read_until(lambda b: b'"gate"' in b and b.rstrip().endswith(b"}"))
    assert "Running what-if" not in bytes(seen).decode() and not any(f in bytes(seen) for f in frames)
    assert Path(PARAMS).is_file()
