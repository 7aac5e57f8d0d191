"""Notifications' part in subject access and erasure.

Besides the rows about the person (read model, consents, deliveries with their bodies,
attempts, inbox, preferences), a message to staff can name the person in its text (a
digest of missed sessions): those texts keep the message but lose the name, address and
number.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select, update

from services.notifications.models import Contact, Delivery, Person, metadata, outbox
from shared.db.uow import UnitOfWork
from shared.privacy import records
from shared.privacy.contributor import Contributor

REDACTED = "[erased]"


def _personal_strings(uow: UnitOfWork, person_id: str) -> set[str]:
    person = uow.session.get(Person, person_id)
    found = {person.display_name, person.phone, person.email} if person else set()
    for contact in uow.session.scalars(select(Contact).where(Contact.person_id == person_id)):
        found |= {contact.name, contact.phone, contact.email}
    return {s for s in found if s and len(s) >= 3}


def _redact(uow: UnitOfWork, strings: set[str]) -> int:
    changed = 0
    for text in strings:
        changed += uow.session.execute(
            update(Delivery).where(or_(Delivery.body.contains(text), Delivery.subject.contains(text)))
            .values(body=func.replace(Delivery.body, text, REDACTED),
                    subject=func.replace(Delivery.subject, text, REDACTED))).rowcount
    return changed


def erase(uow: UnitOfWork, person_id: str, contacts: set[str]) -> dict[str, int]:
    strings = _personal_strings(uow, person_id)
    counts = records.erase_rows(uow.session, metadata, person_id, contacts)
    redacted = _redact(uow, strings)
    if redacted:
        counts["deliveries_redacted"] = redacted
    return counts


CONTRIBUTOR = Contributor("notifications", metadata, outbox, erase=erase)
