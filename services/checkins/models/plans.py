"""The guide's 30-day starter plan, per person, each task tracked to done."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.checkins.models.base import Base, new_id
from shared.db.types import UtcDateTime


class StarterPlan(Base):
    __tablename__ = "starter_plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(36), unique=True)
    # Day 1 of the plan, a date in the person's time zone.
    starts_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class PlanTask(Base):
    __tablename__ = "plan_tasks"
    __table_args__ = (Index("ix_plan_tasks_open", "done_at", "due_on"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("starter_plans.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(36))
    code: Mapped[str] = mapped_column(String(40))
    phase: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    done_by: Mapped[str | None] = mapped_column(String(100))
    overdue_announced: Mapped[bool] = mapped_column(default=False)
