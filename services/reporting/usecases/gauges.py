"""The worker jobs that keep reporting's Prometheus gauges current."""
from __future__ import annotations

from sqlalchemy import select

from services.reporting import metrics
from services.reporting.db import freshness
from services.reporting.domain import report
from services.reporting.domain.periods import period_of
from services.reporting.domain.values import SUPPRESS_BELOW, Count, Rate, Stat
from services.reporting.usecases import facts as facts_loader
from shared.db.uow import UnitOfWork


def exported(value) -> float | None:
    """The gauge value, or None when small-number suppression withholds it."""
    if isinstance(value, Count):
        return float(value.value) if value.value >= SUPPRESS_BELOW else None
    if isinstance(value, Rate):
        small = value.numerator < SUPPRESS_BELOW or value.denominator < SUPPRESS_BELOW
        return None if small else value.numerator / value.denominator
    if isinstance(value, Stat):
        return None if value.n < SUPPRESS_BELOW or value.value is None else value.value
    return None


def kpi_gauges(uow: UnitOfWork) -> dict[tuple[str, str, str], float]:
    now = uow.clock.now()
    period = period_of(now.date(), "month")
    found: dict[tuple[str, str, str], float] = {}
    for organisation in facts_loader.organisations(uow):
        facts = facts_loader.load(uow, organisation, period.start)
        for site in [None, *facts.sites()]:
            scoped = facts.for_site(site)
            values = {**report.period_values(scoped, period, now), **report.current_values(scoped, period, now)[0]}
            for key in metrics.GAUGED:
                value = exported(values[key])
                if value is not None:
                    found[(organisation, "all" if site is None else (site or "none"), key)] = value
    return found


def refresh_kpis(uow: UnitOfWork) -> int:
    found = kpi_gauges(uow)
    metrics.KPI.clear()
    for labels, value in found.items():
        metrics.KPI.labels(*labels).set(value)
    return 0  # a snapshot: nothing to drain, wait for the next tick


def refresh_freshness(uow: UnitOfWork) -> int:
    now = uow.clock.now()
    for row in uow.session.execute(select(freshness)):
        metrics.FRESHNESS.labels(row.topic).set(max((now - row.last_applied_at).total_seconds(), 0.0))
        metrics.EVENTS_APPLIED.labels(row.topic).set(row.events_applied)
    return 0
