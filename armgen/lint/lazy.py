"""Lint's patterns: compiled on first use, not when their module is imported, and kept compiled
on disk from one run to the next.

Why lazy: lint's rule modules hold some sixty module-level patterns, and compiling them all (the
``regex`` package's compiler is pure Python) was a tenth of ``armgen package`` before a single
rule ran, although a package uses only some: a template without a createUiDefinition never
needs the UI rules' patterns. A :class:`LazyPattern` is made at import for the price of storing
its arguments and compiled on the first attribute asked of it; each method asked for is then
kept on the instance, so later calls (``PATTERN.search(...)`` in a loop) go straight to the
compiled pattern's method.

Why on disk: even compiled lazily, the fifty patterns a package's lint uses took 10 ms to compile
in every run. A ``regex`` pattern pickles as its compiled form (the package registers a reduction
with :mod:`copyreg`: the function that rebuilds a pattern from its compiled code, and that code),
and rebuilding one from it takes microseconds. :func:`regex_compile` keeps those reductions in
armgen's disk cache (:mod:`armgen.checks.diskcache`), one file per version of ``regex`` and of
Python, written with :mod:`marshal` (importing :mod:`pickle` would cost what it saves) once a run
has compiled something new (:func:`save`). What goes there: the patterns armgen's code spells
(the module-level ones, those its factories build from names in the code) and the regex
constraints of a createUiDefinition, which a rule compiles to see that .NET would accept them
(some take milliseconds); not the patterns made per parameter or control name. At most
:data:`MAX_ENTRIES` are kept, the latest run's first.
"""

from __future__ import annotations

import copyreg
import importlib
import marshal
import sys
from collections.abc import Callable
from typing import Any

import regex

#: most entries the disk cache keeps (the patterns used by the latest run first)
MAX_ENTRIES = 1024

_compiled: dict[tuple[str, int], Any] = {}  # this process's patterns by (pattern, flags)
_stored: dict[tuple[str, int], tuple[Any, ...]] | None = None  # the disk cache's entries, once read
_rebuild: Callable[..., Any] | None = None  # the function the reductions name
_rebuild_name: tuple[str, str] | None = None
_used: dict[tuple[str, int], tuple[Any, ...]] = {}  # reductions of the patterns this process made
_dirty = False  # something compiled here that the disk cache did not have


def _cache_file() -> Any:
    from armgen.checks.diskcache import user_cache_dir

    tag = f"{regex.__version__}-{getattr(regex._regex, 'MAGIC', 0)}-{sys.implementation.cache_tag}"
    return user_cache_dir() / "lint-patterns" / f"{tag}.marshal"


def _read_store() -> dict[tuple[str, int], tuple[Any, ...]]:
    """The disk cache's entries ({} when there is none, it is damaged, or names another rebuilder)."""
    global _rebuild, _rebuild_name
    from armgen.checks import diskcache

    raw = diskcache.read(_cache_file())
    if raw is None:
        return {}
    try:
        name, entries = marshal.loads(raw)
        module, attr = name
        rebuild = getattr(importlib.import_module(module), attr)
    except Exception:  # damaged, or from a layout this code does not know: compile afresh
        return {}
    if not callable(rebuild) or type(entries) is not dict:
        return {}
    _rebuild, _rebuild_name = rebuild, (module, attr)
    return entries


def regex_compile(pattern: str, flags: int = 0) -> Any:
    """``regex.compile(pattern, flags)``, rebuilt from the disk cache when an earlier run compiled it.

    For patterns armgen's code spells (see the module's docstring): the result is the pattern the
    ``regex`` package's own unpickling gives, which is the compiled pattern.
    """
    global _stored, _dirty
    key = (pattern, int(flags))  # flags may be a RegexFlag: the disk cache keeps plain values
    got = _compiled.get(key)
    if got is not None:
        return got
    if _stored is None:
        _stored = _read_store()
    reduced = _stored.get(key)
    if reduced is not None and _rebuild is not None:
        try:
            got = _rebuild(*reduced)
        except Exception:  # an entry this version cannot rebuild: compile it
            got = None
    if got is None:
        got = regex.compile(pattern, flags)
        reduced = _reduce(got)
        if reduced is not None:
            _stored[key] = reduced
            _dirty = True
    if reduced is not None:
        _used[key] = reduced
    _compiled[key] = got
    return got


def _reduce(compiled: Any) -> tuple[Any, ...] | None:
    """The arguments that rebuild ``compiled`` (its copyreg reduction), when they can be stored."""
    global _rebuild, _rebuild_name
    reducer = copyreg.dispatch_table.get(type(compiled))
    if reducer is None:
        return None
    try:
        rebuild, args = reducer(compiled)
        name = (rebuild.__module__, rebuild.__name__)
        marshal.dumps(args)
    except Exception:  # not the shape expected, or not storable: this pattern is not cached
        return None
    if _rebuild_name not in (None, name):
        return None
    _rebuild, _rebuild_name = rebuild, name
    return tuple(args)


def save() -> None:
    """Write the patterns compiled in this process that the disk cache lacked (with what it
    holds: another process may have added some meanwhile); nothing when none was new. Called by
    :func:`armgen.lint.lint_path` after a run; a cache that cannot be written only costs speed."""
    global _dirty
    if not _dirty or _rebuild_name is None:
        return
    from armgen.checks import diskcache

    _dirty = False
    name = _rebuild_name
    merged = dict(_used)
    for key, value in {**(_stored or {}), **_read_store()}.items():
        if len(merged) >= MAX_ENTRIES:
            break
        merged.setdefault(key, value)
    if _rebuild_name == name:  # what is on disk now rebuilds the same way
        try:
            data = marshal.dumps((name, merged))
        except ValueError:  # not storable after all: the next run compiles again
            return
        diskcache.store(_cache_file(), data)


class LazyPattern:
    """A stand-in for ``compile(pattern, flags)`` that compiles on first use."""

    def __init__(self, compile_fn: Callable[..., Any], pattern: str, flags: int) -> None:
        self._compile_fn = compile_fn
        self._args = (pattern, flags)
        self._compiled: Any = None

    @property
    def compiled(self) -> Any:
        """The compiled pattern (compiled now if it was not yet)."""
        if self._compiled is None:
            self._compiled = self._compile_fn(*self._args)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        # only called for what the instance does not have yet: keep it, so the next call is direct
        value = getattr(self.compiled, name)
        if callable(value):
            setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r}, {self._args[1]!r})"


def compile(pattern: str, flags: int = 0) -> Any:
    """``regex.compile(pattern, flags)``, deferred to the pattern's first use (and cached on disk)."""
    return LazyPattern(regex_compile, pattern, flags)
