"""The one reading and writing layer for files and JSON: one-line errors, atomic writes.

Reading: every file armgen reads comes in through :func:`read_bytes` (an OSError becomes an
:class:`InputError` naming the file), every text through :func:`decode_text` (bytes that are not
UTF-8 name their offset) and every JSON document through :func:`parse_json` / :func:`load_json`,
which also refuse what Python's ``json`` reads but no later step can use: ``NaN``, numbers too
long to convert, nesting deeper than the stack, and strings holding an unpaired UTF-16 surrogate
(the valid JSON escape ``"\ud800"``), which cannot be encoded as UTF-8 and so would crash the first
print or write long after the read. Each refusal names the file and the JSON path. Zips come in
through :mod:`armgen.zipio`, which hands its entries to these same functions.

Writing: outputs must be byte-identical for the same input and never half-written: every file
armgen writes goes through :func:`write_atomic` / :func:`write_all_atomic` (temp files in the
same folder, fsync, rename; folders created for the write are removed again when it fails).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from armgen.errors import InputError, json_path


def dumps(doc: Any) -> str:
    """JSON as armgen writes it: 2-space indent, key order preserved, UTF-8, trailing newline.

    The text is always what ``json.dumps(doc, indent=2, ensure_ascii=False)`` writes (Python's
    indenting encoder is pure Python, and slow on a template of hundreds of resources): a large
    document of plain JSON values is written by orjson, whose output is the same bytes for
    those; anything else (a float, whose spelling differs, a subclass, an integer over 64 bits,
    an unpaired surrogate, a key that is not a string, nesting over orjson's limit) by ``json``.
    """
    if _worth_orjson(doc):
        fast = _orjson_dumps(doc)
        if fast is not None:
            return fast
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


#: below this many values, importing orjson costs more than it saves
ORJSON_MIN_NODES = 20_000
_PLAIN = frozenset({str, int, bool, type(None)})
_ORJSON_MAX_DEPTH = 250  # orjson refuses more than 255 levels


def _worth_orjson(doc: Any) -> bool:
    """Whether ``doc`` holds only dicts, lists, strings, integers, booleans and nulls (exact
    types: orjson and json write those alike), nests less deeply than orjson allows (which also
    ends the scan of a document that contains itself) and is large enough to be worth orjson."""
    level, depth, count, plain = [doc], 0, 0, _PLAIN
    while level:
        depth += 1
        if depth > _ORJSON_MAX_DEPTH:
            return False
        count += len(level)
        below: list[Any] = []
        push = below.extend
        for node in level:
            kind = type(node)
            if kind in plain:
                continue
            if kind is dict:
                push(node.values())
            elif kind is list or kind is tuple:
                push(node)
            else:
                return False
        level = below
    return count >= ORJSON_MIN_NODES


def _orjson_dumps(doc: Any) -> str | None:
    try:
        import orjson
    except ImportError:
        return None
    try:
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except TypeError:  # orjson.JSONEncodeError: over 64 bits, a surrogate, a non-str key, too deep
        return None


def _write_error(target: Path, exc: OSError) -> InputError:
    """An OSError while writing ``target`` as the one line a user gets (no temp-file names)."""
    return InputError(f"cannot write: {exc.strerror or exc}", file=str(target))


def _make_parents(folder: Path, created: list[Path]) -> None:
    """``mkdir -p folder``, remembering each folder it created (so a failed write removes them)."""
    missing: list[Path] = []
    p = folder
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        d.mkdir()
        created.append(d)


def _stage(target: Path, raw: bytes, created: list[Path] | None = None) -> str:
    """Write ``raw`` to a synced temp file beside ``target``; returns the temp file's name."""
    import tempfile  # here, not at import: every command reads through this module, fewer write

    try:
        _make_parents(target.parent, created if created is not None else [])
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


def _encode(target: Path, data: str | bytes) -> bytes:
    """UTF-8 bytes of ``data``. Text that cannot be encoded (an unpaired surrogate that slipped
    past the readers) is refused before anything is written, naming the file it was meant for."""
    if isinstance(data, bytes):
        return data
    try:
        return data.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = data[exc.start]
        raise InputError(f"cannot write: the text holds an unpaired surrogate U+{ord(bad):04X}",
                         file=str(target)) from None


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    A path that cannot be written (a parent that is a file, a folder in the way, no permission,
    disk full) is an :class:`InputError` naming ``path``.
    """
    write_all_atomic({path: data})


def write_all_atomic(files: Mapping[str | os.PathLike[str], str | bytes]) -> None:
    """Write several files so that a failure leaves every one of them, and their folder, as it was.

    Every payload is first written to a synced temp file beside its target (the staging area:
    the same file system, so the final move is a rename); only when all of them are staged are
    they renamed into place. So a path that cannot be written (or a full disk) fails before any
    target changes, folders created for the write are removed again, and a build never leaves a
    folder that mixes new and old files.
    """
    staged: list[tuple[str, Path]] = []
    created: list[Path] = []
    done = False
    try:
        payloads = [(Path(path), _encode(Path(path), data)) for path, data in files.items()]
        for target, raw in payloads:
            if target.is_dir():
                raise InputError("cannot write: a folder is in the way", file=str(target))
            staged.append((_stage(target, raw, created), target))
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _write_error(target, exc) from None
        done = True
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                _unlink(tmp)
        if not done:
            for d in reversed(created):
                try:
                    d.rmdir()
                except OSError:
                    pass


# ----------------------------------------------------------------------------------------------
# Reading


# the largest file armgen reads: every input is a JSON document (Resource Manager takes 4 MB
# templates) or a package (Partner Center: 1 GB, but read entry by entry through armgen.zipio)
MAX_FILE_BYTES = 64 * 1024 * 1024


def read_bytes(path: str | os.PathLike[str], *, label: str | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file; a file that is missing, a folder, unreadable or over ``limit`` bytes
    (read no further than that: ``/dev/zero`` ends too) is one InputError naming ``label``."""
    shown = label or str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError("no such file", file=shown) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=shown) from None
    if len(raw) > limit:
        raise InputError(f"more than the {limit} bytes armgen reads from one file", file=shown)
    return raw


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


# a JSON escape of a surrogate code unit, or a surrogate already in the text: only then can a
# parsed string hold an unpaired one, so only then is the document walked
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """True when ``text`` holds an unpaired UTF-16 surrogate (it cannot be written as UTF-8)."""
    return _SURROGATE.search(text) is not None


def find_surrogate(doc: Any) -> tuple[tuple[str | int, ...], str] | None:
    """``(path, bad string)`` of the first string (key or value) in ``doc`` holding an unpaired
    surrogate, in document order; None when there is none. Iterative: any depth json reads."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), doc)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return path, value
        elif isinstance(value, dict):
            items = list(value.items())
            for key, _ in items:
                if _SURROGATE.search(key):
                    return (*path, key), key
            stack.extend(((*path, k), v) for k, v in reversed(items))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
    return None


def surrogate_message(text: str) -> str:
    """What to tell a user about a string holding an unpaired surrogate (printable as is)."""
    m = _SURROGATE.search(text)
    code = f"U+{ord(m.group()):04X}" if m else "a surrogate"
    return f"an unpaired UTF-16 surrogate ({code}) in a string: not text that can be written as UTF-8"


def refuse_surrogates(doc: Any, file: str | None, prefix: tuple[str | int, ...] = ()) -> None:
    """An InputError naming ``file`` and the JSON path of the first string in ``doc`` that holds
    an unpaired surrogate; nothing when there is none."""
    found = find_surrogate(doc)
    if found is not None:
        path, bad = found
        raise InputError(surrogate_message(bad), file=file, path=json_path((*prefix, *path)))


def check_text(value: str, file: str | None, path: str | None = None) -> str:
    """``value`` when it is text that can be written; else an InputError naming where it came
    from. Command-line arguments that were not UTF-8 bytes reach Python as unpaired surrogates."""
    m = _SURROGATE.search(value)
    if m:
        raise InputError(f"not valid UTF-8 text (U+{ord(m.group()):04X} is an unpaired surrogate)", file=file,
                         path=path)
    return value


#: How deeply a document read by armgen may nest. Real ARM templates, parameter files and
#: createUiDefinitions nest under 20 levels (the deepest of the 254 files of the shared
#: Marketplace corpus: 19). Every walker over a document (expression evaluation, lint, diagram,
#: preview, what-if rendering) recurses a few Python frames per level; this bound keeps all of
#: them far inside Python's recursion limit, so a deeper file is one clear error naming where it
#: goes too deep, never a RecursionError surfacing somewhere else without a file name.
MAX_NESTING = 128


def check_nesting(doc: Any, file: str | None, prefix: tuple[str | int, ...] = ()) -> None:
    """Raise :class:`InputError` naming ``file`` and the JSON path where ``doc`` nests deeper
    than :data:`MAX_NESTING` levels. Level by level (breadth first), so the common case costs
    one type test per value and no recursion."""
    level, depth = [doc], 0
    while level:
        depth += 1
        if depth > MAX_NESTING:
            where = [*prefix, *_deep_path(doc)]
            shown = json_path(where[:8]) + (f"... ({len(where) - 8} more levels)" if len(where) > 8 else "")
            raise InputError(f"nests deeper than {MAX_NESTING} levels", file=file, path=shown)
        below: list[Any] = []
        push = below.extend
        for node in level:
            kind = type(node)
            if kind is dict:
                push(node.values())
            elif kind is list:
                push(node)
        level = below


def _deep_path(doc: Any) -> list[str | int]:
    """The path, in document order, to the first value at depth :data:`MAX_NESTING` + 1 (the
    document itself is depth 1; only run once a document is known to be too deep)."""
    stack: list[tuple[Any, list[str | int]]] = [(doc, [])]
    while stack:
        node, path = stack.pop()
        if len(path) >= MAX_NESTING:
            return path
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend((child, [*path, key]) for key, child in reversed(list(items)))
    return []


def parse_json(text: str, file: str) -> Any:
    """Parse strict JSON text; every way it can fail is one :class:`InputError` naming ``file``.

    Python's ``json`` accepts ``NaN``/``Infinity`` (not JSON, and no ARM document may hold them),
    lone surrogate escapes (valid JSON, but not text any later write or print can encode) and
    raises other errors than ``JSONDecodeError`` for input nested too deeply (RecursionError)
    or numbers too long to convert (ValueError): all of them reach the user as one line, the
    surrogate naming its JSON path.
    """
    try:
        doc = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=file) from None
    except RecursionError:
        raise InputError("not usable JSON: nested too deeply", file=file) from None
    except ValueError as exc:
        msg = str(exc)
        if "integer string conversion" in msg:
            msg = "a number has too many digits"
        raise InputError(f"not usable JSON: {msg}", file=file) from None
    if _MAYBE_SURROGATE.search(text):
        refuse_surrogates(doc, file)
    check_nesting(doc, file)
    return doc


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is dropped), or an InputError saying where the bytes are not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}", file=file) from None


def load_json(path: str | os.PathLike[str]) -> Any:
    """Read a strict JSON file (UTF-8, BOM tolerated), with a one-line error naming the file."""
    shown = str(path)
    return parse_json(decode_text(read_bytes(path), shown), shown)


def load_json_bytes(raw: bytes, file: str) -> Any:
    """:func:`load_json` for bytes already read (a zip entry, a download): same checks, same errors."""
    return parse_json(decode_text(raw, file), file)


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
