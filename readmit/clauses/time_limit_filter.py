"""Filtering the time-limits table by purpose and by length (`readmit time-limits --min/--max`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from readmit.clauses.time_limits import approximate_days

_PERIOD = re.compile(
    r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>hours?|h|days?|d|calendar days?|working days?|"
    r"weeks?|w|months?|m|years?|y)?\s*$",
    re.IGNORECASE,
)
_UNITS = {
    "h": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "calendar day": "calendar days",
    "calendar days": "calendar days",
    "working day": "working days",
    "working days": "working days",
    "w": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "year": "years",
    "years": "years",
}


class PeriodError(ValueError):
    """A period that is not "N" (days) or "N unit"."""


def parse_period(text: str) -> float:
    """ "30" → 30 days; "3 months" → 90; "5 working days" → 7 (approximate calendar days)."""
    match = _PERIOD.match(text)
    if match is None:
        raise PeriodError(
            f"not a period: {text!r} (expected e.g. 30, '21 days', '3 months', '48 hours')"
        )
    unit = _UNITS[" ".join((match.group("unit") or "days").lower().split())]
    return float(match.group("number")) * approximate_days(1, unit)


def filter_time_limits(
    rows: Sequence[dict[str, str]],
    *,
    purposes: Sequence[str] = (),
    min_days: float | None = None,
    max_days: float | None = None,
) -> list[dict[str, str]]:
    """The rows whose purpose is one of `purposes` (all when empty) and whose period lies in
    [min_days, max_days] (compared in approximate calendar days; bounds included)."""
    kept: list[dict[str, str]] = []
    for row in rows:
        if purposes and row["purpose"] not in purposes:
            continue
        days = approximate_days(int(row["number"]), row["unit"])
        if min_days is not None and days < min_days - 1e-9:
            continue
        if max_days is not None and days > max_days + 1e-9:
            continue
        kept.append(row)
    return kept
