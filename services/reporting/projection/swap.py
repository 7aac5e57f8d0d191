"""Swap a freshly built set of projection tables in for the live one, in the caller's
transaction (PostgreSQL and SQLite both run these DDL statements transactionally)."""
from __future__ import annotations

from sqlalchemy import Connection

from services.reporting.projection.tables import ProjectionTables


def swap_tables(conn: Connection, live: ProjectionTables, fresh: ProjectionTables) -> None:
    quote = conn.dialect.identifier_preparer.quote
    old_suffix = f"_old{fresh.suffix}"
    for live_table, fresh_table in zip(live.all(), fresh.all()):
        conn.exec_driver_sql(f"ALTER TABLE {quote(live_table.name)} RENAME TO {quote(live_table.name + old_suffix)}")
        conn.exec_driver_sql(f"ALTER TABLE {quote(fresh_table.name)} RENAME TO {quote(live_table.name)}")
    for live_table in live.all():
        conn.exec_driver_sql(f"DROP TABLE {quote(live_table.name + old_suffix)}")
    for live_table, fresh_table in zip(live.all(), fresh.all()):
        _rename_indexes(conn, live_table, fresh_table)


def _rename_indexes(conn: Connection, live_table, fresh_table) -> None:
    """Give the swapped-in table the live names for its indexes and key, so the next
    replay (and the next migration) finds the names it expects."""
    quote = conn.dialect.identifier_preparer.quote
    for fresh_index in fresh_table.indexes:
        conn.exec_driver_sql(f"DROP INDEX {quote(fresh_index.name)}")
    for live_index in live_table.indexes:
        live_index.create(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ALTER TABLE {quote(live_table.name)} RENAME CONSTRAINT "
                             f"{quote(fresh_table.primary_key.name)} TO {quote(live_table.primary_key.name)}")
