"""Threshold alerts: configured per organisation, checked by the worker job on the
injectable clock, one kpi.threshold_breached event per breach and month."""
import json

import pytest
from sqlalchemy import select

from services.reporting.usecases.thresholds import check_all
from shared.events import catalogue
from tests.support.reporting_history import SITE_NORTH, SITE_SOUTH, History, apply_live, utc
from tests.support.tokens import bearer

BREACHED = "circles.reporting.kpi.threshold_breached.v1"


@pytest.fixture
def world(client_for):
    client, app = client_for("reporting")
    return client, app.extensions["circles"]


def month_of_checkins(runtime, completed: int, missed: int, site: str = SITE_NORTH, day: int = 1) -> None:
    h = History()
    persons = [h.person(utc(2026, 1, 5), site) for _ in range(max(completed, missed))]
    for person in persons[:completed]:
        h.checkin(person, utc(2026, 3, day, 8))
    for person in persons[:missed]:
        h.miss(person, utc(2026, 3, day, 8))
    apply_live(runtime, h.events)


def breach_events(runtime) -> list[dict]:
    outbox = runtime.spec.outbox
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(outbox).where(outbox.c.event_type == BREACHED).order_by(outbox.c.id)).all()
    return [{**json.loads(r.payload), "topic": r.topic} for r in rows]


def run_job(runtime) -> int:
    with runtime.uow() as uow:
        return check_all(uow)


def add(client, runtime, role="admin", **body):
    return client.post("/thresholds", json=body, headers=bearer(runtime.settings, role=role))


def test_a_breach_emits_one_event_until_the_kpi_recovers(world, clock):
    client, runtime = world
    created = add(client, runtime, kpi="checkin_completion_rate", comparator="below", value=60, site_id=SITE_NORTH)
    assert created.status_code == 201
    month_of_checkins(runtime, completed=3, missed=4)  # 3 / 7 = 42.9%
    assert run_job(runtime) == 1
    assert run_job(runtime) == 0  # still breached: no second event
    [event] = breach_events(runtime)
    assert event["topic"] == "reporting.events"
    data = event
    assert (data["kpi"], data["value"], data["threshold"], data["period"], data["site_id"]) == (
        "checkin_completion_rate", 42.9, 60.0, "2026-03", SITE_NORTH)
    assert catalogue.get(BREACHED).topic == "reporting.events"
    listed = client.get("/thresholds", headers=bearer(runtime.settings, role="coordinator")).json
    assert listed[0]["open_breach"]["value"] == 42.9
    month_of_checkins(runtime, completed=8, missed=0, day=2)  # 11 / 15 = 73.3%: recovered
    clock.set(utc(2026, 3, 3))
    assert run_job(runtime) == 0
    assert client.get("/thresholds", headers=bearer(runtime.settings)).json[0]["open_breach"] is None
    assert len(breach_events(runtime)) == 1  # and a relapse in March does not alert twice


def test_a_new_month_is_a_new_breach(world, clock):
    client, runtime = world
    add(client, runtime, kpi="checkins_missed", comparator="above", value=3)
    month_of_checkins(runtime, completed=0, missed=5)
    assert run_job(runtime) == 1
    h = History()
    people = [h.person(utc(2026, 1, 5)) for _ in range(4)]
    for person in people:
        h.miss(person, utc(2026, 4, 2))
    apply_live(runtime, h.events)
    clock.set(utc(2026, 4, 3))
    assert run_job(runtime) == 1
    assert [e["period"] for e in breach_events(runtime)] == ["2026-03", "2026-04"]
    assert breach_events(runtime)[0]["site_id"] is None  # the organisation as a whole


def test_small_samples_never_alert(world):
    client, runtime = world
    add(client, runtime, kpi="checkin_completion_rate", comparator="below", value=90)
    month_of_checkins(runtime, completed=1, missed=3)  # 25%, but only 4 sessions
    assert run_job(runtime) == 0 and breach_events(runtime) == []


def test_threshold_validation_and_access(world):
    client, runtime = world
    bad = add(client, runtime, kpi="happiness", comparator="below", value=1)
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    assert add(client, runtime, kpi="crisis_plan_coverage", comparator="under", value=80).status_code == 422
    assert add(client, runtime, kpi="crisis_plan_coverage", comparator="below", value=180).status_code == 422
    assert add(client, runtime, role="peer_worker", kpi="crisis_plan_coverage", comparator="below",
               value=80).status_code == 403
    south_coordinator = bearer(runtime.settings, role="coordinator", sites=[SITE_SOUTH])
    whole_org = client.post("/thresholds", json={"kpi": "crisis_plan_coverage", "comparator": "below",
                                                 "value": 80}, headers=south_coordinator)
    assert whole_org.status_code == 403
    own = client.post("/thresholds", json={"kpi": "crisis_plan_coverage", "comparator": "below", "value": 80,
                                           "site_id": SITE_SOUTH}, headers=south_coordinator)
    assert own.status_code == 201
    threshold = own.json["id"]
    assert client.delete(f"/thresholds/{threshold}", headers=bearer(runtime.settings, role="admin",
                                                                    org="22222222-2222-4222-8222-222222222222")
                         ).status_code == 404
    assert client.delete(f"/thresholds/{threshold}", headers=south_coordinator).status_code == 204
    assert client.get("/thresholds", headers=south_coordinator).json == []
