"""Whom to tell and how, built only from people.events: persons, their contacts with
channels and boundaries, consents, crisis-plan call order, and staff."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.models.base import Base
from shared.db.types import JsonList, UtcDateTime


class Person(Base):
    __tablename__ = "persons"

    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(8))
    display_name: Mapped[str | None] = mapped_column(String(200))
    preferred_method: Mapped[str] = mapped_column(String(20), default="phone")
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    peer_worker_id: Mapped[str | None] = mapped_column(String(36))
    clinical_lead_id: Mapped[str | None] = mapped_column(String(36))


class Contact(Base):
    __tablename__ = "contacts"

    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(30))
    circle: Mapped[str] = mapped_column(String(10))
    # Names and channels are only known for contacts who agreed to be contacted.
    agreed_to_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(200))
    preferred_method: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    texts_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    calls_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    hours_start: Mapped[str | None] = mapped_column(String(5))
    hours_end: Mapped[str | None] = mapped_column(String(5))
    removed: Mapped[bool] = mapped_column(Boolean, default=False)


class Consent(Base):
    """The latest state of one consent (its newest version)."""
    __tablename__ = "consents"

    consent_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column()
    # Contact ids, or the classes care_team / crisis_contacts / all_network.
    recipients: Mapped[list] = mapped_column(JsonList(), default=list)
    data_classes: Mapped[list] = mapped_column(JsonList(), default=list)
    purposes: Mapped[list] = mapped_column(JsonList(), default=list)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(10))  # active | revoked | expired
    expiry_announced: Mapped[bool] = mapped_column(Boolean, default=False)


class CrisisPlan(Base):
    """The signed crisis plan's call order: [{"order", "contact_id", "when"}]."""
    __tablename__ = "crisis_plans"

    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column()
    region: Mapped[str] = mapped_column(String(8))
    call_first: Mapped[list] = mapped_column(JsonList(), default=list)


class Staff(Base):
    __tablename__ = "staff"

    staff_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    site_ids: Mapped[list] = mapped_column(JsonList(), default=list)
