"""The worker jobs that keep reporting's Prometheus gauges current."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services.reporting import metrics
from services.reporting.db import freshness
from services.reporting.domain import outcomes, report
from services.reporting.domain.periods import Period, period_of
from services.reporting.domain.values import Rate
from services.reporting.usecases import facts as facts_loader
from shared.db.uow import UnitOfWork


def exported(value) -> float | None:
    """The gauge value, or None when small-number suppression withholds it (the same rule
    as the API applies for every role but admin)."""
    shown = value.shown(False)
    if shown["withheld"] or shown["value"] is None:
        return None
    return value.numerator / value.denominator if isinstance(value, Rate) else float(value.value)


def _values(facts, period: Period, intakes: Period, now) -> dict:
    values = {**report.period_values(facts, period, now), **report.current_values(facts, period, now)[0]}
    for days in outcomes.RETENTION_DAYS:  # a month's intakes rarely reach day 90: use a year's
        values[f"retention_{days}"] = outcomes.retention(facts, intakes, days, now)
    return values


def kpi_gauges(uow: UnitOfWork) -> dict[tuple[str, str, str], float]:
    now = uow.clock.now()
    period = period_of(now.date(), "month")
    intakes = Period("last-365-days", now.date() - dt.timedelta(days=365), now.date() + dt.timedelta(days=1))
    found: dict[tuple[str, str, str], float] = {}
    for organisation in facts_loader.organisations(uow):
        facts = facts_loader.load(uow, organisation, intakes.start)
        for site in [None, *facts.sites()]:
            values = _values(facts.for_site(site), period, intakes, now)
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
