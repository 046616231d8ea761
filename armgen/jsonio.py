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


def load_json(path: str | os.PathLike[str]) -> Any:
    """Read a strict JSON file (UTF-8, BOM tolerated), with a one-line error naming the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", file=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=str(p)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=str(p)) from None
