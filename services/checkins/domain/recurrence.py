"""RFC 5545 recurrence in a person's own time zone, correct across daylight-saving changes.

Occurrences are generated as wall-clock times (a Tuesday 18:00 check-in stays at 18:00
local in both GMT and BST) and only then turned into UTC. A wall-clock time that does
not exist (inside the spring-forward gap) is read with the offset before the gap, and an
ambiguous one (the autumn repeat) as its first occurrence: RFC 5545 section 3.3.5.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as du_rrule

UTC = dt.timezone.utc
LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"
# Finer rules would flood the calendar with sessions; nobody meets hourly.
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


class RecurrenceError(ValueError):
    def __init__(self, message: str, field: str = "rrule"):
        super().__init__(message)
        self.field = field


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    # OSError: a folder of the zone database ("US", "Europe") is no zone but IsADirectoryError
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise RecurrenceError(f"{name!r} is not an IANA time zone.", "timezone") from exc


def to_utc(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `tz` as aware UTC (fold=0: first of a repeat, offset
    before a gap), as RFC 5545 asks."""
    aware = local.replace(tzinfo=tz, fold=0)
    # zoneinfo leaves a gap time unnormalised; the round trip through UTC fixes it.
    return aware.astimezone(UTC)


def parse_rule(rule: str) -> dict[str, str]:
    """RRULE parts (without the "RRULE:" prefix) after checking dateutil can read them."""
    text = rule.strip().removeprefix("RRULE:")
    try:
        parts = dict(part.split("=", 1) for part in text.split(";") if part)
        du_rrule.rrulestr(text, dtstart=dt.datetime(2026, 1, 1))
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"Not an RFC 5545 recurrence rule: {rule!r}.") from exc
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(f"FREQ must be one of {', '.join(ALLOWED_FREQUENCIES)}.")
    return parts


@dataclasses.dataclass(frozen=True)
class Occurrence:
    key: str  # the local start as written in the rule's zone: the iCalendar RECURRENCE-ID
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Recurrence:
    rule: str
    first_start_local: dt.datetime  # naive, in `timezone`
    timezone: str
    duration: dt.timedelta

    def __post_init__(self):
        parse_rule(self.rule)
        zone(self.timezone)
        if self.first_start_local.tzinfo is not None:
            raise RecurrenceError("The first start is a wall-clock time without an offset.", "first_start_local")

    def occurrence_at(self, local: dt.datetime) -> Occurrence:
        starts_at = to_utc(local, zone(self.timezone))
        return Occurrence(local.strftime(LOCAL_FORMAT), starts_at, starts_at + self.duration)

    def between(self, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
        """Occurrences whose start falls in [start, end) (aware datetimes)."""
        tz = zone(self.timezone)
        rule = du_rrule.rrulestr(self.rule.strip().removeprefix("RRULE:"), dtstart=self.first_start_local)
        # Search a day wider in local time, then filter exactly in UTC.
        local_from = start.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=1)
        local_to = end.astimezone(tz).replace(tzinfo=None) + dt.timedelta(days=1)
        found = (self.occurrence_at(local) for local in rule.between(local_from, local_to, inc=True))
        return [occurrence for occurrence in found if start <= occurrence.starts_at < end]


def parse_local(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise RecurrenceError(f"{value!r} is not a local date and time (YYYY-MM-DDTHH:MM).",
                              "first_start_local") from exc
    if parsed.tzinfo is not None:
        raise RecurrenceError("Give the first start as local wall-clock time, without an offset.",
                              "first_start_local")
    return parsed.replace(second=0, microsecond=0)
