"""Subject-access requests with the parts each service sent, and erasure requests with
their legal-basis check."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.people.models.base import Base, JsonDict, JsonList, new_id
from shared.db.types import UtcDateTime


class SubjectAccessRequest(Base):
    """One request for everything Circles holds on a person; erased with the person."""
    __tablename__ = "subject_access_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_by_role: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class SubjectAccessPart(Base):
    """What one service holds on the person of a request (people's own part included)."""
    __tablename__ = "subject_access_parts"

    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service: Mapped[str] = mapped_column(String(20), primary_key=True)
    # A large part arrives in several records (chunks); the part is whole when all have.
    chunk: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    chunks: Mapped[int] = mapped_column(Integer, default=1)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    sections: Mapped[dict] = mapped_column(JsonDict, default=dict)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ErasureRequest(Base):
    """An erasure and its legal-basis check. Once every service has confirmed, only a
    one-way hash of the person's id remains here."""
    __tablename__ = "erasure_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    subject_hash: Mapped[str] = mapped_column(String(64), index=True)
    ground: Mapped[str] = mapped_column(String(40))
    # Each Art. 17(3) exemption considered, and whether it applies: {"legal_obligation": false, ...}.
    exemptions: Mapped[dict] = mapped_column(JsonDict, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(20))  # erased | refused
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_by_role: Mapped[str] = mapped_column(String(20))
    decided_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # Rows removed per service and table: {"people": {"persons": 1, ...}, "checkins": {...}}.
    confirmations: Mapped[dict] = mapped_column(JsonDict, default=dict)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # The ids to purge from the outbox once every service confirmed; then emptied.
    pending_identifiers: Mapped[list] = mapped_column(JsonList, default=list)
