"""Migration steps for the tables every service shares (outbox, processed events, ended
sessions, erased subjects).

Versioned by name: a later change to these tables is a new function (`..._v2`) that
services call from a new revision, never an edit of this one.
"""
from alembic import op
import sqlalchemy as sa

from shared.db.tables import BigId

_UNPUBLISHED = {"postgresql_where": sa.text("published_at IS NULL"),
                "sqlite_where": sa.text("published_at IS NULL")}
_PUBLISHED = {"postgresql_where": sa.text("published_at IS NOT NULL"),
              "sqlite_where": sa.text("published_at IS NOT NULL")}


def create_messaging_tables_v1() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("partition_key", sa.String(length=200), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_outbox_key_unpublished", "outbox", ["partition_key", "id"], **_UNPUBLISHED)
    op.create_index("ix_outbox_unpublished", "outbox", ["id"], **_UNPUBLISHED)
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )


def drop_messaging_tables_v1() -> None:
    op.drop_table("processed_events")
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_index("ix_outbox_key_unpublished", table_name="outbox")
    op.drop_table("outbox")


def create_privacy_tables_v1() -> None:
    op.create_table(
        "ended_sessions",
        sa.Column("token_id", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_id"),
    )
    op.create_index("ix_ended_sessions_expires_at", "ended_sessions", ["expires_at"])
    op.create_table(
        "erased_subjects",
        sa.Column("subject_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_hash"),
    )


def drop_privacy_tables_v1() -> None:
    op.drop_table("erased_subjects")
    op.drop_index("ix_ended_sessions_expires_at", table_name="ended_sessions")
    op.drop_table("ended_sessions")


def create_read_audit_v1() -> None:
    op.create_table(
        "read_audit",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("resource", sa.String(length=60), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_read_audit_organisation_id", "read_audit", ["organisation_id"])
    op.create_index("ix_read_audit_person_id", "read_audit", ["person_id"])


def drop_read_audit_v1() -> None:
    op.drop_index("ix_read_audit_person_id", table_name="read_audit")
    op.drop_index("ix_read_audit_organisation_id", table_name="read_audit")
    op.drop_table("read_audit")


def create_housekeeping_indexes_v1() -> None:
    """What shared/db/housekeeping.py deletes by: published outbox rows by publication
    time (a partial index: the unpublished rows are the relay's), processed events by age."""
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"], **_PUBLISHED)
    op.create_index("ix_processed_events_processed_at", "processed_events", ["processed_at"])


def drop_housekeeping_indexes_v1() -> None:
    op.drop_index("ix_processed_events_processed_at", table_name="processed_events")
    op.drop_index("ix_outbox_published_at", table_name="outbox")
