"""The ``armgen`` script's entry point: what runs before click is imported, and how the process ends.

Why a module of its own, outside :mod:`armgen.cli`: importing that package builds the click group,
and importing click (with the ``inspect``, ``typing``, ``uuid`` and ``gettext`` it imports) is
most of what ``armgen --help`` costs and a fifth of ``armgen package``. Three things are done
here for every command, at no import cost:

* the cyclic garbage collector runs less often (:data:`GC_THRESHOLD`): a command allocates
  hundreds of thousands of objects that live until it ends (modules, the model, parsed
  documents), and the default threshold scanned them some sixty times per ``armgen package``
  for almost no garbage (4% of its time);
* ``armgen --help`` prints the text click printed the last time, when nothing it depends on has
  changed (:func:`_help`); otherwise click makes it, as always, and it is kept for next time;
* the process ends with a quick exit (:func:`quick_exit`), skipping the interpreter's teardown.
"""

from __future__ import annotations

import gc
import os
import sys

#: gc thresholds while a command runs: the first generation is collected every 100,000 net
#: allocations (Python's default is 700); the older generations as by default relative to it
GC_THRESHOLD = (100_000, 10, 10)

#: the arguments whose output :func:`_help` may take from the disk cache
HELP_FLAGS = ("--help", "-h")
#: most texts kept (one per terminal width and environment seen lately)
HELP_ENTRIES = 8
_HELP_FORMAT = 1


def run() -> None:
    """``armgen``: the command line of :mod:`armgen.cli`, then a quick exit with its exit code."""
    gc.set_threshold(*GC_THRESHOLD)
    argv = sys.argv[1:]
    if len(argv) == 1 and argv[0] in HELP_FLAGS:
        text = _help(argv[0])
        if text is not None:
            _printable_stdout()
            sys.stdout.write(text)
            quick_exit(0)
    from armgen.cli import main

    quick_exit(main())


# ----------------------------------------------------------------------------------------------
# `armgen --help` without click


def _help(flag: str) -> str | None:
    """What ``armgen FLAG`` prints: from the disk cache when everything the text depends on is as
    it was (:func:`_help_key`), else made by click now and kept. None when it cannot be told
    (the caller then runs the command line as usual)."""
    import marshal

    from armgen.checks import diskcache

    key = _help_key(flag)
    if key is None:
        return None
    entry = os.path.join(diskcache.user_cache_path(), "help", f"{_HELP_FORMAT}.marshal")
    try:
        with open(entry, "rb") as f:
            entries = marshal.loads(f.read())
        if type(entries) is not dict:
            entries = {}
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or damaged: made again below
        entries = {}
    text = entries.get(key)
    if type(text) is str:
        return text
    text = _click_help(flag)
    if text is None:
        return None
    from pathlib import Path

    kept = {key: text, **{k: v for k, v in entries.items() if k != key}}  # the latest first
    diskcache.store(Path(entry), marshal.dumps(dict(list(kept.items())[:HELP_ENTRIES])))
    return text


def _help_key(flag: str) -> str | None:
    """Everything the help text depends on, as a string: the flag; the source files that make it
    (armgen's version and command table, click's package) by their stat; what click reads to
    choose the width (``COLUMNS``, the terminal's size) and the language (gettext's variables);
    and Python's version. None when click cannot be found without importing it."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("click")
    if spec is None or spec.origin is None:
        return None
    here = os.path.dirname(os.path.abspath(__file__))
    files = [os.path.join(here, "__init__.py"), os.path.join(here, "cli", "__init__.py"), spec.origin]
    try:
        stats = [(p, st.st_size, st.st_mtime_ns, st.st_ino) for p in files for st in [os.stat(p)]]
    except OSError:
        return None
    try:
        size: tuple[int, int] | str = tuple(os.get_terminal_size(sys.__stdout__.fileno()))  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError) as exc:  # not a terminal: shutil's fallback applies
        size = type(exc).__name__
    env = [os.environ.get(n) for n in ("COLUMNS", "LINES", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
    return repr((flag, sys.version, stats, size, env))


def _click_help(flag: str) -> str | None:
    """``armgen FLAG``'s output as click prints it (stdout captured), or None if it did not exit 0."""
    import contextlib
    import io

    from armgen.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([flag])
    return out.getvalue() if code == 0 else None


def _printable_stdout() -> None:
    """As :func:`armgen.cli._printable_streams` does for every command: any text can be written."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors="backslashreplace")
        except (ValueError, OSError):
            pass


# ----------------------------------------------------------------------------------------------
# Ending the process


def quick_exit(code: int) -> None:
    """End the process with ``code`` by ``os._exit`` once what a normal exit would still do for the
    user is done: the ``atexit`` handlers run (a library's clean-up, logging's flush), then
    stdout and stderr are flushed.

    Why: a normal exit tears the interpreter down, freeing every object of the ~250 modules a
    command imports one by one: a tenth of ``armgen package``, spent after the work was done with
    the user still waiting (mypy ends the same way). A normal exit is kept whenever the quick one
    could lose something: another thread still running (Python would wait for it), or a flush
    that fails (a closed pipe: Python's own exit reports it as it always did). Only the entry
    points call this; :func:`armgen.cli.main` returns, for tests and callers in-process.
    """
    threading = sys.modules.get("threading")  # not imported: no thread was ever started
    if threading is not None:
        main_thread = threading.main_thread()
        if any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()):
            sys.exit(code)
    import atexit

    atexit._run_exitfuncs()  # what Python's own exit runs first; each handler runs at most once
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except BaseException:  # e.g. BrokenPipeError: Python's exit reports it, as without us
            sys.exit(code)
    os._exit(code)
