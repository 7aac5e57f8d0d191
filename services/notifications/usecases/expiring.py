"""Consents expiring within 14 days: the coordinators hear once per consent version."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from services.notifications.links import Links
from services.notifications.models import Consent, Contact
from services.notifications.usecases.routing import route
from shared.db.uow import UnitOfWork

WARNING = dt.timedelta(days=14)
CLASSES = {"care_team": "the care team", "crisis_contacts": "crisis contacts", "all_network": "the whole network"}


@dataclasses.dataclass(frozen=True)
class SourceEvent:
    """A source for deliveries this service raises itself (not from a topic)."""
    id: str
    type: str
    time: dt.datetime


def announce(uow: UnitOfWork, links: Links) -> int:
    now = uow.clock.now()
    due = uow.session.scalars(select(Consent).where(
        Consent.state == "active", Consent.expiry_announced.is_(False), Consent.expires_at.is_not(None),
        Consent.expires_at > now, Consent.expires_at <= now + WARNING).with_for_update(skip_locked=True)).all()
    for consent in due:
        consent.expiry_announced = True
        source = SourceEvent(f"consent-expiring:{consent.consent_id}:v{consent.version}",
                             "circles.notifications.consent.expiring", now)
        route(uow, "consent.expiring", source, {
            "person_id": consent.person_id, "organisation_id": consent.organisation_id,
            "shared_with": _names(uow, consent.recipients), "expires_at": consent.expires_at}, links)
    uow.commit()
    return len(due)


def _names(uow: UnitOfWork, recipients: list[str]) -> str:
    names = []
    for recipient in recipients:
        contact = uow.session.get(Contact, recipient)
        names.append(CLASSES.get(recipient) or (f"{contact.name or contact.role} ({contact.role})" if contact
                                                else "a former contact"))
    return ", ".join(names)
