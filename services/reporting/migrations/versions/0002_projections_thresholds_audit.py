"""projections from every topic, thresholds, breaches, audit

checkins_monthly gives way to the rp_* projections. They are built only from events, so
after this upgrade `python -m services.reporting replay` fills them from the topics.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 01:31:54.155247

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('rp_applied_events',
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name='pk_rp_applied_events')
    )
    op.create_table('rp_assessments',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('barc10_total', sa.Integer(), nullable=True),
    sa.Column('mspss_mean', sa.Float(), nullable=True),
    sa.Column('housing_status', sa.String(length=40), nullable=True),
    sa.Column('employment_status', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('assessment_id', name='pk_rp_assessments')
    )
    with op.batch_alter_table('rp_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_rp_assessments_org', ['organisation_id'], unique=False)

    op.create_table('rp_attendances',
    sa.Column('attendance_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('attended_on', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('attendance_id', name='pk_rp_attendances')
    )
    with op.batch_alter_table('rp_attendances', schema=None) as batch_op:
        batch_op.create_index('ix_rp_attendances_org_day', ['organisation_id', 'attended_on'], unique=False)

    op.create_table('rp_audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rp_audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rp_audit_log_person_id'), ['person_id'], unique=False)

    op.create_table('rp_breaches',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('threshold_id', sa.String(length=36), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('threshold_id', 'period', name='uq_rp_breaches_threshold_period')
    )
    op.create_table('rp_checkins',
    sa.Column('checkin_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('wellbeing', sa.Integer(), nullable=True),
    sa.Column('days_abstinent', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('checkin_id', name='pk_rp_checkins')
    )
    with op.batch_alter_table('rp_checkins', schema=None) as batch_op:
        batch_op.create_index('ix_rp_checkins_org_time', ['organisation_id', 'completed_at'], unique=False)
        batch_op.create_index('ix_rp_checkins_person', ['person_id'], unique=False)

    op.create_table('rp_contacts',
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=True),
    sa.Column('label', sa.String(length=20), nullable=True),
    sa.Column('is_backup', sa.Boolean(), nullable=True),
    sa.Column('support_types', sa.Text(), nullable=True),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('contact_id', name='pk_rp_contacts')
    )
    with op.batch_alter_table('rp_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_rp_contacts_person', ['person_id'], unique=False)

    op.create_table('rp_daily_counts',
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('metric', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', 'site_id', 'day', 'metric', name='pk_rp_daily_counts')
    )
    op.create_table('rp_freshness',
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('last_applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('events_applied', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('topic')
    )
    op.create_table('rp_generation',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('swapped_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('rp_listings',
    sa.Column('listing_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('attendance', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('listing_id', name='pk_rp_listings')
    )
    op.create_table('rp_misses',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consecutive', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('session_id', name='pk_rp_misses')
    )
    with op.batch_alter_table('rp_misses', schema=None) as batch_op:
        batch_op.create_index('ix_rp_misses_org_time', ['organisation_id', 'starts_at'], unique=False)

    op.create_table('rp_peer_assignments',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('person_id', 'assigned_at', name='pk_rp_peer_assignments')
    )
    op.create_table('rp_persons',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('discharged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('peer_worker_id', sa.String(length=64), nullable=True),
    sa.Column('clinical_lead_id', sa.String(length=64), nullable=True),
    sa.Column('clinical_lead_named', sa.Boolean(), nullable=True),
    sa.Column('practical_support_planned', sa.Boolean(), nullable=True),
    sa.Column('crisis_plan_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('crisis_call_first', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('person_id', name='pk_rp_persons')
    )
    with op.batch_alter_table('rp_persons', schema=None) as batch_op:
        batch_op.create_index('ix_rp_persons_org_site', ['organisation_id', 'site_id'], unique=False)

    op.create_table('rp_reviews',
    sa.Column('review_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('review_id', name='pk_rp_reviews')
    )
    with op.batch_alter_table('rp_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_rp_reviews_org_time', ['organisation_id', 'completed_at'], unique=False)

    op.create_table('rp_rhythms',
    sa.Column('rhythm_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('rhythm_id', name='pk_rp_rhythms')
    )
    with op.batch_alter_table('rp_rhythms', schema=None) as batch_op:
        batch_op.create_index('ix_rp_rhythms_person', ['person_id'], unique=False)

    op.create_table('rp_thresholds',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=True),
    sa.Column('kpi', sa.String(length=60), nullable=False),
    sa.Column('comparator', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rp_thresholds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rp_thresholds_organisation_id'), ['organisation_id'], unique=False)

    op.drop_table('checkins_monthly')


def downgrade() -> None:
    op.create_table('checkins_monthly',
    sa.Column('organisation_id', sa.VARCHAR(length=36), nullable=False),
    sa.Column('site_id', sa.VARCHAR(length=36), nullable=False),
    sa.Column('month', sa.VARCHAR(length=7), nullable=False),
    sa.Column('completed', sa.INTEGER(), nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', 'site_id', 'month')
    )
    with op.batch_alter_table('rp_thresholds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rp_thresholds_organisation_id'))

    op.drop_table('rp_thresholds')
    with op.batch_alter_table('rp_rhythms', schema=None) as batch_op:
        batch_op.drop_index('ix_rp_rhythms_person')

    op.drop_table('rp_rhythms')
    with op.batch_alter_table('rp_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_rp_reviews_org_time')

    op.drop_table('rp_reviews')
    with op.batch_alter_table('rp_persons', schema=None) as batch_op:
        batch_op.drop_index('ix_rp_persons_org_site')

    op.drop_table('rp_persons')
    op.drop_table('rp_peer_assignments')
    with op.batch_alter_table('rp_misses', schema=None) as batch_op:
        batch_op.drop_index('ix_rp_misses_org_time')

    op.drop_table('rp_misses')
    op.drop_table('rp_listings')
    op.drop_table('rp_generation')
    op.drop_table('rp_freshness')
    op.drop_table('rp_daily_counts')
    with op.batch_alter_table('rp_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_rp_contacts_person')

    op.drop_table('rp_contacts')
    with op.batch_alter_table('rp_checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_rp_checkins_person')
        batch_op.drop_index('ix_rp_checkins_org_time')

    op.drop_table('rp_checkins')
    op.drop_table('rp_breaches')
    with op.batch_alter_table('rp_audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rp_audit_log_person_id'))

    op.drop_table('rp_audit_log')
    with op.batch_alter_table('rp_attendances', schema=None) as batch_op:
        batch_op.drop_index('ix_rp_attendances_org_day')

    op.drop_table('rp_attendances')
    with op.batch_alter_table('rp_assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_rp_assessments_org')

    op.drop_table('rp_assessments')
    op.drop_table('rp_applied_events')
