"""Person use cases: state change and event in one unit of work."""
from __future__ import annotations

import dataclasses

from sqlalchemy import select

from services.people.db import Person
from shared.auth import Principal
from shared.db.scoping import scoped
from shared.db.uow import UnitOfWork

PERSON_REGISTERED = "circles.people.person.registered.v1"


@dataclasses.dataclass(frozen=True)
class RegisterPerson:
    display_name: str
    timezone: str
    region: str
    site_id: str | None = None


def register_person(uow: UnitOfWork, principal: Principal, command: RegisterPerson) -> Person:
    person = Person(
        organisation_id=principal.organisation_id, status="intake",
        created_by=principal.subject, created_at=uow.clock.now(), **dataclasses.asdict(command),
    )
    uow.session.add(person)
    uow.session.flush()
    # The event carries ids and routing facts only; the name stays in this service.
    uow.publish(PERSON_REGISTERED, {
        "person_id": person.id, "organisation_id": person.organisation_id, "site_id": person.site_id,
        "status": person.status, "timezone": person.timezone, "region": person.region,
        "registered_at": person.created_at,
    }, subject=person.id)
    uow.commit()
    return person


def list_persons(uow: UnitOfWork, principal: Principal, limit: int, offset: int) -> list[Person]:
    query = scoped(select(Person), Person, principal).order_by(Person.created_at, Person.id)
    return list(uow.session.scalars(query.limit(limit).offset(offset)))


def get_person(uow: UnitOfWork, principal: Principal, person_id: str) -> Person | None:
    query = scoped(select(Person), Person, principal).where(Person.id == person_id)
    return uow.session.scalars(query).first()
