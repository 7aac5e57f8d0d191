"""Small, readable event histories for the reporting tests.

`History` builds real, catalogue-validated CloudEvents (people, check-ins,
notifications, resources) for one organisation; apply them to a MemoryStore for a unit
test, or through the live consumer's handlers to a database for an integration test.
"""
from __future__ import annotations

import datetime as dt
import uuid

from services.reporting.projection.handlers import HANDLERS
from shared.events import CloudEvent, build_event
from shared.events.catalogue import load_data
from tests.support.tokens import ORG_A

SITE_NORTH = "aaaaaaaa-0000-4000-8000-000000000001"
SITE_SOUTH = "bbbbbbbb-0000-4000-8000-000000000002"


def utc(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone.utc)


def _id() -> str:
    return str(uuid.uuid4())


class History:
    def __init__(self, org: str = ORG_A):
        self.org = org
        self.events: list[CloudEvent] = []
        self.sites: dict[str, str | None] = {}

    def _add(self, type_name: str, subject: str, when: dt.datetime, **data) -> CloudEvent:
        publisher = type_name.split(".")[1]
        event = build_event(type_name, {"organisation_id": self.org, **data}, source=f"/circles/{publisher}",
                            subject=subject, time=when)
        self.events.append(event)
        return event

    # --- people.events -------------------------------------------------------------
    def person(self, at: dt.datetime, site: str | None = SITE_NORTH, status: str = "active",
               peer_worker: str | None = None, clinical_lead: str | None = None, **facts) -> str:
        person = _id()
        self.sites[person] = site
        self._add("circles.people.person.registered.v1", person, at, person_id=person, site_id=site,
                  status=status, timezone="Europe/London", region="GB", registered_at=at, **facts)
        if peer_worker:
            self.assign(person, "peer_worker", peer_worker, at)
        if clinical_lead:
            self.assign(person, "clinical_lead", clinical_lead, at)
        return person

    def assign(self, person: str, role: str, staff: str | None, at: dt.datetime) -> None:
        self._add(f"circles.people.person.{role}_assigned.v1", person, at, person_id=person, staff_id=staff,
                  assigned_at=at)

    def discharge(self, person: str, at: dt.datetime) -> None:
        self._add("circles.people.person.status_changed.v1", person, at, person_id=person,
                  from_status="active", to_status="discharged", changed_at=at)

    def crisis_plan(self, person: str, at: dt.datetime, call_first: int = 1) -> None:
        self._add("circles.people.crisis_plan.signed.v1", person, at, person_id=person, version=1, region="GB",
                  call_first=[{"order": i + 1, "contact_id": _id(), "when": "any"} for i in range(call_first)],
                  signed_at=at)

    def contact(self, person: str, at: dt.datetime, role: str = "friend", label: str = "helpful",
                support_types: tuple[str, ...] = (), is_backup: bool = False) -> str:
        contact = _id()
        self._add("circles.people.contact.added.v1", person, at, person_id=person, contact_id=contact, role=role,
                  circle="middle", label=label, is_backup=is_backup, support_types=list(support_types),
                  agreed_to_contact=True, changed_at=at)
        return contact

    def assessment(self, person: str, at: dt.datetime, barc10: int | None = None, mspss: float | None = None,
                   housing: str = "unknown", employment: str = "unknown", kind: str = "review") -> None:
        scores = {}
        if barc10 is not None:
            scores["barc10"] = {"total": barc10, "meets_cutoff": barc10 >= 47}
        if mspss is not None:
            scores["mspss"] = {"total_mean": mspss}
        self._add("circles.people.assessment.completed.v1", person, at, person_id=person,
                  site_id=self.sites.get(person), assessment_id=_id(), kind=kind, scores=scores,
                  housing_status=housing, employment_status=employment, completed_at=at,
                  next_due_at=at + dt.timedelta(days=90))

    # --- checkins.events -------------------------------------------------------------
    def _scoped(self, person: str) -> dict:
        return {"person_id": person, "site_id": self.sites.get(person)}

    def rhythm(self, person: str, at: dt.datetime, kind: str = "weekly_checkin", active: bool = True) -> None:
        self._add("circles.checkins.rhythm.created.v1", person, at, **self._scoped(person), rhythm_id=_id(),
                  kind=kind, rrule="FREQ=WEEKLY", first_start_local="2026-01-05T10:00", timezone="Europe/London",
                  duration_minutes=30, participants=[], expects_record=True, active=active, version=1)

    def checkin(self, person: str, at: dt.datetime, days_abstinent: int | None = None, wellbeing: int = 6) -> None:
        self._add("circles.checkins.checkin.completed.v1", person, at, **self._scoped(person), checkin_id=_id(),
                  session_id=None, completed_at=at, wellbeing=wellbeing, days_abstinent_last_30=days_abstinent)

    def miss(self, person: str, at: dt.datetime, kind: str = "weekly_checkin", consecutive: int = 1) -> None:
        self._add("circles.checkins.checkin.missed.v1", person, at, **self._scoped(person), session_id=_id(),
                  rhythm_id=_id(), kind=kind, starts_at=at, consecutive_misses=consecutive)

    def review(self, person: str, at: dt.datetime) -> None:
        self._add("circles.checkins.review.completed.v1", person, at, **self._scoped(person), review_id=_id(),
                  session_id=None, completed_at=at)

    def attendance(self, person: str, at: dt.datetime, mode: str = "in_person") -> None:
        self._add("circles.checkins.attendance.recorded.v1", person, at, **self._scoped(person),
                  attendance_id=_id(), directory_event_id=None, mode=mode, attended_on=at.date())

    def risk_flag(self, person: str, at: dt.datetime) -> None:
        self._add("circles.checkins.risk.flagged.v1", person, at, **self._scoped(person), flag_ids=[_id()],
                  region="GB", severity="high", kinds=["overdose_risk"], source="staff", checkin_id=None, raised_at=at)

    # --- notifications.events and resources.events ------------------------------------------
    def notification(self, at: dt.datetime, outcome: str = "sent", channel: str = "email") -> None:
        self._add(f"circles.notifications.notification.{outcome}.v1", self.org, at, delivery_id=_id(),
                  person_id=None, source_event_id=_id(), source_type="circles.checkins.checkin.missed.v1",
                  kind="checkin.missed.staff", recipient_kind="staff", recipient_id=_id(), channel=channel,
                  attempts=1, reason=None, urgent=False, at=at)

    def listing(self, at: dt.datetime, kind: str = "meeting", status: str = "published") -> None:
        listing = _id()
        self._add("circles.resources.resource.published.v1", listing, at, listing_id=listing, site_id=SITE_NORTH,
                  kind=kind, slug=f"listing-{listing[:8]}", name="Tuesday group", status=status, fellowship="AA",
                  attendance="in_person", timezone="Europe/London", version=1)


def apply_to_store(store, events: list[CloudEvent]) -> None:
    """What the consumers do, minus Kafka: claim each event once, then apply it."""
    for event in events:
        if store.claim([event.id]):
            HANDLERS[event.type](store, event.time, load_data(event))
    store.flush()


def apply_live(runtime, events: list[CloudEvent]) -> None:
    """Apply events through the live consumer's own handlers, one transaction each."""
    from services.reporting.projection.live import subscriptions
    handlers = subscriptions(runtime)[0].handlers
    for event in events:
        with runtime.uow() as uow:
            handlers[event.type](uow, event, load_data(event))
            uow.commit()
