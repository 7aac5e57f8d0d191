"""Find, export and erase one person's rows in a service database, table by table.

A row is the person's when it names them (`person_id`), names one of their network
contacts (`contact_id`), or belongs to such a row through a foreign key (a delivery's
attempts, a contact's invitations). The shared messaging and privacy tables are never
touched here: the outbox is purged separately, once its rows have been published.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterable

from sqlalchemy import ColumnElement, MetaData, Table, delete, false, or_, select, update
from sqlalchemy.orm import Session

from shared.privacy.subjects import pseudonym

SHARED_TABLES = frozenset({"outbox", "processed_events", "ended_sessions", "erased_subjects"})
# Logs of who read a person's record stay, for accountability, under the person's
# pseudonym instead of their id.
AUDIT_TABLES = frozenset({"audit_log", "rp_audit_log", "read_audit"})


def contact_ids(session: Session, metadata: MetaData, person_id: str) -> set[str]:
    """Ids of the person's network contacts, from any table that pairs the two."""
    found: set[str] = set()
    contacts = metadata.tables.get("contacts")
    if contacts is not None and "person_id" in contacts.c and "id" in contacts.c:  # the people service's own
        found |= {str(v) for v in session.scalars(select(contacts.c.id).where(contacts.c.person_id == person_id))}
    for table in metadata.sorted_tables:
        if "person_id" in table.c and "contact_id" in table.c:
            found |= {str(v) for v in session.scalars(
                select(table.c.contact_id).where(table.c.person_id == person_id)) if v}
    return found


def _names(table: Table, person_id: str, contacts: set[str]) -> list[ColumnElement[bool]]:
    clauses = []
    if "person_id" in table.c:
        clauses.append(table.c.person_id == person_id)
    elif table.name == "persons" and "id" in table.c:  # the people service's own record
        clauses.append(table.c.id == person_id)
    if "contact_id" in table.c and contacts:
        clauses.append(table.c.contact_id.in_(contacts))
    if "recipient_id" in table.c:  # a message's recipient: the person or a contact
        clauses.append(table.c.recipient_id.in_({person_id, *contacts}))
    return clauses


def _owned_through_keys(table: Table, person_id: str, contacts: set[str]) -> list[ColumnElement[bool]]:
    """Rows that point, by a foreign key, at a row naming the person or a contact."""
    clauses = []
    for fk in table.foreign_keys:
        parent = fk.column.table
        if parent is table:
            continue
        names = _names(parent, person_id, contacts)
        if names:
            clauses.append(fk.parent.in_(select(fk.column).where(or_(*names))))
    return clauses


def ownership(table: Table, person_id: str, contacts: set[str]) -> ColumnElement[bool]:
    clauses = _names(table, person_id, contacts) + _owned_through_keys(table, person_id, contacts)
    return or_(*clauses) if clauses else false()


def personal_tables(metadata: MetaData, skip: Iterable[str] = ()) -> list[Table]:
    """Tables that can hold a person's rows, children before parents (the delete order)."""
    skipped = SHARED_TABLES | set(skip)
    return [t for t in reversed(metadata.sorted_tables) if t.name not in skipped
            and (_names(t, "x", {"x"}) or _owned_through_keys(t, "x", {"x"}))]


def json_safe(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def export_rows(session: Session, metadata: MetaData, person_id: str,
                skip: Iterable[str] = ()) -> dict[str, list[dict]]:
    """Every row this database holds on the person, by table, JSON-safe."""
    contacts = contact_ids(session, metadata, person_id)
    sections = {}
    for table in sorted(personal_tables(metadata, skip), key=lambda t: t.name):
        rows = session.execute(select(table).where(ownership(table, person_id, contacts))).mappings()
        found = [{key: json_safe(value) for key, value in row.items()} for row in rows]
        if found:
            sections[table.name] = found
    return sections


def erase_rows(session: Session, metadata: MetaData, person_id: str, known_contacts: Iterable[str] = (),
               skip: Iterable[str] = ()) -> dict[str, int]:
    """Delete every row naming the person or their contacts; the count per table."""
    contacts = contact_ids(session, metadata, person_id) | set(known_contacts)
    counts = {}
    for table in personal_tables(metadata, skip):
        if table.name in AUDIT_TABLES:
            statement = update(table).where(table.c.person_id == person_id).values(person_id=pseudonym(person_id))
        else:
            statement = delete(table).where(ownership(table, person_id, contacts))
        removed = session.execute(statement).rowcount
        if removed:
            counts[table.name] = removed
    return counts


def purge_published_outbox(session: Session, outbox: Table, identifiers: Iterable[str]) -> int:
    """Published outbox rows about the person (keyed by, or mentioning, one of the ids):
    they have reached the broker and only keep a copy of what the topics hold until
    their retention ends. Unpublished rows are left for the relay."""
    ids = [i for i in identifiers if i]
    if not ids:
        return 0
    mentions = [outbox.c.partition_key.in_(ids)] + [outbox.c.payload.contains(i) for i in ids]
    return session.execute(delete(outbox).where(outbox.c.published_at.is_not(None), or_(*mentions))).rowcount
