"""The missed-session detector and the reminder job, run by the worker on the injectable clock.

Exactly once, with any number of worker replicas: each run claims its rows with
SELECT ... FOR UPDATE SKIP LOCKED and changes them in the same transaction that writes the
event to the outbox. A crash mid-run rolls both back, so the next run picks the session
up again (never skipped); a claimed row is invisible to the other replica and leaves the
"scheduled" state when it commits (never twice). The run-of-misses count is per person
and in session order, also when two detectors hold sessions of the same person.
"""
from __future__ import annotations

import collections
import datetime as dt
import functools
import types

from sqlalchemy import String, any_, bindparam, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from services.checkins import metrics
from services.checkins.models import MissStreak, Rhythm, Session
from shared.db.uow import UnitOfWork

# Sessions one detector run claims, marks and publishes in one transaction: a larger
# batch spreads each run's fixed round trips and its commit over more sessions.
BATCH = 2000
REMINDER_BATCH = 500
DAY, HOUR = dt.timedelta(hours=24), dt.timedelta(hours=1)


def detect_missed(uow: UnitOfWork, batch: int = BATCH) -> int:
    now = uow.clock.now()
    # Rows, not ORM objects, through the unit of work's own connection (its transaction):
    # nothing to load into the session, track and flush one UPDATE at a time.
    conn = uow.session.connection()
    sql = _statements(conn.dialect.name)
    claimed = conn.execute(sql.claim, {"now": now, "batch": batch}).all()
    streaks = _lock_streaks(conn, sql, {row.person_id for row in claimed})
    marked, bumped, kinds = {}, {}, []
    for row in _in_person_order(conn, sql, claimed, streaks, batch):
        consecutive = bumped[row.person_id] = streaks[row.person_id] = streaks[row.person_id] + 1
        marked[row.id] = consecutive
        uow.publish("circles.checkins.checkin.missed.v1", {
            "session_id": row.id, "rhythm_id": row.rhythm_id, "person_id": row.person_id,
            "organisation_id": row.organisation_id, "site_id": row.site_id, "kind": row.kind,
            "starts_at": row.starts_at, "consecutive_misses": consecutive,
        }, subject=row.person_id)
        kinds.append(row.kind)
    if marked:
        _set_counts(conn, sql, sql.mark, marked, now=now)
        _set_counts(conn, sql, sql.bump, bumped)
    uow.commit()
    metrics.count_missed(kinds)
    return len(kinds)


def _lock_streaks(conn, sql, person_ids: set[str]) -> dict[str, int]:
    """Lock the run-of-misses counters of these persons; a person whose counter another
    detector holds is left for the next run (SKIP LOCKED), so counts never interleave."""
    if not person_ids:
        return {}
    streaks = dict(conn.execute(sql.lock_streaks, {"keys": sorted(person_ids)}).all())
    # The others have no counter yet (0 misses so far), or another detector holds it: add
    # the missing ones, then lock what can be locked.
    if new := sorted(person_ids - streaks.keys()):
        conn.execute(sql.ensure_streaks, {"keys": new} if sql.arrays else [{"key": key} for key in new])
        streaks.update(conn.execute(sql.lock_streaks, {"keys": new}).all())
    return streaks


def _in_person_order(conn, sql, claimed: list, streaks: dict[str, int], batch: int) -> list:
    """The claimed sessions that may be marked now, oldest first: per person, only while no
    older due session of theirs is still pending elsewhere (claimed by another detector).

    A pending session due after the last claimed one cannot come before any of them, so
    only the due range up to it is read: this claim plus what other detectors hold, in the
    claim's index order. Should that range hold more than a few batches, the sessions of
    these persons alone are read instead."""
    mine = {row.id: row for row in claimed if row.person_id in streaks}
    if not mine:
        return []
    until, cap = claimed[-1].missed_after, 4 * batch
    pending = conn.execute(sql.pending, {"until": until, "cap": cap}).all()
    if len(pending) >= cap:
        pending = conn.execute(sql.pending_of, {"until": until, "keys": list(streaks)}).all()
    ready, blocked = [], set()
    for row in pending:  # by (missed_after, id), so each person's sessions in session order
        if row.person_id not in streaks or row.person_id in blocked:
            continue
        if row.id in mine:
            ready.append(mine[row.id])
        else:
            blocked.add(row.person_id)
    return sorted(ready, key=lambda row: (row.missed_after, row.id))


def _set_counts(conn, sql, statement, counts: dict[str, int], **values) -> None:
    """Set key -> count on many rows in one executemany: on PostgreSQL one UPDATE per
    distinct count (a handful), each finding its rows by primary key with = ANY(keys)."""
    if sql.arrays:
        keys_by_count = collections.defaultdict(list)
        for key, count in counts.items():
            keys_by_count[count].append(key)
        conn.execute(statement, [{"keys": keys, "count": count, **values} for count, keys in keys_by_count.items()])
    else:
        conn.execute(statement, [{"key": key, "count": count, **values} for key, count in counts.items()])


_SESSIONS, _STREAKS = Session.__table__, MissStreak.__table__


@functools.lru_cache(maxsize=None)
def _statements(dialect: str) -> types.SimpleNamespace:
    """The detector's statements for a dialect. PostgreSQL binds a list of keys as one array
    (= ANY), so the plan does not depend on the list's length; SQLite expands it into IN,
    and its UPDATEs take one row per key (executemany)."""
    sessions, streaks = _SESSIONS.c, _STREAKS.c
    arrays = dialect == "postgresql"

    def among(column):  # column is one of the bound "keys"
        if arrays:
            return column == any_(bindparam("keys", type_=ARRAY(String)))
        return column.in_(bindparam("keys", expanding=True))

    key = among if arrays else (lambda column: column == bindparam("key"))
    due_until = (sessions.status == "scheduled", sessions.missed_after <= bindparam("until"))
    if arrays:
        ensure = postgresql.insert(_STREAKS).from_select(
            ["person_id", "consecutive"], select(func.unnest(bindparam("keys", type_=ARRAY(String))), literal(0)))
    else:
        ensure = sqlite.insert(_STREAKS).values(person_id=bindparam("key"), consecutive=0)
    return types.SimpleNamespace(
        arrays=arrays,
        claim=select(sessions.id, sessions.rhythm_id, sessions.person_id, sessions.organisation_id,
                     sessions.site_id, sessions.kind, sessions.starts_at, sessions.missed_after).where(
            sessions.status == "scheduled", sessions.missed_after <= bindparam("now"),
        ).order_by(sessions.missed_after, sessions.id).limit(bindparam("batch")).with_for_update(skip_locked=True),
        ensure_streaks=ensure.on_conflict_do_nothing(),
        lock_streaks=select(streaks.person_id, streaks.consecutive).where(among(streaks.person_id))
        .with_for_update(skip_locked=True),
        pending=select(sessions.id, sessions.person_id).where(*due_until)
        .order_by(sessions.missed_after, sessions.id).limit(bindparam("cap")),
        pending_of=select(sessions.id, sessions.person_id).where(among(sessions.person_id), *due_until)
        .order_by(sessions.missed_after, sessions.id),
        mark=update(_SESSIONS).where(key(sessions.id)).values(
            status="missed", missed_at=bindparam("now", type_=sessions.missed_at.type),
            consecutive_misses=bindparam("count")),
        bump=update(_STREAKS).where(key(streaks.person_id)).values(consecutive=bindparam("count")),
    )


def remind_upcoming(uow: UnitOfWork, batch: int = REMINDER_BATCH) -> int:
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
