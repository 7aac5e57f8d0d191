"""What someone outside the person's own circle of access may see: a supporter (a network
contact with a login), or a staff member the person named in a consent without being
assigned to them. Only what an active consent allows, for the purpose they state; every
view is logged as a disclosure."""
from __future__ import annotations

from services.people.domain import consent as rules
from services.people.models import Contact, Disclosure, Person
from services.people.usecases import consents, contacts, crisis_plans, disclosures
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import NotFound

PORTAL = "portal"
STAFF_NAMED_IN_CONSENTS = ("peer_worker", "clinician", "coordinator")


def view(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> dict:
    person, recipient = _recipient(uow, principal, person_id)
    verdicts = {data_class: consents.decide(uow, person, recipient, data_class, purpose)
                for data_class in rules.DATA_CLASSES}
    allowed = {data_class: v for data_class, v in verdicts.items() if v.allowed}
    if not allowed:
        raise NotFound("Nothing about this person is shared with you.")
    shown = {"person_id": person.id, "display_name": person.display_name, "shared": sorted(allowed)}
    shown.update(_parts(uow, person, allowed))
    for data_class, verdict in allowed.items():
        uow.session.add(Disclosure(
            person_id=person.id, organisation_id=person.organisation_id, consent_id=verdict.consent_id,
            consent_version=verdict.version, discloser="Circles portal", recipient=recipient.contact_id,
            purpose=purpose, data_description=f"{data_class.replace('_', ' ')} viewed in the portal",
            channel=PORTAL, at=uow.clock.now()))
    first = next(iter(allowed.values()))
    shown["notice"] = disclosures.notice_for(uow, person, first)
    uow.commit()
    return shown


def _parts(uow: UnitOfWork, person: Person, allowed: dict) -> dict:
    parts = {}
    if "crisis_plan" in allowed:
        plan = crisis_plans.latest_signed(uow, person.id)
        names = {c.id: c.name for c in contacts.active_contacts(uow, person.id)}
        parts["crisis_plan"] = None if plan is None else {
            "warning_signs": plan.warning_signs,
            "call_first": [{"name": names.get(e["contact_id"], "(removed)"), "when": e["when"]} for e in plan.call_first],
            "emergency_numbers": [n.as_dict() for n in crisis_plans.numbers_for(uow, person)]}
    if "network_map" in allowed:
        _, lines = contacts.map_lines(uow, person)
        parts["network_map"] = lines
    if "contact_details" in allowed:
        parts["contact_details"] = {"phone": person.phone, "email": person.email,
                                    "preferred_method": person.preferred_method}
    return parts


def _recipient(uow: UnitOfWork, principal: Principal, person_id: str) -> tuple[Person, rules.Recipient]:
    person = uow.session.get(Person, person_id)
    if person is None or person.organisation_id != principal.organisation_id:
        raise NotFound("No such person.")
    if principal.role == "supporter":
        contact = uow.session.get(Contact, principal.contact_id) if principal.contact_id else None
        if contact is None or contact.person_id != person.id or contact.removed_at is not None:
            raise NotFound("No such person.")
        return person, disclosures.recipient_for(uow, person, contact.id)
    if principal.role in STAFF_NAMED_IN_CONSENTS:
        return person, disclosures.recipient_for(uow, person, principal.subject)
    raise NotFound("No such person.")
