"""Network contacts: the guide's one-page mapping template, kept per person."""
from __future__ import annotations

from sqlalchemy import select

from services.people import access
from services.people.domain.network_map import MapContact, render_svg, text_list
from services.people.models import Contact, Person
from services.people.usecases import Forbidden, NotFound
from shared.auth import Principal
from shared.db.uow import UnitOfWork

CHANNEL_FIELDS = ("name", "preferred_method", "phone", "email", "texts_ok", "calls_ok", "hours_start", "hours_end")


def list_for(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> list[Contact]:
    person = _person(uow, principal, person_id)
    contacts = active_contacts(uow, person.id)
    access.audit_reads(uow, principal, [person.id], "read", "contacts", purpose)
    uow.commit()
    return contacts


def active_contacts(uow: UnitOfWork, person_id: str) -> list[Contact]:
    query = (select(Contact).where(Contact.person_id == person_id, Contact.removed_at.is_(None))
             .order_by(Contact.circle, Contact.name, Contact.id))
    return list(uow.session.scalars(query))


def add(uow: UnitOfWork, principal: Principal, person_id: str, fields: dict) -> Contact:
    person = _person(uow, principal, person_id, for_change=True)
    now = uow.clock.now()
    contact = Contact(person_id=person.id, organisation_id=person.organisation_id,
                      created_at=now, updated_at=now, **fields)
    uow.session.add(contact)
    uow.session.flush()
    _publish_change(uow, person, contact, "added")
    uow.commit()
    return contact


def update(uow: UnitOfWork, principal: Principal, person_id: str, contact_id: str, changes: dict) -> Contact:
    person = _person(uow, principal, person_id, for_change=True)
    contact = _contact(uow, person, contact_id)
    for name, value in changes.items():
        setattr(contact, name, value)
    contact.updated_at = uow.clock.now()
    _publish_change(uow, person, contact, "updated")
    uow.commit()
    return contact


def remove(uow: UnitOfWork, principal: Principal, person_id: str, contact_id: str) -> None:
    person = _person(uow, principal, person_id, for_change=True)
    contact = _contact(uow, person, contact_id)
    contact.removed_at = uow.clock.now()
    uow.publish("circles.people.contact.removed.v1", {
        "person_id": person.id, "organisation_id": person.organisation_id, "contact_id": contact.id,
        "removed_at": contact.removed_at}, subject=person.id)
    uow.commit()


def agreed_to_contact(contact: Contact) -> bool:
    return bool(contact.agreement.get("agreed_on"))


def _publish_change(uow: UnitOfWork, person: Person, contact: Contact, action: str) -> None:
    data = {
        "person_id": person.id, "organisation_id": person.organisation_id, "contact_id": contact.id,
        "role": contact.role, "circle": contact.circle, "label": contact.label, "is_backup": contact.is_backup,
        "support_types": list(contact.support_types), "agreed_to_contact": agreed_to_contact(contact),
        "changed_at": contact.updated_at,
    }
    if agreed_to_contact(contact):
        # Channels travel only for contacts who agreed to be contacted.
        data.update({name: getattr(contact, name) for name in CHANNEL_FIELDS})
    uow.publish(f"circles.people.contact.{action}.v1", data, subject=person.id)


def _person(uow: UnitOfWork, principal: Principal, person_id: str, for_change: bool = False) -> Person:
    person = access.require_visible(uow, principal, person_id)
    if for_change and principal.role not in access.STAFF_WITH_CASELOAD and not access.is_self(principal, person.id):
        raise Forbidden("You cannot change this network.")
    return person


def _contact(uow: UnitOfWork, person: Person, contact_id: str) -> Contact:
    contact = uow.session.get(Contact, contact_id)
    if contact is None or contact.person_id != person.id or contact.removed_at is not None:
        raise NotFound("No such contact.")
    return contact


def network_map(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> tuple[str, list[str]]:
    """The network map as an SVG picture and the same facts as text lines."""
    person = _person(uow, principal, person_id)
    access.audit_reads(uow, principal, [person.id], "read", "network_map", purpose)
    uow.commit()
    drawn, lines = map_lines(uow, person)
    return render_svg(person.display_name, drawn), lines


def map_lines(uow: UnitOfWork, person: Person) -> tuple[list[MapContact], list[str]]:
    drawn = [MapContact(c.id, c.name, c.role, c.circle, c.label) for c in active_contacts(uow, person.id)]
    return drawn, text_list(drawn)
