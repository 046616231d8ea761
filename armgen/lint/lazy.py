"""Patterns compiled on first use, not when their module is imported.

Why: lint's rule modules hold some sixty module-level patterns, and compiling them all (the
``regex`` package's compiler is pure Python) was a tenth of ``armgen package`` before a single
rule ran, although a package uses only some: a template without a createUiDefinition never
needs the UI rules' patterns. A :class:`LazyPattern` is made at import for the price of storing
its arguments and compiled on the first attribute asked of it; each method asked for is then
kept on the instance, so later calls (``PATTERN.search(...)`` in a loop) go straight to the
compiled pattern's method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import regex


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
    """``regex.compile(pattern, flags)``, deferred to the pattern's first use."""
    return LazyPattern(regex.compile, pattern, flags)
