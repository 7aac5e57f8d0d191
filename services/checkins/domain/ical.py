"""iCalendar (RFC 5545) feeds of rhythms: one recurring VEVENT per rhythm, with its
cancelled sessions as EXDATEs and its moved sessions as RECURRENCE-ID overrides.

Pure: it is given plain data and returns bytes. A feed is read by calendar apps that the
person or staff member subscribes to, often on shared or synced devices, so a summary
never names the person or says anything about their health: staff see a short reference.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from dateutil import rrule as du_rrule
from icalendar import Calendar, Event, vRecur

from services.checkins.domain.recurrence import to_utc
from shared.ical_zones import vtimezone

PRODID = "-//Circles//Check-ins//EN"
UTC = dt.timezone.utc
# VTIMEZONEs cover the events' years and this many more, which subscribers refresh long before.
ZONE_YEARS_AHEAD = 3
# Subscribed calendars poll; ask for an hourly refresh (RFC 7986, and Outlook's X- name).
REFRESH = dt.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class FeedSession:
    """A session that differs from its rhythm: cancelled, or moved to another time."""
    occurrence_key: str  # original local start, "YYYY-MM-DDTHH:MM:SS"
    status: str
    rescheduled: bool
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class FeedRhythm:
    id: str
    person_id: str
    title: str
    rrule: str  # without "RRULE:"
    first_start_local: str
    timezone: str
    duration_minutes: int
    sessions: tuple[FeedSession, ...] = ()


def summary(rhythm: FeedRhythm, for_staff: bool) -> str:
    """The title alone for the person; staff juggle many persons, so a pseudonymous ref."""
    return f"{rhythm.title} · ref {rhythm.person_id[:8]}" if for_staff else rhythm.title


def build_feed(name: str, rhythms: Iterable[FeedRhythm], stamp: dt.datetime, for_staff: bool = False) -> bytes:
    """The VCALENDAR of the rhythms, stamped at `stamp` (aware)."""
    calendar = Calendar()
    for key, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("x-wr-calname", name)):
        calendar.add(key, value)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    rhythms = list(rhythms)
    stamp = stamp.astimezone(UTC)
    for zone_name, (first, last) in sorted(_zone_years(rhythms, stamp).items()):
        calendar.add_component(vtimezone(zone_name, first, last))
    for rhythm in rhythms:
        for event in _events(rhythm, stamp, for_staff):
            calendar.add_component(event)
    return calendar.to_ical()


def _events(rhythm: FeedRhythm, stamp: dt.datetime, for_staff: bool) -> list[Event]:
    tz = ZoneInfo(rhythm.timezone)
    title = summary(rhythm, for_staff)
    series = _base_event(rhythm.id, title, stamp)
    series.add("dtstart", _local(rhythm.first_start_local, tz))
    series.add("duration", dt.timedelta(minutes=rhythm.duration_minutes))
    series.add("rrule", _rule(rhythm.rrule, tz))
    exceptions = sorted(_own_sessions(rhythm), key=lambda s: s.occurrence_key)
    cancelled = [_local(s.occurrence_key, tz) for s in exceptions if s.status == "cancelled"]
    if cancelled:
        series.add("exdate", cancelled)
    overrides = []
    for session in exceptions:
        if session.rescheduled and session.status != "cancelled":
            moved = _base_event(rhythm.id, title, stamp)
            moved.add("recurrence-id", _local(session.occurrence_key, tz))
            # UTC, not local: a moved time in the autumn's repeated hour stays unambiguous.
            moved.add("dtstart", session.starts_at.astimezone(UTC))
            moved.add("dtend", session.ends_at.astimezone(UTC))
            overrides.append(moved)
    return [series, *overrides]


def _base_event(rhythm_id: str, title: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{rhythm_id}@circles")
    event.add("dtstamp", stamp)
    event.add("summary", title)
    # Shared or delegated calendars show "busy" rather than the details.
    event.add("class", "PRIVATE")
    return event


def _local(value: str, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=tz, fold=0)


def _rule(text: str, tz: ZoneInfo) -> vRecur:
    """The stored rule, whose UNTIL is local wall time (it was checked against a naive
    start); RFC 5545 wants UTC when DTSTART has a TZID."""
    rule = vRecur.from_ical(text.strip().removeprefix("RRULE:"))
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        if not isinstance(until, dt.datetime):
            until = dt.datetime.combine(until, dt.time())
        if until.tzinfo is None:
            until = to_utc(until, tz)
        rule["UNTIL"] = [until.astimezone(UTC)]
    return rule


def _own_sessions(rhythm: FeedRhythm) -> list[FeedSession]:
    """Sessions whose key is still an occurrence of the rule: a RECURRENCE-ID or EXDATE
    left over from an earlier rule (the series was changed since) would confuse clients."""
    start = dt.datetime.fromisoformat(rhythm.first_start_local)
    rule = du_rrule.rrulestr(rhythm.rrule.strip().removeprefix("RRULE:"), dtstart=start)
    return [s for s in rhythm.sessions if dt.datetime.fromisoformat(s.occurrence_key) in rule]


def _zone_years(rhythms: list[FeedRhythm], stamp: dt.datetime) -> dict[str, tuple[int, int]]:
    """Per zone, the first and last year its VTIMEZONE must describe."""
    years: dict[str, tuple[int, int]] = {}
    for rhythm in rhythms:
        starts = [dt.datetime.fromisoformat(rhythm.first_start_local).year,
                  *(s.starts_at.year for s in rhythm.sessions)]
        first, last = min(starts), max(*starts, stamp.year) + ZONE_YEARS_AHEAD
        known = years.get(rhythm.timezone, (first, last))
        years[rhythm.timezone] = (min(first, known[0]), max(last, known[1]))
    return years
