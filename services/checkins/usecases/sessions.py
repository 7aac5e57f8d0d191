"""Sessions: list, reschedule or cancel one occurrence, and mark one completed by a record."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, update

from services.checkins.models import MissStreak, Session
from services.checkins.usecases import settings as org_settings
from services.checkins.usecases.access import require_person, visible_person_ids
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Invalid, NotFound

# A record made this long before a session starts still counts for it (an early call).
EARLY_WINDOW = dt.timedelta(hours=12)


@dataclasses.dataclass(frozen=True)
class SessionQuery:
    person_id: str | None = None
    status: str | None = None
    starts_from: dt.datetime | None = None
    starts_before: dt.datetime | None = None
    site_id: str | None = None
    limit: int = 100
    offset: int = 0


def list_sessions(uow: UnitOfWork, principal: Principal, query: SessionQuery) -> list[Session]:
    if query.person_id:
        require_person(uow, principal, query.person_id)
    statement = select(Session).where(Session.person_id.in_(visible_person_ids(principal)))
    filters = {Session.person_id: query.person_id, Session.status: query.status, Session.site_id: query.site_id}
    for column, value in filters.items():
        if value is not None:
            statement = statement.where(column == str(value))
    if query.starts_from:
        statement = statement.where(Session.starts_at >= query.starts_from)
    if query.starts_before:
        statement = statement.where(Session.starts_at < query.starts_before)
    statement = statement.order_by(Session.starts_at, Session.id).limit(query.limit).offset(query.offset)
    return list(uow.session.scalars(statement))


def require_session(uow: UnitOfWork, principal: Principal, session_id: str) -> Session:
    session = uow.session.get(Session, str(session_id))
    if session is None or session.organisation_id != principal.organisation_id:
        raise NotFound("No such session.")
    require_person(uow, principal, session.person_id)
    return session


def reschedule(uow: UnitOfWork, principal: Principal, session_id: str, starts_at: dt.datetime,
               duration_minutes: int | None = None) -> Session:
    session = _open_session(uow, principal, session_id)
    duration = dt.timedelta(minutes=duration_minutes) if duration_minutes else session.ends_at - session.starts_at
    now = uow.clock.now()
    if starts_at <= now:
        raise Invalid("A session can only be moved to a time in the future.", "starts_at")
    session.starts_at, session.ends_at, session.rescheduled = starts_at, starts_at + duration, True
    if session.missed_after is not None:
        session.missed_after = session.ends_at + org_settings.grace(uow, session.organisation_id)
    # Reminders that already went out for the old time go out again for the new one.
    session.reminded_24h = session.reminded_1h = False
    _publish_change(uow, session, "rescheduled")
    uow.commit()
    return session


def cancel(uow: UnitOfWork, principal: Principal, session_id: str, reason: str) -> Session:
    session = _open_session(uow, principal, session_id)
    session.status, session.cancel_reason = "cancelled", reason
    _publish_change(uow, session, "cancelled")
    uow.commit()
    return session


def complete(uow: UnitOfWork, person_id: str, session_id: str | None, kinds: tuple[str, ...],
             completed_at: dt.datetime, record_id: str) -> Session | None:
    """Link a record to its session (given, or the one whose window holds the record) and
    reset the person's run of missed sessions."""
    session = _linked_session(uow, person_id, session_id, kinds, completed_at)
    if session is not None:
        session.status, session.record_id = "completed", record_id
    uow.session.execute(update(MissStreak).where(MissStreak.person_id == person_id).values(consecutive=0))
    return session


def _linked_session(uow, person_id, session_id, kinds, completed_at) -> Session | None:
    if session_id is not None:
        session = uow.session.get(Session, str(session_id))
        if session is None or session.person_id != person_id:
            raise Invalid("That session is not one of this person's.", "session_id")
        if session.status in ("completed", "cancelled"):
            raise Conflict(f"That session is already {session.status}.")
        return session
    return uow.session.scalars(select(Session).where(
        Session.person_id == person_id, Session.kind.in_(kinds), Session.status.in_(("scheduled", "missed")),
        Session.starts_at <= completed_at + EARLY_WINDOW, Session.missed_after >= completed_at,
    ).order_by(Session.starts_at)).first()


def _open_session(uow: UnitOfWork, principal: Principal, session_id: str) -> Session:
    session = require_session(uow, principal, session_id)
    if session.status != "scheduled":
        raise Conflict(f"The session is {session.status}; only a scheduled session can change.")
    return session


def _publish_change(uow: UnitOfWork, session: Session, change: str) -> None:
    uow.publish(f"circles.checkins.session.{change}.v1", {
        "session_id": session.id, "rhythm_id": session.rhythm_id, "person_id": session.person_id,
        "organisation_id": session.organisation_id, "site_id": session.site_id, "kind": session.kind,
        "starts_at": session.starts_at, "ends_at": session.ends_at, "status": session.status,
    }, subject=session.person_id)
