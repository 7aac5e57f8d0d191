"""/checkins: record and read check-ins."""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.checkins import usecases
from services.checkins.api.schemas import CheckinIn, CheckinOut, CheckinQuery
from shared.auth.tokens import STAFF_ROLES
from shared.web.auth import current_principal, require_roles

blp = Blueprint("checkins", __name__, url_prefix="/checkins", description="Check-in records")


def _as_strings(values: dict) -> dict:
    return {k: (str(v) if k.endswith("_id") and v is not None else v) for k, v in values.items()}


@blp.route("")
class Checkins(MethodView):
    @require_roles(*STAFF_ROLES)
    @blp.arguments(CheckinIn)
    @blp.response(201, CheckinOut)
    def post(self, body):
        """Record a check-in; emits circles.checkins.checkin.completed.v1."""
        with current_app.extensions["circles"].uow() as uow:
            return usecases.record_checkin(uow, current_principal(), usecases.RecordCheckin(**_as_strings(body)))

    @require_roles(*STAFF_ROLES)
    @blp.arguments(CheckinQuery, location="query")
    @blp.response(200, CheckinOut(many=True))
    def get(self, query):
        """List check-ins in the caller's organisation (and sites), newest first."""
        person_id = str(query["person_id"]) if query["person_id"] else None
        with current_app.extensions["circles"].uow() as uow:
            return usecases.visible_checkins(uow, current_principal(), person_id, query["limit"], query["offset"])


@blp.route("/<uuid:checkin_id>")
class Checkin(MethodView):
    @require_roles(*STAFF_ROLES)
    @blp.response(200, CheckinOut)
    def get(self, checkin_id):
        """One check-in."""
        with current_app.extensions["circles"].uow() as uow:
            record = usecases.get_checkin(uow, current_principal(), str(checkin_id))
            if record is None:
                abort(404, message="No such check-in.")
            return record
