"""Offer registry: the offers ``armgen build`` knows by name, and loading offers from outside armgen.

Built-in offers are listed in :func:`_registry`. Anyone else's offer is found without editing
armgen (see :func:`get_offer`): a Python file (``armgen build my_offer.py``), ``module:NAME``, or
an installed package that declares an entry point in the ``armgen.offers`` group::

    [project.entry-points."armgen.offers"]
    my-appliance = "my_package.offer:OFFER"

An :class:`Offer` is a name, a one-line description, the build options it understands with their
defaults, and a ``build(options) -> Template`` function. Options arrive already validated
against ``schemas/options.schema.json``; ``build`` fills in defaults for what is not given, so
the Python API (``get_offer("cloud-connector").build({})``) works without the CLI.

Writing your own offer: see ``docs/writing-an-offer.md`` and
:mod:`armgen.offers.two_nic_appliance`.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import importlib.util
import os
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from armgen.errors import InputError
from armgen.records import FrozenRecord
from armgen.template import Template

#: Options every appliance offer takes; offers may narrow or extend them.
COMMON_DEFAULTS: dict[str, Any] = {
    "variant": "ha",
    "zones": ["1", "2"],
    "appliancesPerZone": 2,
    "natGateway": True,
    "namePrefix": "zscc",
}


#: Keys of an options file that select things rather than configure the offer.
_SELECTORS = ("offer", "$schema")


@dataclasses.dataclass(init=False, repr=False, eq=False)  # no generated code: see armgen.records
class Offer(FrozenRecord):
    """A buildable offer. ``defaults`` are the options schema's defaults for this offer."""

    name: str
    description: str
    defaults: dict[str, Any]
    builder: Callable[[dict[str, Any]], Template]
    #: Defaults that differ by variant (``{"standalone": {"appliancesPerZone": 1}}``): applied over
    #: ``defaults`` for that variant, under the options the caller gives.
    variant_defaults: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: Checks of parameter values that a template cannot state (an item pattern of an array, a
    #: CIDR's size), run on ``armgen build --values``/``--set`` as the wizard runs them: each
    #: problem is ``(JSON path, message)``, e.g. ``("$.zpaDomains[1]", "must end with a dot")``.
    values_check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None

    def __init__(self, name: str, description: str, defaults: dict[str, Any],
                 builder: Callable[[dict[str, Any]], Template],
                 variant_defaults: dict[str, dict[str, Any]] | None = None,
                 values_check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "defaults", defaults)
        object.__setattr__(self, "builder", builder)
        object.__setattr__(self, "variant_defaults", {} if variant_defaults is None else variant_defaults)
        object.__setattr__(self, "values_check", values_check)

    def resolve(self, options: dict[str, Any] | None) -> dict[str, Any]:
        """``options`` over the defaults; ``offer`` and an options file's ``$schema`` are not options of the offer."""
        given = {k: v for k, v in (options or {}).items() if k not in _SELECTORS}
        merged = {k: (list(v) if isinstance(v, list) else v) for k, v in self.defaults.items()}
        variant = given.get("variant", merged.get("variant"))
        if isinstance(variant, str):
            merged.update(copy.deepcopy(self.variant_defaults.get(variant, {})))
        merged.update(given)
        unknown = sorted(set(merged) - set(self.defaults))
        if unknown:
            raise InputError(f"offer {self.name} does not take option(s) {', '.join(unknown)}",
                             path=f"$.{unknown[0]}")
        return merged

    def build(self, options: dict[str, Any] | None = None) -> Template:
        return self.builder(self.resolve(options))


def _registry() -> dict[str, Offer]:
    from armgen.offers import cloud_connector, two_nic_appliance

    return {o.name: o for o in (cloud_connector.OFFER, two_nic_appliance.OFFER)}


OFFERS: dict[str, Offer] = _registry()

#: The entry-point group an installed package registers its offers under (``name = "module:OFFER"``).
ENTRY_POINT_GROUP = "armgen.offers"


def installed_offers() -> dict[str, Any]:
    """Entry points of the ``armgen.offers`` group by name, not loaded (a broken package must not
    stop ``armgen build`` of another offer)."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)}


def get_offer(spec: str) -> Offer:
    """The offer ``spec`` names, looked up in this order:

    1. a built-in offer's name (``cloud-connector``);
    2. a Python file (``path/to/offer.py``, its ``OFFER``; ``path/to/offer.py:NAME`` for another name);
    3. ``module:NAME`` (importable from the current folder, or installed);
    4. an installed package's entry point in the ``armgen.offers`` group.

    Anything else is an InputError listing the offers armgen knows.
    """
    if spec in OFFERS:
        return OFFERS[spec]
    path, _, attr = spec.rpartition(":") if spec.count(":") and not _is_drive_only(spec) else (spec, "", "")
    if spec.lower().endswith(".py"):
        return _check(_load_file(spec, "OFFER", spec), spec)
    if path.lower().endswith(".py"):
        return _check(_load_file(path, attr or "OFFER", spec), spec)
    if path and attr and re.fullmatch(r"[A-Za-z_][\w.]*", path) and attr.isidentifier():
        return _check(_load_module(path, attr, spec), spec)
    installed = installed_offers()
    if spec in installed:
        try:
            obj = installed[spec].load()
        except Exception as exc:
            raise InputError(f"the installed offer {spec!r} ({installed[spec].value}) failed to load: "
                             f"{type(exc).__name__}: {exc}") from None
        return _check(obj, spec)
    known = sorted([*OFFERS, *installed])
    raise InputError(f"unknown offer {spec!r}; known offers: {', '.join(known)} "
                     "(or give a file, offer.py, or module:OFFER)")


def _is_drive_only(spec: str) -> bool:
    """``C:\\offers\\x.py`` has a drive colon, not a ``:NAME`` suffix."""
    return bool(re.match(r"^[A-Za-z]:[\\/]", spec)) and spec.count(":") == 1


def _check(obj: Any, spec: str) -> Offer:
    if not isinstance(obj, Offer):
        raise InputError(f"{spec!r} is a {type(obj).__name__}, not an armgen.offers.Offer")
    return obj


def _user_code_error(exc: BaseException, spec: str, file: str | None = None) -> InputError:
    """One line for an exception raised while importing the user's offer: where it happened in
    their code (the innermost frame in ``file``, else the innermost frame), and what."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if file and Path(f.filename).resolve() == Path(file).resolve()] or frames[-1:]
    where = f" at {mine[-1].filename}:{mine[-1].lineno}" if mine else ""
    return InputError(f"loading offer {spec!r} failed{where}: {type(exc).__name__}: {exc}")


def _load_file(file: str, attr: str, spec: str) -> Any:
    p = Path(file)
    if not p.is_file():
        raise InputError("no such offer file", file=file)
    name = "armgen_user_offer_" + re.sub(r"\W", "_", str(p.resolve()))
    module_spec = importlib.util.spec_from_file_location(name, p)
    if module_spec is None or module_spec.loader is None:
        raise InputError("cannot load this file as Python", file=file)
    module = sys.modules.get(name)  # loaded once per run: build and package both ask for it
    if module is None:
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module  # dataclasses and pickling look their module up by name
        try:
            module_spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise _user_code_error(exc, spec, str(p)) from None
    if not hasattr(module, attr):
        raise InputError(f"defines no {attr} (an armgen.offers.Offer)", file=file)
    return getattr(module, attr)


def _load_module(module_name: str, attr: str, spec: str) -> Any:
    """``module:NAME``; the current folder is importable, as for ``python -m`` (and uvicorn, flask)."""
    cwd = os.getcwd()
    added = cwd not in sys.path
    if added:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise InputError(f"no module {exc.name!r} (not installed, and not in the current folder)",
                             file=spec) from None
        raise _user_code_error(exc, spec) from None
    except Exception as exc:
        raise _user_code_error(exc, spec) from None
    finally:
        if added:
            sys.path.remove(cwd)
    if not hasattr(module, attr):
        raise InputError(f"module {module_name} defines no {attr}", file=spec)
    return getattr(module, attr)


def all_offers() -> list[tuple[str, str, str]]:
    """``(name, description, where from)`` for every offer ``armgen offers`` lists: the built-in
    ones, then the installed ones (each loaded; one that fails is listed with its error)."""
    rows = [(name, o.description, "built-in") for name, o in sorted(OFFERS.items())]
    for name, ep in installed_offers().items():
        if name in OFFERS:
            continue
        dist = getattr(getattr(ep, "dist", None), "name", None) or ep.value
        try:
            rows.append((name, _check(ep.load(), name).description, dist))
        except Exception as exc:
            rows.append((name, f"(failed to load: {type(exc).__name__}: {exc})", dist))
    return rows
