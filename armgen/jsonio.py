"""Deterministic JSON text and atomic file writes.

Outputs must be byte-identical for the same input and never half-written: every file armgen
writes goes through :func:`write_atomic` (temp file in the same folder, fsync, rename).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from armgen.errors import InputError


def dumps(doc: Any) -> str:
    """JSON as armgen writes it: 2-space indent, key order preserved, UTF-8, trailing newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _write_error(target: Path, exc: OSError) -> InputError:
    """An OSError while writing ``target`` as the one line a user gets (no temp-file names)."""
    return InputError(f"cannot write: {exc.strerror or exc}", file=str(target))


def _stage(target: Path, raw: bytes) -> str:
    """Write ``raw`` to a synced temp file beside ``target``; returns the temp file's name."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _write_error(target, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException as exc:
        _unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(target, exc) from None
        raise
    return tmp


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    A path that cannot be written (a parent that is a file, a folder in the way, no permission,
    disk full) is an :class:`InputError` naming ``path``.
    """
    write_all_atomic({path: data})


def write_all_atomic(files: Mapping[str | os.PathLike[str], str | bytes]) -> None:
    """Write several files so that a failure leaves every one of them as it was.

    Every payload is first written to a synced temp file beside its target; only when all of
    them are staged are they renamed into place. So a path that cannot be written (or a full
    disk) fails before any target changes, and a build never leaves a folder that mixes new and
    old files.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            target = Path(path)
            if target.is_dir():
                raise InputError("cannot write: a folder is in the way", file=str(target))
            raw = data.encode("utf-8") if isinstance(data, str) else data
            staged.append((_stage(target, raw), target))
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _write_error(target, exc) from None
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                _unlink(tmp)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def parse_json(text: str, file: str) -> Any:
    """Parse strict JSON text; every way it can fail is one :class:`InputError` naming ``file``.

    Python's ``json`` accepts ``NaN``/``Infinity`` (not JSON, and no ARM document may hold them)
    and raises other errors than ``JSONDecodeError`` for input nested too deeply (RecursionError)
    or numbers too long to convert (ValueError): all of them reach the user as one line.
    """
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=file) from None
    except RecursionError:
        raise InputError("not usable JSON: nested too deeply", file=file) from None
    except ValueError as exc:
        msg = str(exc)
        if "integer string conversion" in msg:
            msg = "a number has too many digits"
        raise InputError(f"not usable JSON: {msg}", file=file) from None


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is dropped), or an InputError saying where the bytes are not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}", file=file) from None


def load_json(path: str | os.PathLike[str]) -> Any:
    """Read a strict JSON file (UTF-8, BOM tolerated), with a one-line error naming the file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=str(p)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=str(p)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(p)) from None
    return parse_json(decode_text(raw, str(p)), str(p))


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, as error messages should say it to a user
    ("expected integer, got string"), not Python's name for it."""
    if value is None:
        return "null"
    for py, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"),
                     (dict, "object")):
        if isinstance(value, py):
            return name
    return type(value).__name__
