"""``armgen lint``: arm-ttk's verdicts, in Python, on any Azure Application package.

Public API: :func:`lint_path`, :func:`lint_many`, :class:`LintReport`, :class:`Finding`.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from armgen.errors import InputError
from armgen.lint.model import Finding, LintReport
from armgen.lint.packages import Target, lint_targets

__all__ = ["Finding", "LintReport", "Target", "lint_many", "lint_path", "lint_targets"]


def lint_path(
    path: str | Path | Target,
    *,
    marketplace: bool = False,
    tests: list[str] | None = None,
    skip: list[str] | None = None,
    api_versions: Path | None = None,
    test_date: _dt.date | None = None,
) -> LintReport:
    """Lint a package folder, a zip or one JSON file the way arm-ttk tests it.

    ``marketplace`` applies Test-AzMarketplacePackage severities (15 tests only warn). ``tests`` and
    ``skip`` select arm-ttk tests by name. The apiVersions tests read ``api_versions`` (arm-ttk's
    cache format), else the user cache written by ``--refresh-api-versions``, else the cache
    shipped with armgen. ``test_date`` is the date apiVersions are judged against: by default the
    day the cache was true (today for an explicit file, whose date is unknown).
    A :class:`Target` lints a package found by a search, leaving out its nested packages.
    """
    from armgen.lint import lazy
    from armgen.lint.apicache import HOW_TO_GET, resolve
    from armgen.lint.engine import Engine, select_rules
    from armgen.lint.rules import all_rules

    target = path if isinstance(path, Target) else Target(Path(path))
    rules = select_rules(list(all_rules()), tests, skip)
    cache = resolve(api_versions) if any(r.needs_api_cache for r in rules) else None
    when = test_date or (cache.date if cache is not None else None) or _dt.date.today()
    engine = Engine(
        rules,
        marketplace=marketplace,
        api_cache=cache.versions if cache is not None else None,
        test_date=when,
        exclude=target.exclude,
    )
    try:
        report = engine.run(target.path)
    finally:  # patterns compiled for the first time go to the disk cache for the next run
        lazy.save()
    if any(r.needs_api_cache for r in rules):
        if cache is None:
            report.notes.append(f"apiVersions tests not applicable: no apiVersions cache ({HOW_TO_GET})")
            for r in rules:
                if r.needs_api_cache:
                    report.ran.pop(r.name, None)
        else:
            report.api_cache = f"{cache.source} cache, judged as of {when.isoformat()}"
    return report


def _lint_in_worker(
    path: str | Path | Target, options: dict[str, Any]
) -> LintReport | tuple[str, str | None, str | None]:
    """``lint_path`` in a worker process; an InputError comes back as data (its fields survive)."""
    try:
        return lint_path(path, **options)
    except InputError as exc:
        return (exc.message, exc.file, exc.path)


def lint_many(paths: Sequence[str | Path | Target], *, jobs: int = 1, **options: Any) -> list[LintReport]:
    """:func:`lint_path` on each input (same options), reports in input order.

    With ``jobs`` > 1 the inputs are shared among that many worker processes; every report is the
    one ``lint_path`` gives, so the output does not depend on ``jobs``. The first unreadable input
    (in input order) raises its InputError, as the serial loop would.
    """
    if jobs <= 1 or len(paths) < 2:
        return [lint_path(p, **options) for p in paths]
    import multiprocessing  # only here: a single-process run does not pay for importing them
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    work = functools.partial(_lint_in_worker, options=options)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        results = list(pool.map(work, paths, chunksize=max(1, len(paths) // (jobs * 4))))
    reports = []
    for result in results:
        if isinstance(result, tuple):
            message, file, path = result
            raise InputError(message, file=file, path=path)
        reports.append(result)
    return reports
