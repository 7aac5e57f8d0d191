"""The check-ins service's own database: its tables and nothing of anyone else's."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.tables import service_base
from shared.db.types import UtcDateTime


Base, outbox, processed_events = service_base()
metadata = Base.metadata


class CheckinRecord(Base):
    """One check-in, following the guide's 15-minute agenda."""
    __tablename__ = "checkin_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    session_id: Mapped[str | None] = mapped_column(String(36))
    completed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    wellbeing: Mapped[int] = mapped_column(Integer)
    wins: Mapped[str] = mapped_column(Text, default="")
    risks_and_needs: Mapped[str] = mapped_column(Text, default="")
    practical_tasks: Mapped[str] = mapped_column(Text, default="")
    days_abstinent_last_30: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


# The read model: who the check-ins are about, built only from people.events.
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
