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


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_all_atomic(files: Mapping[str | os.PathLike[str], str | bytes]) -> None:
    """Write several files; nothing is written until every payload has been produced.

    The payloads are computed by the caller before this is called, so a validation failure never
    leaves a half-written output folder behind.
    """
    for path, data in files.items():
        write_atomic(path, data)


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
