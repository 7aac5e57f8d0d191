"""Check-in use cases: state change and event in one unit of work."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from services.checkins.db import CheckinRecord
from shared.auth import Principal
from shared.db.scoping import scoped
from shared.db.uow import UnitOfWork

CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"


@dataclasses.dataclass(frozen=True)
class RecordCheckin:
    person_id: str
    wellbeing: int
    site_id: str | None = None
    session_id: str | None = None
    completed_at: dt.datetime | None = None
    wins: str = ""
    risks_and_needs: str = ""
    practical_tasks: str = ""
    days_abstinent_last_30: int | None = None


def record_checkin(uow: UnitOfWork, principal: Principal, command: RecordCheckin) -> CheckinRecord:
    now = uow.clock.now()
    record = CheckinRecord(
        organisation_id=principal.organisation_id,
        recorded_by=principal.subject,
        recorded_at=now,
        **{**dataclasses.asdict(command), "completed_at": command.completed_at or now},
    )
    uow.session.add(record)
    uow.session.flush()
    uow.publish(CHECKIN_COMPLETED, {
        "checkin_id": record.id,
        "person_id": record.person_id,
        "organisation_id": record.organisation_id,
        "site_id": record.site_id,
        "session_id": record.session_id,
        "completed_at": record.completed_at,
        "wellbeing": record.wellbeing,
    }, subject=record.person_id)
    uow.commit()
    return record


def visible_checkins(uow: UnitOfWork, principal: Principal, person_id: str | None = None,
                     limit: int = 50, offset: int = 0) -> list[CheckinRecord]:
    query = scoped(select(CheckinRecord), CheckinRecord, principal)
    if person_id:
        query = query.where(CheckinRecord.person_id == person_id)
    query = query.order_by(CheckinRecord.completed_at.desc(), CheckinRecord.id).limit(limit).offset(offset)
    return list(uow.session.scalars(query))


def get_checkin(uow: UnitOfWork, principal: Principal, checkin_id: str) -> CheckinRecord | None:
    # Another organisation's record simply does not exist for this caller.
    query = scoped(select(CheckinRecord), CheckinRecord, principal).where(CheckinRecord.id == checkin_id)
    return uow.session.scalars(query).first()
