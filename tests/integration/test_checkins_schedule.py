"""Rhythms, sessions, the missed-session detector and reminders on a real database,
with the clock moved by hand (2026-03-02 09:30 UTC is a Monday)."""
import datetime as dt

import pytest
from prometheus_client import REGISTRY

from services.checkins.usecases import detector, rhythms

UTC = dt.timezone.utc


@pytest.fixture
def world(checkins_world):
    return checkins_world


def weekly(world, person, **extra):
    body = {"person_id": person.id, "kind": "weekly_checkin", "first_start_local": "2026-03-03T18:00",
            "rrule": "FREQ=WEEKLY;BYDAY=TU", **extra}
    response = world.client.post("/rhythms", json=body, headers=world.as_staff(person.peer_worker))
    assert response.status_code == 201, response.json
    return response.json


def sessions(world, person, **query):
    response = world.client.get("/sessions", query_string={"person_id": person.id, **query}, headers=world.headers())
    assert response.status_code == 200
    return response.json


def test_a_weekly_rhythm_plans_sessions_in_the_persons_zone_across_the_clock_change(world):
    person = world.person(timezone="Europe/London")
    rhythm = weekly(world, person)
    assert rhythm["participants"] == [{"kind": "staff", "id": person.peer_worker.id},
                                      {"kind": "staff", "id": person.clinician.id}]
    assert (rhythm["timezone"], rhythm["duration_minutes"]) == ("Europe/London", 15)
    starts = [s["starts_at"] for s in sessions(world, person)]
    assert starts == ["2026-03-03T18:00:00+00:00", "2026-03-10T18:00:00+00:00", "2026-03-17T18:00:00+00:00",
                      "2026-03-24T18:00:00+00:00", "2026-03-31T17:00:00+00:00"]  # BST from 29 March
    [created] = world.events("rhythm.created")
    assert created["rrule"] == "FREQ=WEEKLY;BYDAY=TU" and created["first_start_local"] == "2026-03-03T18:00:00"


def test_new_york_sessions_follow_eastern_time(world):
    person = world.person(timezone="America/New_York", region="US")
    weekly(world, person, first_start_local="2026-03-02T17:00", rrule="FREQ=WEEKLY;BYDAY=MO")
    assert [s["starts_at"] for s in sessions(world, person)][:2] == [
        "2026-03-02T22:00:00+00:00", "2026-03-09T21:00:00+00:00"]  # EDT from 8 March


@pytest.mark.parametrize("extra, field", [
    ({"participants": [{"kind": "staff", "id": "nobody"}]}, "participants"),
    ({"duration_minutes": 45}, "duration_minutes"),
    ({"rrule": "FREQ=HOURLY"}, "rrule"),
    ({"first_start_local": "2026-03-03T18:00+01:00"}, "first_start_local"),
])
def test_rhythms_that_break_the_guide_or_rfc_5545_are_refused(world, extra, field):
    person = world.person()
    response = world.client.post("/rhythms", json={"person_id": person.id, "kind": "weekly_checkin",
                                                   "first_start_local": "2026-03-03T18:00", **extra},
                                 headers=world.headers())
    assert response.status_code == 422 and set(response.json["errors"]) == {field}
    assert world.events("rhythm.created") == [] and sessions(world, person) == []


def test_a_weekly_checkin_needs_a_peer_worker_and_a_clinician_or_family_member(world):
    person = world.person()
    only_family = [{"kind": "contact", "id": person.contact_id}]
    refused = world.client.post("/rhythms", json={"person_id": person.id, "kind": "weekly_checkin",
                                                  "first_start_local": "2026-03-03T18:00",
                                                  "participants": only_family}, headers=world.headers())
    assert refused.status_code == 422 and "peer worker" in refused.json["detail"]
    weekly(world, person, participants=[{"kind": "staff", "id": person.peer_worker.id}, *only_family])


def test_one_session_moves_or_is_cancelled_on_its_own(world):
    person = world.person()
    weekly(world, person)
    first, second, third = sessions(world, person)[:3]
    moved = world.client.post(f"/sessions/{second['id']}/reschedule", json={"starts_at": "2026-03-11T12:00:00Z"},
                              headers=world.headers())
    assert moved.status_code == 200
    assert (moved.json["starts_at"], moved.json["ends_at"], moved.json["rescheduled"]) == (
        "2026-03-11T12:00:00+00:00", "2026-03-11T12:15:00+00:00", True)
    assert moved.json["occurrence_key"] == "2026-03-10T18:00:00"  # still that week's occurrence
    cancelled = world.client.post(f"/sessions/{third['id']}/cancel", json={"reason": "Holiday"},
                                  headers=world.headers())
    assert cancelled.json["status"] == "cancelled"
    assert world.client.post(f"/sessions/{third['id']}/cancel", json={}, headers=world.headers()).status_code == 409
    past = world.client.post(f"/sessions/{first['id']}/reschedule", json={"starts_at": "2026-03-01T12:00:00Z"},
                             headers=world.headers())
    assert past.status_code == 422
    assert [s["status"] for s in sessions(world, person)][:3] == ["scheduled", "scheduled", "cancelled"]
    assert len(world.events("session.rescheduled")) == len(world.events("session.cancelled")) == 1
    world.clock.set(dt.datetime(2026, 3, 18, 0, 0, tzinfo=UTC))
    world.run(detector.detect_missed)
    # The cancelled one is never missed; the first and the moved one are.
    assert [e["session_id"] for e in world.events("checkin.missed")] == [first["id"], second["id"]]


def test_changing_the_series_replans_future_sessions_and_ending_it_cancels_them(world):
    person = world.person()
    rhythm = weekly(world, person)
    changed = world.client.patch(f"/rhythms/{rhythm['id']}", json={"rrule": "FREQ=WEEKLY;BYDAY=TH",
                                                                  "first_start_local": "2026-03-05T10:00"},
                                 headers=world.headers())
    assert changed.status_code == 200 and changed.json["version"] == 2
    assert [s["starts_at"][:10] for s in sessions(world, person)][:2] == ["2026-03-05", "2026-03-12"]
    ended = world.client.patch(f"/rhythms/{rhythm['id']}", json={"active": False}, headers=world.headers())
    assert ended.json["active"] is False
    assert {s["status"] for s in sessions(world, person)} == {"cancelled"}
    assert [e["version"] for e in world.events("rhythm.changed")] == [2, 3]


def test_a_session_without_a_record_is_missed_after_the_grace_period_and_counted(world):
    person = world.person()
    weekly(world, person)  # Tuesdays 18:00-18:15 UTC (GMT)
    world.clock.set(dt.datetime(2026, 3, 3, 20, 14, tzinfo=UTC))
    assert world.run(detector.detect_missed) == 0  # grace: 2 hours after the end
    world.clock.set(dt.datetime(2026, 3, 3, 20, 15, tzinfo=UTC))
    before = REGISTRY.get_sample_value("circles_sessions_missed_total", {"kind": "weekly_checkin"}) or 0
    assert world.run(detector.detect_missed) == 1
    assert world.run(detector.detect_missed) == 0  # never twice
    assert REGISTRY.get_sample_value("circles_sessions_missed_total", {"kind": "weekly_checkin"}) == before + 1
    world.clock.set(dt.datetime(2026, 3, 10, 21, 0, tzinfo=UTC))
    world.run(detector.detect_missed)
    assert [e["consecutive_misses"] for e in world.events("checkin.missed")] == [1, 2]
    # A check-in recorded after a miss resets the run.
    world.client.post("/checkins", json={"person_id": person.id, "wellbeing": 6}, headers=world.headers())
    world.clock.set(dt.datetime(2026, 3, 24, 21, 0, tzinfo=UTC))
    world.run(detector.detect_missed)
    assert [e["consecutive_misses"] for e in world.events("checkin.missed")] == [1, 2, 1, 2]


def test_each_detector_run_marks_at_most_a_batch_oldest_first(world):
    person = world.person()
    weekly(world, person)
    world.clock.set(dt.datetime(2026, 4, 8, 0, 0, tzinfo=UTC))  # five Tuesdays have passed
    runs = [world.run(lambda uow: detector.detect_missed(uow, batch=2)) for _ in range(4)]
    assert runs == [2, 2, 1, 0]
    missed = world.events("checkin.missed")
    assert [e["consecutive_misses"] for e in missed] == [1, 2, 3, 4, 5]
    assert [e["starts_at"] for e in missed] == sorted(e["starts_at"] for e in missed)


def test_a_checkin_on_the_day_completes_that_session_and_it_is_never_missed(world):
    person = world.person()
    weekly(world, person)
    world.clock.set(dt.datetime(2026, 3, 3, 18, 10, tzinfo=UTC))
    record = world.client.post("/checkins", json={"person_id": person.id, "wellbeing": 8},
                               headers=world.as_staff(person.peer_worker)).json
    first = sessions(world, person)[0]
    assert (first["status"], first["record_id"], record["session_id"]) == ("completed", record["id"], first["id"])
    world.clock.set(dt.datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert world.run(detector.detect_missed) == 0


def test_the_grace_period_is_set_per_organisation(world):
    person = world.person()
    assert world.client.get("/settings", headers=world.headers()).json == {"missed_grace_minutes": 120}
    assert world.client.put("/settings", json={"missed_grace_minutes": 30},
                            headers=world.headers()).status_code == 403  # admins only
    assert world.client.put("/settings", json={"missed_grace_minutes": -1},
                            headers=world.headers(role="admin")).status_code == 422
    weekly(world, person)
    world.client.put("/settings", json={"missed_grace_minutes": 30}, headers=world.headers(role="admin"))
    world.clock.set(dt.datetime(2026, 3, 3, 18, 45, tzinfo=UTC))
    assert world.run(detector.detect_missed) == 1


def test_reminders_go_out_24_hours_and_1_hour_before_exactly_once(world):
    person = world.person()
    weekly(world, person)
    world.clock.set(dt.datetime(2026, 3, 2, 17, 59, tzinfo=UTC))
    assert world.run(detector.remind_upcoming) == 0
    world.clock.set(dt.datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    assert world.run(detector.remind_upcoming) == 1
    assert world.run(detector.remind_upcoming) == 0
    world.clock.set(dt.datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
    assert world.run(detector.remind_upcoming) == 1
    world.clock.set(dt.datetime(2026, 3, 3, 17, 30, tzinfo=UTC))
    assert world.run(detector.remind_upcoming) == 0
    reminders = world.events("session.upcoming")
    assert [r["lead"] for r in reminders] == ["PT24H", "PT1H"]
    assert reminders[0]["participants"] == [{"kind": "staff", "id": person.peer_worker.id},
                                            {"kind": "staff", "id": person.clinician.id}]


def test_the_planner_keeps_sessions_planned_ahead_as_time_passes(world):
    person = world.person()
    weekly(world, person)
    assert len(sessions(world, person)) == 5
    world.clock.set(dt.datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
    assert world.run(rhythms.plan_ahead) == 4
    assert world.run(rhythms.plan_ahead) == 0
    assert sessions(world, person)[-1]["starts_at"] == "2026-04-28T17:00:00+00:00"


def test_discharge_ends_the_rhythms_and_cancels_what_was_ahead(world):
    person = world.person()
    weekly(world, person)
    world.discharge(person)
    assert {s["status"] for s in sessions(world, person)} == {"cancelled"}
    world.clock.set(dt.datetime(2026, 4, 30, 9, 0, tzinfo=UTC))
    assert world.run(rhythms.plan_ahead) == 0 and world.run(detector.detect_missed) == 0


def test_another_peer_worker_sees_no_sessions_and_cannot_change_them(world):
    person, other = world.person(), world.person()
    weekly(world, person)
    first = sessions(world, person)[0]
    stranger = world.as_staff(other.peer_worker)
    assert world.client.get("/sessions", query_string={"person_id": person.id}, headers=stranger).status_code == 404
    assert world.client.get("/sessions", headers=stranger).json == []
    assert world.client.post(f"/sessions/{first['id']}/cancel", json={}, headers=stranger).status_code == 404
