"""armgen's on-disk cache: where it lives, and reading and writing its entries.

What goes in it is derived from files armgen ships or is given (compiled schema validators,
parsed official schemas, apiVersions caches as lint reads them), keyed by a content hash of those
files: an entry is never stale (a changed input has another key, so nothing ever needs
invalidating) and an old entry is only unused. Lint's compiled patterns (``lint-patterns/``) are
keyed by the versions of ``regex`` and Python that compiled them, and by each pattern's text. Entries are written atomically (a synced temp file renamed over), so concurrent runs at
worst compute the same entry twice and no reader sees half a file. A cache that cannot be read
or written costs speed, never a failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_cache_dir() -> Path:
    """Where the on-disk cache lives: $ARMGEN_CACHE_DIR, else the platform's user cache dir."""
    if env := os.environ.get("ARMGEN_CACHE_DIR"):
        return Path(env)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "armgen"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "armgen" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "armgen"


def read(path: Path) -> bytes | None:
    """The bytes of a cache entry, or None when there is none (or it cannot be read)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def store(path: Path, data: bytes) -> None:
    """Write a cache entry atomically; best effort (a read-only or full disk only costs speed)."""
    from armgen.errors import InputError
    from armgen.jsonio import write_atomic

    try:
        write_atomic(path, data)
    except (OSError, InputError):
        pass
