"""The pipeline every reporting unit test runs: events -> MemoryStore -> facts -> KPIs.

Plus the few events `History` has no helper for (contact removed or relabelled, a rhythm
changed, a status change other than discharge), built the same catalogue-validated way.
"""
from __future__ import annotations

import datetime as dt
import uuid

from services.reporting.domain import report
from services.reporting.domain.facts import Facts, from_rows
from services.reporting.domain.periods import Period, period_of
from services.reporting.projection.store import MemoryStore
from shared.events import build_event
from tests.support.reporting_history import History, apply_to_store, utc

MARCH = period_of(dt.date(2026, 3, 1), "month")
AFTER_MARCH = utc(2026, 4, 15)


def store_of(h: History) -> MemoryStore:
    store = MemoryStore()
    apply_to_store(store, h.events)
    return store


def facts_of(h: History) -> Facts:
    return from_rows(store_of(h).all_rows())


def month_values(h: History, period: Period = MARCH, now: dt.datetime = AFTER_MARCH) -> dict:
    return report.period_values(facts_of(h), period, now)


def current(h: History, now: dt.datetime = AFTER_MARCH, period: Period = MARCH) -> tuple[dict, list[dict]]:
    return report.current_values(facts_of(h), period, now)


def emit(h: History, type_name: str, subject: str, at: dt.datetime, **data) -> None:
    publisher = type_name.split(".")[1]
    h.events.append(build_event(type_name, {"organisation_id": h.org, **data}, source=f"/circles/{publisher}",
                                subject=subject, time=at))


def status_change(h: History, person: str, at: dt.datetime, to_status: str, from_status: str) -> None:
    emit(h, "circles.people.person.status_changed.v1", person, at, person_id=person, from_status=from_status,
         to_status=to_status, changed_at=at)


def contact_removed(h: History, person: str, contact: str, at: dt.datetime) -> None:
    emit(h, "circles.people.contact.removed.v1", person, at, person_id=person, contact_id=contact, removed_at=at)


def contact_relabelled(h: History, person: str, contact: str, at: dt.datetime, label: str,
                       role: str = "friend", support_types: tuple[str, ...] = ()) -> None:
    emit(h, "circles.people.contact.updated.v1", person, at, person_id=person, contact_id=contact, role=role,
         circle="middle", label=label, is_backup=False, support_types=list(support_types),
         agreed_to_contact=True, changed_at=at)


def rhythm(h: History, person: str, at: dt.datetime, kind: str = "weekly_checkin", active: bool = True,
           rhythm_id: str | None = None, version: int = 1) -> str:
    """rhythm.created (no id given) or rhythm.changed (the id of an existing rhythm)."""
    action = "changed" if rhythm_id else "created"
    rhythm_id = rhythm_id or str(uuid.uuid4())
    emit(h, f"circles.checkins.rhythm.{action}.v1", person, at, person_id=person, site_id=h.sites.get(person),
         rhythm_id=rhythm_id, kind=kind, rrule="FREQ=WEEKLY", first_start_local="2026-01-05T10:00",
         timezone="Europe/London", duration_minutes=30, participants=[], expects_record=True, active=active,
         version=version)
    return rhythm_id
