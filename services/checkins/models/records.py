"""What happened: check-ins (the guide's agenda), risk flags, action items, reviews, attendance."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.checkins.models.base import Base, new_id
from shared.db.types import UtcDateTime


class _PersonRecord:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(36), index=True)


class CheckinRecord(_PersonRecord, Base):
    """One check-in, following the guide's 15-minute agenda."""
    __tablename__ = "checkin_records"

    session_id: Mapped[str | None] = mapped_column(String(36))
    completed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    wellbeing: Mapped[int] = mapped_column(Integer)
    wins: Mapped[str] = mapped_column(Text, default="")
    risks_and_needs: Mapped[str] = mapped_column(Text, default="")
    practical_tasks: Mapped[str] = mapped_column(Text, default="")
    days_abstinent_last_30: Mapped[int | None] = mapped_column(Integer)
    medication_adherence: Mapped[str | None] = mapped_column(String(20))
    # "staff" or "self" (the signed self check-in link).
    source: Mapped[str] = mapped_column(String(10), default="staff")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class RiskFlag(_PersonRecord, Base):
    __tablename__ = "risk_flags"

    checkin_id: Mapped[str | None] = mapped_column(ForeignKey("checkin_records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ActionItem(_PersonRecord, Base):
    """Who does what by when, tracked to done."""
    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_open", "status", "due_on"),)

    checkin_id: Mapped[str | None] = mapped_column(ForeignKey("checkin_records.id"))
    what: Mapped[str] = mapped_column(Text)
    owner_kind: Mapped[str] = mapped_column(String(10))  # "contact" | "staff"
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done
    overdue_announced: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    done_by: Mapped[str | None] = mapped_column(String(100))


class Review(_PersonRecord, Base):
    """The monthly care-team review: safety, goals, medication, practical needs, decisions."""
    __tablename__ = "reviews"

    session_id: Mapped[str | None] = mapped_column(String(36))
    completed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    safety: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    medication: Mapped[str] = mapped_column(Text, default="")
    practical_needs: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Attendance(_PersonRecord, Base):
    """A mutual-help meeting attended: from the directory, or typed in."""
    __tablename__ = "attendances"

    directory_event_id: Mapped[str | None] = mapped_column(String(64))
    meeting_name: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(10))  # in_person | online
    attended_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
