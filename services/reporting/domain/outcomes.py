"""Outcome KPIs: retention, days abstinent, recovery capital, social support, housing
and employment, each over one period. Definitions are in the README ("Reporting")."""
from __future__ import annotations

import datetime as dt
import statistics

from services.reporting.domain.facts import Assessment, Facts
from services.reporting.domain.periods import Period
from services.reporting.domain.values import Count, Rate, Stat

RETENTION_DAYS = (30, 90, 180)
RETENTION_WINDOW = dt.timedelta(days=30)
BARC10_REMISSION = 47
STABLE_HOUSING = {"stable"}
EMPLOYED = {"employed_full_time", "employed_part_time"}


def retention(facts: Facts, period: Period, days: int, now: dt.datetime) -> Rate:
    """Of the persons whose intake fell in the period and whose day N has passed: those
    not discharged before day N with a completed check-in in the 30 days before it."""
    eligible = retained = 0
    checkins_by_person: dict[str, list[dt.datetime]] = {}
    for c in facts.checkins:
        checkins_by_person.setdefault(c.person_id, []).append(c.at)
    for person in facts.persons.values():
        if person.registered_at is None or not period.holds(person.registered_at):
            continue
        day_n = person.registered_at + dt.timedelta(days=days)
        if day_n > now:
            continue
        eligible += 1
        still_in = person.discharged_at is None or person.discharged_at >= day_n
        seen = any(day_n - RETENTION_WINDOW <= at < day_n for at in checkins_by_person.get(person.person_id, ()))
        retained += still_in and seen
    return Rate(retained, eligible)


def days_abstinent(facts: Facts, period: Period) -> tuple[Stat, Stat]:
    """Mean and median over persons of their latest report in the period; a check-in
    without a report is left out, never counted as zero."""
    latest: dict[str, tuple[dt.datetime, int]] = {}
    for c in facts.checkins:
        if c.days_abstinent is not None and period.holds(c.at):
            if c.person_id not in latest or c.at >= latest[c.person_id][0]:
                latest[c.person_id] = (c.at, c.days_abstinent)
    values = [days for _, days in latest.values()]
    if not values:
        return Stat(None, 0), Stat(None, 0)
    return Stat(statistics.fmean(values), len(values)), Stat(float(statistics.median(values)), len(values))


def _baseline_and_latest(facts: Facts, period: Period, score) -> list[tuple[Assessment, Assessment]]:
    """Per person with a scored assessment in the period: (first ever, latest in period),
    when those are two different assessments."""
    by_person: dict[str, list[Assessment]] = {}
    for a in facts.assessments:
        if score(a) is not None and a.completed_at < period.end:
            by_person.setdefault(a.person_id, []).append(a)
    pairs = []
    for items in by_person.values():
        items.sort(key=lambda a: a.completed_at)
        latest = items[-1]
        if period.holds(latest.completed_at) and len(items) > 1:
            pairs.append((items[0], latest))
    return pairs


def score_change(facts: Facts, period: Period, score) -> Stat:
    """Mean change from each person's baseline to their latest assessment in the period."""
    changes = [score(latest) - score(first) for first, latest in _baseline_and_latest(facts, period, score)]
    return Stat(statistics.fmean(changes) if changes else None, len(changes))


def barc10_remission(facts: Facts, period: Period) -> Rate:
    """Share of persons assessed in the period whose latest BARC-10 total is 47 or more."""
    latest: dict[str, Assessment] = {}
    for a in facts.assessments:
        if a.barc10 is not None and period.holds(a.completed_at):
            if a.person_id not in latest or a.completed_at >= latest[a.person_id].completed_at:
                latest[a.person_id] = a
    return Rate(sum(a.barc10 >= BARC10_REMISSION for a in latest.values()), len(latest))


def stability(facts: Facts, period: Period, attribute: str, good: set[str]) -> dict[str, Count | Rate]:
    """Housing or employment: persons followed up in the period, moved into a good
    status from their baseline, moved out of one, and the share in one now."""
    # "unknown" is no information, not a status: such assessments are left out.
    known = lambda a: None if getattr(a, attribute) in (None, "unknown") else getattr(a, attribute)  # noqa: E731
    pairs = _baseline_and_latest(facts, period, known)
    improved = sum(getattr(f, attribute) not in good and getattr(l, attribute) in good for f, l in pairs)
    worsened = sum(getattr(f, attribute) in good and getattr(l, attribute) not in good for f, l in pairs)
    stable_now = sum(getattr(l, attribute) in good for _, l in pairs)
    stable_before = sum(getattr(f, attribute) in good for f, _ in pairs)
    return {"followed_up": Count(len(pairs)), "improved": Count(improved), "worsened": Count(worsened),
            "share_at_baseline": Rate(stable_before, len(pairs)), "share_now": Rate(stable_now, len(pairs))}
