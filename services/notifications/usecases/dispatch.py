"""The dispatcher job: send what is due, at most once per delivery row, with retries.

Each run claims due rows with FOR UPDATE SKIP LOCKED (any number of workers), then for
each: waits out the recipient's quiet hours (crisis messages excepted) and a contact's
texting hours, holds back what is over the per-recipient rate limit for the digest, and
sends. A transient failure is retried with backoff up to MAX_ATTEMPTS, then failed; a
permanent failure moves to the recipient's next channel, if any. The send and the row's
new state commit together; a crash between the provider accepting and the commit can
repeat that one message (the Message-ID / reference lets a provider spot it).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from services.notifications.channels.base import Channel, DeliveryError, OutgoingMessage
from services.notifications.channels.inbox import InboxChannel
from services.notifications.domain import backoff, timing
from services.notifications.models import (
    Contact, Delivery, DeliveryAttempt, OrganisationRules, Person, RecipientPreferences,
)
from services.notifications.usecases import recipients
from services.notifications.usecases.events import publish_outcome
from shared.db.uow import UnitOfWork

BATCH = 50
HOUR = dt.timedelta(hours=1)


@dataclasses.dataclass
class Dispatcher:
    channels: dict[str, Channel]

    def run_once(self, uow: UnitOfWork, batch: int = BATCH) -> int:
        now = uow.clock.now()
        due = uow.session.scalars(select(Delivery).where(
            Delivery.status == "pending", Delivery.next_attempt_at <= now,
        ).order_by(Delivery.urgent.desc(), Delivery.next_attempt_at, Delivery.created_at, Delivery.position)
            .limit(batch).with_for_update(skip_locked=True)).all()
        channels = {**self.channels, "inbox": InboxChannel(uow.session)}
        done = sum(self._handle(uow, delivery, channels, now) for delivery in due)
        uow.commit()
        return done

    def _handle(self, uow: UnitOfWork, delivery: Delivery, channels: dict, now: dt.datetime) -> int:
        if _consent_withdrawn(uow, delivery, now):
            return 1
        if not delivery.urgent:
            later = _not_before(uow, delivery, now)
            if later > now:
                delivery.next_attempt_at = later
                return 0
            if delivery.kind != "digest" and _over_rate_limit(uow, delivery, now):
                delivery.status, delivery.reason = "suppressed", "rate_limited"
                publish_outcome(uow, delivery)
                return 1
        return _send(uow, delivery, channels, now)


def _consent_withdrawn(uow: UnitOfWork, delivery: Delivery, now: dt.datetime) -> bool:
    """Consent is checked again at the moment of sending, not only when the message was
    planned: one revoked or expired while a message waited suppresses it (and its fallback)."""
    if delivery.recipient_kind != "contact":
        return False
    reason = recipients.refusal_now(uow, delivery.person_id, delivery.recipient_id, delivery.data_class,
                                    delivery.purpose, now)
    if reason is None:
        return False
    delivery.status, delivery.reason = "suppressed", reason
    publish_outcome(uow, delivery)
    _standby(uow, delivery).delete(synchronize_session=False)
    return True


def _send(uow: UnitOfWork, delivery: Delivery, channels: dict, now: dt.datetime) -> int:
    delivery.attempts += 1
    message = OutgoingMessage(delivery.id, delivery.channel, delivery.address or "", delivery.subject, delivery.body)
    try:
        provider_id = channels[delivery.channel].send(message)
    except DeliveryError as error:
        _attempt(uow, delivery, now, "transient_error" if error.transient else "permanent_error", str(error))
        if error.transient and delivery.attempts < backoff.MAX_ATTEMPTS:
            delivery.next_attempt_at = now + backoff.delay(delivery.attempts)
            return 0
        delivery.status, delivery.reason = "failed", "gave_up" if error.transient else "rejected"
        publish_outcome(uow, delivery)
        _standby(uow, delivery).update({"status": "pending", "next_attempt_at": now}, synchronize_session=False)
        return 1
    delivery.status, delivery.sent_at, delivery.provider_id, delivery.reason = "sent", now, provider_id, None
    _attempt(uow, delivery, now, "sent", "")
    publish_outcome(uow, delivery)
    if delivery.channel != "inbox":
        _standby(uow, delivery).delete(synchronize_session=False)  # the fallback is not needed
    return 1


def _standby(uow: UnitOfWork, delivery: Delivery):
    """The recipient's fallback channel for the same source event, if one was planned."""
    return uow.session.query(Delivery).filter(
        Delivery.source_event_id == delivery.source_event_id, Delivery.recipient_kind == delivery.recipient_kind,
        Delivery.recipient_id == delivery.recipient_id, Delivery.status == "standby")


def _attempt(uow: UnitOfWork, delivery: Delivery, now: dt.datetime, outcome: str, detail: str) -> None:
    # Provider errors can quote the address; the log keeps the reason, not the address.
    if delivery.address:
        detail = detail.replace(delivery.address, "<address>")
    uow.session.add(DeliveryAttempt(delivery_id=delivery.id, number=delivery.attempts, at=now, outcome=outcome,
                                    detail=detail[:500]))


def _not_before(uow: UnitOfWork, delivery: Delivery, now: dt.datetime) -> dt.datetime:
    """The end of the recipient's quiet hours, or when a contact's texting hours open."""
    timezone, start, end = _quiet_hours(uow, delivery)
    later = timing.next_outside(now, timezone, start, end)
    if delivery.recipient_kind == "contact" and delivery.channel == "sms":
        contact = uow.session.get(Contact, delivery.recipient_id)
        if contact and contact.hours_start and contact.hours_end:
            later = max(later, timing.next_inside(later, timezone, contact.hours_start, contact.hours_end))
    return later


def _quiet_hours(uow: UnitOfWork, delivery: Delivery) -> tuple[str, str, str]:
    prefs = uow.session.get(RecipientPreferences, (delivery.recipient_kind, delivery.recipient_id))
    rules = uow.session.get(OrganisationRules, delivery.organisation_id)
    person = uow.session.get(Person, delivery.person_id) if delivery.person_id else None
    timezone = (prefs.timezone if prefs and prefs.timezone else None) or (person.timezone if person else "UTC")
    start = (prefs.quiet_start if prefs and prefs.quiet_start else None) or (rules.quiet_start if rules else "21:00")
    end = (prefs.quiet_end if prefs and prefs.quiet_end else None) or (rules.quiet_end if rules else "08:00")
    return timezone, start, end


def _over_rate_limit(uow: UnitOfWork, delivery: Delivery, now: dt.datetime) -> bool:
    if delivery.channel == "inbox":
        return False  # the inbox is the record, not an interruption
    rules = uow.session.get(OrganisationRules, delivery.organisation_id)
    limit = rules.rate_limit_per_hour if rules else 6
    sent = uow.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.recipient_kind == delivery.recipient_kind, Delivery.recipient_id == delivery.recipient_id,
        Delivery.channel != "inbox", Delivery.status == "sent", Delivery.sent_at > now - HOUR))
    return sent >= limit
