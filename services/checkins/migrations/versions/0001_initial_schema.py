"""initial schema: check-in records, outbox, processed events

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

from shared.db.migration_ops import create_messaging_tables_v1, drop_messaging_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkin_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=True),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wellbeing", sa.Integer(), nullable=False),
        sa.Column("wins", sa.Text(), nullable=False),
        sa.Column("risks_and_needs", sa.Text(), nullable=False),
        sa.Column("practical_tasks", sa.Text(), nullable=False),
        sa.Column("days_abstinent_last_30", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_checkin_records_organisation_id", "checkin_records", ["organisation_id"])
    op.create_index("ix_checkin_records_person_id", "checkin_records", ["person_id"])
    create_messaging_tables_v1()


def downgrade() -> None:
    drop_messaging_tables_v1()
    op.drop_table("checkin_records")
