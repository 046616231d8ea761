"""Errors that reach the user as one line and exit code 2.

Every layer raises :class:`InputError` for bad input (a file that is not JSON, an option that
does not validate, a parameter that is missing). The CLI turns it into ``armgen: FILE: PATH: msg``
and exit code 2, never a traceback, so a user always knows which file and which JSON path to fix.
"""

from __future__ import annotations

from collections.abc import Iterable


def json_path(parts: Iterable[str | int]) -> str:
    """Render a path like ``$.resources[3].properties.name`` from its parts."""
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p.isidentifier():
            out += f".{p}"
        else:
            out += "[" + repr(p) + "]"
    return out


class InputError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""

    exit_code = 2

    def __init__(self, message: str, file: str | None = None, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.path = path

    def __str__(self) -> str:
        where = [w for w in (self.file, self.path) if w]
        return ": ".join([*where, self.message])
