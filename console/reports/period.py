"""Report periods: day, week (Monday–Sunday), month, or custom whole days, and the one before.

A preset is the period that contains an anchor date; without an anchor, the last complete one
(yesterday, last week, last month), which is what a report is usually about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("day", "week", "month", "custom")


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # one of KINDS
    first: date
    last: date  # included

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"period is one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period just before: the previous calendar month for a month, else as many days."""
        if self.kind == "month":
            last = self.first - timedelta(days=1)
            return Period("month", last.replace(day=1), last)
        last = self.first - timedelta(days=1)
        return Period(self.kind, last - timedelta(days=self.days - 1), last)


def containing(kind: str, anchor: date) -> Period:
    """The day, week or month that holds `anchor`."""
    if kind == "day":
        return Period(kind, anchor, anchor)
    if kind == "week":
        first = anchor - timedelta(days=anchor.weekday())
        return Period(kind, first, first + timedelta(days=6))
    if kind == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(kind, first, following - timedelta(days=1))
    raise ValueError(f"a preset period is day, week or month, not {kind!r}")


def last_complete(kind: str, today: date) -> Period:
    """Yesterday, last week or last month, seen from `today`."""
    if kind == "day":
        return containing(kind, today - timedelta(days=1))
    if kind == "week":
        return containing(kind, today - timedelta(days=today.weekday() + 1))
    return containing(kind, today.replace(day=1) - timedelta(days=1))
