"""/checkins: record and read check-ins (the guide's agenda, flags and action items)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.web.audited import audited, person_ids
from services.checkins.api.schemas import CheckinIn, CheckinOut, CheckinQuery
from services.checkins.usecases import checkins
from services.checkins.usecases.access import STAFF_WITH_CASELOAD
from shared.web.auth import current_principal, require_roles
from shared.web.common import strings, unit_of_work

blp = Blueprint("checkins", __name__, url_prefix="/checkins", description="Check-in records")


def _view(record, risk_flags, action_items) -> dict:
    return {**{c.key: getattr(record, c.key) for c in record.__table__.columns},
            "risk_flags": risk_flags, "action_items": action_items}


def _stored_views(uow, records) -> list[dict]:
    """The stored check-ins with their flags and items: two queries, whatever the page's length."""
    ids = [record.id for record in records]
    flags, items = checkins.flags_by_checkin(uow, ids), checkins.items_by_checkin(uow, ids)
    return [_view(record, flags[record.id], items[record.id]) for record in records]


@blp.route("")
class Checkins(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(CheckinIn)
    @blp.response(201, CheckinOut)
    def post(self, body):
        """Record a check-in; emits checkin.completed, and risk.flagged at once for a high flag.

        Completes the session it is for and resets the person's run of missed sessions."""
        body = strings(body)
        with unit_of_work() as uow:
            saved = checkins.record_checkin(uow, current_principal(), checkins.RecordCheckin(**body))
        return _view(saved.record, saved.risk_flags, saved.action_items)

    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.arguments(CheckinQuery, location="query")
    @blp.response(200, CheckinOut(many=True))
    def get(self, query):
        """Check-ins of the persons the caller may see, newest first."""
        person_id = str(query["person_id"]) if query["person_id"] else None
        with unit_of_work() as uow:
            records = checkins.visible_checkins(uow, current_principal(), person_id, query["limit"], query["offset"])
            audited(uow, person_ids(records), "checkins", "list")
            return _stored_views(uow, records)


@blp.route("/<uuid:checkin_id>")
class Checkin(MethodView):
    @require_roles(*STAFF_WITH_CASELOAD)
    @blp.response(200, CheckinOut)
    def get(self, checkin_id):
        """One check-in, with its risk flags and action items."""
        with unit_of_work() as uow:
            record = checkins.get_checkin(uow, current_principal(), str(checkin_id))
            audited(uow, [record.person_id], "checkin")
            return _stored_views(uow, [record])[0]
