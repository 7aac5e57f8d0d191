"""Where projection handlers write: a small interface with two implementations.

Handlers only ever upsert a row by key (`put`, later values win) or add to counters
(`bump`), and `claim` events so each is applied once. SqlStore buffers all of it and
writes one executemany per table and shape at `flush`: one round trip per batch, which
is what lets a replay of a million events run at broker speed. MemoryStore is the same
contract in dictionaries, for unit tests that compute KPIs by hand.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.reporting.projection.tables import ProjectionTables

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
CLAIM_CHUNK = 500


class SqlStore:
    def __init__(self, session: Session, tables: ProjectionTables):
        self.session = session
        self.tables = tables
        self._insert = _INSERTS[session.get_bind().dialect.name]
        self._puts: dict[tuple, dict] = {}
        self._bumps: dict[tuple, dict] = {}

    def put(self, table: str, key: dict, values: dict) -> None:
        row = self._puts.setdefault((table, *key.values()), dict(key))
        row.update(values)

    def bump(self, table: str, key: dict, deltas: dict) -> None:
        row = self._bumps.setdefault((table, *key.values()), {**key, **{name: 0 for name in deltas}})
        for name, delta in deltas.items():
            row[name] = row.get(name, 0) + delta

    def claim(self, event_ids: list[str]) -> set[str]:
        """The ids not applied before (nor twice in this list); they count as applied now."""
        wanted = list(dict.fromkeys(event_ids))
        table = self.tables.applied_events
        if len(wanted) == 1:  # the live path: one statement, the key says whether it was new
            statement = self._insert(table).values(event_id=wanted[0]).on_conflict_do_nothing()
            # RETURNING, not rowcount: some drivers report -1 for ON CONFLICT DO NOTHING.
            inserted = self.session.execute(statement.returning(table.c.event_id)).first()
            return set(wanted) if inserted is not None else set()
        seen: set[str] = set()
        for start in range(0, len(wanted), CLAIM_CHUNK):
            chunk = wanted[start:start + CLAIM_CHUNK]
            seen.update(self.session.scalars(select(table.c.event_id).where(table.c.event_id.in_(chunk))))
        fresh = [event_id for event_id in wanted if event_id not in seen]
        if fresh:
            self.session.execute(table.insert(), [{"event_id": event_id} for event_id in fresh])
        return set(fresh)

    def flush(self) -> None:
        for (name, columns), rows in _by_shape(self._puts).items():
            table = self.tables.by_name(name)
            keys = [c.name for c in table.primary_key.columns]
            statement = self._insert(table)
            statement = statement.on_conflict_do_update(
                index_elements=keys, set_={c: statement.excluded[c] for c in columns if c not in keys})
            self.session.execute(statement, rows)
        for (name, columns), rows in _by_shape(self._bumps).items():
            table = self.tables.by_name(name)
            keys = [c.name for c in table.primary_key.columns]
            statement = self._insert(table)
            statement = statement.on_conflict_do_update(
                index_elements=keys, set_={c: table.c[c] + statement.excluded[c] for c in columns if c not in keys})
            self.session.execute(statement, rows)
        self._puts.clear()
        self._bumps.clear()


def _by_shape(buffer: dict[tuple, dict]) -> dict[tuple, list[dict]]:
    # executemany needs one statement per set of columns.
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for key, row in buffer.items():
        groups[(key[0], tuple(row))].append(row)
    return groups


class MemoryStore:
    """The same writes in dictionaries: {table: {key tuple: row}}."""

    def __init__(self):
        self.tables: dict[str, dict[tuple, dict]] = defaultdict(dict)
        self.applied: set[str] = set()

    def put(self, table: str, key: dict, values: dict) -> None:
        self.tables[table].setdefault(tuple(key.values()), dict(key)).update(values)

    def bump(self, table: str, key: dict, deltas: dict) -> None:
        row = self.tables[table].setdefault(tuple(key.values()), dict(key))
        for name, delta in deltas.items():
            row[name] = row.get(name, 0) + delta

    def claim(self, event_ids: list[str]) -> set[str]:
        fresh = [event_id for event_id in dict.fromkeys(event_ids) if event_id not in self.applied]
        self.applied.update(fresh)
        return set(fresh)

    def flush(self) -> None:
        pass

    def rows(self, table: str) -> list[dict]:
        return list(self.tables[table].values())

    def all_rows(self) -> dict[str, list[dict]]:
        """{table: rows}, the shape `domain.facts.from_rows` reads."""
        return {name: list(rows.values()) for name, rows in self.tables.items()}
