"""The missed-session detector and the reminder job, run by the worker on the injectable clock.

Exactly once, with any number of worker replicas: each run claims its rows with
SELECT ... FOR UPDATE SKIP LOCKED and changes them in the same transaction that writes the
event to the outbox. A crash mid-run rolls both back, so the next run picks the session
up again (never skipped); a claimed row is invisible to the other replica and leaves the
"scheduled" state when it commits (never twice). The run-of-misses count is per person
and in session order, also when two detectors hold sessions of the same person.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update

from services.checkins import metrics
from services.checkins.models import MissStreak, Rhythm, Session
from shared.db.upsert import insert_ignore
from shared.db.uow import UnitOfWork

BATCH = 500
DAY, HOUR = dt.timedelta(hours=24), dt.timedelta(hours=1)


def detect_missed(uow: UnitOfWork, batch: int = BATCH) -> int:
    now = uow.clock.now()
    claimed = uow.session.scalars(select(Session).where(
        Session.status == "scheduled", Session.missed_after <= now,
    ).order_by(Session.missed_after, Session.id).limit(batch).with_for_update(skip_locked=True)).all()
    streaks = _lock_streaks(uow, {session.person_id for session in claimed})
    kinds = []
    for session in _in_person_order(uow, claimed, streaks, now):
        streaks[session.person_id] += 1
        session.status, session.missed_at = "missed", now
        session.consecutive_misses = streaks[session.person_id]
        uow.publish("circles.checkins.checkin.missed.v1", {
            "session_id": session.id, "rhythm_id": session.rhythm_id, "person_id": session.person_id,
            "organisation_id": session.organisation_id, "site_id": session.site_id, "kind": session.kind,
            "starts_at": session.starts_at, "consecutive_misses": session.consecutive_misses,
        }, subject=session.person_id)
        kinds.append(session.kind)
    if streaks:
        uow.session.execute(update(MissStreak), [{"person_id": p, "consecutive": n} for p, n in streaks.items()])
    uow.commit()
    metrics.count_missed(kinds)
    return len(kinds)


def _lock_streaks(uow: UnitOfWork, person_ids: set[str]) -> dict[str, int]:
    """Lock the run-of-misses counters of these persons; a person whose counter another
    detector holds is left for the next run (SKIP LOCKED), so counts never interleave."""
    if not person_ids:
        return {}
    insert_ignore(uow.session, MissStreak.__table__, [{"person_id": p, "consecutive": 0} for p in sorted(person_ids)])
    rows = uow.session.execute(select(MissStreak.person_id, MissStreak.consecutive).where(
        MissStreak.person_id.in_(person_ids)).with_for_update(skip_locked=True)).all()
    return {row.person_id: row.consecutive for row in rows}


def _in_person_order(uow: UnitOfWork, claimed: list[Session], streaks: dict[str, int], now) -> list[Session]:
    """The claimed sessions that may be marked now: per person, oldest first, and only while
    no older due session of theirs is still pending elsewhere (claimed by another detector)."""
    mine = {session.id: session for session in claimed if session.person_id in streaks}
    pending = uow.session.execute(select(Session.id, Session.person_id).where(
        Session.person_id.in_(streaks), Session.status == "scheduled", Session.missed_after <= now,
    ).order_by(Session.person_id, Session.missed_after, Session.id)).all()
    ready, blocked = [], set()
    for row in pending:
        if row.person_id in blocked:
            continue
        if row.id in mine:
            ready.append(mine[row.id])
        else:
            blocked.add(row.person_id)
    return sorted(ready, key=lambda session: (session.missed_after, session.id))


def remind_upcoming(uow: UnitOfWork, batch: int = BATCH) -> int:
    """session.upcoming 24 hours and 1 hour before each session (only the 1-hour one when a
    session is planned or moved to less than an hour away)."""
    now = uow.clock.now()
    due = uow.session.execute(select(Session, Rhythm).join(Rhythm, Rhythm.id == Session.rhythm_id).where(
        Session.status == "scheduled", Session.starts_at > now, Session.starts_at <= now + DAY,
        or_(Session.reminded_24h.is_(False), (Session.reminded_1h.is_(False)) & (Session.starts_at <= now + HOUR)),
    ).order_by(Session.starts_at).limit(batch).with_for_update(skip_locked=True, of=Session)).all()
    for session, rhythm in due:
        lead = "PT1H" if session.starts_at - now <= HOUR else "PT24H"
        session.reminded_24h = True
        session.reminded_1h = session.reminded_1h or lead == "PT1H"
        uow.publish("circles.checkins.session.upcoming.v1", {
            "session_id": session.id, "rhythm_id": session.rhythm_id, "person_id": session.person_id,
            "organisation_id": session.organisation_id, "site_id": session.site_id, "kind": session.kind,
            "title": rhythm.title, "starts_at": session.starts_at, "ends_at": session.ends_at, "lead": lead,
            "timezone": rhythm.timezone, "participants": rhythm.participants,
        }, subject=session.person_id)
    uow.commit()
    return len(due)
