"""Organisations, their sites, and the accounts that log in (staff, participants, supporters)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.people.models.base import Base, JsonDict, JsonList, new_id
from shared.db.types import UtcDateTime

SITE_KINDS = ("hub", "cafe", "clinic", "other")


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    # How often assessments are reviewed, 30-90 days (the guide); 90 unless set.
    assessment_interval_days: Mapped[int] = mapped_column(Integer, default=90)
    # Extra emergency numbers per region, on top of the built-in UK and US tables.
    emergency_numbers: Mapped[dict] = mapped_column(JsonDict, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="hub")
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Account(Base):
    """Someone who logs in. Staff carry a role and sites; a participant account points at
    their person record, a supporter account at their network contact."""
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    site_ids: Mapped[list] = mapped_column(JsonList, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[str | None] = mapped_column(String(36))
    contact_id: Mapped[str | None] = mapped_column(String(36))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Invitation(Base):
    """An emailed invitation for a participant or supporter to set a password and log in.
    Only a hash of the token is stored; the token itself travels once, in the email."""
    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
