"""Value classes that are cheap to define: the records a command makes on its way (findings,
problems, limits, lint units, expression nodes), as plain classes.

Why not dataclasses: Python 3.11 writes each dataclass's ``__init__``, ``__repr__``, ``__eq__``
(``__hash__``, ``__setattr__``...) as source text and compiles it when the class is created, about
half a millisecond a class; the forty a ``armgen package`` imported were a tenth of its time
(issue 18). A :class:`Record` names its fields, in order, in ``__match_args__`` (as a dataclass
does; usually written ``__slots__ = __match_args__ = (...)``, one level: a record does not derive
from another) and writes its ``__init__`` out, taking the fields in that order (positionally too);
``==`` and ``repr`` come from here, over the fields in that order, as a dataclass's would.
:class:`FrozenRecord` is also hashable and refuses assignment after ``__init__`` (which sets its
fields with ``object.__setattr__``).

A record that dataclasses' own functions must still work on (``dataclasses.asdict`` for a
command's JSON, ``fields`` and ``replace`` for the expression tree) is also declared
``@dataclass(init=False, repr=False, eq=False)`` with its fields annotated (and no ``__slots__``):
that records the fields and sets ``__match_args__`` without generating any code, a twentieth of
the cost.
"""

from __future__ import annotations

import reprlib
from typing import Any


class Shown:
    """``repr`` over the fields named in ``__match_args__``; ``==`` stays identity (a dataclass
    declared with ``eq=False``: the template model's objects)."""

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({shown})"


class Record(Shown):
    """``==`` (same class, equal fields) and ``repr`` over the fields named in ``__match_args__``."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable: as a dataclass with eq and without frozen


class FrozenRecord(Record):
    """A :class:`Record` that is hashable and cannot be changed once made."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._fields())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a {self.__class__.__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a {self.__class__.__name__}")

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled (lint's worker processes send findings back) and copied through ``__init__``,
        # whose parameters are the fields in order, since assignment is refused
        return (self.__class__, self._fields())
