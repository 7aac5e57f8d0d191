"""What the dashboard shows, section by section, from the two report use cases' answers:
`kpi_report` over the chosen month and the eleven before it, and `site_comparison` for
the chosen month."""
from __future__ import annotations

import dataclasses

from markupsafe import Markup

from services.reporting.domain.catalogue import BY_KEY, KpiInfo
from services.reporting.pages.charts import Point, month_words, trend_chart
from services.reporting.pages.figures import Figure, figure, points, site_label, tick
from services.reporting.usecases.kpis import COMPARED

PROCESS = ("checkins_completed", "checkin_completion_rate", "reviews_held", "mutual_help_attendances")
COVERAGE = ("crisis_plan_coverage", "care_team_coverage", "checklist_coverage", "active_persons")
OUTCOMES = ("retention_30", "retention_90", "retention_180", "days_abstinent_mean", "days_abstinent_median",
            "barc10_change", "barc10_remission", "mspss_change", "housing_improved", "housing_worsened",
            "housing_stable_share", "employment_improved", "employment_worsened", "employment_share")
OUTCOME_TRENDS = ("days_abstinent_mean", "retention_90")
# What a rate's "3 of 5" or a mean's "over 7" counts, when not persons.
OVER = {"checkin_completion_rate": "sessions", "caseload_per_peer_worker": "peer workers"}
# Axes that have a natural range: days abstinent are reported out of the last 30.
DOMAINS = {"days_abstinent_mean": (0.0, 30.0), "days_abstinent_median": (0.0, 30.0)}


@dataclasses.dataclass(frozen=True)
class Kpi:
    info: KpiInfo
    now: Figure
    chart: Markup | None = None
    points: tuple[Point, ...] = ()

    @property
    def gaps(self) -> set[str]:
        return {p.state for p in self.points if p.value is None}


def trend(report: dict, key: str) -> Kpi:
    info, found = BY_KEY[key], points(report, key)
    chart = trend_chart(f"chart-{key.replace('_', '-')}", info.name, found, info.unit, tick(info.unit),
                        DOMAINS.get(key))
    return Kpi(info, figure(key, report["periods"][-1]["kpis"].get(key), over=OVER.get(key, "persons")), chart,
               tuple(found))


def single(values: dict, key: str) -> Kpi:
    return Kpi(BY_KEY[key], figure(key, values.get(key), over=OVER.get(key, "persons")))


def workers(report: dict) -> list[dict]:
    """Each peer worker's caseload now and missed-session rate, by shortened staff id."""
    return [{"label": w["staff_id"][:8], "caseload": figure("", w["caseload"], "count"),
             "missed": figure("", w["missed_session_rate"], "percent", over="sessions")}
            for w in sorted(report["peer_workers"], key=lambda w: w["staff_id"])]


def sites(comparison: dict) -> list[dict]:
    rows = [{"site_id": row["site_id"], "label": site_label(row["site_id"]),
             "cells": [figure(key, row["kpis"].get(key)) for key in COMPARED]} for row in comparison["sites"]]
    return sorted(rows, key=lambda r: (r["site_id"] is None, r["label"]))


def sections(report: dict, comparison: dict) -> dict:
    current, latest = report["current"], report["periods"][-1]
    return {
        "month_words": month_words(latest["period"]),
        "first_month_words": month_words(report["periods"][0]["period"]),
        "process": [trend(report, key) for key in PROCESS],
        "coverage": [single(current, key) for key in COVERAGE],
        "outcome_trends": [trend(report, key) for key in OUTCOME_TRENDS],
        "outcomes": [single(latest["kpis"], key) for key in OUTCOMES],
        "caseload": single(current, "caseload_per_peer_worker"),
        "peer_workers": single(current, "peer_workers"),
        "workers": workers(report),
        "compared": [BY_KEY[key] for key in COMPARED],
        "sites": sites(comparison),
    }
