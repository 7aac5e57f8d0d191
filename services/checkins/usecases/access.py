"""Who may see which person's sessions and records: the people service's rules, applied
here to the read model so no call to people is needed.

- admin: the organisation; coordinator: persons at their sites;
- peer worker / clinician: persons they are assigned to;
- participant: themselves. Another organisation's person does not exist (404).
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, select

from services.checkins.models import KnownPerson
from shared.auth import Principal, caseload
from shared.auth.caseload import STAFF_WITH_CASELOAD  # noqa: F401 - the API modules import it from here
from shared.db.uow import UnitOfWork
from shared.errors import NotFound


def visibility(principal: Principal) -> ColumnElement[bool]:
    return caseload.visibility(principal, KnownPerson)


def visible_person_ids(principal: Principal):
    return select(KnownPerson.person_id).where(visibility(principal))


def require_person(uow: UnitOfWork, principal: Principal, person_id: str) -> KnownPerson:
    """The person, if the caller may see them; NotFound otherwise (never a hint they exist)."""
    person = uow.session.scalars(
        select(KnownPerson).where(visibility(principal), KnownPerson.person_id == str(person_id))).first()
    if person is None:
        raise NotFound("No such person.")
    return person
