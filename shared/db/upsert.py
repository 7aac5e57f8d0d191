"""Atomic counters for projections: INSERT ... ON CONFLICT DO UPDATE on both dialects.

Two consumers in one group may update the same row at once (different partitions, same
organisation); an atomic increment in the database never loses an update.
"""
from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def increment(session: Session, table: Table, keys: dict, counters: dict[str, int]) -> None:
    insert = _INSERTS[session.get_bind().dialect.name]
    statement = insert(table).values(**keys, **counters)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in counters},
    )
    session.execute(statement)


def insert_ignore(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert rows whose key does not exist yet; existing rows are left as they are."""
    insert = _INSERTS[session.get_bind().dialect.name]
    # executemany of one statement: cached once, unlike a VALUES list whose length varies.
    session.execute(insert(table).on_conflict_do_nothing(), rows)
