"""Unit of work: one database transaction holding state changes and their events.

Events added with `publish` are written as outbox rows inside the same transaction as
the state change, so either both commit or neither does; the relay ships them later.
They are inserted together at commit: one executemany rather than one INSERT per event,
and on PostgreSQL (psycopg) many of them with one COPY, sparing a statement per row.
"""
from __future__ import annotations

import functools
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
            _insert_outbox(self.session, self._outbox, self._outbox_rows)
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
        "topic": _topic(event.type),
        "partition_key": event.key,
        "event_type": event.type,
        # The same text as encoding headers() and body() and decoding them again.
        "headers": json.dumps([[k, v] for k, v in event.header_items()]),
        "payload": event.body_text(),
        "created_at": now,
    }


# From this many rows on, COPY beats an executemany (which takes one round trip for any
# number of rows, and so stays the quicker way for the few events of a request).
COPY_FROM_ROWS = 16


def _insert_outbox(session: Session, outbox: Table, rows: list[dict]) -> None:
    conn = session.connection()
    dialect = conn.dialect
    if len(rows) < COPY_FROM_ROWS or (dialect.name, dialect.driver) != ("postgresql", "psycopg"):
        conn.execute(outbox.insert(), rows)
        return
    # The same values an INSERT would bind: each column type's own bind processing first.
    names = list(rows[0])
    columns = [outbox.c[name] for name in names]
    processors = [(index, processor) for index, column in enumerate(columns)
                  if (processor := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    preparer = dialect.identifier_preparer
    statement = (f"COPY {preparer.format_table(outbox)} "
                 f"({', '.join(preparer.format_column(column) for column in columns)}) FROM STDIN")
    # The DBAPI connection of the session's own transaction: the rows commit with it.
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = [row[name] for name in names]
            for index, processor in processors:
                values[index] = processor(values[index])
            copy.write_row(values)


@functools.lru_cache(maxsize=None)
def _topic(type_name: str) -> str:
    # The catalogue is fixed once its types are registered (a name cannot be registered twice).
    return catalogue.get(type_name).topic
