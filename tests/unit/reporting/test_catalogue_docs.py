"""The KPI catalogue is the one list: the README documents every KPI as it defines it, and
every KPI the report, the comparison, the gauges and the thresholds name is in it."""
from pathlib import Path

from services.reporting import metrics
from services.reporting.domain import report
from services.reporting.domain.catalogue import BY_KEY, KPIS
from services.reporting.domain.facts import from_rows
from services.reporting.domain.periods import period_of
from services.reporting.usecases.kpis import COMPARED
from services.reporting.usecases.thresholds import THRESHOLD_KPIS
from tests.support.reporting_history import utc

README = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")


def test_the_readme_defines_every_kpi_as_the_catalogue_does():
    for kpi in KPIS:
        assert f"| `{kpi.key}` | {kpi.name} | {kpi.group} | {kpi.unit} | {kpi.definition} |" in README, kpi.key


def test_every_computed_kpi_is_in_the_catalogue_and_the_other_way_round():
    facts = from_rows({})
    now = utc(2026, 3, 2)
    month = period_of(now.date(), "month")
    computed = set(report.period_values(facts, month, now)) | set(report.current_values(facts, month, now)[0])
    assert computed == set(BY_KEY)
    assert set(COMPARED) <= set(BY_KEY) and set(metrics.GAUGED) <= set(BY_KEY) and set(THRESHOLD_KPIS) <= set(BY_KEY)
