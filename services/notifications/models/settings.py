"""Routing rules and quiet hours, as data, per organisation and per recipient."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.models.base import Base
from shared.db.types import JsonDict, UtcDateTime


class OrganisationRules(Base):
    """An organisation's overrides of the default rules (per event type), its default
    quiet hours and its per-recipient rate limit."""
    __tablename__ = "organisation_rules"

    organisation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rules: Mapped[dict] = mapped_column(JsonDict(), default=dict)
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    rate_limit_per_hour: Mapped[int] = mapped_column(Integer, default=6)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # A Slack/Teams-style incoming webhook for the "webhook" audience (signed, see channels).
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class RecipientPreferences(Base):
    """One recipient's own quiet hours (in their own time zone) and language."""
    __tablename__ = "recipient_preferences"

    recipient_kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # person | contact | staff
    recipient_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
