"""Network health: the guide's final checklist and pitfalls, evaluated for one person."""
from __future__ import annotations

from services.people import access
from services.people.domain import checklist
from services.people.models import Organisation, Person
from services.people.usecases import assessments, contacts, crisis_plans
from shared.auth import Principal
from shared.db.uow import UnitOfWork


def evaluate(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> dict:
    person = access.require_visible(uow, principal, person_id)
    access.audit_reads(uow, principal, [person.id], "read", "network_health", purpose)
    items = checklist.evaluate(snapshot(uow, person))
    uow.commit()
    return {"person_id": person.id, "items": [item.__dict__ for item in items], **checklist.summary(items)}


def snapshot(uow: UnitOfWork, person: Person) -> checklist.NetworkSnapshot:
    latest = assessments.latest(uow, person.id)
    organisation = uow.session.get(Organisation, person.organisation_id)
    plan = crisis_plans.latest_signed(uow, person.id)
    return checklist.NetworkSnapshot(
        has_peer_worker=person.peer_worker_id is not None,
        has_clinical_lead=person.clinical_lead_id is not None or bool(person.clinical_lead_name),
        crisis_plan_signed=plan is not None,
        crisis_plan_emergency_contacts=len(plan.call_first) if plan is not None else 0,
        rhythm=None,  # check-in rhythms arrive from checkins events with the check-ins issue
        contacts=tuple(_facts(c) for c in contacts.active_contacts(uow, person.id)),
        practical_support_planned=bool(person.practical_support_plan.strip()),
        last_assessment_at=latest.completed_at if latest else None,
        registered_at=person.created_at,
        assessment_interval_days=organisation.assessment_interval_days if organisation else 90,
        now=uow.clock.now(),
    )


def _facts(contact) -> checklist.ContactFacts:
    return checklist.ContactFacts(name_ref=contact.name, role=contact.role, circle=contact.circle,
                                  label=contact.label, is_backup=contact.is_backup,
                                  support_types=frozenset(contact.support_types))
