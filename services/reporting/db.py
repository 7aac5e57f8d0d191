"""The reporting service's own database: KPI projections built only from events, plus
what reporting itself owns (thresholds and their breaches, an audit of person reads).

The projection tables live in projection/tables.py so a replay can build a fresh copy.
"""
from __future__ import annotations

from sqlalchemy import Column, Float, Integer, String, Table, UniqueConstraint

from services.reporting.projection import tables as projection_tables
from shared.db.tables import BigId, service_base
from shared.db.types import UtcDateTime

Base, outbox, processed_events = service_base()
metadata = Base.metadata
LIVE = projection_tables.build(metadata)

# One row. Every live projection transaction takes it FOR SHARE; a replay's swap takes
# it FOR UPDATE, so no live write lands in tables that are being swapped out.
generation = Table(
    "rp_generation", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", Integer, nullable=False),
    Column("swapped_at", UtcDateTime(), nullable=True),
)

# Per topic: when the last event was applied, and that event's own time (freshness).
freshness = Table(
    "rp_freshness", metadata,
    Column("topic", String(100), primary_key=True),
    Column("last_applied_at", UtcDateTime(), nullable=False),
    Column("last_event_at", UtcDateTime(), nullable=False),
    Column("events_applied", Integer, nullable=False, default=0),
)

thresholds = Table(
    "rp_thresholds", metadata,
    Column("id", String(36), primary_key=True),
    Column("organisation_id", String(36), nullable=False, index=True),
    Column("site_id", String(36), nullable=True),  # None: the whole organisation
    Column("kpi", String(60), nullable=False),
    Column("comparator", String(10), nullable=False),
    Column("value", Float, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# A breach is open from the check that finds the KPI past its threshold until one that
# finds it back; one event per breach and month, whatever the job's cadence.
breaches = Table(
    "rp_breaches", metadata,
    Column("id", String(36), primary_key=True),
    Column("threshold_id", String(36), nullable=False),
    Column("period", String(7), nullable=False),
    Column("value", Float, nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    UniqueConstraint("threshold_id", "period", name="uq_rp_breaches_threshold_period"),
)

# Who read which person's outcome timeline, when and why.
audit_log = Table(
    "rp_audit_log", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("actor", String(64), nullable=False),
    Column("actor_role", String(20), nullable=False),
    Column("organisation_id", String(36), nullable=False),
    Column("person_id", String(36), nullable=False, index=True),
    Column("action", String(40), nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)
