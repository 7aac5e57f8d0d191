"""Unit of work: one database transaction holding state changes and their events.

Events added with `publish` are written as outbox rows inside the same transaction as
the state change, so either both commit or neither does; the relay ships them later.
They are inserted together at commit (one executemany rather than one INSERT per event).
"""
from __future__ import annotations

import json

from sqlalchemy import Table
from sqlalchemy.orm import Session, sessionmaker

from shared import correlation
from shared.clock import Clock
from shared.events import catalogue
from shared.events.envelope import CloudEvent


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], outbox: Table, clock: Clock, source: str):
        self._session_factory = session_factory
        self._outbox = outbox
        self.clock = clock
        self.source = source
        self.session: Session | None = None
        self._outbox_rows: list[dict] = []

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self._outbox_rows = []
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # close() rolls back anything uncommitted but, unlike rollback(), leaves loaded
        # objects readable, so views can serialise them after the unit of work ends.
        self.session.close()

    def commit(self) -> None:
        if self._outbox_rows:
            self.session.execute(self._outbox.insert(), self._outbox_rows)
            self._outbox_rows = []
        self.session.commit()

    def publish(self, type_name: str, data: dict, *, subject: str, partition_key: str | None = None) -> CloudEvent:
        event = catalogue.build_event(
            type_name,
            data,
            source=self.source,
            subject=subject,
            time=self.clock.now(),
            correlation_id=correlation.current(),
            partition_key=partition_key,
        )
        self._outbox_rows.append(outbox_row(event, self.clock.now()))
        return event


def outbox_row(event: CloudEvent, now) -> dict:
    return {
        "event_id": event.id,
        "topic": catalogue.get(event.type).topic,
        "partition_key": event.key,
        "event_type": event.type,
        "headers": json.dumps([[k, v.decode()] for k, v in event.headers()]),
        "payload": event.body().decode(),
        "created_at": now,
    }
