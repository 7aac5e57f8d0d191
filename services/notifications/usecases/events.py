"""notification.sent / .failed / .suppressed: the outcome of one delivery, never its body."""
from __future__ import annotations

from services.notifications import metrics
from services.notifications.models import Delivery
from shared.db.uow import UnitOfWork

OUTCOMES = {"sent": "sent", "failed": "failed", "suppressed": "suppressed"}


def publish_outcome(uow: UnitOfWork, delivery: Delivery) -> None:
    now = uow.clock.now()
    data = {
        "delivery_id": delivery.id, "organisation_id": delivery.organisation_id, "person_id": delivery.person_id,
        "source_event_id": delivery.source_event_id, "source_type": delivery.source_type, "kind": delivery.kind,
        "recipient_kind": delivery.recipient_kind, "recipient_id": delivery.recipient_id,
        "channel": delivery.channel, "attempts": delivery.attempts, "reason": delivery.reason,
        "urgent": delivery.urgent, "at": now,
        # Under which consent a contact was told (None for staff and the person themselves).
        "consent_id": delivery.consent_id, "consent_version": delivery.consent_version,
        "data_class": delivery.data_class, "purpose": delivery.purpose,
    }
    uow.publish(f"circles.notifications.notification.{OUTCOMES[delivery.status]}.v1", data,
                subject=delivery.person_id or delivery.recipient_id)
    metrics.record(delivery, now)
