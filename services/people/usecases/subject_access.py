"""Subject access: one request, every service's part, one bundle for the person.

People's own part is taken when the request is made; the other services answer the
`subject_access.requested` event on their privacy topics (privacy_feed.py). Making the
request and every download of the bundle are audited, the person's own included.
"""
from __future__ import annotations

from sqlalchemy import select

from services.people import access
from services.people.models import AuditEntry, SubjectAccessPart, SubjectAccessRequest, metadata
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, Forbidden, NotFound
from shared.events import PRIVACY_CONTRIBUTORS
from shared.privacy import records

REQUESTED = "circles.people.subject_access.requested.v1"
SERVICES = ("people", *PRIVACY_CONTRIBUTORS)
# A bundle never contains earlier bundles.
NOT_EXPORTED = ("subject_access_requests", "subject_access_parts", "erasure_requests")


def _audit(uow: UnitOfWork, principal: Principal, person_id: str, action: str, purpose: str) -> None:
    uow.session.add(AuditEntry(organisation_id=principal.organisation_id, person_id=person_id,
                               actor=principal.subject, actor_role=principal.role, action=action,
                               resource="subject_access", purpose=purpose, at=uow.clock.now()))


def _may_request(principal: Principal, person_id: str) -> bool:
    return principal.role == "admin" or access.is_self(principal, person_id)


def request(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> SubjectAccessRequest:
    if principal.role not in ("admin", "participant"):
        raise Forbidden("Only the person or an admin may request the person's data.")
    person = access.require_visible(uow, principal, person_id)
    now = uow.clock.now()
    row = SubjectAccessRequest(organisation_id=person.organisation_id, person_id=person.id,
                               requested_by=principal.subject, requested_by_role=principal.role, requested_at=now)
    uow.session.add(row)
    uow.session.flush()
    own = records.export_rows(uow.session, metadata, person.id, skip=NOT_EXPORTED)
    uow.session.add(SubjectAccessPart(request_id=row.id, service="people", person_id=person.id,
                                      sections=own, received_at=now))
    _audit(uow, principal, person.id, "subject_access_requested", purpose)
    uow.publish(REQUESTED, {"request_id": row.id, "person_id": person.id,
                            "organisation_id": person.organisation_id, "requested_at": now},
                subject=row.id, partition_key=person.id)
    uow.commit()
    return row


def requests_of(uow: UnitOfWork, principal: Principal, person_id: str) -> list[SubjectAccessRequest]:
    """The person's requests, newest first (their own page lists them)."""
    if not _may_request(principal, person_id):
        raise Forbidden("Only the person or an admin may see the person's data requests.")
    return list(uow.session.scalars(select(SubjectAccessRequest).where(
        SubjectAccessRequest.person_id == person_id).order_by(SubjectAccessRequest.requested_at.desc()).limit(10)))


def find(uow: UnitOfWork, principal: Principal, request_id: str) -> SubjectAccessRequest:
    row = uow.session.get(SubjectAccessRequest, request_id)
    if row is None or row.organisation_id != principal.organisation_id or not _may_request(principal, row.person_id):
        raise NotFound("No such subject-access request.")
    return row


def parts_of(uow: UnitOfWork, request_id: str) -> dict[str, list[SubjectAccessPart]]:
    """Each service's pieces, in order; only services whose every piece has arrived."""
    rows = uow.session.scalars(select(SubjectAccessPart).where(SubjectAccessPart.request_id == request_id)
                               .order_by(SubjectAccessPart.service, SubjectAccessPart.chunk))
    pieces: dict[str, list[SubjectAccessPart]] = {}
    for part in rows:
        pieces.setdefault(part.service, []).append(part)
    return {service: found for service, found in pieces.items() if len(found) == found[0].chunks}


def _merged(pieces: list[SubjectAccessPart]) -> dict[str, list[dict]]:
    sections: dict[str, list[dict]] = {}
    for piece in pieces:
        for table, rows in piece.sections.items():
            sections.setdefault(table, []).extend(rows)
    return sections


def status(uow: UnitOfWork, principal: Principal, request_id: str) -> dict:
    row = find(uow, principal, request_id)
    parts = parts_of(uow, row.id)
    return {"id": row.id, "person_id": row.person_id, "requested_at": row.requested_at,
            "requested_by_role": row.requested_by_role, "completed_at": row.completed_at,
            "services": {s: (max(p.received_at for p in parts[s]) if s in parts else None) for s in SERVICES}}


def bundle(uow: UnitOfWork, principal: Principal, request_id: str, purpose: str) -> dict:
    """The whole bundle, once every service has answered; each download is audited."""
    row = find(uow, principal, request_id)
    if row.completed_at is None:
        raise Conflict("The bundle is not ready: some services have not answered yet.")
    parts = parts_of(uow, row.id)
    _audit(uow, principal, row.person_id, "subject_access_downloaded", purpose)
    uow.commit()
    return {"request_id": row.id, "person_id": row.person_id, "requested_at": row.requested_at,
            "completed_at": row.completed_at, "services": {s: _merged(parts[s]) for s in SERVICES}}


def part_received(uow: UnitOfWork, request_id: str, service: str, sections: dict, chunk: int = 0,
                  chunks: int = 1) -> None:
    """A piece of a service's answer; the request is complete when every service's every
    piece has arrived. A piece seen before (a redelivery) changes nothing."""
    row = uow.session.get(SubjectAccessRequest, request_id)
    if row is None:  # the person was erased meanwhile (their requests with them)
        return
    if uow.session.get(SubjectAccessPart, (request_id, service, chunk)) is None:
        uow.session.add(SubjectAccessPart(request_id=request_id, service=service, chunk=chunk, chunks=chunks,
                                          person_id=row.person_id, sections=sections, received_at=uow.clock.now()))
        uow.session.flush()
    if row.completed_at is None and set(SERVICES) <= set(parts_of(uow, request_id)):
        row.completed_at = uow.clock.now()
