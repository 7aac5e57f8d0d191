"""Reporting periods: calendar months, quarters or years (UTC), cut from a date range."""
from __future__ import annotations

import dataclasses
import datetime as dt

GRANULARITIES = ("month", "quarter", "year")
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


@dataclasses.dataclass(frozen=True)
class Period:
    label: str  # 2026-03, 2026-Q1, 2026
    first_day: dt.date
    next_first_day: dt.date  # exclusive

    @property
    def start(self) -> dt.datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> dt.datetime:
        return _midnight(self.next_first_day)

    @property
    def last_day(self) -> dt.date:
        return self.next_first_day - dt.timedelta(days=1)

    def holds(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _label(first: dt.date, granularity: str) -> str:
    if granularity == "month":
        return f"{first.year}-{first.month:02d}"
    if granularity == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return str(first.year)


def period_of(day: dt.date, granularity: str) -> Period:
    months = MONTHS_IN[granularity]
    first = dt.date(day.year, (day.month - 1) // months * months + 1, 1)
    return Period(_label(first, granularity), first, _add_months(first, months))


def periods(first_day: dt.date, last_day: dt.date, granularity: str) -> list[Period]:
    """Every period that overlaps [first_day, last_day], whole periods only."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    if last_day < first_day:
        raise ValueError("the range ends before it starts")
    found = [period_of(first_day, granularity)]
    while found[-1].next_first_day <= last_day:
        found.append(period_of(found[-1].next_first_day, granularity))
    return found
