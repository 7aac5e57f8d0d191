"""Housekeeping indexes: published outbox rows and processed events by age

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 08:10:00

"""
from typing import Sequence, Union

from shared.db.migration_ops import create_housekeeping_indexes_v1, drop_housekeeping_indexes_v1

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_housekeeping_indexes_v1()


def downgrade() -> None:
    drop_housekeeping_indexes_v1()
