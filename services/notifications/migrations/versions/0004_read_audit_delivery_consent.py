"""Read audit; the consent each message to a contact went under

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 05:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.db.migration_ops import create_read_audit_v1, drop_read_audit_v1

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_read_audit_v1()
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('consent_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('data_class', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('purpose', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('purpose')
        batch_op.drop_column('data_class')
        batch_op.drop_column('consent_version')
        batch_op.drop_column('consent_id')
    drop_read_audit_v1()
