"""Reporting's Prometheus gauges: aggregate KPIs labelled by organisation and site only,
small numbers left out, and how fresh each topic's projection is."""
import dataclasses

import pytest
from prometheus_client import REGISTRY, generate_latest

from services.reporting import metrics
from services.reporting.usecases.gauges import refresh_freshness, refresh_kpis
from tests.support.reporting_history import SITE_NORTH, SITE_SOUTH, History, apply_live, utc
from tests.support.tokens import ORG_A


@pytest.fixture
def runtime(runtime_for):
    metrics.KPI.clear()
    metrics.FRESHNESS.clear()
    return runtime_for("reporting")


def sample(name: str, **labels) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def test_kpi_gauges_by_organisation_and_site_without_small_numbers(runtime, clock):
    h = History()
    north = [h.person(utc(2026, 1, 5), SITE_NORTH) for _ in range(6)]
    south = h.person(utc(2026, 1, 5), SITE_SOUTH)
    for person in north:
        h.checkin(person, utc(2026, 3, 1))  # the clock's month: March 2026
    h.checkin(south, utc(2026, 3, 1))
    apply_live(runtime, h.events)
    with runtime.uow() as uow:
        refresh_kpis(uow)
        refresh_freshness(uow)
    assert sample("circles_kpi", organisation=ORG_A, site="all", kpi="checkins_completed") == 7
    assert sample("circles_kpi", organisation=ORG_A, site=SITE_NORTH, kpi="checkins_completed") == 6
    assert sample("circles_kpi", organisation=ORG_A, site=SITE_NORTH, kpi="active_persons") == 6
    assert sample("circles_kpi", organisation=ORG_A, site=SITE_SOUTH, kpi="checkins_completed") is None  # 1 < 5
    assert sample("circles_kpi", organisation=ORG_A, site="all", kpi="crisis_plan_coverage") is None  # 0 signed
    exposition = generate_latest(REGISTRY).decode()
    assert not any(person in exposition for person in [*north, south])
    kpi_lines = [line for line in exposition.splitlines() if line.startswith("circles_kpi{")]
    assert kpi_lines and all(set(_label_names(line)) == {"organisation", "site", "kpi"} for line in kpi_lines)
    # Applied at the clock's "now", so 0 seconds old; events_applied counts them per topic.
    assert sample("circles_projection_freshness_seconds", topic="checkins.events") == 0
    assert sample("circles_projection_events_applied", topic="people.events") == 7
    clock.advance(minutes=5)
    with runtime.uow() as uow:
        refresh_freshness(uow)
    assert sample("circles_projection_freshness_seconds", topic="checkins.events") == 300


def _label_names(line: str) -> list[str]:
    inside = line[line.index("{") + 1:line.index("}")]
    return [part.split("=")[0] for part in inside.split('",') if part]


def test_the_projection_consumer_reports_its_lag_per_topic(runtime):
    import threading
    import uuid

    from services.reporting.projection.live import subscriptions
    from services.reporting.projection.replay import TOPICS
    from shared.messaging.consumer import ConsumerLoop
    from shared.messaging.kafka import make_consumer, make_producer
    from tests.support.processes import wait_until

    name = f"reporting.lag-{uuid.uuid4().hex[:8]}"
    loop = ConsumerLoop(dataclasses.replace(subscriptions(runtime)[0], name=name), "reporting",
                        lambda group: make_consumer(runtime.settings, group), make_producer(runtime.settings),
                        runtime.uow, runtime.spec.processed)
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    thread.start()
    try:
        lag = lambda topic: sample("circles_consumer_lag", service="reporting", consumer=name, topic=topic)  # noqa: E731
        wait_until(lambda: all(lag(topic) is not None for topic in TOPICS), 60, message="lag for every topic")
    finally:
        stop.set()
        thread.join(30)


def test_retention_gauges_cover_the_last_year_of_intakes(runtime):
    h = History()
    persons = [h.person(utc(2025, 10, 1), SITE_NORTH) for _ in range(11)]
    for person in persons[:6]:
        h.checkin(person, utc(2025, 12, 20))  # in the 30 days before day 90 (30 December)
    h.discharge(persons[10], utc(2025, 11, 1))
    apply_live(runtime, h.events)
    with runtime.uow() as uow:
        refresh_kpis(uow)
    assert sample("circles_kpi", organisation=ORG_A, site=SITE_NORTH, kpi="retention_90") == 6 / 11
    assert sample("circles_kpi", organisation=ORG_A, site=SITE_NORTH, kpi="retention_30") is None  # 0 of 11
    assert sample("circles_kpi", organisation=ORG_A, site=SITE_SOUTH, kpi="retention_90") is None
