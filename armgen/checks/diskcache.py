"""armgen's on-disk cache: where it lives, and reading and writing its entries.

What goes in it is derived from files armgen ships or is given (compiled schema validators,
parsed official schemas, apiVersions caches as lint reads them), keyed by a content hash of those
files (:func:`stat_memo` spares reading them again while they are unchanged): an entry is never stale (a changed input has another key, so nothing ever needs
invalidating) and an old entry is only unused. Lint's compiled patterns (``lint-patterns/``) are
keyed by the versions of ``regex`` and Python that compiled them, and by each pattern's text. Entries are written atomically (a synced temp file renamed over), so concurrent runs at
worst compute the same entry twice and no reader sees half a file. A cache that cannot be read
or written costs speed, never a failure.
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (armgen --help reads this cache)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path


def user_cache_dir() -> Path:
    """Where the on-disk cache lives: $ARMGEN_CACHE_DIR, else the platform's user cache dir."""
    from pathlib import Path

    return Path(user_cache_path())


def user_cache_path() -> str:
    """:func:`user_cache_dir` as a string, found without :mod:`pathlib` (``armgen --help`` reads
    the cache before anything imports it; see :mod:`armgen.entry`)."""
    if env := os.environ.get("ARMGEN_CACHE_DIR"):
        return env
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "armgen")
    if os.name == "nt":
        return os.path.join(os.environ.get("LOCALAPPDATA", home), "armgen", "Cache")
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "armgen")


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


def stat_memo(name: str, files: Sequence[Path], salt: str, compute: Callable[[], str]) -> str:
    """``compute()`` (a content digest of ``files``), remembered under ``name`` with the files'
    stat (path, size, mtime in ns, inode), ``salt`` and Python's version: while none of them changed, later runs
    read no file.

    Why: the compiled schema checks are keyed by a hash of the 38 schema files and of
    fastjsonschema's sources; reading and hashing those 50 files was 3 ms of every ``armgen
    package`` although they change only when armgen or fastjsonschema is upgraded. A file
    rewritten in place keeps its inode but gets a new mtime or size, so its stat no longer matches
    (Python trusts a .pyc on less: the source's mtime in seconds and its size). A stat that fails
    (a file gone) computes afresh, as does a damaged memo; the memo is one small entry per name,
    overwritten when the files change.
    """
    try:
        stamp = [salt, sys.version]  # another Python may share the cache (and hash other bytecode)
        for p in files:
            st = os.stat(p)
            stamp.append(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
        key = "\n".join(stamp)
    except OSError:
        return compute()
    entry = user_cache_dir() / "stat-memo" / f"{name}.marshal"
    raw = read(entry)
    if raw is not None:
        try:
            stored_key, digest = marshal.loads(raw)
        except (EOFError, ValueError, TypeError):  # damaged: computed and written again below
            stored_key, digest = None, None
        if stored_key == key and type(digest) is str:
            return digest
    digest = compute()
    store(entry, marshal.dumps((key, digest)))
    return digest

