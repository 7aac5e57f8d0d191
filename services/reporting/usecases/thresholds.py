"""Threshold alerts: an organisation's limits on its KPIs, checked by a worker job on the
injectable clock. A breach emits circles.reporting.kpi.threshold_breached.v1 once per
threshold and month; notifications routes it to the site's coordinators."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, select, update

from services.reporting.db import breaches, thresholds
from services.reporting.domain import report
from services.reporting.domain.catalogue import BY_KEY
from services.reporting.domain.periods import period_of
from services.reporting.domain.values import SUPPRESS_BELOW, Count, Rate, Stat
from services.reporting.usecases import facts as facts_loader
from shared.auth import Principal
from shared.db.upsert import insert_ignore
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid, NotFound

BREACHED = "circles.reporting.kpi.threshold_breached.v1"
# Per-worker figures are not threshold material: they are about one member of staff.
THRESHOLD_KPIS = tuple(k for k in BY_KEY if k not in ("peer_workers",))


def _require_manager(principal: Principal, site_id: str | None) -> None:
    if principal.role not in ("admin", "coordinator"):
        raise Forbidden("Only admins and coordinators manage KPI thresholds.")
    if principal.site_ids and (site_id is None or site_id not in principal.site_ids):
        raise Forbidden("Set thresholds for your own sites.")


def create(uow: UnitOfWork, principal: Principal, kpi: str, comparator: str, value: float,
           site_id: str | None) -> dict:
    _require_manager(principal, site_id)
    if kpi not in THRESHOLD_KPIS:
        raise Invalid(f"Unknown KPI {kpi!r}; see GET /kpis/definitions.", "kpi")
    if BY_KEY[kpi].unit == "percent" and not 0 <= value <= 100:
        raise Invalid("A percentage threshold is between 0 and 100.", "value")
    row = {"id": str(uuid.uuid4()), "organisation_id": principal.organisation_id, "site_id": site_id, "kpi": kpi,
           "comparator": comparator, "value": value, "created_by": principal.subject,
           "created_at": uow.clock.now()}
    uow.session.execute(thresholds.insert().values(**row))
    uow.commit()
    return row


def listed(uow: UnitOfWork, principal: Principal) -> list[dict]:
    query = select(thresholds).where(thresholds.c.organisation_id == principal.organisation_id)
    if principal.site_ids:
        query = query.where(thresholds.c.site_id.in_(principal.site_ids))
    rows = [dict(r._mapping) for r in uow.session.execute(query.order_by(thresholds.c.created_at))]
    open_breaches = {r.threshold_id: dict(r._mapping) for r in uow.session.execute(
        select(breaches).where(breaches.c.threshold_id.in_([r["id"] for r in rows]), breaches.c.closed_at.is_(None)))}
    return [{**row, "open_breach": open_breaches.get(row["id"])} for row in rows]


def remove(uow: UnitOfWork, principal: Principal, threshold_id: str) -> None:
    row = uow.session.execute(select(thresholds).where(
        thresholds.c.id == threshold_id, thresholds.c.organisation_id == principal.organisation_id)).first()
    if row is None:
        raise NotFound("No such threshold.")
    _require_manager(principal, row.site_id)
    uow.session.execute(delete(breaches).where(breaches.c.threshold_id == threshold_id))
    uow.session.execute(delete(thresholds).where(thresholds.c.id == threshold_id))
    uow.commit()


def measured(value) -> float | None:
    """The comparable number, or None when the sample is too small to alert on."""
    if isinstance(value, Rate):
        return None if value.denominator < SUPPRESS_BELOW else round(100 * value.numerator / value.denominator, 1)
    if isinstance(value, Stat):
        return None if value.n < SUPPRESS_BELOW or value.value is None else round(value.value, 2)
    if isinstance(value, Count):
        return float(value.value)
    return None


def check_all(uow: UnitOfWork) -> int:
    """The job: evaluate every threshold for the current month; returns breaches opened."""
    now = uow.clock.now()
    period = period_of(now.date(), "month")
    rows = list(uow.session.execute(select(thresholds).order_by(thresholds.c.organisation_id)))
    opened = 0
    facts_by_org = {}
    for row in rows:
        if row.organisation_id not in facts_by_org:
            facts_by_org[row.organisation_id] = facts_loader.load(uow, row.organisation_id, period.start)
        facts = facts_by_org[row.organisation_id].for_site(row.site_id)
        values = {**report.period_values(facts, period, now), **report.current_values(facts, period, now)[0]}
        value = measured(values[row.kpi])
        if value is None:
            continue
        opened += _record(uow, row, period.label, value, now)
    uow.commit()
    return opened


def _past(row, value: float) -> bool:
    return value < row.value if row.comparator == "below" else value > row.value


def _record(uow: UnitOfWork, row, period: str, value: float, now: dt.datetime) -> int:
    key = (breaches.c.threshold_id == row.id) & (breaches.c.period == period)
    if not _past(row, value):
        uow.session.execute(update(breaches).where(key, breaches.c.closed_at.is_(None)).values(closed_at=now))
        return 0
    breach_id = str(uuid.uuid4())
    insert_ignore(uow.session, breaches, [{"id": breach_id, "threshold_id": row.id, "period": period,
                                          "value": value, "opened_at": now, "closed_at": None}])
    stored = uow.session.execute(select(breaches.c.id).where(key)).scalar_one()
    if stored != breach_id:
        return 0  # already breached this month: one event per breach
    info = BY_KEY[row.kpi]
    uow.publish(BREACHED, {
        "breach_id": breach_id, "threshold_id": row.id, "organisation_id": row.organisation_id,
        "site_id": row.site_id, "kpi": row.kpi, "kpi_name": info.name, "unit": info.unit,
        "comparator": row.comparator, "threshold": row.value, "value": value, "period": period,
        "breached_at": now}, subject=row.organisation_id)
    return 1
