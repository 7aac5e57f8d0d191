"""The spine's proof, over real HTTP against gunicorn, workers and the broker."""
import datetime as dt
import json
import uuid

import requests

from shared.events import build_event
from tests.support.kafka_read import header, produce, read_topic
from tests.support.processes import wait_until
from tests.support.tokens import bearer

TOPIC = "checkins.events"


def checkin_event(org: str, person: str):
    moment = dt.datetime.now(dt.timezone.utc)
    return build_event("circles.checkins.checkin.completed.v1", {
        "checkin_id": uuid.uuid4(), "person_id": person, "organisation_id": org, "site_id": None,
        "session_id": None, "completed_at": moment, "wellbeing": 8,
    }, source="/circles/checkins", subject=person, time=moment)


def test_a_checkin_becomes_a_cloudevent_and_a_reported_count(platform, org):
    person = platform.register_person(org)
    response = platform.post_checkin(org, person)
    assert response.status_code == 201
    checkin_id = response.json()["id"]

    def published():
        return [r for r in read_topic(platform.broker.bootstrap, TOPIC, idle=0.3)
                if r.key == person.encode() and header(r, "ce_type").endswith("checkin.completed.v1")]
    [record] = wait_until(published, 30, message="the event on checkins.events")
    assert header(record, "ce_specversion") == "1.0"
    assert header(record, "ce_type") == "circles.checkins.checkin.completed.v1"
    assert header(record, "ce_source") == "/circles/checkins"
    assert header(record, "ce_subject") == person
    assert header(record, "ce_id") and header(record, "ce_time").endswith("Z")
    assert header(record, "content-type") == "application/json"
    assert json.loads(record.value)["checkin_id"] == checkin_id
    platform.wait_reported(org, 1, timeout=30)


def test_the_same_event_delivered_twice_is_counted_once(platform, org):
    person = str(uuid.uuid4())
    first, second = checkin_event(org, person), checkin_event(org, person)
    as_record = lambda e: (e.key.encode(), e.body(), e.headers())  # noqa: E731
    produce(platform.broker.bootstrap, TOPIC, [as_record(first), as_record(first), as_record(second)])
    # Same key, same partition: once the second event counts, the duplicate was seen too.
    platform.wait_reported(org, 2, timeout=30)


def test_a_malformed_message_is_dead_lettered_and_consumption_goes_on(platform, org):
    person = str(uuid.uuid4())
    good = checkin_event(org, person)
    produce(platform.broker.bootstrap, TOPIC, [
        (person.encode(), b"\x00not json at all", [("ce_type", b"garbage")]),
        (good.key.encode(), good.body(), good.headers()),
    ])
    platform.wait_reported(org, 1, timeout=30)
    dead = [r for r in read_topic(platform.broker.bootstrap, TOPIC + ".dlq")
            if r.key == person.encode() and header(r, "dlq_consumer") == "reporting.kpi-projection"]
    assert len(dead) == 1
    assert dead[0].value == b"\x00not json at all"
    assert header(dead[0], "dlq_reason") == "bad_envelope"
    assert "missing header" in header(dead[0], "dlq_error")


def test_no_token_is_401_and_another_organisation_sees_nothing(platform, org):
    assert platform.post_checkin(org).status_code == 201
    platform.wait_reported(org, 1, timeout=30)
    for path, url in (("/checkins", platform.urls["checkins"]),
                      ("/kpis", platform.urls["reporting"])):
        response = requests.get(url + path, timeout=5)
        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 401
    stranger = str(uuid.uuid4())
    assert platform.reported(stranger) == 0
    theirs = requests.get(f"{platform.urls['checkins']}/checkins",
                          headers=bearer(platform.settings, org=stranger), timeout=5)
    assert theirs.status_code == 200 and theirs.json() == []


def test_metrics_add_up_across_gunicorn_workers(platform):
    url = platform.urls["checkins"]

    def healthz_count():
        for line in requests.get(f"{url}/metrics", timeout=5).text.splitlines():
            if line.startswith("circles_http_requests_total") and 'route="/healthz"' in line:
                return float(line.rsplit(" ", 1)[1])
        return 0.0
    before = healthz_count()
    for _ in range(40):
        requests.get(f"{url}/healthz", timeout=5, headers={"Connection": "close"})
    assert healthz_count() - before == 40
    # Both gunicorn workers wrote samples; /metrics summed them.
    counter_files = list((platform.log_dir / "metrics-checkins").glob("counter_*.db"))
    assert len(counter_files) >= 2
