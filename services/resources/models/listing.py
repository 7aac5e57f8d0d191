"""One directory listing, shaped like an Open Referral HSDS service at a location:
a mutual-help meeting, a recovery-café drop-in, a helpline or a practical service.

Meeting Guide fields live on the row so a feed round-trips exactly; schedules, phones and
languages are small JSON lists; every listing keeps its own IANA time zone.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.tables import service_base
from shared.db.types import JsonList, UtcDateTime

Base, outbox, processed_events = service_base()
metadata = Base.metadata

KINDS = ("meeting", "dropin", "helpline", "service")
SERVICE_CATEGORIES = ("housing", "employment", "benefits_advice", "legal_aid", "naloxone_supply")


class Listing(Base):
    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("organisation_id", "slug", name="uq_listings_slug"),
        Index("ix_listings_search", "status", "kind"),
        Index("ix_listings_position", "latitude", "longitude"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    organisation_id: Mapped[str] = mapped_column(String(36), index=True)
    site_id: Mapped[str | None] = mapped_column(String(36))
    slug: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | retired
    fellowship: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str | None] = mapped_column(String(30))  # practical services
    types: Mapped[list] = mapped_column(JsonList(), default=list)
    attendance: Mapped[str] = mapped_column(String(10), default="in_person")
    timezone: Mapped[str] = mapped_column(String(64))
    # Weekly slots [{"day": 0-6 (Sunday 0), "opens": "HH:MM", "closes": "HH:MM"}] and closed dates.
    slots: Mapped[list] = mapped_column(JsonList(), default=list)
    closed_dates: Mapped[list] = mapped_column(JsonList(), default=list)
    # Meeting Guide's day/time/end_time, kept as written for the feed.
    days: Mapped[list] = mapped_column(JsonList(), default=list)
    time: Mapped[str | None] = mapped_column(String(5))
    end_time: Mapped[str | None] = mapped_column(String(5))
    formatted_address: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(60))
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    sub_region: Mapped[str | None] = mapped_column(String(120))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str | None] = mapped_column(String(255))
    location_notes: Mapped[str | None] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column(String(255))
    group_notes: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    conference_url: Mapped[str | None] = mapped_column(String(500))
    conference_url_notes: Mapped[str | None] = mapped_column(Text)
    conference_phone: Mapped[str | None] = mapped_column(String(60))
    conference_phone_notes: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    feedback_url: Mapped[str | None] = mapped_column(String(500))
    # Helplines: [{"number", "type": "voice" | "text"}]; region served, topics, languages.
    phones: Mapped[list] = mapped_column(JsonList(), default=list)
    area_served: Mapped[str | None] = mapped_column(String(20))
    topics: Mapped[list] = mapped_column(JsonList(), default=list)
    languages: Mapped[list] = mapped_column(JsonList(), default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))
