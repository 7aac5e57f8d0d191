"""Erased subjects: one-way hashes of erased persons' ids, and stable pseudonyms.

A person id is a random UUID, so its SHA-256 cannot be turned back into it; the hash only
answers "was this id erased here?" for an id someone already holds (an event on a topic).
"""
from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import MetaData, Table, select
from sqlalchemy.orm import Session

from shared.clock import Clock


def subject_hash(person_id: str) -> str:
    return hashlib.sha256(f"circles-subject:{person_id}".encode()).hexdigest()


def pseudonym(identifier: str) -> str:
    """The stand-in for an erased id in aggregate facts (reporting): the same for every
    replay, so counts of distinct persons stay right, and never the id itself."""
    digest = hashlib.sha256(f"circles-pseudonym:{identifier}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def table_of(metadata: MetaData) -> Table:
    return metadata.tables["erased_subjects"]


def is_erased(session: Session, metadata: MetaData, person_id: str | None) -> bool:
    if not person_id:
        return False
    table = table_of(metadata)
    return session.execute(select(table.c.subject_hash).where(
        table.c.subject_hash == subject_hash(str(person_id)))).first() is not None


def erased_among(session: Session, metadata: MetaData, person_ids) -> set[str]:
    """The ids among `person_ids` (None and repeats allowed) that were erased: one query per 500."""
    by_hash = {subject_hash(str(p)): str(p) for p in person_ids if p}
    table, hashes, found = table_of(metadata), list(by_hash), set()
    for start in range(0, len(hashes), 500):
        found.update(session.scalars(select(table.c.subject_hash).where(
            table.c.subject_hash.in_(hashes[start:start + 500]))))
    return {by_hash[h] for h in found}


def mark_erased(session: Session, metadata: MetaData, person_id: str, clock: Clock) -> None:
    if not is_erased(session, metadata, person_id):
        session.execute(table_of(metadata).insert().values(subject_hash=subject_hash(person_id),
                                                           erased_at=clock.now()))
