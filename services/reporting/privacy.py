"""Reporting's part in subject access and erasure.

Reporting holds facts, not records: an erased person's facts stay, under a pseudonym for
their id and their contacts' ids, so every KPI (counts of check-ins, of distinct persons,
retention) is the same after an erasure as before. Events about an erased person read
later (a redelivery, a replay) are applied under the same pseudonyms (`disguise`).
"""
from __future__ import annotations

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from services.reporting.db import LIVE, audit_log, metadata, outbox
from shared.db.uow import UnitOfWork
from shared.privacy import records, subjects
from shared.privacy.contributor import Contributor


def _tables() -> list[Table]:
    return [t for t in LIVE.all() if "person_id" in t.c] + [audit_log]


def _contacts(session: Session, person_id: str) -> set[str]:
    return {str(c) for c in session.scalars(select(LIVE.contacts.c.contact_id).where(
        LIVE.contacts.c.person_id == person_id))}


def export(uow: UnitOfWork, person_id: str) -> dict[str, list[dict]]:
    sections = {}
    for table in _tables():
        rows = uow.session.execute(select(table).where(table.c.person_id == person_id)).mappings()
        found = [{k: records.json_safe(v) for k, v in row.items()} for row in rows]
        if found:
            sections[table.name] = found
    return sections


def erase(uow: UnitOfWork, person_id: str, contacts: set[str]) -> dict[str, int]:
    """Put pseudonyms in place of the person's and their contacts' ids."""
    contacts = contacts | _contacts(uow.session, person_id)
    counts = {}
    for contact in contacts:
        changed = uow.session.execute(update(LIVE.contacts).where(LIVE.contacts.c.contact_id == contact)
                                      .values(contact_id=subjects.pseudonym(contact))).rowcount
        counts[LIVE.contacts.name] = counts.get(LIVE.contacts.name, 0) + changed
    for table in _tables():
        changed = uow.session.execute(update(table).where(table.c.person_id == person_id)
                                      .values(person_id=subjects.pseudonym(person_id))).rowcount
        if changed:
            counts[table.name] = counts.get(table.name, 0) + changed
    return {name: n for name, n in counts.items() if n}


def disguise(data: dict, erased: bool) -> dict:
    """An event's data with the erased person's ids replaced by their pseudonyms."""
    if not erased:
        return data
    swapped = {**data, "person_id": subjects.pseudonym(str(data["person_id"]))}
    if data.get("contact_id"):
        swapped["contact_id"] = subjects.pseudonym(str(data["contact_id"]))
    return swapped


def erased_hashes(session: Session) -> set[str]:
    table = subjects.table_of(metadata)
    return set(session.scalars(select(table.c.subject_hash)))


def erased_among(session: Session, person_ids) -> set[str]:
    """Which of these person ids were erased here: one query for a whole batch."""
    return subjects.erased_among(session, metadata, person_ids)


def is_erased_in(hashes: set[str], data: dict) -> bool:
    person = data.get("person_id")
    return bool(person) and subjects.subject_hash(str(person)) in hashes


CONTRIBUTOR = Contributor("reporting", metadata, outbox, export=export, erase=erase)
