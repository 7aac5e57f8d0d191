"""All KPIs for a set of periods, and what a role is shown of them."""
from __future__ import annotations

import datetime as dt

from services.reporting.domain import outcomes, process
from services.reporting.domain.facts import Facts
from services.reporting.domain.periods import Period


def period_values(facts: Facts, period: Period, now: dt.datetime) -> dict:
    values = process.process(facts, period)
    for days in outcomes.RETENTION_DAYS:
        values[f"retention_{days}"] = outcomes.retention(facts, period, days, now)
    values["days_abstinent_mean"], values["days_abstinent_median"] = outcomes.days_abstinent(facts, period)
    values["barc10_change"] = outcomes.score_change(facts, period, lambda a: a.barc10)
    values["barc10_remission"] = outcomes.barc10_remission(facts, period)
    values["mspss_change"] = outcomes.score_change(facts, period, lambda a: a.mspss)
    for prefix, attribute, good in (("housing", "housing", outcomes.STABLE_HOUSING),
                                    ("employment", "employment", outcomes.EMPLOYED)):
        found = outcomes.stability(facts, period, attribute, good)
        values[f"{prefix}_improved"] = found["improved"]
        values[f"{prefix}_worsened"] = found["worsened"]
        values["housing_stable_share" if prefix == "housing" else "employment_share"] = found["share_now"]
    return values


def current_values(facts: Facts, period: Period, now: dt.datetime) -> tuple[dict, list[dict]]:
    """Coverage now, and the sustainability figures (caseloads now, misses in `period`)."""
    summary, workers = process.peer_workers(facts, period, now)
    return {**process.coverage(facts, now), **summary}, workers


def shown(values: dict, full: bool) -> dict:
    """What a role sees: admins (`full`) see every number, other roles see suppressed ones."""
    return {key: value.shown(full) for key, value in values.items()}
