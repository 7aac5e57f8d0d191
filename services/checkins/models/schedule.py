"""Rhythms (recurring schedules) and the sessions they produce."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.checkins.models.base import Base, new_id
from shared.db.types import JsonList, UtcDateTime

DEFAULT_GRACE_MINUTES = 120


class OrganisationSettings(Base):
    """Per-organisation rules of the check-ins service."""
    __tablename__ = "organisation_settings"

    organisation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    missed_grace_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_GRACE_MINUTES)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Rhythm(Base):
    """An RFC 5545 recurrence in the person's time zone: weekly check-in, monthly review, custom."""
    __tablename__ = "rhythms"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    rrule: Mapped[str] = mapped_column(String(500))
    # Wall-clock start of the first occurrence, in `timezone` (ISO, no offset).
    first_start_local: Mapped[str] = mapped_column(String(19))
    timezone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    # [{"kind": "staff"|"contact", "id": "..."}]; the person always takes part.
    participants: Mapped[list] = mapped_column(JsonList(), default=list)
    expects_record: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    planned_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)


class Session(Base):
    """One occurrence of a rhythm; rescheduled or cancelled on its own."""
    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("rhythm_id", "occurrence_key", name="uq_sessions_occurrence"),
        # The missed-session detector's and the reminder job's index scans.
        Index("ix_sessions_due", "status", "missed_after"),
        Index("ix_sessions_starts", "status", "starts_at"),
        Index("ix_sessions_person", "person_id", "starts_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rhythm_id: Mapped[str] = mapped_column(ForeignKey("rhythms.id"))
    organisation_id: Mapped[str] = mapped_column(String(36))
    site_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    # The occurrence's original local start (its iCalendar RECURRENCE-ID).
    occurrence_key: Mapped[str] = mapped_column(String(19))
    starts_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # ends_at plus the organisation's grace period; only sessions expecting a record.
    missed_after: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    rescheduled: Mapped[bool] = mapped_column(Boolean, default=False)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[str | None] = mapped_column(String(36))
    reminded_24h: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded_1h: Mapped[bool] = mapped_column(Boolean, default=False)
    missed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    consecutive_misses: Mapped[int | None] = mapped_column(Integer)


class MissStreak(Base):
    """Consecutive missed sessions per person; a recorded check-in or review resets it."""
    __tablename__ = "miss_streaks"

    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consecutive: Mapped[int] = mapped_column(Integer, default=0)
