"""Who the check-ins are about, built only from people.events (never a call to people)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.checkins.models.base import Base
from shared.db.types import UtcDateTime


class KnownPerson(Base):
    __tablename__ = "known_persons"

    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(8))
    peer_worker_id: Mapped[str | None] = mapped_column(String(36))
    clinical_lead_id: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class KnownContact(Base):
    __tablename__ = "known_contacts"

    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(30))
    circle: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(10))
    # Only known when the contact agreed to be contacted (the people service's rule).
    name: Mapped[str | None] = mapped_column(String(200))
    agreed_to_contact: Mapped[bool] = mapped_column(default=False)
    removed: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class KnownStaff(Base):
    __tablename__ = "known_staff"

    staff_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200))
    site_ids: Mapped[str] = mapped_column(Text, default="[]")
