"""Consents (one row per version) and the log of disclosures made under them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.people.models.base import Base, JsonList, new_id
from shared.db.types import UtcDateTime


class ConsentVersion(Base):
    """What the person agreed to share, with whom, for what, until when (42 CFR 2.31)."""
    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("consent_id", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    consent_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    recipients: Mapped[list] = mapped_column(JsonList)
    data_classes: Mapped[list] = mapped_column(JsonList)
    purposes: Mapped[list] = mapped_column(JsonList)
    discloser: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), index=True)
    expiry_event: Mapped[str | None] = mapped_column(String(40))
    signed_by: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    signed_via: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    ended_event_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # Set once consent.expired has been announced for this version.
    expiry_announced_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Disclosure(Base):
    """One disclosure made under a consent: the accounting-of-disclosures log."""
    __tablename__ = "disclosures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    consent_id: Mapped[str] = mapped_column(String(36))
    consent_version: Mapped[int] = mapped_column(Integer)
    discloser: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(40))
    data_description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
