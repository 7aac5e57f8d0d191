"""Subject access and erasure across all five services, on `make dev`'s demo data.

Sam R., the demo person with the fullest record (network, crisis plan, peer worker,
check-ins, reminders), asks for their data, then is erased: afterwards no service database
holds their id, their contacts' ids, their name or their plan's text; the KPIs are what
they were; a reporting replay and a late copy of an old event bring none of it back.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
import requests
from sqlalchemy import MetaData, create_engine, select

from deploy.local import demo
from services.people.domain import erasure as rules
from services.people.spec import SPEC as PEOPLE
from services.people.usecases.organisations import create_organisation
from shared.db.tables import processed_events_table
from shared.runtime import Runtime
from shared.settings import load_settings
from tests.support import processes
from tests.support.all_services import SERVICES, AllServices
from tests.support.db_search import occurrences
from tests.support.infra import make_broker
from tests.support.kafka_read import header, produce, read_topic

pytestmark = pytest.mark.e2e
ALL_YEARS = {"from": "2000-01", "to": "2059-12", "granularity": "year"}
SAM = "Sam R."
SAMS_PLAN_TEXT = "Housing officer appointment booked"


@pytest.fixture(scope="module")
def rights_broker(tmp_path_factory):
    # A broker of its own: on the session's broker, the e2e platform's workers (still
    # running) share these consumer groups and would take some partitions' events into
    # their own databases.
    broker = make_broker(tmp_path_factory.mktemp("rights-broker"))
    yield broker
    broker.close()


@pytest.fixture(scope="module")
def circles(rights_broker, databases, tmp_path_factory):
    platform = AllServices(rights_broker, databases, tmp_path_factory.mktemp("data-rights"),
                           {**os.environ, "JOBS_EVERY_SECONDS": "0.5", "CONSUMER_BACKOFF_SECONDS": "0.05"}, "rights")
    try:
        platform.wait_ready()
        people = Runtime(PEOPLE, settings=load_settings("people", {}).with_overrides(
            database_url=platform.env["PEOPLE_DATABASE_URL"]))
        with people.uow() as uow:
            create_organisation(uow, "Northside Recovery Network", demo.ADMIN_EMAIL, "Ada (admin)", demo.PASSWORD)
        people.dispose()
        platform.urls = {service: platform.url(service) for service in SERVICES}
        platform.summary = demo.load(platform.urls)
        platform.admin = demo.login(platform.urls, demo.ADMIN_EMAIL)
        yield platform
    finally:
        platform.close()


def engines(circles):
    return {s: create_engine(circles.env[f"{s.upper()}_DATABASE_URL"]) for s in SERVICES}


def found_anywhere(circles, needles) -> dict:
    found = {}
    for service, engine in engines(circles).items():
        hits = occurrences(engine, needles)
        engine.dispose()
        if hits:
            found[service] = hits
    return found


def kpis(circles) -> list:
    response = requests.get(f"{circles.urls['reporting']}/kpis", headers=circles.admin, params=ALL_YEARS, timeout=10)
    assert response.status_code == 200
    return response.json()["periods"]


def get(circles, service, path):
    response = requests.get(f"{circles.urls[service]}{path}", headers=circles.admin, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def sam(circles) -> tuple[str, list[str]]:
    [person] = [p for p in get(circles, "people", "/persons") if p["display_name"] == SAM]
    contacts = [c["id"] for c in get(circles, "people", f"/persons/{person['id']}/contacts")]
    return person["id"], contacts


@pytest.mark.timeout(900)
def test_subject_access_then_erasure_leaves_nothing_of_the_person_anywhere(circles):
    assert circles.summary["created"] and circles.summary["reported"] == circles.summary["checkins"]
    person_id, contacts = sam(circles)
    needles = [person_id, *contacts, SAM, SAMS_PLAN_TEXT]
    before = found_anywhere(circles, needles)
    assert {"people", "checkins", "notifications", "reporting"} <= set(before), before  # the search can fail
    kpis_before = kpis(circles)

    bundle = subject_access(circles, person_id)
    assert bundle["services"]["checkins"]["checkin_records"]
    assert {r["person_id"] for r in bundle["services"]["checkins"]["checkin_records"]} == {person_id}
    assert bundle["services"]["notifications"]["persons"][0]["display_name"] == SAM
    assert bundle["services"]["reporting"]["rp_checkins"]
    assert bundle["services"]["resources"] == {}

    erasure = erase(circles, person_id)
    assert set(erasure["confirmations"]) == set(SERVICES)
    assert erasure["confirmations"]["checkins"]["checkin_records"] == len(bundle["services"]["checkins"]["checkin_records"])
    assert found_anywhere(circles, needles) == {}
    assert kpis(circles) == kpis_before

    replay_reporting(circles)
    assert kpis(circles) == kpis_before
    assert found_anywhere(circles, needles) == {}

    redeliver_registration_with_a_new_id(circles, person_id)
    assert found_anywhere(circles, needles) == {}


def subject_access(circles, person_id) -> dict:
    asked = requests.post(f"{circles.urls['people']}/persons/{person_id}/subject-access", headers=circles.admin,
                          timeout=10)
    assert asked.status_code == 202, asked.text
    url = f"/subject-access/{asked.json()['id']}"
    processes.wait_until(lambda: get(circles, "people", url)["completed_at"], 60, message="every service's part")
    page = requests.get(f"{circles.urls['people']}{url}/bundle.html", headers=circles.admin, timeout=10)
    assert page.status_code == 200 and SAM in page.text and SAMS_PLAN_TEXT in page.text
    return get(circles, "people", f"{url}/bundle")


def erase(circles, person_id) -> dict:
    response = requests.post(f"{circles.urls['people']}/persons/{person_id}/erasure", headers=circles.admin,
                             timeout=10, json={"ground": "consent_withdrawn", "exemptions": dict.fromkeys(
                                 rules.EXEMPTIONS, False), "note": "Asked in writing; no exemption applies."})
    assert response.status_code == 201 and response.json()["decision"] == "erased", response.text
    url = f"/erasures/{response.json()['id']}"
    processes.wait_until(lambda: get(circles, "people", url)["completed_at"], 60, message="every confirmation")
    return get(circles, "people", url)


def replay_reporting(circles) -> None:
    done = subprocess.run([sys.executable, "-m", "services.reporting", "replay"], env=circles.env,
                          capture_output=True, text=True, timeout=180, cwd=processes.ROOT)
    assert done.returncode == 0, done.stderr[-2000:]


def redeliver_registration_with_a_new_id(circles, person_id) -> None:
    """A late copy of the person's registration (a new event id, so no dedupe saves us):
    the guards of every consumer must skip it."""
    bootstrap = circles.env["KAFKA_BOOTSTRAP_SERVERS"]
    [record] = [r for r in read_topic(bootstrap, "people.events") if header(r, "ce_subject") == person_id
                and header(r, "ce_type") == "circles.people.person.registered.v1"]
    copy_id = str(uuid.uuid4())
    headers = [(k, copy_id.encode() if k == "ce_id" else v) for k, v in record.headers]
    produce(bootstrap, "people.events", [(record.key, record.value, headers)])
    checkins = create_engine(circles.env["CHECKINS_DATABASE_URL"])
    notifications = create_engine(circles.env["NOTIFICATIONS_DATABASE_URL"])
    try:
        processes.wait_until(lambda: all(seen(e, copy_id) for e in (checkins, notifications)), 60,
                             message="the copy to be consumed")
    finally:
        checkins.dispose()
        notifications.dispose()


def seen(engine, event_id) -> bool:
    table = processed_events_table(MetaData())
    with engine.connect() as conn:
        return conn.execute(select(table.c.event_id).where(table.c.event_id == event_id)).first() is not None
