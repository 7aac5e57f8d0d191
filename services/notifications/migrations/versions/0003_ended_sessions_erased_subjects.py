"""Ended sessions and erased subjects (shared privacy tables)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 04:40:00

"""
from typing import Sequence, Union

from shared.db.migration_ops import create_privacy_tables_v1, drop_privacy_tables_v1

# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_privacy_tables_v1()


def downgrade() -> None:
    drop_privacy_tables_v1()
