"""Events published by the check-ins service on `checkins.events`.

Ids, times, numbers and fixed vocabularies only: the free text of check-ins, reviews and
action items stays in the check-ins database.
"""
import marshmallow as ma
from marshmallow import fields, validate

from shared.events.catalogue import register

RHYTHM_KINDS = ("weekly_checkin", "monthly_review", "custom")
RISK_KINDS = ("relapse", "suicidal_thoughts", "overdose_risk", "unsafe_housing", "violence", "other")


class PersonScoped(ma.Schema):
    person_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    site_id = fields.UUID(required=True, allow_none=True)


class Participant(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("staff", "contact")))
    id = fields.String(required=True)


class RhythmV1(PersonScoped):
    rhythm_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(RHYTHM_KINDS))
    rrule = fields.String(required=True)
    first_start_local = fields.String(required=True)
    timezone = fields.String(required=True)
    duration_minutes = fields.Integer(required=True)
    participants = fields.List(fields.Nested(Participant), required=True)
    expects_record = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    version = fields.Integer(required=True)


class SessionRef(PersonScoped):
    session_id = fields.UUID(required=True)
    rhythm_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(RHYTHM_KINDS))
    starts_at = fields.AwareDateTime(required=True)


class SessionChangedV1(SessionRef):
    ends_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True)


class SessionUpcomingV1(SessionRef):
    ends_at = fields.AwareDateTime(required=True)
    title = fields.String(required=True)
    lead = fields.String(required=True, validate=validate.OneOf(("PT24H", "PT1H")))
    timezone = fields.String(required=True)
    participants = fields.List(fields.Nested(Participant), required=True)


class CheckinMissedV1(SessionRef):
    consecutive_misses = fields.Integer(required=True, validate=validate.Range(min=1))


class CheckinCompletedV1(PersonScoped):
    checkin_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True, allow_none=True)
    completed_at = fields.AwareDateTime(required=True)
    wellbeing = fields.Integer(required=True, validate=validate.Range(1, 10))
    days_abstinent_last_30 = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 30))
    medication_adherence = fields.String(load_default=None, allow_none=True)
    risk_flags = fields.List(fields.String(validate=validate.OneOf(RISK_KINDS)), load_default=list)
    source = fields.String(load_default="staff", validate=validate.OneOf(("staff", "self")))


class RiskFlaggedV1(PersonScoped):
    flag_ids = fields.List(fields.UUID(), required=True)
    region = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(("high",)))
    kinds = fields.List(fields.String(validate=validate.OneOf(RISK_KINDS)), required=True)
    source = fields.String(required=True, validate=validate.OneOf(("staff", "self")))
    checkin_id = fields.UUID(required=True, allow_none=True)
    raised_at = fields.AwareDateTime(required=True)


class ReviewCompletedV1(PersonScoped):
    review_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True, allow_none=True)
    completed_at = fields.AwareDateTime(required=True)


class AttendanceRecordedV1(PersonScoped):
    attendance_id = fields.UUID(required=True)
    directory_event_id = fields.String(required=True, allow_none=True)
    mode = fields.String(required=True, validate=validate.OneOf(("in_person", "online")))
    attended_on = fields.Date(required=True)


class ActionItemV1(PersonScoped):
    action_item_id = fields.UUID(required=True)
    checkin_id = fields.UUID(required=True, allow_none=True)
    owner_kind = fields.String(required=True, validate=validate.OneOf(("contact", "staff")))
    owner_id = fields.String(required=True)
    due_on = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("open", "done")))


class PlanCreatedV1(PersonScoped):
    plan_id = fields.UUID(required=True)
    starts_on = fields.Date(required=True)


class PlanTaskOverdueV1(PersonScoped):
    task_id = fields.UUID(required=True)
    plan_id = fields.UUID(required=True)
    code = fields.String(required=True)
    phase = fields.String(required=True)
    peer_worker_id = fields.String(required=True, allow_none=True)
    due_on = fields.Date(required=True)


_EVENTS = (
    ("rhythm.created", RhythmV1, "A recurring schedule (RFC 5545, in the person's zone) was set up."),
    ("rhythm.changed", RhythmV1, "A rhythm's rule, times or participants changed, or it ended (active false)."),
    ("session.rescheduled", SessionChangedV1, "One session of a rhythm moved to another time."),
    ("session.cancelled", SessionChangedV1, "One session of a rhythm was cancelled."),
    ("session.upcoming", SessionUpcomingV1, "Reminder: a session starts in 24 hours or in 1 hour (lead)."),
    ("checkin.completed", CheckinCompletedV1, "A check-in was recorded (the guide's 15-minute agenda)."),
    ("checkin.missed", CheckinMissedV1,
     "A session had no record by its end plus the organisation's grace period; with the run of misses."),
    ("risk.flagged", RiskFlaggedV1, "A high-severity risk was flagged in a check-in or by the person."),
    ("review.completed", ReviewCompletedV1, "A monthly care-team review was recorded."),
    ("attendance.recorded", AttendanceRecordedV1, "A mutual-help meeting attendance was recorded."),
    ("action_item.created", ActionItemV1, "An action item was agreed, with owner and due date."),
    ("action_item.completed", ActionItemV1, "An action item was marked done."),
    ("action_item.overdue", ActionItemV1, "An open action item passed its due day (in the person's zone)."),
    ("plan.created", PlanCreatedV1, "A 30-day starter plan was created for a person."),
    ("plan_task.overdue", PlanTaskOverdueV1, "A starter-plan task passed its due day without being done."),
)

for _name, _schema, _description in _EVENTS:
    register(f"circles.checkins.{_name}.v1", _schema, _description)
