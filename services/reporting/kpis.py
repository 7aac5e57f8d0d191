"""Reading KPIs from the projections, always scoped to the caller's organisation."""
from __future__ import annotations

from sqlalchemy import select

from services.reporting.db import checkins_monthly
from shared.auth import Principal
from shared.db.uow import UnitOfWork


def completed_checkins(uow: UnitOfWork, principal: Principal, month_from: str | None,
                       month_to: str | None, site_id: str | None) -> dict:
    t = checkins_monthly.c
    query = select(t.site_id, t.month, t.completed).where(t.organisation_id == principal.organisation_id)
    if month_from:
        query = query.where(t.month >= month_from)
    if month_to:
        query = query.where(t.month <= month_to)
    if site_id:
        query = query.where(t.site_id == site_id)
    if principal.site_ids:
        query = query.where(t.site_id.in_(principal.site_ids))
    rows = uow.session.execute(query.order_by(t.month, t.site_id)).all()
    return {
        "organisation_id": principal.organisation_id,
        "total": sum(r.completed for r in rows),
        "months": [{"month": r.month, "site_id": r.site_id or None, "completed": r.completed} for r in rows],
    }
