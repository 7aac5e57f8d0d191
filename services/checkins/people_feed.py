"""The check-ins read model of persons, contacts and staff, kept from people.events alone.

Each handler runs in the consumer's unit of work (idempotent through processed_events);
one person's events arrive in order because they share a partition key.
"""
from __future__ import annotations

import json

from sqlalchemy import select, update

from services.checkins.models import CalendarToken, KnownContact, KnownPerson, KnownStaff, Rhythm
from services.checkins.usecases import plans, rhythms
from shared.db.uow import UnitOfWork
from shared.events import CloudEvent
from shared.messaging.consumer import Subscription

PEOPLE = "circles.people.{}.v1"


def _str(value) -> str | None:
    return None if value is None else str(value)


def person_registered(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    person = uow.session.merge(KnownPerson(
        person_id=str(data["person_id"]), organisation_id=str(data["organisation_id"]), site_id=_str(data["site_id"]),
        status=data["status"], timezone=data["timezone"], region=data["region"], updated_at=event.time))
    # The guide's 30-day starter plan begins at registration.
    if plans.plan_of(uow, person.person_id) is None:
        plans.start_plan(uow, person)


def _person(uow: UnitOfWork, data: dict) -> KnownPerson | None:
    # A change for a person registered before this service listened is skipped, not
    # guessed at: a replay from the start of people.events fills the gap.
    return uow.session.get(KnownPerson, str(data["person_id"]))


def person_updated(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    person = _person(uow, data)
    if person is not None:
        person.site_id, person.timezone, person.region = _str(data["site_id"]), data["timezone"], data["region"]
        person.updated_at = event.time


def status_changed(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    person = _person(uow, data)
    if person is not None:
        person.status, person.updated_at = data["to_status"], event.time
        if person.status == "discharged":
            _close_for_discharge(uow, person, event.time)


def _close_for_discharge(uow: UnitOfWork, person: KnownPerson, when) -> None:
    """Discharge ends the rhythms (future sessions cancelled) and the person's calendar link."""
    for rhythm in uow.session.scalars(select(Rhythm).where(
            Rhythm.person_id == person.person_id, Rhythm.active.is_(True))):
        rhythms.end_rhythm(uow, None, rhythm, "discharged")
    uow.session.execute(update(CalendarToken).where(
        CalendarToken.owner_kind == "person", CalendarToken.owner_id == person.person_id,
        CalendarToken.revoked_at.is_(None)).values(revoked_at=when))


def peer_worker_assigned(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    person = _person(uow, data)
    if person is not None:
        person.peer_worker_id, person.updated_at = data["staff_id"], event.time


def clinical_lead_assigned(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    person = _person(uow, data)
    if person is not None:
        person.clinical_lead_id, person.updated_at = data["staff_id"], event.time


def contact_changed(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    uow.session.merge(KnownContact(
        contact_id=str(data["contact_id"]), person_id=str(data["person_id"]),
        organisation_id=str(data["organisation_id"]), role=data["role"], circle=data["circle"], label=data["label"],
        name=data.get("name"), agreed_to_contact=data["agreed_to_contact"], removed=False, updated_at=event.time))


def contact_removed(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    contact = uow.session.get(KnownContact, str(data["contact_id"]))
    if contact is not None:
        contact.removed, contact.updated_at = True, event.time


def staff_registered(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    uow.session.merge(KnownStaff(
        staff_id=str(data["staff_id"]), organisation_id=str(data["organisation_id"]), role=data["role"],
        display_name=data["display_name"], site_ids=json.dumps([str(s) for s in data["site_ids"]])))


HANDLERS = {
    PEOPLE.format("person.registered"): person_registered,
    PEOPLE.format("person.updated"): person_updated,
    PEOPLE.format("person.status_changed"): status_changed,
    PEOPLE.format("person.peer_worker_assigned"): peer_worker_assigned,
    PEOPLE.format("person.clinical_lead_assigned"): clinical_lead_assigned,
    PEOPLE.format("contact.added"): contact_changed,
    PEOPLE.format("contact.updated"): contact_changed,
    PEOPLE.format("contact.removed"): contact_removed,
    PEOPLE.format("staff.registered"): staff_registered,
}


def subscriptions(runtime) -> list[Subscription]:
    return [Subscription("checkins.people-read-model", HANDLERS)]
