"""Validation regexes derived from a parameter's own constraints.

The portal checks a TextBox with a JavaScript regex and arm-ttk compiles the same pattern with
.NET, so every pattern here sticks to the common subset (character classes, ``{m,n}``,
non-capturing groups, lookahead). arm-ttk warns when a TextBox regex has no ``{m}``/``{m,n}``
length quantifier, so every derived pattern carries one: the length check is what stops a
user from pasting a paragraph into a name field.

Deriving from the parameter (rather than asking offers to repeat themselves) means the UI can
never accept a value that the template's ``minValue``/``maxValue``/``minLength``/``maxLength``/
``allowedValues`` would reject at deployment time.
"""

from __future__ import annotations

import re
from typing import Any

#: An ARM int is 64-bit; 18 digits keeps any accepted value inside it.
_MAX_INT_DIGITS = 18
#: Free text without an explicit maximum: long enough for names and URLs, short enough to be sane.
_DEFAULT_MAX_LENGTH = 256
#: Upper bound added to an offer's own regex that has none (resource ids run long).
_GUARD_MAX_LENGTH = 1024


def _digits_range(lo: int, hi: int) -> list[str]:
    """Alternatives matching every non-negative integer in [lo, hi] (no leading zeros).

    Classic split: first into equal digit counts, then peel off the ranges that differ only in
    their trailing digits, so each alternative is a fixed prefix followed by ``[0-9]{k}``.
    """
    if lo > hi:
        return []
    out: list[str] = []
    if len(str(lo)) != len(str(hi)):
        top = 10 ** len(str(lo)) - 1
        return _digits_range(lo, top) + _digits_range(top + 1, hi)
    # Same digit count from here on.
    if lo == hi:
        return [str(lo)]
    n = len(str(lo))
    # Find the longest common prefix.
    s_lo, s_hi = str(lo), str(hi)
    i = 0
    while i < n and s_lo[i] == s_hi[i]:
        i += 1
    prefix = s_lo[:i]
    rest = n - i - 1  # digits after the first differing one
    d_lo, d_hi = int(s_lo[i]), int(s_hi[i])
    tail_lo = s_lo[i + 1 :]
    tail_hi = s_hi[i + 1 :]
    if rest == 0:
        out.append(prefix + _char_class(d_lo, d_hi))
        return out
    all_zero = tail_lo == "0" * rest
    all_nine = tail_hi == "9" * rest
    first = d_lo if all_zero else d_lo + 1
    last = d_hi if all_nine else d_hi - 1
    if not all_zero:
        out += _digits_range(int(s_lo), int(prefix + s_lo[i] + "9" * rest))
    if first <= last:
        out.append(prefix + _char_class(first, last) + f"[0-9]{{{rest}}}")
    if not all_nine:
        out += _digits_range(int(prefix + s_hi[i] + "0" * rest), int(s_hi))
    return out


def _char_class(a: int, b: int) -> str:
    if a == b:
        return str(a)
    return f"[{a}-{b}]"


def int_regex(min_value: int | None, max_value: int | None) -> str:
    """A regex accepting exactly the integers in [min_value, max_value] (either end open)."""
    if min_value is None and max_value is None:
        return rf"^-?[0-9]{{1,{_MAX_INT_DIGITS}}}$"
    if min_value is None or max_value is None:
        # Half-open: only the sign and the digit count can be checked by a regex.
        lo_neg = min_value is None or min_value < 0
        sign = "-?" if lo_neg else ""
        return rf"^{sign}[0-9]{{1,{_MAX_INT_DIGITS}}}$"
    lo, hi = min_value, max_value
    alts: list[str] = []
    if lo < 0:
        neg_hi = min(hi, -1)
        # -|neg_hi| .. -|lo| as positive magnitudes.
        alts += ["-" + a for a in _digits_range(-neg_hi, -lo)]
    if hi >= 0:
        alts += _digits_range(max(lo, 0), hi)
    width = max(len(str(lo)), len(str(hi)))
    # The lookahead gives arm-ttk its length quantifier and rejects overlong input early.
    return rf"^(?=-?[0-9]{{1,{width}}}$)(?:{'|'.join(alts)})$"


def int_message(min_value: int | None, max_value: int | None) -> str:
    if min_value is not None and max_value is not None:
        return f"Enter a whole number from {min_value} to {max_value}."
    if min_value is not None:
        return f"Enter a whole number of at least {min_value}."
    if max_value is not None:
        return f"Enter a whole number of at most {max_value}."
    return "Enter a whole number."


def string_regex(min_length: int | None, max_length: int | None, required: bool) -> str:
    lo = min_length if min_length is not None else (1 if required else 0)
    hi = max_length if max_length is not None else max(_DEFAULT_MAX_LENGTH, lo)
    return rf"^[\s\S]{{{lo},{hi}}}$"


def string_message(min_length: int | None, max_length: int | None, required: bool) -> str:
    lo = min_length if min_length is not None else (1 if required else 0)
    hi = max_length if max_length is not None else max(_DEFAULT_MAX_LENGTH, lo)
    if lo == 0:
        return f"Enter at most {hi} characters."
    return f"Enter {lo} to {hi} characters."


def allowed_regex(values: list[Any]) -> str:
    """Exactly one of ``values``; the lookahead carries the length quantifier arm-ttk looks for."""
    texts = [str(v) for v in values]
    longest = max((len(t) for t in texts), default=1)
    shortest = min((len(t) for t in texts), default=0)
    alts = "|".join(re.escape(t) for t in texts)
    return rf"^(?=[\s\S]{{{shortest},{longest}}}$)(?:{alts})$"


def allowed_message(values: list[Any]) -> str:
    return "Enter one of: " + ", ".join(str(v) for v in values) + "."


def password_regex(min_length: int | None, max_length: int | None) -> str:
    """At least 12 characters (arm-ttk PasswordBoxes-Must-Have-Min-Length), more if the template asks."""
    lo = max(12, min_length or 0)
    hi = max_length if max_length is not None else max(123, lo)
    return rf"^[\s\S]{{{lo},{hi}}}$"


def with_length_guard(pattern: str, min_length: int | None, max_length: int | None) -> str:
    """``pattern`` behind a lookahead that bounds the whole value's length.

    The lookahead is anchored at the start and carries the ``{m,n}`` quantifier arm-ttk looks
    for; the original pattern keeps its own anchors and alternatives inside a group.
    """
    lo = min_length or 0
    hi = max_length if max_length is not None else max(_GUARD_MAX_LENGTH, lo)
    return rf"^(?=[\s\S]{{{lo},{hi}}}$)(?:{pattern})"


def has_length_quantifier(pattern: str) -> bool:
    """Whether ``pattern`` has a ``{m}``, ``{m,}`` or ``{m,n}`` quantifier (arm-ttk's warning test)."""
    return re.search(r"\{\d+(,\d*)?\}", pattern) is not None
