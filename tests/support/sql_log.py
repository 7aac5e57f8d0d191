"""The SQL statements an engine sends while a block runs, for tests that count queries."""
from __future__ import annotations

import contextlib

from sqlalchemy import event


@contextlib.contextmanager
def statements_sent(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
