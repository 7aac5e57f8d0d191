"""Assessments: record answers, derive scores, and announce the next review when due."""
from __future__ import annotations

from sqlalchemy import func, select

from services.people import access
from services.people.domain import instruments
from services.people.models import Assessment, Organisation, Person
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid

ASSESSORS = ("admin", "coordinator", "peer_worker", "clinician")


def record(uow: UnitOfWork, principal: Principal, person_id: str, answers: dict) -> Assessment:
    person = access.require_visible(uow, principal, person_id)
    if principal.role not in ASSESSORS:
        raise Forbidden("Only staff record assessments.")
    scores = _scores(answers)
    now = uow.clock.now()
    previous = latest(uow, person.id)
    assessment = Assessment(
        person_id=person.id, organisation_id=person.organisation_id, kind="review" if previous else "intake",
        domains=answers.get("domains") or {}, barc10_answers=answers.get("barc10") or [],
        mspss_answers=answers.get("mspss") or [], scores=scores,
        housing_status=answers.get("housing_status", "unknown"),
        employment_status=answers.get("employment_status", "unknown"), completed_by=principal.subject,
        completed_at=now, next_due_at=instruments.next_review_due(now, _interval(uow, person)),
    )
    uow.session.add(assessment)
    uow.session.flush()
    _publish_completed(uow, person, assessment)
    _publish_outcomes(uow, person, assessment, previous)
    uow.commit()
    return assessment


def history(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> list[Assessment]:
    person = access.require_visible(uow, principal, person_id)
    access.audit_reads(uow, principal, [person.id], "read", "assessments", purpose)
    uow.commit()
    query = select(Assessment).where(Assessment.person_id == person.id).order_by(Assessment.completed_at.desc())
    return list(uow.session.scalars(query))


def latest(uow: UnitOfWork, person_id: str) -> Assessment | None:
    query = (select(Assessment).where(Assessment.person_id == person_id)
             .order_by(Assessment.completed_at.desc(), Assessment.id).limit(1))
    return uow.session.scalars(query).first()


def announce_due(uow: UnitOfWork) -> int:
    """The scheduled job: emit assessment.due once for each latest assessment now due."""
    now = uow.clock.now()
    newest = (select(Assessment.person_id, func.max(Assessment.completed_at).label("completed_at"))
              .group_by(Assessment.person_id).subquery())
    query = (select(Assessment, Person).join(newest, (Assessment.person_id == newest.c.person_id)
                                             & (Assessment.completed_at == newest.c.completed_at))
             .join(Person, Person.id == Assessment.person_id)
             .where(Assessment.next_due_at <= now, Assessment.due_announced_at.is_(None),
                    Person.status != "discharged")
             .with_for_update(skip_locked=True, of=Assessment))
    rows = uow.session.execute(query).all()
    for assessment, person in rows:
        assessment.due_announced_at = now
        uow.publish("circles.people.assessment.due.v1", {
            "person_id": person.id, "organisation_id": person.organisation_id, "site_id": person.site_id,
            "peer_worker_id": person.peer_worker_id, "due_at": assessment.next_due_at,
            "last_assessment_id": assessment.id}, subject=person.id)
    uow.commit()
    return len(rows)


def _scores(answers: dict) -> dict:
    scores = {}
    try:
        if answers.get("barc10"):
            scores["barc10"] = instruments.score_barc10(answers["barc10"]).as_dict()
        if answers.get("mspss"):
            scores["mspss"] = instruments.score_mspss(answers["mspss"]).as_dict()
    except instruments.InstrumentError as exc:
        raise Invalid(str(exc), "answers") from exc
    return scores


def _interval(uow: UnitOfWork, person: Person) -> int:
    organisation = uow.session.get(Organisation, person.organisation_id)
    return organisation.assessment_interval_days if organisation else 90


def _publish_completed(uow: UnitOfWork, person: Person, assessment: Assessment) -> None:
    # Scores, not answers: the answers stay in this service.
    uow.publish("circles.people.assessment.completed.v1", {
        "person_id": person.id, "organisation_id": person.organisation_id, "site_id": person.site_id,
        "assessment_id": assessment.id, "kind": assessment.kind, "scores": assessment.scores,
        "housing_status": assessment.housing_status, "employment_status": assessment.employment_status,
        "completed_at": assessment.completed_at, "next_due_at": assessment.next_due_at}, subject=person.id)


def _publish_outcomes(uow: UnitOfWork, person: Person, assessment: Assessment, previous: Assessment | None) -> None:
    for kind in ("housing_status", "employment_status"):
        value = getattr(assessment, kind)
        if previous is None or getattr(previous, kind) != value:
            uow.publish("circles.people.outcome.recorded.v1", {
                "person_id": person.id, "organisation_id": person.organisation_id, "site_id": person.site_id,
                "outcome": kind, "value": value, "recorded_at": assessment.completed_at}, subject=person.id)
