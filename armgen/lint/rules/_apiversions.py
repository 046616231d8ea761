"""The verdict logic shared by arm-ttk's two apiVersions tests."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from armgen.lint import ps

NUMBER_OF_DAYS = 730


@dataclass
class Verdict:
    """What one apiVersion earns: (severity, id suffix, message) items, and whether to stop."""

    items: list[tuple[str, str, str]]
    stop: bool = False


# id(list of versions) -> (that list, {lower case: first index}, index of the first non-preview)
_FACTS: dict[int, tuple[list[str], dict[str, int], int]] = {}


def _facts(valid: list[str]) -> tuple[dict[str, int], int]:
    """Per provider list (they come from the long-lived cache): where each version sits (ignoring
    case) and where the newest non-preview is (-1 if none); computed once, not per resource."""
    hit = _FACTS.get(id(valid))
    if hit is None or hit[0] is not valid:
        where: dict[str, int] = {}
        for i, v in enumerate(valid):
            where.setdefault(v.lower(), i)
        stable = next((i for i, v in enumerate(valid) if not ps.like(v, "*-*-*-*")), -1)
        if len(_FACTS) > 4096:
            _FACTS.clear()
        hit = _FACTS[id(valid)] = (valid, where, stable)
    return hit[1], hit[2]


def judge(
    api: str,
    api_date: _dt.date,
    valid: list[str],
    test_date: _dt.date,
    what: str,
    unknown: str = "warning",
) -> Verdict:
    """arm-ttk's checks of one apiVersion against the cached list ``valid`` (newest first).

    Ids are suffixes: "Preview.Not.Recent", "Preview.Version.Has.NonPreview", "OutOfDate".
    """
    out: list[tuple[str, str, str]] = []
    low = api.lower()
    where, stable = _facts(valid)
    idx = where.get(low, -1)  # case-insensitive (0.27)
    if idx == -1 and valid:
        hint = " (newer than the apiVersions cache: refresh it)" if api[:10] > valid[0][:10] else ""
        out.append(
            (unknown, "Not.Valid", f"{what}: apiVersion {api} is not among the known apiVersions{hint}")
        )
    if ps.like(api, "*-*-*-*"):
        if idx > 0 and 0 <= stable <= idx:  # a non-preview among the versions up to this one
            out.append(
                (
                    "error",
                    "Preview.Not.Recent",
                    f"{what} uses a preview version ({api}) and there are more recent versions available.",
                )
            )
        if idx == 0 and len(valid) > 1 and valid[1].lower() == low[: low.rfind("-")]:
            out.append(
                (
                    "error",
                    "Preview.Version.Has.NonPreview",
                    f"{what} uses a preview version ({api}) and there is a non-preview version for that apiVersion available.",
                )
            )
    age = (test_date - api_date).days
    if age > NUMBER_OF_DAYS and idx > 0:
        non_preview_in_use = idx == 1 and valid[0][: valid[0].rfind("-")].lower() == low
        if not non_preview_in_use:
            latest_stable = valid[stable] if stable >= 0 else None
            if latest_stable is not None and low == latest_stable.lower():
                # arm-ttk `break`s here: the rest of the file is not checked
                return Verdict(out, stop=True)
            out.append(
                (
                    "error",
                    "OutOfDate",
                    f"Api versions must be the latest or under {NUMBER_OF_DAYS // 365} years old ({NUMBER_OF_DAYS} "
                    f"days) - API version {api} of {what} is {age} days old",
                )
            )
    return Verdict(out)


def to_date(year: str, month: str, day: str) -> _dt.date | None:
    try:
        return _dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
