"""Persons: intake, details, status journey, assignments, goals."""
from __future__ import annotations

from sqlalchemy import select

from services.people import access
from services.people.domain.status import TransitionError, check_transition
from services.people.models import Account, Person, StatusChange
from services.people.usecases import Forbidden, Invalid, consents
from shared.auth import Principal
from shared.db.uow import UnitOfWork

EVENT = "circles.people.person.{}.v1"
EDITABLE = ("display_name", "site_id", "timezone", "region", "email", "phone", "preferred_method",
            "goals", "practical_support_plan", "clinical_lead_name")
PERSON_EDITABLE = ("goals", "preferred_method", "email", "phone")  # the person's own choices


def register(uow: UnitOfWork, principal: Principal, details: dict) -> Person:
    if principal.role not in access.MAY_REGISTER:
        raise Forbidden("Only admins, coordinators and peer workers register persons.")
    if principal.site_ids and details.get("site_id") not in principal.site_ids:
        raise Invalid("Register the person at one of your sites.", "site_id")
    now = uow.clock.now()
    person = Person(organisation_id=principal.organisation_id, status="intake", status_changed_at=now,
                    created_by=principal.subject, created_at=now, **details)
    if principal.role == "peer_worker":
        person.peer_worker_id = principal.subject  # whoever takes the intake holds the case
    uow.session.add(person)
    uow.session.flush()
    uow.session.add(StatusChange(person_id=person.id, from_status=None, to_status="intake",
                                 reason="Registered at intake", changed_by=principal.subject, changed_at=now))
    uow.publish(EVENT.format("registered"), {
        **_ref(person), **_routing(person), "status": person.status, "registered_at": now}, subject=person.id)
    if person.peer_worker_id:
        _publish_assignment(uow, person, "peer_worker_assigned", person.peer_worker_id)
    uow.commit()
    return person


def get(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> Person:
    person = access.require_visible(uow, principal, person_id)
    access.audit_reads(uow, principal, [person.id], "read", "person", purpose)
    uow.commit()
    return person


def search(uow: UnitOfWork, principal: Principal, text: str | None, status: str | None,
           site_id: str | None, limit: int, offset: int, purpose: str) -> list[Person]:
    query = access.visible_persons(principal)
    if text:
        query = query.where(Person.display_name.ilike(f"%{text}%"))
    if status:
        query = query.where(Person.status == status)
    if site_id:
        query = query.where(Person.site_id == site_id)
    persons = list(uow.session.scalars(query.order_by(Person.display_name, Person.id).limit(limit).offset(offset)))
    access.audit_reads(uow, principal, [p.id for p in persons], "list", "person", purpose)
    uow.commit()
    return persons


def update(uow: UnitOfWork, principal: Principal, person_id: str, changes: dict) -> Person:
    person = access.require_visible(uow, principal, person_id)
    allowed = PERSON_EDITABLE if principal.role == "participant" else EDITABLE
    refused = sorted(set(changes) - set(allowed))
    if refused:
        raise Forbidden(f"You cannot change: {', '.join(refused)}.")
    routing_before = _routing(person)
    for name, value in changes.items():
        setattr(person, name, value)
    if _routing(person) != routing_before:
        uow.publish(EVENT.format("updated"), {**_ref(person), **_routing(person),
                                              "updated_at": uow.clock.now()}, subject=person.id)
    uow.commit()
    return person


def change_status(uow: UnitOfWork, principal: Principal, person_id: str, target: str, reason: str) -> Person:
    person = access.require_visible(uow, principal, person_id)
    _require_staff(principal)
    try:
        check_transition(person.status, target, reason)
    except TransitionError as exc:
        raise Invalid(str(exc), "status") from exc
    now = uow.clock.now()
    uow.session.add(StatusChange(person_id=person.id, from_status=person.status, to_status=target,
                                 reason=reason.strip(), changed_by=principal.subject, changed_at=now))
    uow.publish(EVENT.format("status_changed"), {**_ref(person), "from_status": person.status,
                                                 "to_status": target, "changed_at": now}, subject=person.id)
    person.status, person.status_reason, person.status_changed_at = target, reason.strip(), now
    if target == "discharged":
        consents.end_of_treatment(uow, person)
    uow.commit()
    return person


def status_history(uow: UnitOfWork, principal: Principal, person_id: str) -> list[StatusChange]:
    person = access.require_visible(uow, principal, person_id)
    query = select(StatusChange).where(StatusChange.person_id == person.id).order_by(StatusChange.changed_at)
    return list(uow.session.scalars(query))


def assign(uow: UnitOfWork, principal: Principal, person_id: str, role: str, staff_id: str | None) -> Person:
    """Assign (or clear, with None) the person's peer worker or clinical lead."""
    person = access.require_visible(uow, principal, person_id)
    if principal.role not in ("admin", "coordinator"):
        raise Forbidden("Only admins and coordinators assign staff.")
    if staff_id is not None:
        _require_account(uow, principal, staff_id, role)
    field = "peer_worker_id" if role == "peer_worker" else "clinical_lead_id"
    setattr(person, field, staff_id)
    _publish_assignment(uow, person, f"{'peer_worker' if role == 'peer_worker' else 'clinical_lead'}_assigned",
                        staff_id)
    uow.commit()
    return person


def _require_account(uow: UnitOfWork, principal: Principal, staff_id: str, role: str) -> None:
    account = uow.session.get(Account, staff_id)
    if account is None or account.organisation_id != principal.organisation_id or not account.active:
        raise Invalid("No such staff member in your organisation.", "staff_id")
    if account.role != role:
        raise Invalid(f"That account is a {account.role}, not a {role}.", "staff_id")


def _publish_assignment(uow: UnitOfWork, person: Person, what: str, staff_id: str | None) -> None:
    uow.publish(EVENT.format(what), {**_ref(person), "staff_id": staff_id, "assigned_at": uow.clock.now()},
                subject=person.id)



def _require_staff(principal: Principal) -> None:
    if principal.role not in access.STAFF_WITH_CASELOAD:
        raise Forbidden("Only staff can do this.")


def _ref(person: Person) -> dict:
    return {"person_id": person.id, "organisation_id": person.organisation_id}


def _routing(person: Person) -> dict:
    # How to reach the person themselves: notifications sends their reminders.
    return {"site_id": person.site_id, "timezone": person.timezone, "region": person.region,
            "preferred_method": person.preferred_method, "display_name": person.display_name,
            "phone": person.phone, "email": person.email, **_checklist_facts(person)}


def _checklist_facts(person: Person) -> dict:
    # Facts of the guide's checklist that live only in free text here: reporting counts them.
    return {"clinical_lead_named": bool((person.clinical_lead_name or "").strip()),
            "practical_support_planned": bool((person.practical_support_plan or "").strip())}

