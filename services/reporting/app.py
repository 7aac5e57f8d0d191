"""Reporting service web application; gunicorn runs `create_app()`."""
from services.reporting.api.kpis import blp as kpis_blp
from services.reporting.spec import SPEC
from shared.web.app import create_service_app


def create_app(settings=None, clock=None):
    return create_service_app(
        SPEC, "Circles reporting", "KPI projections built from every service's events.",
        [kpis_blp], settings=settings, clock=clock,
    )
