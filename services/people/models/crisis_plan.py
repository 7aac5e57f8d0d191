"""Crisis plans: one row per version; the latest signed version is the one in force."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.people.models.base import Base, JsonDict, JsonList, new_id
from shared.db.types import UtcDateTime

CALL_TIMES = ("daytime", "out_of_hours", "any")


class CrisisPlan(Base):
    __tablename__ = "crisis_plans"
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer)
    warning_signs: Mapped[list] = mapped_column(JsonList, default=list)
    # Ordered: [{"contact_id": ..., "when": "daytime" | "out_of_hours" | "any"}, ...]
    call_first: Mapped[list] = mapped_column(JsonList, default=list)
    # {"needed": bool, "holder": str, "stored_at": str, "training": str}
    naloxone: Mapped[dict] = mapped_column(JsonDict, default=dict)
    signed_by: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    signed_via: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
