"""When a listing is open: weekly slots in the listing's own IANA zone, with holiday
exceptions; "next" and "open now" correct across daylight-saving changes.

Days follow the Meeting Guide convention, 0 = Sunday … 6 = Saturday. A slot may run past
midnight (22:00-02:00). 24 hours is written 00:00-23:59 and means the whole day.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
WHOLE_DAY_END = "23:59"


def _clock(hhmm: str) -> dt.time:
    hours, minutes = hhmm.split(":")
    return dt.time(int(hours), int(minutes))


@dataclasses.dataclass(frozen=True)
class Slot:
    day: int  # 0 = Sunday
    opens: str  # "HH:MM" local
    closes: str  # "HH:MM" local; earlier than opens: past midnight

    def window(self, local_date: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(local_date, _clock(self.opens))
        if self.closes == WHOLE_DAY_END:
            end = dt.datetime.combine(local_date + dt.timedelta(days=1), dt.time(0, 0))
        else:
            end = dt.datetime.combine(local_date, _clock(self.closes))
            if end <= start:
                end += dt.timedelta(days=1)
        # Wall-clock times in the listing's zone; fold=0 as RFC 5545 reads them.
        return start.replace(tzinfo=tz).astimezone(UTC), end.replace(tzinfo=tz).astimezone(UTC)


def meeting_day(local_date: dt.date) -> int:
    return (local_date.weekday() + 1) % 7  # Python's Monday = 0 -> Sunday = 0


@dataclasses.dataclass(frozen=True)
class Opening:
    slots: tuple[Slot, ...]
    timezone: str
    closed_dates: frozenset[dt.date] = frozenset()  # holiday exceptions, local dates

    def windows(self, start: dt.datetime, days: int = 8):
        """(opens_utc, closes_utc) of every slot from the local day before `start` on."""
        tz = ZoneInfo(self.timezone)
        first = start.astimezone(tz).date() - dt.timedelta(days=1)
        for offset in range(days + 1):
            local_date = first + dt.timedelta(days=offset)
            if local_date in self.closed_dates:
                continue
            for slot in self.slots:
                if slot.day == meeting_day(local_date):
                    yield slot.window(local_date, tz)

    def is_open(self, moment: dt.datetime) -> bool:
        return any(opens <= moment < closes for opens, closes in self.windows(moment, days=2))

    def next_window(self, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
        """The window open at `moment`, or else the next one to open (within five weeks)."""
        found = sorted(w for w in self.windows(moment, days=36) if w[1] > moment)
        return found[0] if found else None
