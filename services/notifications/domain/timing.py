"""Quiet hours, contact hours and daytime, each in the recipient's own time zone."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DAYTIME = ("08:00", "20:00")  # the crisis plan's "daytime"; the rest is out of hours


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def within(local: dt.datetime, start: str, end: str) -> bool:
    """Is the local time inside [start, end)? A window may wrap past midnight (21:00-08:00)."""
    now, low, high = local.hour * 60 + local.minute, _minutes(start), _minutes(end)
    return low <= now < high if low <= high else (now >= low or now < high)


def local(now: dt.datetime, timezone: str) -> dt.datetime:
    return now.astimezone(ZoneInfo(timezone))


def next_outside(now: dt.datetime, timezone: str, start: str, end: str) -> dt.datetime:
    """The first moment (to the minute) at or after `now` outside the window [start, end)."""
    moment = local(now, timezone)
    if not within(moment, start, end):
        return now
    end_h, end_m = (int(part) for part in end.split(":"))
    candidate = moment.replace(hour=end_h, minute=end_m, second=0, microsecond=0)
    if candidate <= moment:
        candidate += dt.timedelta(days=1)
    return candidate.astimezone(dt.timezone.utc)


def next_inside(now: dt.datetime, timezone: str, start: str, end: str) -> dt.datetime:
    """The first moment at or after `now` inside [start, end): when contact hours open."""
    moment = local(now, timezone)
    if within(moment, start, end):
        return now
    start_h, start_m = (int(part) for part in start.split(":"))
    candidate = moment.replace(hour=start_h, minute=start_m, second=0, microsecond=0)
    if candidate <= moment:
        candidate += dt.timedelta(days=1)
    return candidate.astimezone(dt.timezone.utc)


def is_daytime(now: dt.datetime, timezone: str) -> bool:
    return within(local(now, timezone), *DAYTIME)
