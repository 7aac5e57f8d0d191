"""The KPI report as CSV: one row per period and KPI, suppression as the API shows it."""
from __future__ import annotations

import csv
import io

from services.reporting.domain.catalogue import BY_KEY

COLUMNS = ("period", "first_day", "last_day", "site_id", "kpi", "name", "unit", "value", "withheld",
           "numerator", "denominator", "n")


def report_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for period in report["periods"]:
        for key, shown in period["kpis"].items():
            writer.writerow(_row(period["period"], period["first_day"], period["last_day"], report, key, shown))
    for key, shown in report["current"].items():
        writer.writerow(_row("now", report["as_of"].date(), report["as_of"].date(), report, key, shown))
    return out.getvalue()


def _row(label, first, last, report: dict, key: str, shown: dict) -> list:
    info = BY_KEY[key]
    return [label, first, last, report["site_id"] or "", key, info.name, info.unit,
            "" if shown["value"] is None else shown["value"], "yes" if shown["withheld"] else "no",
            shown.get("numerator", ""), shown.get("denominator", ""), shown.get("n", "")]
