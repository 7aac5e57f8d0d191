"""One person's outcome timeline, for the staff who may see that person; every read is
audited. Built from the same projections as the KPIs: numbers and codes, no free text."""
from __future__ import annotations

from sqlalchemy import insert, select

from services.reporting.db import LIVE, audit_log
from shared.auth import Principal, caseload
from shared.db.uow import UnitOfWork
from shared.errors import NotFound

TIMELINE_ROLES = caseload.STAFF_WITH_CASELOAD


def _entries(uow: UnitOfWork, person_id: str) -> list[dict]:
    sources = (
        ("checkin", LIVE.checkins, "completed_at", ("wellbeing", "days_abstinent", "source")),
        ("missed", LIVE.misses, "starts_at", ("kind", "consecutive")),
        ("review", LIVE.reviews, "completed_at", ()),
        ("assessment", LIVE.assessments, "completed_at",
         ("kind", "barc10_total", "mspss_mean", "housing_status", "employment_status")),
    )
    entries = []
    for kind, table, moment, fields in sources:
        for row in uow.session.execute(select(table).where(table.c.person_id == person_id)):
            entries.append({"at": row._mapping[moment], "kind": kind,
                            "details": {name: row._mapping[name] for name in fields}})
    attendances = LIVE.attendances
    for row in uow.session.execute(select(attendances).where(attendances.c.person_id == person_id)):
        entries.append({"at": row.attended_on.isoformat(), "kind": "attendance", "details": {"mode": row.mode}})
    return sorted(entries, key=lambda e: str(e["at"]))


def timeline(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> dict:
    persons = LIVE.persons
    person = uow.session.execute(select(persons).where(
        persons.c.person_id == person_id, caseload.visibility(principal, persons.c))).first()
    if person is None:
        raise NotFound("No such person in your caseload.")
    uow.session.execute(insert(audit_log).values(
        actor=principal.subject, actor_role=principal.role, organisation_id=principal.organisation_id,
        person_id=person_id, action="read", purpose=purpose, at=uow.clock.now()))
    uow.commit()
    return {"person_id": person_id, "status": person.status, "registered_at": person.registered_at,
            "discharged_at": person.discharged_at, "entries": _entries(uow, person_id)}
