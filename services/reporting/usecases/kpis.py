"""KPI reports for a caller: their organisation, their sites, whole periods, suppression
by role. Everything is computed from the projections at read time."""
from __future__ import annotations

import dataclasses
import datetime as dt

from services.reporting.domain import report
from services.reporting.domain.facts import Facts
from services.reporting.domain.periods import Period, period_of, periods
from services.reporting.usecases import facts as facts_loader
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Forbidden, Invalid

MAX_PERIODS = 60


@dataclasses.dataclass(frozen=True)
class Query:
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    granularity: str = "month"
    site_id: str | None = None


def sees_everything(principal: Principal) -> bool:
    """Only admins see counts below the suppression threshold."""
    return principal.role == "admin"


def scoped_facts(uow: UnitOfWork, principal: Principal, site_id: str | None, since: dt.datetime | None) -> Facts:
    if site_id and principal.site_ids and site_id not in principal.site_ids:
        raise Forbidden("That site is not one of yours.")
    facts = facts_loader.load(uow, principal.organisation_id, since)
    if site_id:
        return facts.for_site(site_id)
    if principal.site_ids:  # a coordinator of some sites sees those sites together
        return facts.for_sites(set(principal.site_ids))
    return facts


def resolve_periods(query: Query, now: dt.datetime) -> list[Period]:
    last = query.last_day or now.date()
    first = query.first_day or period_of(last, query.granularity).first_day.replace(month=1)
    try:
        found = periods(first, last, query.granularity)
    except ValueError as exc:
        raise Invalid(str(exc), "to") from exc
    if len(found) > MAX_PERIODS:
        raise Invalid(f"At most {MAX_PERIODS} periods at a time: narrow the range or use a coarser granularity.",
                      "from")
    return found


def kpi_report(uow: UnitOfWork, principal: Principal, query: Query) -> dict:
    now = uow.clock.now()
    found = resolve_periods(query, now)
    facts = scoped_facts(uow, principal, query.site_id, found[0].start)
    full = sees_everything(principal)
    # Coverage and caseloads are as of now; the peer workers' missed-session rate is for
    # the last period asked for.
    current, workers = report.current_values(facts, found[-1], now)
    return {
        "organisation_id": principal.organisation_id, "site_id": query.site_id,
        "granularity": query.granularity, "from": found[0].first_day, "to": found[-1].last_day,
        "as_of": now, "suppressed_below": None if full else 5,
        "periods": [{"period": p.label, "first_day": p.first_day, "last_day": p.last_day,
                     "kpis": report.shown(report.period_values(facts, p, now), full)} for p in found],
        "current": report.shown(current, full),
        "peer_workers": [{"staff_id": w["staff_id"], **{k: v.shown(full) for k, v in w.items() if k != "staff_id"}}
                         for w in workers],
    }


def site_comparison(uow: UnitOfWork, principal: Principal, period_label_day: dt.date | None) -> dict:
    """The month's main KPIs side by side, one row per site the caller may see."""
    now = uow.clock.now()
    period = period_of(period_label_day or now.date(), "month")
    facts = scoped_facts(uow, principal, None, period.start)
    full = sees_everything(principal)
    rows = []
    for site in facts.sites():
        site_facts = facts.for_site(site)
        values = {**report.period_values(site_facts, period, now), **report.current_values(site_facts, period, now)[0]}
        rows.append({"site_id": site or None, "kpis": report.shown({k: values[k] for k in COMPARED}, full)})
    return {"period": period.label, "as_of": now, "suppressed_below": None if full else 5, "sites": rows}


COMPARED = ("checkins_completed", "checkin_completion_rate", "reviews_held", "mutual_help_attendances",
            "active_persons", "crisis_plan_coverage", "checklist_coverage", "retention_90", "days_abstinent_mean")
