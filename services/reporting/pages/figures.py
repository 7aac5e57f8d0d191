"""KPI values in words for the dashboard: "12", "60%", "<5", "withheld" or "no data",
with what a rate or a mean is based on. Values come from the report use cases already
suppressed for the caller's role; this module only says them."""
from __future__ import annotations

import dataclasses

from services.reporting.domain.catalogue import BY_KEY
from services.reporting.domain.values import SUPPRESSED
from services.reporting.pages.charts import Point

SIGNED = {"barc10_change", "mspss_change"}  # a change from baseline reads "+2.5"
NO_DATA = "no data"
WITHHELD = "withheld"


@dataclasses.dataclass(frozen=True)
class Figure:
    text: str
    state: str  # shown | suppressed | withheld | none
    based_on: str = ""
    value: float | None = None  # what a chart plots

    @property
    def hidden(self) -> bool:
        return self.state in ("suppressed", "withheld")


def number(unit: str, value: float, key: str = "") -> str:
    if unit == "percent":
        return f"{value * 100:.1f}".removesuffix(".0") + "%"
    if unit == "count":
        return f"{int(value):,}"
    text = f"{value:+.1f}" if key in SIGNED else f"{value:.1f}"
    return text.removesuffix(".0")


def tick(unit: str):
    """How a chart's axis labels its ticks."""
    return lambda value: number(unit, value) if unit == "percent" else f"{value:g}"


def _part(value) -> str:
    return SUPPRESSED if value == SUPPRESSED else f"{int(value):,}"


def based_on(shown: dict, over: str = "persons") -> str:
    """What a rate or a mean is built from: "3 of 5 persons", or "7 persons" for a mean."""
    total = shown.get("denominator") or shown.get("n")
    if total in (None, 0):
        return ""
    noun = over.removesuffix("s") if total == 1 else over
    if shown.get("denominator"):
        return f"{_part(shown['numerator'])} of {_part(total)} {noun}"
    return f"{_part(total)} {noun}"


def figure(key: str, shown: dict | None, unit: str | None = None, over: str = "persons") -> Figure:
    """One KPI value as the caller may see it."""
    unit = unit or BY_KEY[key].unit
    shown = shown or {"value": None, "withheld": False}
    value = shown.get("value")
    if value == SUPPRESSED:
        return Figure(SUPPRESSED, "suppressed", based_on(shown, over))
    if value is None:
        state = "withheld" if shown.get("withheld") else "none"
        return Figure(WITHHELD if state == "withheld" else NO_DATA, state, based_on(shown, over))
    return Figure(number(unit, value, key), "shown", based_on(shown, over), float(value))


def points(report: dict, key: str) -> list[Point]:
    """The KPI month by month over the report's periods, oldest first; a chart labels a
    rate in whole percent."""
    found, unit = [], BY_KEY[key].unit
    for period in report["periods"]:
        shown = figure(key, period["kpis"].get(key))
        short = f"{shown.value * 100:.0f}%" if unit == "percent" and shown.value is not None else ""
        found.append(Point(period["period"], shown.value, shown.text, shown.state, short))
    return found


def site_label(site_id: str | None) -> str:
    """Reporting holds no site names: a site is its id's first eight characters."""
    return f"Site {site_id[:8]}" if site_id else "No site"

