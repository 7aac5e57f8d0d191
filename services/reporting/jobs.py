"""The reporting worker's scheduled jobs, on the injectable clock."""
from services.reporting.usecases import gauges, thresholds
from shared.jobs import Job


def _check_thresholds(uow) -> int:
    thresholds.check_all(uow)
    return 0  # every threshold was looked at; the next look is the next tick


def jobs(runtime) -> list[Job]:
    return [
        Job("reporting.thresholds", every_seconds=60, run_once=_check_thresholds),
        Job("reporting.kpi-gauges", every_seconds=30, run_once=gauges.refresh_kpis),
        Job("reporting.freshness", every_seconds=5, run_once=gauges.refresh_freshness),
    ]
