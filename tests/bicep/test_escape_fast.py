"""escape_string skips strings with nothing to escape (issue 18): same answer as the full loop."""

from __future__ import annotations

import itertools

from armgen.render.bicep import escape_string


def loop(s: str) -> str:
    """escape_string as it was: every character looked at."""
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "$" and s[i + 1 : i + 2] == "{":
            out.append("\\$")
        elif ord(ch) < 0x20:
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return "".join(out)


def test_every_short_combination_escapes_as_the_loop_does() -> None:
    alphabet = ["a", "\\", "'", "$", "{", "}", "\n", "\r", "\t", "\x00", "\x1f", " ", "\x7f", "é", "\u2028"]
    for n in range(4):
        for combo in itertools.product(alphabet, repeat=n):
            s = "".join(combo)
            assert escape_string(s) == loop(s), repr(s)
