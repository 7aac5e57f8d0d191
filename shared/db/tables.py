"""Tables every service database has: the outbox and the processed-events log.

Each service owns its own MetaData; these factories add the shared tables to it so the
service's migrations create them next to its domain tables.
"""
from __future__ import annotations

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
    return table


def processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(200), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", UtcDateTime(), nullable=False),
    )


def service_base() -> tuple[type[DeclarativeBase], Table, Table]:
    """A fresh declarative base for one service's database, with the shared tables
    already on its metadata: `Base, outbox, processed_events = service_base()`."""
    class Base(DeclarativeBase):
        pass
    return Base, outbox_table(Base.metadata), processed_events_table(Base.metadata)
