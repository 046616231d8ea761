"""``armgen --help`` from the disk cache (issue 18, armgen/entry.py): the text is the one click
prints, byte for byte, for each width and flag; the second run imports no click; a damaged entry
or another terminal width gets click's text again, never a stale one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# prints armgen FLAG's output as the entry point gives it, and on stderr whether click was imported
_ENTRY = ("import atexit, sys\n"
          "atexit.register(lambda: print('click' in sys.modules, file=sys.stderr))\n"
          "sys.argv = ['armgen', *sys.argv[1:]]\n"
          "from armgen.entry import run\n"
          "run()\n")
# click's own output of armgen FLAG, as before the entry point existed
_CLICK = "import sys\nfrom armgen.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def _run(code: str, flag: str, cache: Path, columns: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARMGEN_CACHE_DIR": str(cache)}
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run([sys.executable, "-c", code, flag], capture_output=True, text=True, env=env, timeout=120,
                          check=True)


@pytest.mark.parametrize(("flag", "columns"), [("--help", None), ("-h", "60"), ("--help", "200")])
def test_the_cached_help_is_clicks_and_the_second_run_imports_no_click(tmp_path: Path, flag: str,
                                                                          columns: str | None) -> None:
    cache = tmp_path / "cache"
    expected = _run(_CLICK, flag, cache, columns).stdout
    first = _run(_ENTRY, flag, cache, columns)
    second = _run(_ENTRY, flag, cache, columns)
    assert first.stdout == expected and second.stdout == expected
    assert "Commands:" in expected
    assert (first.stderr, second.stderr) == ("True\n", "False\n")


def test_another_width_or_a_damaged_entry_gets_clicks_text_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(_ENTRY, "--help", cache, "200")
    narrow = _run(_ENTRY, "--help", cache, "60")
    assert narrow.stdout == _run(_CLICK, "--help", cache, "60").stdout
    assert narrow.stdout != _run(_CLICK, "--help", cache, "200").stdout  # the widths do differ
    assert narrow.stderr == "True\n"
    (entry,) = (cache / "help").iterdir()
    entry.write_bytes(b"\x00damaged")
    again = _run(_ENTRY, "--help", cache, "60")
    assert again.stdout == narrow.stdout and again.stderr == "True\n"
    assert _run(_ENTRY, "--help", cache, "60").stderr == "False\n"  # written again


def test_other_arguments_are_never_served_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(_ENTRY, "--help", cache, None)
    done = _run(_ENTRY, "--version", cache, None)
    assert done.stdout.startswith("armgen, version") and done.stderr == "True\n"
