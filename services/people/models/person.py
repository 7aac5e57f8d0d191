"""A person in recovery, their status history and their network contacts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.people.models.base import Base, JsonDict, JsonList, new_id
from shared.db.types import UtcDateTime

STATUSES = ("intake", "active", "discharged")
CONTACT_METHODS = ("phone", "text", "email", "in_person", "none")


class Person(Base):
    """The display name may be an alias: aliases are normal."""
    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    display_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(8))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_method: Mapped[str] = mapped_column(String(20), default="phone")
    peer_worker_id: Mapped[str | None] = mapped_column(String(36))
    clinical_lead_id: Mapped[str | None] = mapped_column(String(36))
    clinical_lead_name: Mapped[str | None] = mapped_column(String(200))
    goals: Mapped[list] = mapped_column(JsonList, default=list)
    practical_support_plan: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class StatusChange(Base):
    __tablename__ = "person_status_changes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Contact(Base):
    """One line of the guide's network-mapping template."""
    __tablename__ = "contacts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    circle: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(10))
    preferred_method: Mapped[str] = mapped_column(String(20), default="phone")
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    texts_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    calls_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    home_visits_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    hours_start: Mapped[str | None] = mapped_column(String(5))
    hours_end: Mapped[str | None] = mapped_column(String(5))
    reliability: Mapped[int | None] = mapped_column(Integer)
    helpfulness: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    is_backup: Mapped[bool] = mapped_column(Boolean, default=False)
    support_types: Mapped[list] = mapped_column(JsonList, default=list)
    # What the contact agreed to (the guide: frequency, confidentiality, emergency
    # contact, limits) and when; empty until they agree to be on the list.
    agreement: Mapped[dict] = mapped_column(JsonDict, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    removed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
