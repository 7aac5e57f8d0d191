"""Assessments: the intake domains, BARC-10, MSPSS, housing and employment.

Raw answers are stored; scores are derived from them and kept with the instrument version.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.people.models.base import Base, JsonDict, JsonList, new_id
from shared.db.types import UtcDateTime

KINDS = ("intake", "review")


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    domains: Mapped[dict] = mapped_column(JsonDict, default=dict)
    barc10_answers: Mapped[list] = mapped_column(JsonList, default=list)
    mspss_answers: Mapped[list] = mapped_column(JsonList, default=list)
    scores: Mapped[dict] = mapped_column(JsonDict, default=dict)
    housing_status: Mapped[str] = mapped_column(String(30), default="unknown")
    employment_status: Mapped[str] = mapped_column(String(30), default="unknown")
    completed_by: Mapped[str] = mapped_column(String(100))
    completed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    next_due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    # Set when assessment.due was emitted, so the job announces each due date once.
    due_announced_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
