"""Tables every service database has: the outbox, the processed-events log, the ended
sessions (logouts) and the erased subjects.

Each service owns its own MetaData; these factories add the shared tables to it so the
service's migrations create them next to its domain tables.
"""
from __future__ import annotations

import uuid

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase

from shared.db.types import UtcDateTime

# SQLite only autoincrements INTEGER PRIMARY KEY columns.
BigId = BigInteger().with_variant(Integer, "sqlite")


def outbox_table(metadata: MetaData) -> Table:
    table = Table(
        "outbox",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("partition_key", String(200), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("headers", Text, nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True),
    )
    # The relay only ever scans unpublished rows in id order: a partial index keeps
    # that scan small however long the published history grows.
    Index(
        "ix_outbox_unpublished",
        table.c.id,
        postgresql_where=text("published_at IS NULL"),
        sqlite_where=text("published_at IS NULL"),
    )
    Index("ix_outbox_key_unpublished", table.c.partition_key, table.c.id,
          postgresql_where=text("published_at IS NULL"),
          sqlite_where=text("published_at IS NULL"))
    # Housekeeping (shared/db/housekeeping.py) deletes published rows oldest first.
    Index("ix_outbox_published_at", table.c.published_at,
          postgresql_where=text("published_at IS NOT NULL"),
          sqlite_where=text("published_at IS NOT NULL"))
    return table


def processed_events_table(metadata: MetaData) -> Table:
    table = Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(200), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", UtcDateTime(), nullable=False),
    )
    # Housekeeping deletes the oldest rows once the topics can no longer redeliver them.
    Index("ix_processed_events_processed_at", table.c.processed_at)
    return table


def ended_sessions_table(metadata: MetaData) -> Table:
    """Session tokens ended by a logout (by their `jti`): refused until they expire."""
    return Table(
        "ended_sessions",
        metadata,
        Column("token_id", String(64), primary_key=True),
        Column("expires_at", UtcDateTime(), nullable=False, index=True),
        Column("ended_at", UtcDateTime(), nullable=False),
    )


def erased_subjects_table(metadata: MetaData) -> Table:
    """Persons erased from this database, by a one-way hash of their id only, so that an
    event about them read again later (a replay, a redelivery) never re-creates them."""
    return Table(
        "erased_subjects",
        metadata,
        Column("subject_hash", String(64), primary_key=True),
        Column("erased_at", UtcDateTime(), nullable=False),
    )


def read_audit_table(metadata: MetaData) -> Table:
    """Who read which person's data in this service, when and why: every read by someone
    other than the person (shared/audit.py writes it). The people service's audit log has
    the same shape."""
    return Table(
        "read_audit",
        metadata,
        Column("id", String(36), primary_key=True, default=lambda: str(uuid.uuid4())),
        Column("organisation_id", String(36), nullable=False, index=True),
        Column("person_id", String(36), nullable=False, index=True),
        Column("actor", String(100), nullable=False),
        Column("actor_role", String(20), nullable=False),
        Column("action", String(40), nullable=False),  # read | list
        Column("resource", String(60), nullable=False),  # what was read: checkins, deliveries, ...
        Column("purpose", String(40), nullable=False),
        Column("at", UtcDateTime(), nullable=False),
    )


def service_base() -> tuple[type[DeclarativeBase], Table, Table]:
    """A fresh declarative base for one service's database, with the shared tables
    already on its metadata: `Base, outbox, processed_events = service_base()`."""
    class Base(DeclarativeBase):
        pass
    ended_sessions_table(Base.metadata)
    erased_subjects_table(Base.metadata)
    return Base, outbox_table(Base.metadata), processed_events_table(Base.metadata)
