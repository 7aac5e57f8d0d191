"""Load one organisation's projection rows into domain facts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services.reporting.db import LIVE
from services.reporting.domain.facts import Facts, from_rows
from shared.db.uow import UnitOfWork

# The outcome KPIs look back from a period: retention 180 days plus its 30-day window.
LOOKBACK = dt.timedelta(days=220)
TIMED = {"checkins": "completed_at", "misses": "starts_at", "reviews": "completed_at"}


def load(uow: UnitOfWork, organisation_id: str, since: dt.datetime | None = None) -> Facts:
    """Everything about the organisation, with dated records from `since - LOOKBACK` on."""
    rows = {}
    for name in ("persons", "peer_assignments", "contacts", "rhythms", "checkins", "misses", "reviews",
                 "attendances", "assessments", "daily_counts"):
        table = LIVE.by_name(name)
        query = select(table).where(table.c.organisation_id == organisation_id)
        if since is not None and name in TIMED:
            query = query.where(table.c[TIMED[name]] >= since - LOOKBACK)
        rows[name] = [dict(r._mapping) for r in uow.session.execute(query)]
    return from_rows(rows)


def organisations(uow: UnitOfWork) -> list[str]:
    persons = LIVE.persons
    return list(uow.session.scalars(select(persons.c.organisation_id).distinct()))
