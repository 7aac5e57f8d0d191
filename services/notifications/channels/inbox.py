"""The in-app inbox as a channel: the message becomes an inbox item in this database,
written in the dispatcher's own transaction (so it lands exactly when the delivery does)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications.channels.base import DeliveryError, OutgoingMessage
from services.notifications.models import Delivery, InboxItem


class InboxChannel:
    name = "inbox"

    def __init__(self, session: Session):
        self._session = session

    def send(self, message: OutgoingMessage) -> str | None:
        owner_kind, _, owner_id = message.address.partition(":")
        delivery = self._session.get(Delivery, message.delivery_id)
        if owner_kind not in ("staff", "person") or not owner_id or delivery is None:
            raise DeliveryError(f"not an inbox address: {message.address!r}", transient=False)
        self._session.merge(InboxItem(
            id=delivery.id, organisation_id=delivery.organisation_id, owner_kind=owner_kind, owner_id=owner_id,
            person_id=delivery.person_id, subject=message.subject, body=message.body, urgent=delivery.urgent,
            created_at=delivery.created_at, read_at=None))
        return delivery.id
