"""Messages held back by the rate limit go out as one digest per recipient and channel,
once the recipient is under the limit again."""
from __future__ import annotations

import datetime as dt
from itertools import groupby

from sqlalchemy import select

from services.notifications import messages
from services.notifications.models import Delivery
from services.notifications.models.base import new_id
from services.notifications.usecases import recipients
from services.notifications.usecases.contexts import local_time
from services.notifications.usecases.dispatch import HOUR
from shared.db.uow import UnitOfWork


def send_digests(uow: UnitOfWork) -> int:
    now = uow.clock.now()
    held = uow.session.scalars(select(Delivery).where(
        Delivery.status == "suppressed", Delivery.reason == "rate_limited", Delivery.digest_id.is_(None),
        Delivery.created_at <= now - HOUR,
    ).order_by(Delivery.recipient_kind, Delivery.recipient_id, Delivery.channel, Delivery.created_at)
        .with_for_update(skip_locked=True)).all()
    made = 0
    for (kind, recipient_id, channel), group in groupby(held, lambda d: (d.recipient_kind, d.recipient_id, d.channel)):
        made += _digest(uow, list(group), now)
    uow.commit()
    return made


def _render(first: Delivery, held: list[Delivery]) -> messages.Rendered:
    """As many held lines as the channel takes (an SMS is short), shortest summary first."""
    lines = [(d.subject or d.body).splitlines()[0][:80] for d in held]
    for shown in range(len(lines), 0, -1):
        try:
            return messages.render("digest", first.channel, first.locale, {
                "count": len(held), "since": local_time(first.created_at, "UTC"), "lines": lines[:shown]})
        except messages.MessageTooLong:
            continue
    raise messages.MessageTooLong("Not even one line of the digest fits this channel.", "lines")


def _still_consented(uow: UnitOfWork, held: list[Delivery], now: dt.datetime) -> list[Delivery]:
    """A contact's held lines go out only if their consent still holds now; the others
    keep the consent's reason instead of rate_limited (so no later digest picks them up)."""
    kept = []
    for delivery in held:
        reason = None if delivery.recipient_kind != "contact" else recipients.refusal_now(
            uow, delivery.person_id, delivery.recipient_id, delivery.data_class, delivery.purpose, now)
        if reason:
            delivery.reason = reason
        else:
            kept.append(delivery)
    return kept


def _about(held: list[Delivery]) -> dict:
    """A contact's digest is about their one person; it names the consent when every line
    shares it, so the person's accounting of disclosures lists the digest."""
    first = held[0]
    if first.recipient_kind != "contact":
        return {"person_id": None}
    consent = {"consent_id": first.consent_id, "consent_version": first.consent_version,
               "data_class": first.data_class, "purpose": first.purpose}
    same = len({(d.consent_id, d.consent_version, d.data_class, d.purpose) for d in held}) == 1
    return {"person_id": first.person_id, **(consent if same else {})}


def _digest(uow: UnitOfWork, held: list[Delivery], now: dt.datetime) -> int:
    held = _still_consented(uow, held, now)
    if not held:
        return 0
    first = held[0]
    digest_id = new_id()
    rendered = _render(first, held)
    uow.session.add(Delivery(
        id=digest_id, organisation_id=first.organisation_id, **_about(held), source_event_id=f"digest:{digest_id}",
        source_type="circles.notifications.digest", source_time=now, kind="digest",
        recipient_kind=first.recipient_kind, recipient_id=first.recipient_id, channel=first.channel,
        address=first.address, urgent=False, position=0, locale=rendered.locale, subject=rendered.subject,
        body=rendered.body, status="pending", attempts=0, next_attempt_at=now, created_at=now))
    for delivery in held:
        delivery.digest_id = digest_id
    return 1
