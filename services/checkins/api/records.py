"""Monthly reviews, mutual-help attendance and action items of a person."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.checkins.api.schemas import ActionItemIn, ActionItemOut
from services.checkins.domain import agenda
from shared.web.audited import audited, person_ids
from services.checkins.usecases import action_items, reviews
from services.checkins.usecases.access import STAFF_WITH_CASELOAD
from shared.web.auth import current_principal, require_roles
from shared.web.common import Instant, Page, unit_of_work

blp = Blueprint("records", __name__, description="Monthly reviews, mutual-help attendance, action items")
TEXT = {"load_default": "", "validate": validate.Length(max=4000)}


class ReviewIn(ma.Schema):
    session_id = fields.UUID(load_default=None, allow_none=True)
    completed_at = Instant(load_default=None, allow_none=True)
    safety = fields.String(**TEXT)
    goals = fields.String(**TEXT)
    medication = fields.String(**TEXT)
    practical_needs = fields.String(**TEXT)
    decisions = fields.String(**TEXT)


class ReviewOut(ReviewIn):
    id = fields.String()
    person_id = fields.String()
    session_id = fields.String(allow_none=True)
    completed_at = fields.AwareDateTime()
    recorded_by = fields.String()


class AttendanceIn(ma.Schema):
    directory_event_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 64),
                                       metadata={"description": "A meeting's id in the resources directory"})
    meeting_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 200),
                                 metadata={"description": "Free text when the meeting is not in the directory"})
    mode = fields.String(required=True, validate=validate.OneOf(agenda.ATTENDANCE_MODES))
    attended_on = fields.Date(required=True)


class AttendanceOut(AttendanceIn):
    meeting_name = fields.String(metadata={
        "description": "The name typed in; empty when the meeting was picked from the directory without one"})
    id = fields.String()
    person_id = fields.String()
    recorded_by = fields.String()


class ItemQuery(Page):
    person_id = fields.UUID(load_default=None)
    owner_id = fields.UUID(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(("open", "done")))


class ItemChange(ma.Schema):
    status = fields.String(required=True, validate=validate.OneOf(("done",)))


@blp.route("/persons/<uuid:person_id>/reviews")
class Reviews(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(ReviewIn)
    @blp.response(201, ReviewOut)
    def post(self, body, person_id):
        """Record the monthly care-team review; completes its session, emits review.completed."""
        with unit_of_work() as uow:
            return reviews.record_review(uow, current_principal(), str(person_id), body)

    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.response(200, ReviewOut(many=True))
    def get(self, person_id):
        """The person's reviews, newest first."""
        with unit_of_work() as uow:
            found = reviews.reviews_of(uow, current_principal(), str(person_id))
            audited(uow, [str(person_id)], "reviews")  # the access rule passed: read, even if empty
            return found


@blp.route("/persons/<uuid:person_id>/attendances")
class Attendances(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD, "participant")
    @blp.arguments(AttendanceIn)
    @blp.response(201, AttendanceOut)
    def post(self, body, person_id):
        """Record a mutual-help meeting attended (the person may record their own)."""
        with unit_of_work() as uow:
            return reviews.record_attendance(uow, current_principal(), str(person_id), body)

    @require_roles(*STAFF_WITH_CASELOAD, "participant")
    @blp.response(200, AttendanceOut(many=True))
    def get(self, person_id):
        """The person's attendances, newest first."""
        with unit_of_work() as uow:
            found = reviews.attendances_of(uow, current_principal(), str(person_id))
            audited(uow, [str(person_id)], "attendances")
            return found


@blp.route("/persons/<uuid:person_id>/action-items", methods=["POST"])
@require_roles(*STAFF_WITH_CASELOAD)
@blp.arguments(ActionItemIn)
@blp.response(201, ActionItemOut)
def create_item(body, person_id):
    """Agree an action item outside a check-in; emits action_item.created."""
    with unit_of_work() as uow:
        return action_items.create(uow, current_principal(), str(person_id), body)


@blp.route("/action-items")
class ActionItems(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(ItemQuery, location="query")
    @blp.response(200, ActionItemOut(many=True))
    def get(self, query):
        """Action items of the persons the caller may see, by due date."""
        with unit_of_work() as uow:
            items = action_items.list_items(
                uow, current_principal(), query["person_id"], query["status"], query["owner_id"],
                query["limit"], query["offset"])
            audited(uow, person_ids(items), "action_items", "list")
            return items


@blp.route("/action-items/<uuid:item_id>", methods=["PATCH"])
@require_roles(*STAFF_WITH_CASELOAD)
@blp.arguments(ItemChange)
@blp.response(200, ActionItemOut)
def complete_item(body, item_id):
    """Mark an action item done; emits action_item.completed."""
    with unit_of_work() as uow:
        return action_items.complete(uow, current_principal(), str(item_id))
