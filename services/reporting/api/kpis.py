"""/kpis: the organisation's KPIs from the event-built projections."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from services.reporting import kpis
from shared.web.auth import current_principal, require_roles

blp = Blueprint("kpis", __name__, url_prefix="/kpis", description="Key performance indicators")
MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="Use YYYY-MM.")


class KpiQuery(ma.Schema):
    month_from = fields.String(load_default=None, validate=MONTH, data_key="from")
    month_to = fields.String(load_default=None, validate=MONTH, data_key="to")
    site_id = fields.UUID(load_default=None)


class MonthCount(ma.Schema):
    month = fields.String()
    site_id = fields.String(allow_none=True)
    completed = fields.Integer()


class CompletedCheckins(ma.Schema):
    organisation_id = fields.String()
    total = fields.Integer()
    months = fields.List(fields.Nested(MonthCount))


@blp.route("/checkins-completed")
class CheckinsCompleted(MethodView):
    @require_roles("admin", "coordinator")
    @blp.arguments(KpiQuery, location="query")
    @blp.response(200, CompletedCheckins)
    def get(self, query):
        """Completed check-ins per calendar month (UTC) and site.

        Counts every `circles.checkins.checkin.completed.v1` event once, by the month of
        its `completed_at`, in the caller's organisation (and sites, if the token lists any).
        """
        site = str(query["site_id"]) if query["site_id"] else None
        with current_app.extensions["circles"].uow() as uow:
            return kpis.completed_checkins(uow, current_principal(), query["month_from"], query["month_to"], site)
