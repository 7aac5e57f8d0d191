"""Ended login sessions: a logged-out session token is refused everywhere until it expires.

The people service owns sessions. Its logout writes the token's id (`jti`) to its own
`ended_sessions` table and, in the same transaction, the outbox event
`circles.people.session.ended.v1` (the token id and its expiry: nothing about who it was).
Every other service consumes that event with `subscription(service)` into its own
`ended_sessions`, and `authenticate` (shared/web/auth.py) refuses a session token found
there. Only tokens with the `ses` claim are looked up, so API bearer tokens cost nothing.
Each service prunes rows whose token has expired anyway (`prune_job`).

Between a logout and another service consuming the event that service still accepts the
token (consumer lag, normally well under a second); the people service refuses at once.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import MetaData, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.auth.tokens import Principal
from shared.db.tables import ended_sessions_table
from shared.db.uow import UnitOfWork
from shared.events import CloudEvent
from shared.jobs import Job
from shared.messaging.consumer import Subscription
from shared.runtime import Runtime

SESSION_ENDED = "circles.people.session.ended.v1"
# Every service database has this table with this shape (shared/db/tables.py); a detached
# copy lets the statements here serve every service without its metadata.
ENDED = ended_sessions_table(MetaData())
MAX_TOKEN_ID = ENDED.c.token_id.type.length
PRUNE_EVERY_SECONDS = 300
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def is_ended(runtime: Runtime, token_id: str) -> bool:
    """One primary-key lookup on the service's own database."""
    with runtime.engine.connect() as conn:
        found = conn.execute(select(ENDED.c.token_id).where(ENDED.c.token_id == token_id)).first()
    return found is not None


def record_ended(session: Session, token_id: str, expires_at: dt.datetime, now: dt.datetime) -> bool:
    """Insert the row unless it is there already; True if this call inserted it (so a
    second logout with the same token announces nothing twice)."""
    insert = _INSERTS[session.get_bind().dialect.name](ENDED).on_conflict_do_nothing()
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT here.
    inserted = session.execute(insert.values(token_id=token_id, expires_at=expires_at, ended_at=now)
                               .returning(ENDED.c.token_id)).first()
    return inserted is not None


def endable(principal: Principal | None) -> bool:
    """A session token this platform minted (ids of other lengths cannot be ours)."""
    return (principal is not None and principal.session and principal.expires_at is not None
            and 0 < len(principal.token_id) <= MAX_TOKEN_ID)


def end_locally(runtime: Runtime, token_id: str, expires_at: dt.datetime) -> None:
    """What a service other than people does on its own /logout: refuse the token here at
    once, before the people service's event arrives (shared/web/pages.py logout)."""
    with runtime.uow() as uow:
        record_ended(uow.session, token_id, expires_at, uow.clock.now())
        uow.commit()


def _on_session_ended(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    record_ended(uow.session, data["token_id"], data["expires_at"], uow.clock.now())


def subscription(service: str) -> Subscription:
    """The consumer every service but people runs (group `<service>.sessions`)."""
    return Subscription(f"{service}.sessions", {SESSION_ENDED: _on_session_ended})


def prune(uow: UnitOfWork) -> int:
    """Forget ended sessions whose token has expired: decoding refuses those anyway.
    A plain DELETE is safe with any number of worker replicas."""
    deleted = uow.session.execute(delete(ENDED).where(ENDED.c.expires_at < uow.clock.now())).rowcount
    uow.commit()
    return deleted


def prune_job(service: str) -> Job:
    return Job(f"{service}.ended-sessions-prune", every_seconds=PRUNE_EVERY_SECONDS, run_once=prune)


def with_subscription(service: str, subscriptions=lambda runtime: []):
    """A ServiceSpec `subscriptions` callable, plus this service's ended-sessions consumer."""
    return lambda runtime: [*subscriptions(runtime), subscription(service)]


def with_prune_job(service: str, jobs=lambda runtime: []):
    """A ServiceSpec `jobs` callable, plus this service's pruning of expired rows."""
    return lambda runtime: [*jobs(runtime), prune_job(service)]
