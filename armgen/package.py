"""The Marketplace package: a deterministic zip, built only after every check passed.

Why deterministic: the zip is what a publisher uploads to Partner Center; the same inputs must
give the same bytes so a release can be reproduced and audited. So entries are sorted, every
timestamp is ``SOURCE_DATE_EPOCH`` (default 1980-01-01, the zip format's epoch), permissions
and compression are fixed, and nothing about the machine or the clock leaks in.

Why gated: a package Partner Center rejects, or one that deploys a broken template, costs a
certification round-trip. The zip is built in memory, unpacked into a temporary folder and
checked there (our schemas, ``armgen lint --marketplace``, the Marketplace rules, optionally
Azure's official schemas); only a clean package is written, atomically.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from armgen import zipio
from armgen.checks import marketplace as mp
from armgen.errors import InputError
from armgen.records import FrozenRecord, Record

DEFAULT_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry
ZIP_MIN_EPOCH = DEFAULT_EPOCH
ZIP_MAX_EPOCH = 4354819198  # 2107-12-31T23:59:58Z, the last time a zip entry (DOS date) can carry
FILE_MODE = 0o100644
COMPRESS_LEVEL = 9
# files a build or a source folder may hold that do not belong in the upload
_SKIP_SUFFIXES = (".bicep", ".bicepparam")
_SKIP_NAMES = ("bicepconfig.json",)


# ----------------------------------------------------------------------------------------------
# What goes into the zip


def _is_parameters_file(name: str) -> bool:
    low = name.lower()
    return low.endswith(".parameters.json") or (low.startswith("parameters") and low.endswith(".json"))


def select_files(files: Mapping[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """Split a build's or folder's files into (package entries, skipped names).

    Skipped: hidden files, Bicep sources and root-level parameters files (they are for local
    deployments; Partner Center's portal experience supplies the values).
    """
    keep: dict[str, bytes] = {}
    skipped: list[str] = []
    for name, data in files.items():
        pure = PurePosixPath(name)
        hidden = any(part.startswith(".") for part in pure.parts)
        root_params = len(pure.parts) == 1 and _is_parameters_file(name)
        if hidden or name.lower().endswith(_SKIP_SUFFIXES) or pure.name.lower() in _SKIP_NAMES or root_params:
            skipped.append(name)
        else:
            keep[name] = data
    return keep, sorted(skipped)


def read_folder(folder: str | os.PathLike[str]) -> dict[str, bytes]:
    """Every regular file under ``folder`` by its relative POSIX name (symlinks are not followed)."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError("not a folder", file=str(folder))
    if not (root / mp.MAIN_TEMPLATE).is_file():
        raise InputError(f"no {mp.MAIN_TEMPLATE} in this folder", file=str(folder))
    out: dict[str, bytes] = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


# ----------------------------------------------------------------------------------------------
# The zip itself


def source_epoch(env: Mapping[str, str] | None = None) -> int:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) if set, else 1980-01-01.

    The spec asks a build to fail on a malformed value rather than guess: anything but a whole
    number of seconds (a sign, a fraction, ``1_000``, other scripts' digits) is an InputError, and
    so is a time after 2107-12-31, the last one a zip entry can carry (larger values used to
    overflow ``time.gmtime``). Times before 1980, which a zip cannot carry either, are raised to
    1980-01-01 (``0`` is a common way to say "no particular time").
    """
    raw = (env if env is not None else os.environ).get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return DEFAULT_EPOCH
    text = raw.strip()
    if not re.fullmatch(r"[0-9]{1,20}", text):
        raise InputError(f"must be a whole number of seconds since 1970-01-01, got {raw!r}",
                         file="SOURCE_DATE_EPOCH")
    value = int(text)
    if value > ZIP_MAX_EPOCH:
        raise InputError(f"{value} is after 2107-12-31, the last time a zip entry can carry",
                         file="SOURCE_DATE_EPOCH")
    return max(value, ZIP_MIN_EPOCH)


def zip_bytes(files: Mapping[str, bytes], epoch: int | None = None) -> bytes:
    """A byte-stable zip of ``files``: sorted names, one timestamp, mode 0644, deflate level 9."""
    when = source_epoch() if epoch is None else min(max(epoch, ZIP_MIN_EPOCH), ZIP_MAX_EPOCH)
    stamp = time.gmtime(when)[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is honoured the same everywhere
            info.external_attr = FILE_MODE << 16
            zf.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
    return buf.getvalue()


def read_zip(data: bytes | str | os.PathLike[str], source: str) -> dict[str, bytes]:
    """Every file entry of a zip (folders left out), read through :mod:`armgen.zipio`'s limits.

    Unsafe or duplicate names, bombs, damage: each is one InputError naming ``source``.
    """
    return zipio.read_zip(data, source)


# Entry and Check stay dataclasses for dataclasses.asdict (the commands' JSON), declared so that
# no code is generated for them (see armgen.records): ==, hash and repr come from FrozenRecord
@dataclass(init=False, repr=False, eq=False)
class Entry(FrozenRecord):
    """One file of a package: its name, size, compressed size and sha256."""

    name: str
    size: int
    compressed: int
    sha256: str

    def __init__(self, name: str, size: int, compressed: int, sha256: str) -> None:
        s = object.__setattr__
        s(self, "name", name)
        s(self, "size", size)
        s(self, "compressed", compressed)
        s(self, "sha256", sha256)


def _is_json_entry(name: str) -> bool:
    return name.lower().endswith((".json", ".jsonc"))


# ----------------------------------------------------------------------------------------------
# Checks


@dataclass(init=False, repr=False, eq=False)
class Check(FrozenRecord):
    """One finding of any checker, in one shape so the report reads the same everywhere."""

    source: str  # "marketplace" | "lint" | "schema" | "official"
    severity: str  # "error" | "warning" | "note"
    file: str
    path: str
    message: str
    rule: str = ""

    def __init__(self, source: str, severity: str, file: str, path: str, message: str, rule: str = "") -> None:
        s = object.__setattr__
        s(self, "source", source)
        s(self, "severity", severity)
        s(self, "file", file)
        s(self, "path", path)
        s(self, "message", message)
        s(self, "rule", rule)

    def __str__(self) -> str:
        tag = f"{self.source}:{self.rule}" if self.rule else self.source
        where = ": ".join(w for w in (self.file, self.path) if w)
        return f"{self.severity} [{tag}] {where}: {self.message}"


class Report(Record):
    """Every check's findings on one package, and the files left out of it."""

    __slots__ = __match_args__ = ("checks", "skipped")

    def __init__(self, checks: list[Check] | None = None, skipped: list[str] | None = None) -> None:
        self.checks: list[Check] = [] if checks is None else checks
        self.skipped: list[str] = [] if skipped is None else skipped

    @property
    def errors(self) -> list[Check]:
        return [c for c in self.checks if c.severity == "error"]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.severity == "warning"]

    def lines(self, with_notes: bool = False) -> list[str]:
        order = {"error": 0, "warning": 1, "note": 2}
        shown = [c for c in self.checks if with_notes or c.severity != "note"]
        return [str(c) for c in sorted(shown, key=lambda c: (order.get(c.severity, 3), c.source, c.file, c.path, c.message))]


def _rel(file: Any, root: Path) -> str:
    text = str(file or "")
    for prefix in (str(root) + os.sep, str(root.resolve()) + os.sep):
        if text.startswith(prefix):
            return text[len(prefix) :].replace(os.sep, "/")
    if text in (str(root), str(root.resolve())):
        return ""
    return text


def _unpack(files: Mapping[str, bytes], root: Path) -> None:
    """Write entries under ``root``; unsafe names (absolute, '..') are not extracted."""
    for name, data in files.items():
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts or "\\" in name or ":" in parts[0]:
            continue
        target = root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _schema_checks(root: Path) -> list[Check]:
    from armgen.checks.schemas import validate_folder

    return [Check("schema", "error", _rel(p.file, root), p.path, p.message) for p in validate_folder(root)]


def _lint_checks(root: Path) -> list[Check]:
    try:
        from armgen.lint import lint_path
        from armgen.lint.apicache import HOW_TO_GET, resolve
    except ImportError as exc:  # the gate never passes without its linter
        raise InputError(f"armgen lint is not available, so the package cannot be checked: {exc}") from None
    if resolve() is None:  # without one the apiVersions tests would silently not run
        raise InputError(f"no apiVersions cache, so the package cannot be gated: {HOW_TO_GET}")

    try:
        report = lint_path(root, marketplace=True)
    except InputError as exc:  # e.g. nothing to lint: a finding about the package, not a crash
        return [Check("lint", "error", _rel(exc.file, root) or "<package>", exc.path or "",
                      _unroot(exc.message, root))]
    out = []
    for f in report.findings:
        where = f.path or (f"line {f.line}" if getattr(f, "line", None) else "")
        severity = str(getattr(f.severity, "value", f.severity)).lower()
        out.append(Check("lint", severity, _rel(f.file, root), where or "", _unroot(f.message, root),
                         str(f.test or f.id)))
    return out


def _unroot(message: str, root: Path) -> str:
    """``message`` with the scratch folder's path taken out, so reports name entries of the zip
    (and stay the same from run to run) even where the linter quotes a full file path."""
    for prefix in (str(root.resolve()) + os.sep, str(root) + os.sep, str(root.resolve()), str(root)):
        message = message.replace(prefix, "")
    return message


def run_checks(
    files: Mapping[str, bytes],
    *,
    version: str | None,
    zip_size: int | None,
    managed_app: bool | None = None,
    official_dir: str | os.PathLike[str] | None = None,
    limits: mp.Limits | None = None,
    schema: bool = True,
    lint: bool = True,
    sizes: dict[str, int] | None = None,
) -> Report:
    """Every check on a package's entries: Marketplace rules, our schemas, lint, official schemas."""
    view = mp.PackageView(dict(files), version=version, managed_app=managed_app, zip_size=zip_size,
                          limits=limits or mp.Limits(), sizes=dict(sizes or {}))
    report = Report()
    report.checks += [Check("marketplace", f.severity, f.file, f.path, f.message, f.rule) for f in mp.check(view)]
    with tempfile.TemporaryDirectory(prefix="armgen-package-") as tmp:
        root = Path(tmp)
        _unpack(files, root)
        if schema:
            report.checks += _schema_checks(root)
        if lint:
            report.checks += _lint_checks(root)
    if official_dir is not None:
        from armgen.checks import official

        texts = {n: d.decode("utf-8", errors="replace") for n, d in files.items() if n.lower().endswith(".json")}
        report.checks += [Check("official", p.severity, p.file, p.path, p.message) for p in official.validate_texts(texts, official_dir)]
    return report


# ----------------------------------------------------------------------------------------------
# Building a package


class PackageResult(Record):
    """A package that passed its checks: its file name, bytes, report, and where it was written."""

    __slots__ = __match_args__ = ("name", "data", "report", "path")

    def __init__(self, name: str, data: bytes, report: Report, path: Path | None = None) -> None:
        self.name = name
        self.data = data
        self.report = report
        self.path = path

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class GateError(Exception):
    """The checks found errors: nothing was written. Carries the report to print."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.errors)} error(s): package not written")
        self.report = report


def offer_files(offer: str | None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, bytes]]:
    """The files of a built-in offer, built in memory (nothing written)."""
    from armgen.build import DEFAULT_OFFER, build_files

    # as for 'armgen build': an OFFER argument wins, else the options file's "offer", else the default
    spec = offer or (options or {}).get("offer") or DEFAULT_OFFER
    built = build_files(spec, options or {}, with_bicep=False)
    from armgen.offers import get_offer  # a file or module:NAME spec: the zip is named after the offer

    return get_offer(spec).name, {k: v.encode("utf-8") for k, v in built.items()}


def package_name(offer: str, version: str) -> str:
    return f"{offer}-{version}.zip"


def build_package(
    files: Mapping[str, bytes],
    offer: str,
    version: str,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    managed_app: bool | None = None,
    official_dir: str | os.PathLike[str] | None = None,
    limits: mp.Limits | None = None,
    epoch: int | None = None,
) -> PackageResult:
    """Zip ``files``, check the zip's own contents, and write it only when no check found an error."""
    if not mp.VERSION.fullmatch(version):
        raise InputError(f"version {version!r} must be integer.integer.integer, e.g. 1.0.2", file="--version")
    entries, skipped = select_files(files)
    data = zip_bytes(entries, epoch)
    # check what is in the zip, not what we meant to put there
    report = run_checks(read_zip(data, "<package>"), version=version, zip_size=len(data), managed_app=managed_app,
                        official_dir=official_dir, limits=limits)
    report.skipped = skipped
    result = PackageResult(package_name(offer, version), data, report)
    if report.errors:
        raise GateError(report)
    if out_dir is not None:
        from armgen.jsonio import write_atomic

        result.path = Path(out_dir) / result.name
        write_atomic(result.path, data)
    return result


def inspect_zip(
    path: str | os.PathLike[str],
    *,
    version: str | None = None,
    managed_app: bool | None = None,
    official_dir: str | os.PathLike[str] | None = None,
    limits: mp.Limits | None = None,
) -> tuple[list[Entry], Report]:
    """List a zip and run the package checks on it; works on packages armgen did not build.

    The zip is read through :mod:`armgen.zipio` (bombs, 20,000 entries, unsafe or duplicate names
    are refused before anything is inflated). An entry over Partner Center's file limit, or a
    non-JSON entry too big to read into memory, is hashed as a stream and judged by its size.
    """
    p = Path(path)
    lim = limits or mp.Limits()
    files: dict[str, bytes] = {}
    sizes: dict[str, int] = {}
    entries: list[Entry] = []
    with zipio.open_zip(p, str(path)) as z:
        for e in z.entries:
            too_big = e.size > lim.file_bytes or (e.size > z.limits.entry_bytes and not _is_json_entry(e.name))
            if too_big:
                digest = z.sha256(e)
                files[e.name], sizes[e.name] = b"", e.size  # the size rule judges it by its declared size
            else:
                files[e.name] = z.read(e)
                digest = hashlib.sha256(files[e.name]).hexdigest()
            entries.append(Entry(e.name, e.size, e.compressed, digest))
        zip_size = z.size
    if version is None:
        version = _version_from_name(p.name)
    report = run_checks(files, version=version, zip_size=zip_size, managed_app=managed_app, official_dir=official_dir,
                        limits=lim, sizes=sizes)
    return entries, report


def _version_from_name(name: str) -> str | None:
    """``offer-1.2.3.zip`` -> ``1.2.3``; None when the name carries no version."""
    stem = name[:-4] if name.lower().endswith(".zip") else name
    tail = stem.rsplit("-", 1)[-1]
    return tail if mp.VERSION.fullmatch(tail) else None


def iter_lines(entries: Iterable[Entry]) -> list[str]:
    rows = list(entries)
    width = max((len(e.name) for e in rows), default=4)
    return [f"{e.name:<{width}}  {e.size:>10}  {e.sha256}" for e in rows]
