"""Rhythms: create, change and end a person's recurring schedule, and plan its sessions."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

from sqlalchemy import delete, select

from services.checkins.domain import agenda
from services.checkins.domain.recurrence import LOCAL_FORMAT, Recurrence, RecurrenceError, parse_local
from services.checkins.models import KnownContact, KnownPerson, KnownStaff, Rhythm, Session
from services.checkins.usecases import settings as org_settings
from services.checkins.usecases.access import require_person
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, NotFound

# Sessions exist as rows this far ahead; the planner job tops them up.
HORIZON = dt.timedelta(days=35)
EDITABLE = ("title", "rrule", "first_start_local", "duration_minutes", "participants", "expects_record")


@dataclasses.dataclass(frozen=True)
class RhythmSpec:
    person_id: str
    kind: str
    first_start_local: str
    rrule: str | None = None
    duration_minutes: int | None = None
    title: str | None = None
    participants: list[dict] | None = None
    expects_record: bool | None = None


def recurrence_of(rhythm: Rhythm) -> Recurrence:
    return Recurrence(rhythm.rrule, dt.datetime.fromisoformat(rhythm.first_start_local), rhythm.timezone,
                      dt.timedelta(minutes=rhythm.duration_minutes))


def create_rhythm(uow: UnitOfWork, principal: Principal, spec: RhythmSpec) -> Rhythm:
    person = require_person(uow, principal, spec.person_id)
    defaults = agenda.RHYTHM_DEFAULTS[spec.kind]
    now = uow.clock.now()
    rhythm = Rhythm(
        organisation_id=person.organisation_id, site_id=person.site_id, person_id=person.person_id,
        kind=spec.kind, timezone=person.timezone, created_by=principal.subject, created_at=now, updated_at=now,
        active=True, version=1, planned_until=None,
        **{field: (value if (value := getattr(spec, field)) is not None else defaults.get(field))
           for field in ("title", "rrule", "duration_minutes", "expects_record")},
        first_start_local=spec.first_start_local,
        participants=spec.participants if spec.participants is not None else _default_participants(person))
    _validate(uow, person, rhythm)
    uow.session.add(rhythm)
    uow.session.flush()
    plan_sessions(uow, rhythm, now + HORIZON)
    _publish(uow, rhythm, "created")
    uow.commit()
    return rhythm


def change_rhythm(uow: UnitOfWork, principal: Principal, rhythm_id: str, changes: dict) -> Rhythm:
    """Apply changes to the series: future sessions are planned again from the new rule
    (single-session reschedules and cancellations in the future are dropped with them)."""
    rhythm = require_rhythm(uow, principal, rhythm_id)
    person = require_person(uow, principal, rhythm.person_id)
    for field in EDITABLE:
        if field in changes:
            setattr(rhythm, field, changes[field])
    _validate(uow, person, rhythm)
    now = uow.clock.now()
    _drop_future_sessions(uow, rhythm, now)
    rhythm.planned_until, rhythm.updated_at, rhythm.version = None, now, rhythm.version + 1
    plan_sessions(uow, rhythm, now + HORIZON)
    _publish(uow, rhythm, "changed")
    uow.commit()
    return rhythm


def stop(uow: UnitOfWork, principal: Principal, rhythm_id: str) -> Rhythm:
    rhythm = require_rhythm(uow, principal, rhythm_id)
    if rhythm.active:
        end_rhythm(uow, principal, rhythm, "rhythm ended")
        uow.commit()
    return rhythm


def end_rhythm(uow: UnitOfWork, principal: Principal | None, rhythm: Rhythm, reason: str) -> Rhythm:
    """Stop a rhythm: its future sessions are cancelled, its history stays."""
    now = uow.clock.now()
    rhythm.active, rhythm.updated_at, rhythm.version = False, now, rhythm.version + 1
    for session in _future_sessions(uow, rhythm, now):
        session.status, session.cancel_reason = "cancelled", reason
    _publish(uow, rhythm, "changed")
    return rhythm


def require_rhythm(uow: UnitOfWork, principal: Principal, rhythm_id: str) -> Rhythm:
    rhythm = uow.session.get(Rhythm, str(rhythm_id))
    if rhythm is None or rhythm.organisation_id != principal.organisation_id:
        raise NotFound("No such rhythm.")
    require_person(uow, principal, rhythm.person_id)
    return rhythm


def rhythms_of(uow: UnitOfWork, principal: Principal, person_id: str) -> list[Rhythm]:
    require_person(uow, principal, person_id)
    return list(uow.session.scalars(select(Rhythm).where(Rhythm.person_id == str(person_id))
                                    .order_by(Rhythm.created_at, Rhythm.id)))


def plan_sessions(uow: UnitOfWork, rhythm: Rhythm, until: dt.datetime) -> int:
    """Create the rhythm's sessions from where planning stopped (or now) up to `until`."""
    start = max(rhythm.planned_until or uow.clock.now(), uow.clock.now())
    if not rhythm.active or start >= until:
        return 0
    occurrences = recurrence_of(rhythm).between(start, until)
    known = set(uow.session.scalars(select(Session.occurrence_key).where(
        Session.rhythm_id == rhythm.id, Session.occurrence_key.in_([o.key for o in occurrences]))))
    grace = org_settings.grace(uow, rhythm.organisation_id)
    new = [Session(rhythm_id=rhythm.id, organisation_id=rhythm.organisation_id, site_id=rhythm.site_id,
                   person_id=rhythm.person_id, kind=rhythm.kind, occurrence_key=o.key, starts_at=o.starts_at,
                   ends_at=o.ends_at, missed_after=o.ends_at + grace if rhythm.expects_record else None,
                   status="scheduled") for o in occurrences if o.key not in known]
    uow.session.add_all(new)
    rhythm.planned_until = until
    return len(new)


def plan_ahead(uow: UnitOfWork) -> int:
    """The planner job: keep every active rhythm's sessions planned a horizon ahead."""
    now = uow.clock.now()
    due = uow.session.scalars(select(Rhythm).where(
        Rhythm.active.is_(True), (Rhythm.planned_until.is_(None)) | (Rhythm.planned_until < now + HORIZON / 2))
        .limit(200).with_for_update(skip_locked=True)).all()
    created = sum(plan_sessions(uow, rhythm, now + HORIZON) for rhythm in due)
    uow.commit()
    return created


def _default_participants(person: KnownPerson) -> list[dict]:
    return [{"kind": "staff", "id": staff_id} for staff_id in (person.peer_worker_id, person.clinical_lead_id)
            if staff_id]


def _validate(uow: UnitOfWork, person: KnownPerson, rhythm: Rhythm) -> None:
    try:
        rhythm.first_start_local = parse_local(rhythm.first_start_local).strftime(LOCAL_FORMAT)
        recurrence_of(rhythm)
    except RecurrenceError as exc:
        raise Invalid(str(exc), exc.field) from exc
    try:
        agenda.check_duration(rhythm.kind, rhythm.duration_minutes)
        agenda.check_participants(rhythm.kind, *_participant_roles(uow, person, rhythm.participants))
    except agenda.AgendaError as exc:
        raise Invalid(str(exc), exc.field) from exc


def _participant_roles(uow: UnitOfWork, person: KnownPerson, participants: list[dict]) -> tuple[list[str], int]:
    roles, contacts = [], 0
    for participant in participants:
        if participant["kind"] == "staff":
            staff = uow.session.get(KnownStaff, participant["id"])
            if staff is None or staff.organisation_id != person.organisation_id:
                raise Invalid(f"No staff member {participant['id']} in this organisation.", "participants")
            roles.append(staff.role)
        else:
            contact = uow.session.get(KnownContact, participant["id"])
            if contact is None or contact.person_id != person.person_id or contact.removed:
                raise Invalid(f"{participant['id']} is not in this person's network.", "participants")
            contacts += 1
    return roles, contacts


def _future_sessions(uow: UnitOfWork, rhythm: Rhythm, now: dt.datetime) -> list[Session]:
    return list(uow.session.scalars(select(Session).where(
        Session.rhythm_id == rhythm.id, Session.starts_at > now, Session.status == "scheduled")))


def _drop_future_sessions(uow: UnitOfWork, rhythm: Rhythm, now: dt.datetime) -> None:
    uow.session.execute(delete(Session).where(
        Session.rhythm_id == rhythm.id, Session.starts_at > now, Session.status.in_(("scheduled", "cancelled"))))


def _publish(uow: UnitOfWork, rhythm: Rhythm, change: str) -> None:
    uow.publish(f"circles.checkins.rhythm.{change}.v1", {
        "rhythm_id": rhythm.id, "person_id": rhythm.person_id, "organisation_id": rhythm.organisation_id,
        "site_id": rhythm.site_id, "kind": rhythm.kind, "rrule": rhythm.rrule,
        "first_start_local": rhythm.first_start_local, "timezone": rhythm.timezone,
        "duration_minutes": rhythm.duration_minutes, "participants": json.loads(json.dumps(rhythm.participants)),
        "expects_record": rhythm.expects_record, "active": rhythm.active, "version": rhythm.version,
    }, subject=rhythm.person_id)
