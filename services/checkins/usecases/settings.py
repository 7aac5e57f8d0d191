"""Per-organisation settings of the check-ins service (the missed-session grace period)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services.checkins.models import OrganisationSettings, Session
from services.checkins.models.schedule import DEFAULT_GRACE_MINUTES
from shared.auth import Principal
from shared.db.uow import UnitOfWork


def grace(uow: UnitOfWork, organisation_id: str) -> dt.timedelta:
    row = uow.session.get(OrganisationSettings, organisation_id)
    return dt.timedelta(minutes=row.missed_grace_minutes if row else DEFAULT_GRACE_MINUTES)


def current(uow: UnitOfWork, principal: Principal) -> OrganisationSettings:
    return uow.session.get(OrganisationSettings, principal.organisation_id) or OrganisationSettings(
        organisation_id=principal.organisation_id, missed_grace_minutes=DEFAULT_GRACE_MINUTES,
        updated_at=uow.clock.now())


def change(uow: UnitOfWork, principal: Principal, missed_grace_minutes: int) -> OrganisationSettings:
    """A new grace period applies to every session not yet marked missed."""
    row = uow.session.merge(OrganisationSettings(
        organisation_id=principal.organisation_id, missed_grace_minutes=missed_grace_minutes,
        updated_at=uow.clock.now()))
    pending = uow.session.scalars(select(Session).where(
        Session.organisation_id == principal.organisation_id, Session.status == "scheduled",
        Session.missed_after.is_not(None)))
    for session in pending:
        session.missed_after = session.ends_at + dt.timedelta(minutes=missed_grace_minutes)
    uow.commit()
    return row
