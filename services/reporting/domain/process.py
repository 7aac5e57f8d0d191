"""Process, coverage and sustainability KPIs. Definitions are in the README ("Reporting")."""
from __future__ import annotations

import datetime as dt
import statistics

from services.reporting.domain.facts import Facts, Network, Person
from services.reporting.domain.periods import Period
from services.reporting.domain.values import Count, Rate, Stat

REVIEW_KINDS = {"monthly_review"}


def _in(items, period: Period):
    return [i for i in items if period.holds(i.at)]


def checkin_misses(facts: Facts, period: Period):
    return [m for m in _in(facts.misses, period) if m.kind not in REVIEW_KINDS]


def process(facts: Facts, period: Period) -> dict:
    completed = len(_in(facts.checkins, period))
    missed = len(checkin_misses(facts, period))
    attendances = _in(facts.attendances, period)
    daily = lambda metric: sum(v for _, day, m, v in facts.daily  # noqa: E731
                               if m == metric and period.first_day <= day < period.next_first_day)
    return {
        "checkins_completed": Count(completed),
        "checkins_missed": Count(missed),
        "checkin_completion_rate": Rate(completed, completed + missed),
        "reviews_held": Count(len(_in(facts.reviews, period))),
        "reviews_missed": Count(sum(m.kind in REVIEW_KINDS for m in _in(facts.misses, period))),
        "mutual_help_attendances": Count(len(attendances)),
        "persons_attending_mutual_help": Count(len({a.person_id for a in attendances})),
        "risk_flags_high": Count(daily("risk_flags_high")),
        "notifications_sent": Count(daily("notifications_sent")),
        "notifications_failed": Count(daily("notifications_failed")),
    }


def checklist_met(person: Person, network: Network) -> bool:
    """The guide's final checklist: clinical lead and peer worker; signed crisis plan
    with emergency contacts; weekly check-ins and a monthly review; a mutual-help option
    and a sober social activity; practical supports in place or planned."""
    return (person.has_clinical_lead and person.peer_worker_id is not None
            and person.crisis_plan_signed and person.crisis_call_first > 0
            and network.weekly_checkin and network.monthly_review
            and network.mutual_help and network.sober_social
            and (network.practical_in_place or person.practical_support_planned))


def coverage(facts: Facts, now: dt.datetime) -> dict:
    """Shares of the persons active now (registered, not discharged)."""
    active = [p for p in facts.persons.values() if p.active_at(now)]
    network = lambda p: facts.networks.get(p.person_id, Network())  # noqa: E731
    return {
        "active_persons": Count(len(active)),
        "crisis_plan_coverage": Rate(sum(p.crisis_plan_signed for p in active), len(active)),
        "care_team_coverage": Rate(sum(p.has_clinical_lead and p.peer_worker_id is not None for p in active),
                                   len(active)),
        "checklist_coverage": Rate(sum(checklist_met(p, network(p)) for p in active), len(active)),
    }


def peer_workers(facts: Facts, period: Period, now: dt.datetime) -> tuple[dict, list[dict]]:
    """Caseload now and the missed-session rate in the period, per peer worker. A miss
    or a check-in counts against whoever held the person's case at that moment."""
    caseload: dict[str, int] = {}
    for p in facts.persons.values():
        if p.active_at(now) and p.peer_worker_id:
            caseload[p.peer_worker_id] = caseload.get(p.peer_worker_id, 0) + 1
    missed: dict[str, int] = {}
    held: dict[str, int] = {}
    for miss in checkin_misses(facts, period):
        staff = facts.peer_worker_at(miss.person_id, miss.at)
        if staff:
            missed[staff] = missed.get(staff, 0) + 1
    for checkin in _in(facts.checkins, period):
        staff = facts.peer_worker_at(checkin.person_id, checkin.at)
        if staff:
            held[staff] = held.get(staff, 0) + 1
    workers = sorted(set(caseload) | set(missed) | set(held))
    rows = [{"staff_id": s, "caseload": Count(caseload.get(s, 0)),
             "missed_session_rate": Rate(missed.get(s, 0), missed.get(s, 0) + held.get(s, 0))} for s in workers]
    loads = list(caseload.values())
    summary = {"peer_workers": Count(len(loads)),
               "caseload_per_peer_worker": Stat(statistics.fmean(loads) if loads else None, len(loads))}
    return summary, rows
