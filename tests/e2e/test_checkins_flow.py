"""Issue 4's end-to-end proof with real processes: a person registered in the people
service gets a weekly rhythm in check-ins; the check-ins clock moves past a session and its
grace period and `checkin.missed` lands on the topic; a check-in recorded after that resets
the run of misses."""
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.support.kafka_read import header, read_topic
from tests.support.processes import wait_until
from tests.support.tokens import bearer

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def moved_clock(platform):
    yield platform.set_clock
    platform.set_clock(None)


def missed_events(platform, person: str) -> list[dict]:
    records = read_topic(platform.broker.bootstrap, "checkins.events", idle=0.3)
    return [json.loads(r.value) for r in records
            if r.key == person.encode() and header(r, "ce_type") == "circles.checkins.checkin.missed.v1"]


def staff_for(platform, org: str, person: str, site: str) -> str:
    peer = platform.people_call(org, "POST", "/staff", email=f"peer-{org[:8]}@e2e.example", display_name="Peer",
                                role="peer_worker", site_ids=[site], password="a long enough password")["id"]
    clinician = platform.people_call(org, "POST", "/staff", email=f"clin-{org[:8]}@e2e.example",
                                     display_name="Clinician", role="clinician", site_ids=[site],
                                     password="a long enough password")["id"]
    platform.people_call(org, "PUT", f"/persons/{person}/peer-worker", staff_id=peer)
    platform.people_call(org, "PUT", f"/persons/{person}/clinical-lead", staff_id=clinician)
    return peer


def test_a_registered_person_gets_a_weekly_rhythm_and_misses_are_counted_until_a_checkin(
        platform, org, moved_clock):
    site = platform.people_call(org, "POST", "/sites", name="Riverside hub", timezone="Europe/London")["id"]
    person = platform.register_person(org, site=site)
    peer = staff_for(platform, org, person, site)
    checkins, as_peer = platform.urls["checkins"], bearer(platform.settings, role="peer_worker", org=org,
                                                          subject=peer)
    tomorrow = (dt.datetime.now(LONDON) + dt.timedelta(days=1)).date()

    def create_rhythm():
        # 422 until check-ins has heard (from people.events) who the peer worker and clinician are.
        response = requests.post(f"{checkins}/rhythms", headers=as_peer, timeout=10, json={
            "person_id": person, "kind": "weekly_checkin", "first_start_local": f"{tomorrow}T18:00"})
        return response.json() if response.status_code == 201 else None
    rhythm = wait_until(create_rhythm, 60, message="the weekly rhythm to be accepted")
    assert rhythm["timezone"] == "Europe/London"
    first, second = requests.get(f"{checkins}/sessions", params={"person_id": person}, headers=as_peer,
                                 timeout=10).json()[:2]

    moved_clock(dt.datetime.fromisoformat(first["ends_at"]) + dt.timedelta(hours=2, minutes=1))
    [missed] = wait_until(lambda: missed_events(platform, person), 60, message="checkin.missed on the topic")
    assert (missed["session_id"], missed["consecutive_misses"]) == (first["id"], 1)

    recorded = requests.post(f"{checkins}/checkins", headers=as_peer, timeout=10,
                             json={"person_id": person, "wellbeing": 6, "days_abstinent_last_30": 20})
    assert recorded.status_code == 201, recorded.text

    moved_clock(dt.datetime.fromisoformat(second["ends_at"]) + dt.timedelta(hours=2, minutes=1))
    both = wait_until(lambda: (events := missed_events(platform, person)) and len(events) == 2 and events, 60,
                      message="the second checkin.missed")
    assert (both[1]["session_id"], both[1]["consecutive_misses"]) == (second["id"], 1)
    statuses = [s["status"] for s in requests.get(f"{checkins}/sessions", params={"person_id": person},
                                                  headers=as_peer, timeout=10).json()[:2]]
    assert statuses == ["missed", "missed"]
