"""Monthly care-team reviews and mutual-help attendance."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services.checkins.models import Attendance, Review
from services.checkins.usecases import sessions
from services.checkins.usecases.access import require_person
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Invalid

REVIEW_FIELDS = ("safety", "goals", "medication", "practical_needs", "decisions")


def record_review(uow: UnitOfWork, principal: Principal, person_id: str, body: dict) -> Review:
    person = require_person(uow, principal, person_id)
    now = uow.clock.now()
    completed_at = body.get("completed_at") or now
    _not_future(completed_at, now, "completed_at")
    review = Review(organisation_id=person.organisation_id, site_id=person.site_id, person_id=person.person_id,
                    completed_at=completed_at, recorded_by=principal.subject, recorded_at=now,
                    **{field: body.get(field, "") for field in REVIEW_FIELDS})
    uow.session.add(review)
    uow.session.flush()
    session = sessions.complete(uow, person.person_id, body.get("session_id"), ("monthly_review",),
                                completed_at, review.id)
    review.session_id = session.id if session else None
    uow.publish("circles.checkins.review.completed.v1", {
        "review_id": review.id, "person_id": review.person_id, "organisation_id": review.organisation_id,
        "site_id": review.site_id, "session_id": review.session_id, "completed_at": review.completed_at,
    }, subject=review.person_id)
    uow.commit()
    return review


def record_attendance(uow: UnitOfWork, principal: Principal, person_id: str, body: dict) -> Attendance:
    """A meeting from the directory (its event id, and the name shown there) or typed in."""
    person = require_person(uow, principal, person_id)
    if not body.get("directory_event_id") and not body.get("meeting_name"):
        raise Invalid("Pick a meeting from the directory or type its name.", "meeting_name")
    if body["attended_on"] > uow.clock.now().date() + dt.timedelta(days=1):
        raise Invalid("Attendance is recorded after the meeting, not before.", "attended_on")
    attendance = Attendance(
        organisation_id=person.organisation_id, site_id=person.site_id, person_id=person.person_id,
        directory_event_id=body.get("directory_event_id"), meeting_name=body.get("meeting_name") or "",
        mode=body["mode"], attended_on=body["attended_on"], recorded_by=principal.subject,
        recorded_at=uow.clock.now())
    uow.session.add(attendance)
    uow.session.flush()
    uow.publish("circles.checkins.attendance.recorded.v1", {
        "attendance_id": attendance.id, "person_id": attendance.person_id,
        "organisation_id": attendance.organisation_id, "site_id": attendance.site_id,
        "directory_event_id": attendance.directory_event_id, "mode": attendance.mode,
        "attended_on": attendance.attended_on,
    }, subject=attendance.person_id)
    uow.commit()
    return attendance


def reviews_of(uow: UnitOfWork, principal: Principal, person_id: str) -> list[Review]:
    require_person(uow, principal, person_id)
    return list(uow.session.scalars(select(Review).where(Review.person_id == str(person_id))
                                    .order_by(Review.completed_at.desc())))


def attendances_of(uow: UnitOfWork, principal: Principal, person_id: str) -> list[Attendance]:
    require_person(uow, principal, person_id)
    return list(uow.session.scalars(select(Attendance).where(Attendance.person_id == str(person_id))
                                    .order_by(Attendance.attended_on.desc())))


def _not_future(value: dt.datetime, now: dt.datetime, field: str) -> None:
    if value > now + dt.timedelta(minutes=5):
        raise Invalid("This cannot be recorded for a time in the future.", field)
