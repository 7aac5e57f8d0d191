"""The durable delivery queue, its attempt log, and the in-app inbox."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.models.base import Base, new_id
from shared.db.types import UtcDateTime

STATUSES = ("pending", "sent", "failed", "suppressed")


class Delivery(Base):
    """One message to one recipient on one channel, for one source event."""
    __tablename__ = "deliveries"
    __table_args__ = (
        # Deduplication: at most one message per source event, recipient and channel.
        UniqueConstraint("source_event_id", "recipient_kind", "recipient_id", "channel", name="uq_delivery_once"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_recipient", "recipient_kind", "recipient_id", "sent_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    source_event_id: Mapped[str] = mapped_column(String(64))
    source_type: Mapped[str] = mapped_column(String(100))
    source_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(60))  # the template kind
    recipient_kind: Mapped[str] = mapped_column(String(12))
    recipient_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(500))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Order within one source event: the crisis plan's call order goes out in that order.
    position: Mapped[int] = mapped_column(Integer, default=0)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    reason: Mapped[str | None] = mapped_column(String(60))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    provider_id: Mapped[str | None] = mapped_column(String(200))
    digest_id: Mapped[str | None] = mapped_column(String(36))
    # A message to a contact records the consent it went under, and the data class and
    # purpose checked: notification.sent carries them to the person's accounting of disclosures.
    consent_id: Mapped[str | None] = mapped_column(String(36))
    consent_version: Mapped[int | None] = mapped_column(Integer)
    data_class: Mapped[str | None] = mapped_column(String(40))
    purpose: Mapped[str | None] = mapped_column(String(40))


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(String(20))  # sent | transient_error | permanent_error
    detail: Mapped[str] = mapped_column(Text, default="")


class InboxItem(Base):
    """An in-app message for a staff member or a person."""
    __tablename__ = "inbox_items"
    __table_args__ = (Index("ix_inbox_owner", "owner_kind", "owner_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the delivery id
    organisation_id: Mapped[str] = mapped_column(String(36))
    owner_kind: Mapped[str] = mapped_column(String(10))  # staff | person
    owner_id: Mapped[str] = mapped_column(String(36))
    person_id: Mapped[str | None] = mapped_column(String(36))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
