"""The people worker's consumer of notifications.events: every message the notifications
service delivered to one of a person's contacts becomes a row of that person's accounting
of disclosures (GET /persons/{id}/disclosures), next to the supporter views the portal
logs itself. The event carries ids, the channel, the message kind and the consent it went
under, never a body or an address.

Effectively once: the consumer loop marks each event in processed_events in the same
transaction as the row, so a redelivered event adds nothing.
"""
from __future__ import annotations

from services.people.usecases import disclosures
from shared.db.uow import UnitOfWork
from shared.events import CloudEvent
from shared.messaging.consumer import Subscription

SENT = "circles.notifications.notification.sent.v1"
GROUP = "people.disclosures"


def notification_sent(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    # failed and suppressed messages reached nobody: only a sent one is a disclosure.
    disclosures.record_notification(uow, data)


HANDLERS = {SENT: notification_sent}


def subscriptions(runtime) -> list[Subscription]:
    return [Subscription(GROUP, HANDLERS)]
