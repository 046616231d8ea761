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
    idx = next((i for i, v in enumerate(valid) if v.lower() == low), -1)  # case-insensitive (0.27)
    if idx == -1 and valid:
        hint = " (newer than the apiVersions cache: refresh it)" if api[:10] > valid[0][:10] else ""
        out.append(
            (unknown, "Not.Valid", f"{what}: apiVersion {api} is not among the known apiVersions{hint}")
        )
    if ps.like(api, "*-*-*-*"):
        newer = valid[: idx + 1] if idx >= 0 else []
        if idx > 0 and any(not ps.like(v, "*-*-*-*") for v in newer):
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
            latest_stable = next((v for v in valid if not ps.like(v, "*-*-*-*")), None)
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
