"""Who may see which person's sessions and records: the people service's rules, applied
here to the read model so no call to people is needed.

- admin: the organisation; coordinator: persons at their sites;
- peer worker / clinician: persons they are assigned to;
- participant: themselves. Another organisation's person does not exist (404).
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select

from services.checkins.models import KnownPerson
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import NotFound

STAFF_WITH_CASELOAD = ("admin", "coordinator", "peer_worker", "clinician")


def visibility(principal: Principal) -> ColumnElement[bool]:
    in_org = KnownPerson.organisation_id == principal.organisation_id
    sites = (or_(KnownPerson.site_id.in_(principal.site_ids), KnownPerson.site_id.is_(None))
             if principal.site_ids else in_org)
    rules = {
        "admin": in_org,
        "coordinator": and_(in_org, sites),
        "peer_worker": and_(in_org, KnownPerson.peer_worker_id == principal.subject),
        "clinician": and_(in_org, KnownPerson.clinical_lead_id == principal.subject),
        "participant": and_(in_org, KnownPerson.person_id == (principal.person_id or "")),
    }
    return rules.get(principal.role, false())


def visible_person_ids(principal: Principal):
    return select(KnownPerson.person_id).where(visibility(principal))


def require_person(uow: UnitOfWork, principal: Principal, person_id: str) -> KnownPerson:
    """The person, if the caller may see them; NotFound otherwise (never a hint they exist)."""
    person = uow.session.scalars(
        select(KnownPerson).where(visibility(principal), KnownPerson.person_id == str(person_id))).first()
    if person is None:
        raise NotFound("No such person.")
    return person
