"""Check-in records: the agenda, its risk flags and action items, in one unit of work."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from services.checkins.domain import agenda
from services.checkins.models import ActionItem, CheckinRecord, KnownPerson, RiskFlag
from services.checkins.models.base import new_id
from services.checkins.usecases import action_items, sessions
from services.checkins.usecases.access import require_person, visible_person_ids
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, NotFound

CHECKIN_KINDS = ("weekly_checkin", "custom")


@dataclasses.dataclass(frozen=True)
class RecordCheckin:
    person_id: str
    wellbeing: int
    session_id: str | None = None
    completed_at: dt.datetime | None = None
    wins: str = ""
    risks_and_needs: str = ""
    practical_tasks: str = ""
    days_abstinent_last_30: int | None = None
    medication_adherence: str | None = None
    risk_flags: list[dict] = dataclasses.field(default_factory=list)
    action_items: list[dict] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class SavedCheckin:
    """A check-in as just written, with its flags (by kind) and items (by due date): what the
    caller shows back, without reading the rows again."""
    record: CheckinRecord
    risk_flags: list[RiskFlag]
    action_items: list[ActionItem]


def record_checkin(uow: UnitOfWork, principal: Principal, command: RecordCheckin) -> SavedCheckin:
    person = require_person(uow, principal, command.person_id)
    return save_checkin(uow, person, command, recorded_by=principal.subject, source="staff")


def save_checkin(uow: UnitOfWork, person: KnownPerson, command: RecordCheckin, *, recorded_by: str,
                 source: str) -> SavedCheckin:
    """Store a check-in for a person already authorised (by token or by signed link)."""
    now = uow.clock.now()
    completed_at = command.completed_at or now
    if completed_at > now + dt.timedelta(minutes=5):
        raise Invalid("A check-in cannot be recorded for a time in the future.", "completed_at")
    # The id is known before the insert, so the session is linked first and every row goes
    # out in the commit's one flush (no INSERT then UPDATE of the record).
    record_id = new_id()
    session = sessions.complete(uow, person.person_id, command.session_id, CHECKIN_KINDS, completed_at, record_id)
    record = CheckinRecord(
        id=record_id, organisation_id=person.organisation_id, site_id=person.site_id, person_id=person.person_id,
        session_id=session.id if session else None, completed_at=completed_at, wellbeing=command.wellbeing,
        wins=command.wins, risks_and_needs=command.risks_and_needs, practical_tasks=command.practical_tasks,
        days_abstinent_last_30=command.days_abstinent_last_30, medication_adherence=command.medication_adherence,
        source=source, recorded_by=recorded_by, recorded_at=now)
    uow.session.add(record)
    flags = sorted((_flag(record, flag, now) for flag in command.risk_flags), key=lambda flag: (flag.kind, flag.id))
    uow.session.add_all(flags)
    items = [action_items.add(uow, person, item, created_by=recorded_by, checkin_id=record.id)
             for item in command.action_items]
    _publish_completed(uow, record, flags)
    raise_alert(uow, person, flags, source=source, checkin_id=record.id)
    uow.commit()
    return SavedCheckin(record, flags, sorted(items, key=lambda item: (item.due_on, item.id)))


def raise_alert(uow: UnitOfWork, person: KnownPerson, flags: list[RiskFlag], *, source: str,
                checkin_id: str | None) -> None:
    """risk.flagged at once (in this transaction's outbox) when any flag is high severity."""
    high = [flag for flag in flags if flag.severity == agenda.ALERT_SEVERITY]
    if not high:
        return
    uow.publish("circles.checkins.risk.flagged.v1", {
        "flag_ids": [flag.id for flag in high], "person_id": person.person_id,
        "organisation_id": person.organisation_id, "site_id": person.site_id, "region": person.region,
        "severity": agenda.ALERT_SEVERITY, "kinds": sorted({flag.kind for flag in high}), "source": source,
        "checkin_id": checkin_id, "raised_at": high[0].raised_at,
    }, subject=person.person_id)


def visible_checkins(uow: UnitOfWork, principal: Principal, person_id: str | None = None,
                     limit: int = 50, offset: int = 0) -> list[CheckinRecord]:
    query = select(CheckinRecord).where(CheckinRecord.person_id.in_(visible_person_ids(principal)))
    if person_id:
        require_person(uow, principal, person_id)
        query = query.where(CheckinRecord.person_id == str(person_id))
    query = query.order_by(CheckinRecord.completed_at.desc(), CheckinRecord.id).limit(limit).offset(offset)
    return list(uow.session.scalars(query))


def get_checkin(uow: UnitOfWork, principal: Principal, checkin_id: str) -> CheckinRecord:
    record = uow.session.scalars(select(CheckinRecord).where(
        CheckinRecord.id == str(checkin_id), CheckinRecord.person_id.in_(visible_person_ids(principal)))).first()
    if record is None:
        raise NotFound("No such check-in.")
    return record


def flags_of(uow: UnitOfWork, checkin_id: str) -> list[RiskFlag]:
    return flags_by_checkin(uow, [checkin_id])[checkin_id]


def items_of(uow: UnitOfWork, checkin_id: str) -> list[ActionItem]:
    return items_by_checkin(uow, [checkin_id])[checkin_id]


def flags_by_checkin(uow: UnitOfWork, checkin_ids: list[str]) -> dict[str, list[RiskFlag]]:
    """Each check-in's risk flags by kind, for a whole page of check-ins in one query."""
    rows = uow.session.scalars(select(RiskFlag).where(RiskFlag.checkin_id.in_(checkin_ids))
                               .order_by(RiskFlag.kind, RiskFlag.id))
    return _grouped(checkin_ids, rows)


def items_by_checkin(uow: UnitOfWork, checkin_ids: list[str]) -> dict[str, list[ActionItem]]:
    """Each check-in's action items by due date, for a whole page of check-ins in one query."""
    rows = uow.session.scalars(select(ActionItem).where(ActionItem.checkin_id.in_(checkin_ids))
                               .order_by(ActionItem.due_on, ActionItem.id))
    return _grouped(checkin_ids, rows)


def _grouped(checkin_ids: list[str], rows) -> dict[str, list]:
    grouped: dict[str, list] = {checkin_id: [] for checkin_id in checkin_ids}
    for row in rows:
        grouped[row.checkin_id].append(row)
    return grouped


def _flag(record: CheckinRecord, flag: dict, now: dt.datetime) -> RiskFlag:
    return RiskFlag(id=new_id(), organisation_id=record.organisation_id,
                    site_id=record.site_id, person_id=record.person_id, checkin_id=record.id, kind=flag["kind"],
                    severity=flag["severity"], raised_at=now)


def _publish_completed(uow: UnitOfWork, record: CheckinRecord, flags: list[RiskFlag]) -> None:
    # Numbers and fixed names only: free text stays in this service.
    uow.publish("circles.checkins.checkin.completed.v1", {
        "checkin_id": record.id, "person_id": record.person_id, "organisation_id": record.organisation_id,
        "site_id": record.site_id, "session_id": record.session_id, "completed_at": record.completed_at,
        "wellbeing": record.wellbeing, "days_abstinent_last_30": record.days_abstinent_last_30,
        "medication_adherence": record.medication_adherence, "risk_flags": sorted({f.kind for f in flags}),
        "source": record.source,
    }, subject=record.person_id)
