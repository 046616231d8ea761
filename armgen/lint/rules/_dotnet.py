"""Whether a string is a valid .NET regular expression (arm-ttk casts it with ``[Regex]::new``)."""

from __future__ import annotations

import functools

import regex

from armgen.lint import lazy


@functools.lru_cache(maxsize=1024)
def regex_error(pattern: str) -> str | None:
    """None when ``pattern`` compiles as a .NET regex would, else the reason it does not."""
    candidate = pattern.replace(r"\z", r"\Z")
    try:
        lazy.regex_compile(candidate, regex.V0)  # one that compiled before is rebuilt, not compiled
    except regex.error as exc:
        return str(exc)
    except (ValueError, OverflowError, RecursionError) as exc:
        return str(exc)
    return None
