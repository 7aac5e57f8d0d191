"""/kpis: the organisation's KPIs from the event-built projections (definitions in
GET /kpis/definitions and the README)."""
from __future__ import annotations

import datetime as dt

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.reporting.api.schemas import DEFINITIONS, KpiDefinition, KpiQuery, KpiReport, MonthQuery, SiteComparison
from services.reporting.domain.catalogue import KPIS
from services.reporting.usecases import exports, kpis
from shared.web.auth import current_principal, require_roles
from shared.web.common import strings, unit_of_work

# The definitions go into the OpenAPI document (the tag's description) as well.
DEFINED = "\n".join(f"- `{k.key}` ({k.name}, {k.unit}): {k.definition}" for k in KPIS)
blp = Blueprint("kpis", __name__, url_prefix="/kpis",
                description=f"Key performance indicators. Their definitions:\n\n{DEFINED}")
KPI_ROLES = ("admin", "coordinator")


def _query(args: dict) -> kpis.Query:
    args = strings(args)
    return kpis.Query(args["first_day"], args["last_day"], args["granularity"], args["site_id"])


@blp.route("")
class Kpis(MethodView):
    @require_roles(*KPI_ROLES)
    @blp.arguments(KpiQuery, location="query")
    @blp.response(200, KpiReport)
    def get(self, args):
        """Every KPI per period (month, quarter or year), for the organisation or one site.

        Periods are whole calendar periods (UTC) overlapping the range. `current` holds
        the coverage and caseload KPIs as they are now. Counts below 5 are shown as "<5"
        to every role except admin, and rates or means built from them are withheld
        (null, `withheld: true`)."""
        with unit_of_work() as uow:
            return kpis.kpi_report(uow, current_principal(), _query(args))


@blp.route("/export.csv")
class KpisCsv(MethodView):
    @require_roles(*KPI_ROLES)
    @blp.arguments(KpiQuery, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, args):
        """The same report as CSV: one row per period and KPI, suppressed as in the API."""
        with unit_of_work() as uow:
            body = exports.report_csv(kpis.kpi_report(uow, current_principal(), _query(args)))
        return Response(body, mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="circles-kpis.csv"'})


@blp.route("/sites")
class Sites(MethodView):
    @require_roles(*KPI_ROLES)
    @blp.arguments(MonthQuery, location="query")
    @blp.response(200, SiteComparison)
    def get(self, args):
        """The month's main KPIs side by side, one row per site you may see."""
        month = dt.date.fromisoformat(f"{args['month']}-01") if args["month"] else None
        with unit_of_work() as uow:
            return kpis.site_comparison(uow, current_principal(), month)


@blp.route("/definitions")
class Definitions(MethodView):
    @require_roles(*KPI_ROLES)
    @blp.response(200, KpiDefinition(many=True))
    def get(self):
        """What each KPI means, its unit and group."""
        return DEFINITIONS
