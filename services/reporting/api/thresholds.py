"""/thresholds: an organisation's KPI alert thresholds."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.reporting.api.schemas import Threshold, ThresholdIn
from services.reporting.usecases import thresholds
from shared.web.auth import current_principal, require_roles
from shared.web.common import strings, unit_of_work

blp = Blueprint("thresholds", __name__, url_prefix="/thresholds", description="KPI threshold alerts")


@blp.route("")
class Thresholds(MethodView):
    @require_roles("admin", "coordinator")
    @blp.response(200, Threshold(many=True))
    def get(self):
        """Thresholds you may see, each with its open breach if any."""
        with unit_of_work() as uow:
            return thresholds.listed(uow, current_principal())

    @require_roles("admin", "coordinator")
    @blp.arguments(ThresholdIn)
    @blp.response(201, Threshold)
    def post(self, body):
        """Add a threshold, e.g. `checkin_completion_rate` below 60 at a site.

        Checked every minute for the current month. A breach emits
        `circles.reporting.kpi.threshold_breached.v1` once per threshold and month, and
        notifications tells the site's coordinators. Samples under 5 never alert."""
        body = strings(body)
        with unit_of_work() as uow:
            return thresholds.create(uow, current_principal(), body["kpi"], body["comparator"], body["value"],
                                     body["site_id"])


@blp.route("/<uuid:threshold_id>")
class OneThreshold(MethodView):
    @require_roles("admin", "coordinator")
    @blp.response(204)
    def delete(self, threshold_id):
        """Remove a threshold and its breach history."""
        with unit_of_work() as uow:
            thresholds.remove(uow, current_principal(), str(threshold_id))
