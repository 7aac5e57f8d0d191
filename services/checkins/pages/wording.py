"""Plain words for the staff pages: short person references, local times, rules, phases."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from services.checkins.domain.recurrence import RecurrenceError, parse_rule

WEEKDAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
            "SA": "Saturday", "SU": "Sunday"}
PHASES = {"day_1": "Day 1", "days_2_3": "Days 2–3", "days_4_7": "Days 4–7", "week_2": "Week 2",
          "week_3": "Week 3", "week_4": "Week 4"}
RISKS = {"relapse": "Relapse", "suicidal_thoughts": "Suicidal thoughts", "overdose_risk": "Overdose risk",
         "unsafe_housing": "Unsafe housing", "violence": "Violence", "other": "Other"}
ADHERENCE = {"full": "Full", "partial": "Partial", "none": "None", "not_prescribed": "Not prescribed"}
KINDS = {"weekly_checkin": "Weekly check-in", "monthly_review": "Monthly care-team review", "custom": "Custom"}
UNITS = {"DAILY": ("Daily", "days"), "WEEKLY": ("Weekly", "weeks"), "MONTHLY": ("Monthly", "months")}


def ref(person_id: str | None) -> str:
    """This service knows no names: staff recognise a person by the start of their id."""
    return (person_id or "")[:8]


def local(moment: dt.datetime | None, timezone: str) -> str:
    if moment is None:
        return ""
    moment = moment.astimezone(ZoneInfo(timezone))
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def local_input(moment: dt.datetime, timezone: str) -> str:
    """The value of a datetime-local input: wall-clock time where the person lives."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def day(value: dt.date | None) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}" if value else ""


def humanise(code: str | None) -> str:
    return (code or "").replace("_", " ")


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def describe_rule(rrule: str, first_start_local: str, timezone: str) -> str:
    """E.g. "Weekly on Tuesday at 18:00 (Europe/London)"; the rule itself when it is not simple."""
    try:
        parts = parse_rule(rrule)
        first = dt.datetime.fromisoformat(first_start_local)
        interval = int(parts.pop("INTERVAL", "1"))
    except (RecurrenceError, ValueError):
        return rrule
    freq, days = parts.pop("FREQ"), parts.pop("BYDAY", None)
    if parts or freq not in UNITS or (days and freq != "WEEKLY") or not set((days or "MO").split(",")) <= set(WEEKDAYS):
        return f"{rrule} ({timezone})"
    single, plural = UNITS[freq]
    lead = single if interval == 1 else f"Every {interval} {plural}"
    when = {"DAILY": "",
            "WEEKLY": f" on {_joined([WEEKDAYS[d] for d in days.split(',')] if days else [first.strftime('%A')])}",
            "MONTHLY": f" on day {first.day}"}[freq]
    return f"{lead}{when} at {first.strftime('%H:%M')} ({timezone})"
