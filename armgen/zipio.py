"""Reading zips with limits: the one place armgen opens a zip.

Every reader of zips (``package``/``inspect``, ``lint``, ``what-if``, ``preflight``, the rollout
inventory's template source) comes through here, because a zip is input that can lie about
itself: a 1 MB file can inflate to gigabytes (a bomb), hold 20,000 entries, name an entry
``../../etc/x`` or ``/abs``, hold the same name twice (which copy a reader takes depends on the
reader), flag a name as UTF-8 and hold bytes that are not, or point its central directory at a
negative offset. ``zipfile`` answers each of those with a different exception (or, for a bomb,
with no exception and a long wait), so each reader used to meet them as a traceback or a hang.

Here the limits are checked twice:

* before anything is decompressed, from the end-of-central-directory record (the entry count,
  before ``zipfile`` parses 20,000 headers) and then from the listing (names, declared sizes,
  compression ratio, encryption);
* while streaming each entry, on the bytes that actually come out (an entry that inflates to
  more than it declared, or than the limits allow, is stopped at the limit, not after).

Every failure is one :class:`~armgen.errors.InputError` naming the zip (and the entry).
"""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from armgen.errors import InputError
from armgen.records import FrozenRecord

MIB = 1024**2
GIB = 1024**3
_CHUNK = MIB

# what zipfile raises, one way or another, on a damaged or hostile archive
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error, OverflowError,
    IndexError, KeyError, NotImplementedError, RuntimeError, zlib.error, lzma.LZMAError,
)

# the end-of-central-directory records (APPNOTE 4.3.16, 4.3.14, 4.3.15)
_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIG = b"PK\x05\x06"
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64_LOCATOR_SIG = b"PK\x06\x07"
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_EOCD64_SIG = b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF
# a central directory header is 46 bytes plus name, extra field and comment; this bounds the
# directory zipfile is asked to parse to what `entries` plausible headers need
_CD_BYTES_PER_ENTRY = 46 + 1024


class ZipLimits(FrozenRecord):
    """What armgen reads from one zip. Defaults fit any Marketplace package many times over
    (Partner Center: a 1 GB zip; Resource Manager: a 4 MB template)."""

    __slots__ = __match_args__ = ("entries", "declared_bytes", "entry_bytes", "total_bytes", "ratio", "ratio_floor")
    entries: int
    declared_bytes: int
    entry_bytes: int
    total_bytes: int
    ratio: int
    ratio_floor: int

    def __init__(
        self,
        entries: int = 1000,  # file and folder entries
        declared_bytes: int = GIB,  # largest size an entry may declare (Partner Center's file limit)
        entry_bytes: int = 64 * MIB,  # largest entry read into memory
        total_bytes: int = 256 * MIB,  # everything read from one zip, together
        ratio: int = 100,  # uncompressed : compressed, for entries over ratio_floor
        ratio_floor: int = MIB,
    ) -> None:
        s = object.__setattr__
        s(self, "entries", entries)
        s(self, "declared_bytes", declared_bytes)
        s(self, "entry_bytes", entry_bytes)
        s(self, "total_bytes", total_bytes)
        s(self, "ratio", ratio)
        s(self, "ratio_floor", ratio_floor)


DEFAULT_LIMITS = ZipLimits()


class ZipEntry(FrozenRecord):
    """One file entry of a zip, as its central directory declares it (``info``, zipfile's own
    record of it, is neither compared nor shown)."""

    __slots__ = ("compressed", "info", "name", "size")
    __match_args__ = ("name", "size", "compressed")
    name: str
    size: int
    compressed: int
    info: zipfile.ZipInfo

    def __init__(self, name: str, size: int, compressed: int, info: zipfile.ZipInfo) -> None:
        s = object.__setattr__
        s(self, "name", name)
        s(self, "size", size)
        s(self, "compressed", compressed)
        s(self, "info", info)

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.name, self.size, self.compressed, self.info))


def _refuse(label: str, message: str) -> InputError:
    return InputError(message, file=label)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _entry_count(fp: IO[bytes], size: int, label: str) -> tuple[int, int]:
    """``(entries, central directory bytes)`` from the end record, before zipfile parses anything.

    A zip64 archive keeps its real counts in the zip64 end record, pointed to by a locator just
    before the classic one.
    """
    tail_len = min(size, _EOCD.size + _MAX_COMMENT)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    at = tail.rfind(_EOCD_SIG)
    if at < 0 or len(tail) - at < _EOCD.size:
        raise _refuse(label, "not a zip file")
    _sig, _disk, _cd_disk, _n_disk, entries, cd_size, _cd_offset, _comment = _EOCD.unpack_from(tail, at)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc_at = at - _EOCD64_LOCATOR.size
        if loc_at >= 0 and tail[loc_at:loc_at + 4] == _EOCD64_LOCATOR_SIG:
            _s, _d, rec_offset, _disks = _EOCD64_LOCATOR.unpack_from(tail, loc_at)
            if 0 <= rec_offset <= size - _EOCD64.size:
                fp.seek(rec_offset)
                rec = fp.read(_EOCD64.size)
                if rec[:4] == _EOCD64_SIG:
                    fields = _EOCD64.unpack(rec)
                    entries, cd_size = fields[7], fields[8]
    return entries, cd_size


def _name_problem(name: str) -> str | None:
    """Why an entry name cannot be read safely, or None."""
    if name in ("", "/"):
        return "has an empty name"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return "has a control character in its name"
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        return "is an absolute path"
    if ".." in parts:
        return "climbs out of the package with '..'"
    return None


class ZipArchive:
    """An open zip whose listing passed the limits; entries are read by streaming under them.

    ``source`` is the zip's bytes or its path; ``label`` names it in errors.
    """

    def __init__(self, source: bytes | str | os.PathLike[str], label: str, limits: ZipLimits = DEFAULT_LIMITS):
        self.label = label
        self.limits = limits
        self._read_total = 0
        self._fp: IO[bytes]
        if isinstance(source, bytes | bytearray | memoryview):
            self._fp = io.BytesIO(bytes(source))
            self.size = len(source)
        else:
            try:
                self._fp = open(source, "rb")  # closed by close()
                self.size = os.fstat(self._fp.fileno()).st_size
            except FileNotFoundError:
                raise _refuse(label, "no such file") from None
            except IsADirectoryError:
                raise _refuse(label, "is a folder, not a file") from None
            except OSError as exc:
                raise _refuse(label, f"cannot read: {exc.strerror or exc}") from None
        try:
            self._zf = self._open()
            self.entries = self._check_listing()
        except BaseException:
            self._fp.close()
            raise

    # ---- opening ---------------------------------------------------------------------------
    def _open(self) -> zipfile.ZipFile:
        lim = self.limits
        try:
            entries, cd_size = _entry_count(self._fp, self.size, self.label)
        except InputError:
            raise
        except ZIP_ERRORS as exc:
            raise _refuse(self.label, f"not a readable zip: {_describe(exc)}") from None
        if entries > lim.entries:
            raise _refuse(self.label, f"the zip holds {entries} entries, more than the {lim.entries} armgen reads")
        if cd_size > lim.entries * _CD_BYTES_PER_ENTRY:
            raise _refuse(self.label, f"the zip's central directory is {cd_size} bytes, more than "
                                      f"{lim.entries} entries need")
        self._fp.seek(0)
        try:
            return zipfile.ZipFile(self._fp)
        except UnicodeDecodeError as exc:
            bad = exc.object[exc.start:exc.start + 1].hex() if isinstance(exc.object, bytes) else "?"
            raise _refuse(self.label, f"an entry name is flagged UTF-8 but is not UTF-8 (byte 0x{bad})") from None
        except ZIP_ERRORS as exc:
            msg = _describe(exc)
            raise _refuse(self.label, "not a zip file" if msg == "File is not a zip file"
                          else f"not a readable zip: {msg}") from None

    def _check_listing(self) -> list[ZipEntry]:
        lim = self.limits
        infos = self._zf.infolist()
        if len(infos) > lim.entries:
            raise _refuse(self.label, f"the zip holds {len(infos)} entries, more than the {lim.entries} armgen reads")
        seen: set[str] = set()
        out: list[ZipEntry] = []
        for info in infos:
            name = info.filename
            problem = _name_problem(name)
            if problem:
                raise _refuse(self.label, f"entry {name!r} {problem}")
            if name in seen:
                n = sum(1 for i in infos if i.filename == name)
                raise _refuse(self.label, f"entry {name} appears {n} times in the zip; which copy a reader takes "
                                          "depends on the reader")
            seen.add(name)
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise _refuse(self.label, f"entry {name} is encrypted")
            if info.file_size > lim.declared_bytes:
                raise _refuse(self.label, f"entry {name} declares {info.file_size} bytes, over the "
                                          f"{lim.declared_bytes}-byte limit for a file in a package")
            if info.file_size > lim.ratio_floor and info.file_size > lim.ratio * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise _refuse(self.label, f"entry {name} would inflate {ratio}:1 ({info.compress_size} to "
                                          f"{info.file_size} bytes), over the {lim.ratio}:1 armgen reads: a zip bomb?")
            out.append(ZipEntry(name, info.file_size, info.compress_size, info))
        return out

    # ---- reading ---------------------------------------------------------------------------
    def _stream(self, entry: ZipEntry, cap: int) -> Iterator[bytes]:
        """The entry's bytes in chunks, stopped as soon as they pass its declared size or ``cap``."""
        got = 0
        try:
            with self._zf.open(entry.info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > entry.size:
                        raise _refuse(self.label, f"entry {entry.name} inflates to more than the {entry.size} bytes "
                                                  "it declares")
                    if got > cap:
                        raise _refuse(self.label, f"entry {entry.name} is over the {cap} bytes armgen reads")
                    yield chunk
        except InputError:
            raise
        except ZIP_ERRORS as exc:
            raise _refuse(self.label, f"cannot read entry {entry.name}: {_describe(exc)}") from None
        if got != entry.size:
            raise _refuse(self.label, f"entry {entry.name} holds {got} bytes, not the {entry.size} it declares")

    def read(self, entry: ZipEntry | str) -> bytes:
        """An entry's bytes, within the per-entry and per-zip limits."""
        e = self._entry(entry)
        lim = self.limits
        if e.size > lim.entry_bytes:
            raise _refuse(self.label, f"entry {e.name} is {e.size} bytes, over the {lim.entry_bytes} bytes armgen "
                                      "reads from one entry")
        left = lim.total_bytes - self._read_total
        if e.size > left:
            raise _refuse(self.label, f"the zip's entries come to more than the {lim.total_bytes} bytes armgen reads "
                                      "from one zip")
        data = b"".join(self._stream(e, min(lim.entry_bytes, left)))
        self._read_total += len(data)
        return data

    def sha256(self, entry: ZipEntry | str) -> str:
        """The sha256 of an entry's bytes, streamed (nothing kept): for entries too big to read."""
        e = self._entry(entry)
        h = hashlib.sha256()
        for chunk in self._stream(e, self.limits.declared_bytes):
            h.update(chunk)
        return h.hexdigest()

    def _entry(self, entry: ZipEntry | str) -> ZipEntry:
        if isinstance(entry, ZipEntry):
            return entry
        for e in self.entries:
            if e.name == entry:
                return e
        raise _refuse(self.label, f"no entry {entry} in the zip")

    # ---- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        try:
            self._zf.close()
        finally:
            self._fp.close()

    def __enter__(self) -> ZipArchive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_zip(source: bytes | str | os.PathLike[str], label: str | None = None,
             limits: ZipLimits = DEFAULT_LIMITS) -> ZipArchive:
    """A :class:`ZipArchive` (use it as a context manager)."""
    return ZipArchive(source, label or str(source if not isinstance(source, bytes) else "<zip>"), limits)


def read_zip(source: bytes | str | os.PathLike[str], label: str | None = None, limits: ZipLimits = DEFAULT_LIMITS,
             want: Callable[[str], bool] | None = None) -> dict[str, bytes]:
    """Entry name -> bytes for every file entry (or those ``want`` accepts), in the zip's order."""
    with open_zip(source, label, limits) as z:
        return {e.name: z.read(e) for e in z.entries if want is None or want(e.name)}


def is_zip(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a file that ends like a zip (its end record is there): the test
    every reader uses to tell a package from a folder or a JSON file."""
    p = Path(path)
    try:
        return p.is_file() and zipfile.is_zipfile(p)
    except ZIP_ERRORS:
        return False
