"""/rhythms and /sessions: recurring schedules and their occurrences."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.checkins.domain import agenda
from shared.web.audited import audited, person_ids
from services.checkins.usecases import rhythms, sessions
from services.checkins.usecases.access import STAFF_WITH_CASELOAD
from shared.web.auth import current_principal, require_roles
from shared.web.common import Instant, Page, unit_of_work

blp = Blueprint("rhythms", __name__, description="Rhythms (RFC 5545 recurrences) and their sessions")


class ParticipantSchema(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("staff", "contact")))
    id = fields.String(required=True, validate=validate.Length(1, 36))


class RhythmIn(ma.Schema):
    person_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(agenda.RHYTHM_KINDS))
    first_start_local = fields.String(required=True, metadata={
        "description": "Wall-clock start of the first session in the person's time zone, e.g. 2026-03-03T18:00"})
    rrule = fields.String(load_default=None, validate=validate.Length(max=500), metadata={
        "description": "RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU (default per kind)"})
    duration_minutes = fields.Integer(load_default=None)
    title = fields.String(load_default=None, validate=validate.Length(1, 120))
    participants = fields.List(fields.Nested(ParticipantSchema), load_default=None, metadata={
        "description": "Besides the person; default: their peer worker and clinical lead"})
    expects_record = fields.Boolean(load_default=None, metadata={
        "description": "Whether a session without a record is missed (default: yes, except custom)"})


class RhythmChange(ma.Schema):
    first_start_local = fields.String()
    rrule = fields.String(validate=validate.Length(max=500))
    duration_minutes = fields.Integer()
    title = fields.String(validate=validate.Length(1, 120))
    participants = fields.List(fields.Nested(ParticipantSchema))
    expects_record = fields.Boolean()
    active = fields.Boolean(metadata={"description": "false ends the rhythm and cancels its future sessions"})


class RhythmOut(ma.Schema):
    id = fields.String()
    person_id = fields.String()
    site_id = fields.String(allow_none=True)
    kind = fields.String()
    title = fields.String()
    rrule = fields.String()
    first_start_local = fields.String()
    timezone = fields.String()
    duration_minutes = fields.Integer()
    participants = fields.List(fields.Nested(ParticipantSchema))
    expects_record = fields.Boolean()
    active = fields.Boolean()
    version = fields.Integer()


class SessionOut(ma.Schema):
    id = fields.String()
    rhythm_id = fields.String()
    person_id = fields.String()
    site_id = fields.String(allow_none=True)
    kind = fields.String()
    occurrence_key = fields.String(metadata={"description": "Original local start (iCalendar RECURRENCE-ID)"})
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    missed_after = fields.AwareDateTime(allow_none=True)
    status = fields.String()
    rescheduled = fields.Boolean()
    cancel_reason = fields.String(allow_none=True)
    record_id = fields.String(allow_none=True)
    consecutive_misses = fields.Integer(allow_none=True)


class SessionQuery(Page):
    person_id = fields.UUID(load_default=None)
    site_id = fields.UUID(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(agenda.SESSION_STATUSES))
    starts_from = Instant(load_default=None)
    starts_before = Instant(load_default=None)


class RescheduleIn(ma.Schema):
    starts_at = Instant(required=True)
    duration_minutes = fields.Integer(load_default=None, validate=validate.Range(5, 480))


class CancelIn(ma.Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class PersonQuery(ma.Schema):
    person_id = fields.UUID(required=True)


@blp.route("/rhythms")
class Rhythms(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(RhythmIn)
    @blp.response(201, RhythmOut)
    def post(self, body):
        """Set up a rhythm in the person's time zone and plan its sessions; emits rhythm.created."""
        body["person_id"] = str(body["person_id"])
        with unit_of_work() as uow:
            return rhythms.create_rhythm(uow, current_principal(), rhythms.RhythmSpec(**body))

    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(PersonQuery, location="query")
    @blp.response(200, RhythmOut(many=True))
    def get(self, query):
        """A person's rhythms, ended ones included."""
        with unit_of_work() as uow:
            found = rhythms.rhythms_of(uow, current_principal(), str(query["person_id"]))
            audited(uow, [str(query["person_id"])], "rhythms")
            return found


@blp.route("/rhythms/<uuid:rhythm_id>")
class RhythmResource(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.response(200, RhythmOut)
    def get(self, rhythm_id):
        """One rhythm."""
        with unit_of_work() as uow:
            rhythm = rhythms.require_rhythm(uow, current_principal(), str(rhythm_id))
            audited(uow, [rhythm.person_id], "rhythm")
            return rhythm

    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(RhythmChange)
    @blp.response(200, RhythmOut)
    def patch(self, changes, rhythm_id):
        """Change the series (future sessions are planned again) or end it; emits rhythm.changed."""
        with unit_of_work() as uow:
            if changes.pop("active", True) is False:
                return rhythms.stop(uow, current_principal(), str(rhythm_id))
            return rhythms.change_rhythm(uow, current_principal(), str(rhythm_id), changes)


@blp.route("/sessions")
class Sessions(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(SessionQuery, location="query")
    @blp.response(200, SessionOut(many=True))
    def get(self, query):
        """Sessions of the persons the caller may see, by start time."""
        with unit_of_work() as uow:
            found = sessions.list_sessions(uow, current_principal(), sessions.SessionQuery(**query))
            audited(uow, person_ids(found), "sessions", "list")
            return found


@blp.route("/sessions/<uuid:session_id>")
class SessionResource(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.response(200, SessionOut)
    def get(self, session_id):
        """One session."""
        with unit_of_work() as uow:
            session = sessions.require_session(uow, current_principal(), str(session_id))
            audited(uow, [session.person_id], "session")
            return session


@blp.route("/sessions/<uuid:session_id>/reschedule", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
@blp.arguments(RescheduleIn)
@blp.response(200, SessionOut)
def reschedule(body, session_id):
    """Move this one session; the rest of the rhythm stays. Emits session.rescheduled."""
    with unit_of_work() as uow:
        return sessions.reschedule(uow, current_principal(), str(session_id), body["starts_at"],
                                   body["duration_minutes"])


@blp.route("/sessions/<uuid:session_id>/cancel", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
@blp.arguments(CancelIn)
@blp.response(200, SessionOut)
def cancel(body, session_id):
    """Cancel this one session (it is never marked missed). Emits session.cancelled."""
    with unit_of_work() as uow:
        return sessions.cancel(uow, current_principal(), str(session_id), body["reason"])
