"""The rule registry: one module per arm-ttk test, each defining ``RULE``.

Adding a rule means adding one module here; :func:`all_rules` finds it by scanning the package.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from armgen.lint.model import Rule


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, ordered by arm-ttk test name (case-insensitive)."""
    out = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            out.append(rule)
    return tuple(sorted(out, key=lambda r: r.name.lower()))
