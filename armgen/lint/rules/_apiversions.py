"""The verdict logic shared by arm-ttk's two apiVersions tests."""

from __future__ import annotations

import datetime as _dt

from armgen.lint import ps
from armgen.lint.apicache import versions_for
from armgen.records import Record

NUMBER_OF_DAYS = 730


class Verdict(Record):
    """What one apiVersion earns: (severity, id suffix, message) items, and whether to stop."""

    __slots__ = __match_args__ = ("items", "stop")

    def __init__(self, items: list[tuple[str, str, str]], stop: bool = False) -> None:
        self.items = items
        self.stop = stop


# id(list of versions) -> (that list, {lower case: first index}, first without a -suffix, latest stable)
_FACTS: dict[int, tuple[list[str], dict[str, int], int, str | None]] = {}


def _facts(valid: list[str]) -> tuple[dict[str, int], int, str | None]:
    """Per provider list (they come from the long-lived cache): where each version sits (ignoring
    case), where the newest version without a ``-suffix`` is (-1 if none), and arm-ttk's "latest
    stable" (the newest not matching ``preview``); computed once, not per resource."""
    hit = _FACTS.get(id(valid))
    if hit is None or hit[0] is not valid:
        where: dict[str, int] = {}
        for i, v in enumerate(valid):
            where.setdefault(v.lower(), i)
        plain = next((i for i, v in enumerate(valid) if not ps.like(v, "*-*-*-*")), -1)
        latest_stable = next((v for v in valid if "preview" not in v.lower()), None)
        if len(_FACTS) > 4096:
            _FACTS.clear()
        hit = _FACTS[id(valid)] = (valid, where, plain, latest_stable)
    return hit[1], hit[2], hit[3]


def lookup(cache: dict[str, list[str]], full_type: str) -> list[str]:
    """arm-ttk's apiVersions of a type: the type's own, else its nearest ancestor's found by
    dropping trailing segments (``Microsoft.Network/virtualNetworks/subnets`` falls back to
    ``Microsoft.Network/virtualNetworks``); [] when no ancestor is known either."""
    parts = full_type.split("/")
    for i in range(len(parts), 0, -1):
        valid = versions_for(cache, "/".join(parts[:i]))
        if valid:
            return valid
    return []


def not_found(api: str, valid: list[str], rtype: str) -> str | None:
    """arm-ttk's closing warning when ``valid.Contains(api)`` is false (an exact, case-sensitive
    comparison): the version, or the whole type, is unknown to the cache."""
    if api in valid:
        return None
    return f"The apiVersion {api} was not found for the resource type: {rtype}"


def judge(
    api: str,
    api_date: _dt.date,
    valid: list[str],
    test_date: _dt.date,
    what: str,
) -> Verdict:
    """arm-ttk's checks of one apiVersion against the cached list ``valid`` (newest first).

    Ids are suffixes: "Preview.Not.Recent", "Preview.Version.Has.NonPreview", "OutOfDate".
    """
    out: list[tuple[str, str, str]] = []
    low = api.lower()
    where, plain, latest_stable = _facts(valid)
    idx = where.get(low, -1)  # arm-ttk compares with -like / -eq: ignoring case
    if ps.like(api, "*-*-*-*"):
        if idx > 0 and 0 <= plain <= idx:  # a non-preview among the versions up to this one
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
