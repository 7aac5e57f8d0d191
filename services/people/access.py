"""Who may see which person: the access rules, applied in SQL.

- participant: their own record;
- peer worker / clinician: persons they are assigned to;
- coordinator: persons at their sites; admin: the whole organisation;
- supporter and operator: no person records here (a supporter sees only what an
  active consent allows, through the consent-gated views);
- another organisation's person does not exist for the caller (404, not 403).
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select

from services.people.models import AuditEntry, Person
from shared.auth import Principal, caseload
from shared.auth.caseload import STAFF_WITH_CASELOAD  # noqa: F401 - the API modules import it from here
from shared.auth.purposes import DEFAULT_PURPOSE, PURPOSES  # noqa: F401 - the API modules import them from here
from shared.db.uow import UnitOfWork
from shared.errors import NotFound

MAY_REGISTER = ("admin", "coordinator", "peer_worker")


def visibility(principal: Principal) -> ColumnElement[bool]:
    return caseload.visibility(principal, Person)


def visible_persons(principal: Principal) -> Select:
    return select(Person).where(visibility(principal))


def find_visible(uow: UnitOfWork, principal: Principal, person_id: str) -> Person | None:
    return uow.session.scalars(visible_persons(principal).where(Person.id == person_id)).first()


def require_visible(uow: UnitOfWork, principal: Principal, person_id: str) -> Person:
    """The person, if the caller may see them; otherwise NotFound (never a hint that they exist)."""
    person = find_visible(uow, principal, person_id)
    if person is None:
        raise NotFound("No such person.")
    return person


def is_self(principal: Principal, person_id: str) -> bool:
    return principal.role == "participant" and principal.person_id == person_id


def audit_reads(uow: UnitOfWork, principal: Principal, person_ids: list[str], action: str,
                resource: str, purpose: str) -> None:
    """Record every read of a person's record by someone other than that person."""
    now = uow.clock.now()
    uow.session.add_all(
        AuditEntry(organisation_id=principal.organisation_id, person_id=person_id, actor=principal.subject,
                   actor_role=principal.role, action=action, resource=resource, purpose=purpose, at=now)
        for person_id in person_ids if not is_self(principal, person_id)
    )
