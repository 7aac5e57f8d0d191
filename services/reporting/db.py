"""The reporting service's own database: KPI projections built only from events."""
from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from shared.db.tables import service_base


Base, outbox, processed_events = service_base()
metadata = Base.metadata

# Completed check-ins per organisation, site and calendar month (UTC). site_id is ''
# for check-ins recorded without a site, so the key never holds a NULL.
checkins_monthly = Table(
    "checkins_monthly",
    metadata,
    Column("organisation_id", String(36), primary_key=True),
    Column("site_id", String(36), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("completed", Integer, nullable=False),
)
