"""VTIMEZONE components (RFC 5545 section 3.6.5) written from the system's zoneinfo, so
an iCalendar feed carries the real rules of every zone it names (Europe/London's BST,
America/New_York's DST) and calendar apps need no zone database of their own.

Shared by every service that publishes iCalendar; pure, cached per zone and year range.
"""
from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

UTC = dt.timezone.utc


def vtimezone(name: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE with every real transition from 1 January of `first_year` to that of
    `last_year`. Each onset is written in the wall time before the change, as RFC 5545
    section 3.6.5 defines it (icalendar's from_tzinfo writes spring onsets an hour late)."""
    component = Timezone()
    component.add("tzid", name)
    for (offset_from, offset_to, tzname, daylight), onsets in _observances(name, first_year, last_year):
        part = TimezoneDaylight() if daylight else TimezoneStandard()
        part.add("dtstart", onsets[0])
        if onsets[1:]:
            part.add("rdate", list(onsets[1:]))
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        part.add("tzname", tzname)
        component.add_component(part)
    return component


@functools.lru_cache(maxsize=64)
def _observances(name: str, first_year: int, last_year: int) -> tuple:
    """((offset from, offset to, name, daylight?), local onsets) in first-seen order; cached
    as plain data since every feed fetch needs the same few zones."""
    tz = ZoneInfo(name)
    start = dt.datetime(first_year, 1, 1, tzinfo=tz)
    initial = start.utcoffset()
    observances = {(initial, initial, start.tzname(), bool(start.dst())): [start.replace(tzinfo=None)]}
    end = dt.datetime(last_year, 1, 1, tzinfo=UTC)
    for instant, before, after in _transitions(tz, start.astimezone(UTC), end):
        key = (before, after.utcoffset(), after.tzname(), bool(after.dst()))
        observances.setdefault(key, []).append((instant + before).replace(tzinfo=None))
    return tuple((key, tuple(onsets)) for key, onsets in observances.items())


def _transitions(tz: ZoneInfo, start: dt.datetime, end: dt.datetime):
    """(UTC instant, offset before, local time after) of each change of offset or name."""
    def state(instant):
        local = instant.astimezone(tz)
        return local.utcoffset(), local.tzname(), local.dst()

    day = dt.timedelta(days=1)
    instant = start
    while instant < end:
        if state(instant) != state(instant + day):
            low, high = instant, instant + day
            while high - low > dt.timedelta(seconds=1):  # the first second of the new state
                middle = low + (high - low) / 2
                low, high = (middle, high) if state(middle) == state(low) else (low, middle)
            high = high.replace(microsecond=0)
            yield high, state(low)[0], high.astimezone(tz)
        instant += day
