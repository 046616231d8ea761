"""Which packages a set of ``armgen lint`` arguments names.

A file (``.json``, ``.jsonc`` or ``.zip``) is linted as given. A folder that is itself a package
(it holds ``createUiDefinition.json`` or a main template: ``mainTemplate.json``,
``azuredeploy.json`` or ``main.json``) is one package: everything below it belongs to it, as
arm-ttk tests every JSON file under a package folder. Any other folder is searched for such
package folders, so that a folder of many packages is linted package by package (each with its
own template/createUiDefinition pairing) instead of as one big pseudo-package.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from armgen.errors import InputError
from armgen.records import FrozenRecord

PACKAGE_MARKERS = frozenset({"createuidefinition.json", "maintemplate.json", "azuredeploy.json", "main.json"})


def _is_package(names: Iterable[str]) -> bool:
    return any(n.lower() in PACKAGE_MARKERS for n in names)


def is_package(folder: Path) -> bool:
    """True when ``folder`` directly holds createUiDefinition.json or a main template."""
    try:
        return _is_package(e.name for e in os.scandir(folder) if e.is_file())
    except OSError:
        return False


class Target(FrozenRecord):
    """One thing to lint: a package folder, a zip or a file; ``exclude`` names folders (relative,
    ``/``-separated) that hold packages of their own found by a search, left to their own run."""

    __slots__ = __match_args__ = ("path", "exclude")
    path: Path
    exclude: tuple[str, ...]

    def __init__(self, path: Path, exclude: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "exclude", exclude)


def packages_below(folder: Path) -> list[Target]:
    """Every package folder under ``folder`` (sorted walk; hidden and ``__MACOSX`` folders are not
    searched). A package inside another (``pkg/legacy/``) is a package of its own and is left out
    of its parent's files."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d.lower() != "__macosx")
        if _is_package(filenames):
            found.append(dirpath)
    out = []
    for i, pkg in enumerate(found):
        inner: list[str] = []
        head = pkg + os.sep
        # the walk is depth-first in sorted order: a package's nested packages follow it directly
        for other in found[i + 1 :]:
            if not other.startswith(head):
                break
            rel = other[len(head) :].replace(os.sep, "/")
            if not any(rel.startswith(x + "/") for x in inner):
                inner.append(rel)
        out.append(Target(Path(pkg), tuple(inner)))
    return out


def lint_targets(paths: Iterable[str | Path]) -> list[Target]:
    """The packages and files to lint, in argument order then walk order, each once."""
    out: list[Target] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError("no such file or folder", file=str(path))
        if path.is_dir() and not is_package(path):
            found = packages_below(path)
            if not found:
                raise InputError(
                    "no package here: no folder below holds createUiDefinition.json, mainTemplate.json, "
                    "azuredeploy.json or main.json",
                    file=str(path),
                )
        else:
            found = [Target(path)]
        for t in found:
            key = t.path.resolve()
            if key not in seen:
                seen.add(key)
                out.append(t)
    return out
