"""Reporting service web application; gunicorn runs `create_app()`."""
from services.reporting.api.kpis import blp as kpis_blp
from services.reporting.api.thresholds import blp as thresholds_blp
from services.reporting.api.timeline import blp as timeline_blp
from services.reporting.pages import dashboard
from services.reporting.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles reporting", "KPI projections built from every service's events: KPIs by period and site, "
        "per-person outcome timelines, CSV export, thresholds and a dashboard.",
        [kpis_blp, timeline_blp, thresholds_blp], settings=settings, clock=clock,
        page_blueprints=(dashboard.blp,),
    )
