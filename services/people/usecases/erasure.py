"""Erasure: a recorded legal-basis check, then the person removed here and everywhere.

People deletes the person's rows (audit entries stay under a pseudonym), keeps a one-way
hash of the id, and announces `person.erased` on the person's partition, after all their
earlier events. Each service confirms on its privacy topic; when all have, the outbox
copies of the person's published events are purged and the request keeps only the hash.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services.people import access
from services.people.domain import erasure as rules
from services.people.models import ErasureRequest, Person, metadata, outbox
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid, NotFound
from shared.events import PRIVACY_CONTRIBUTORS
from shared.privacy import records, subjects

ERASED = "circles.people.person.erased.v1"
KEPT = ("erasure_requests",)
RETENTION_ACTOR = "retention-job"


def request(uow: UnitOfWork, principal: Principal, person_id: str, ground: str,
            exemptions: dict[str, bool], note: str) -> ErasureRequest:
    if principal.role != "admin":
        raise Forbidden("Only an admin may erase a person.")
    person = access.require_visible(uow, principal, person_id)
    try:
        verdict = rules.check(ground, exemptions)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    row = _record(uow, person, ground, exemptions, note, verdict, principal.subject, principal.role)
    if verdict.erase:
        _erase(uow, person, row)
    uow.commit()
    return row


def _record(uow: UnitOfWork, person: Person, ground: str, exemptions: dict, note: str,
            verdict: rules.Check, actor: str, role: str) -> ErasureRequest:
    row = ErasureRequest(organisation_id=person.organisation_id, subject_hash=subjects.subject_hash(person.id),
                         ground=ground, exemptions=exemptions, note=note or verdict.reason,
                         decision="erased" if verdict.erase else "refused", decided_by=actor,
                         decided_by_role=role, decided_at=uow.clock.now(), confirmations={})
    uow.session.add(row)
    uow.session.flush()
    return row


def _erase(uow: UnitOfWork, person: Person, row: ErasureRequest) -> None:
    person_id, organisation_id = person.id, person.organisation_id
    contacts = sorted(records.contact_ids(uow.session, metadata, person_id))
    uow.session.expunge(person)
    removed = records.erase_rows(uow.session, metadata, person_id, skip=KEPT)
    subjects.mark_erased(uow.session, metadata, person_id, uow.clock)
    row.confirmations = {"people": removed}
    row.pending_identifiers = [person_id, *contacts]
    uow.publish(ERASED, {"erasure_id": row.id, "person_id": person_id, "organisation_id": organisation_id,
                         "contact_ids": contacts, "erased_at": uow.clock.now()},
                subject=row.id, partition_key=person_id)


def confirmed(uow: UnitOfWork, erasure_id: str, service: str, rows: dict[str, int]) -> None:
    row = uow.session.get(ErasureRequest, erasure_id)
    if row is None or service in row.confirmations:
        return
    row.confirmations = {**row.confirmations, service: rows}
    if row.completed_at is None and set(PRIVACY_CONTRIBUTORS) <= set(row.confirmations):
        purged = records.purge_published_outbox(uow.session, outbox, row.pending_identifiers)
        row.confirmations = {**row.confirmations, "people": {**row.confirmations["people"], "outbox": purged}}
        row.pending_identifiers = []
        row.completed_at = uow.clock.now()


def find(uow: UnitOfWork, principal: Principal, erasure_id: str) -> ErasureRequest:
    row = uow.session.get(ErasureRequest, erasure_id)
    if principal.role != "admin" or row is None or row.organisation_id != principal.organisation_id:
        raise NotFound("No such erasure request.")
    return row


def erase_expired(uow: UnitOfWork, retention_days: int) -> int:
    """The retention job: erase persons discharged longer ago than the retention period."""
    if retention_days <= 0:
        return 0
    cutoff = uow.clock.now() - dt.timedelta(days=retention_days)
    due = list(uow.session.scalars(select(Person).where(
        Person.status == "discharged", Person.status_changed_at < cutoff).limit(100)
        .with_for_update(skip_locked=True)))  # two worker replicas never erase the same person
    for person in due:
        note = f"Discharged more than {retention_days} days ago (the retention period)."
        verdict = rules.Check(True, rules.GROUNDS["retention_period_elapsed"])
        row = _record(uow, person, "retention_period_elapsed", rules.retention_check(), note, verdict,
                      RETENTION_ACTOR, "system")
        _erase(uow, person, row)
    uow.commit()
    return len(due)
