"""The notifications read model, kept from people.events alone (idempotent upserts:
the consumer loop's processed-events log makes each event count once)."""
from __future__ import annotations

from services.notifications.models import Consent, Contact, CrisisPlan, Person, Staff
from shared.db.uow import UnitOfWork
from shared.events import CloudEvent

PEOPLE = "circles.people.{}.v1"
REACH = ("display_name", "preferred_method", "phone", "email")


def _str(value) -> str | None:
    return None if value is None else str(value)


def person_registered(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    uow.session.merge(Person(
        person_id=str(data["person_id"]), organisation_id=str(data["organisation_id"]),
        site_id=_str(data["site_id"]), status=data["status"], timezone=data["timezone"], region=data["region"],
        **{field: data.get(field) for field in REACH}))


def _person(uow: UnitOfWork, data: dict) -> Person | None:
    return uow.session.get(Person, str(data["person_id"]))


def person_updated(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    person = _person(uow, data)
    if person is not None:
        person.site_id, person.timezone, person.region = _str(data["site_id"]), data["timezone"], data["region"]
        for field in REACH:
            if field in data:
                setattr(person, field, data[field])


def status_changed(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    person = _person(uow, data)
    if person is not None:
        person.status = data["to_status"]


def assigned(role: str):
    def handle(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
        person = _person(uow, data)
        if person is not None:
            setattr(person, role, _str(data["staff_id"]))
    return handle


def contact_changed(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    agreed = data["agreed_to_contact"]
    uow.session.merge(Contact(
        contact_id=str(data["contact_id"]), person_id=str(data["person_id"]),
        organisation_id=str(data["organisation_id"]), role=data["role"], circle=data["circle"],
        agreed_to_contact=agreed, name=data.get("name") if agreed else None,
        preferred_method=data.get("preferred_method") if agreed else None,
        phone=data.get("phone") if agreed else None, email=data.get("email") if agreed else None,
        texts_ok=bool(data.get("texts_ok")), calls_ok=bool(data.get("calls_ok")),
        hours_start=data.get("hours_start"), hours_end=data.get("hours_end"), removed=False))


def contact_removed(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    contact = uow.session.get(Contact, str(data["contact_id"]))
    if contact is not None:
        contact.removed = True


def consent_changed(state: str):
    def handle(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
        current = uow.session.get(Consent, str(data["consent_id"]))
        if current is not None and current.version > data["version"]:
            return  # an older version's news; the newer one already decided
        uow.session.merge(Consent(
            consent_id=str(data["consent_id"]), person_id=str(data["person_id"]),
            organisation_id=str(data["organisation_id"]), version=data["version"],
            recipients=[str(r) for r in data["recipients"]], data_classes=list(data["data_classes"]),
            purposes=list(data["purposes"]), expires_at=data["expires_at"], state=state,
            expiry_announced=current.expiry_announced if current and current.version == data["version"] else False))
    return handle


def crisis_plan_signed(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    uow.session.merge(CrisisPlan(
        person_id=str(data["person_id"]), version=data["version"], region=data["region"],
        call_first=[{"order": c["order"], "contact_id": str(c["contact_id"]), "when": c["when"]}
                    for c in sorted(data["call_first"], key=lambda c: c["order"])]))


def staff_registered(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    uow.session.merge(Staff(
        staff_id=str(data["staff_id"]), organisation_id=str(data["organisation_id"]), role=data["role"],
        display_name=data["display_name"], email=data["email"], site_ids=[str(s) for s in data["site_ids"]]))


HANDLERS = {
    PEOPLE.format("person.registered"): person_registered,
    PEOPLE.format("person.updated"): person_updated,
    PEOPLE.format("person.status_changed"): status_changed,
    PEOPLE.format("person.peer_worker_assigned"): assigned("peer_worker_id"),
    PEOPLE.format("person.clinical_lead_assigned"): assigned("clinical_lead_id"),
    PEOPLE.format("contact.added"): contact_changed,
    PEOPLE.format("contact.updated"): contact_changed,
    PEOPLE.format("contact.removed"): contact_removed,
    PEOPLE.format("staff.registered"): staff_registered,
    PEOPLE.format("consent.granted"): consent_changed("active"),
    PEOPLE.format("consent.revoked"): consent_changed("revoked"),
    PEOPLE.format("consent.expired"): consent_changed("expired"),
    PEOPLE.format("crisis_plan.signed"): crisis_plan_signed,
}
