"""Calendar feeds through the API: a person's feed imports into a standard calendar as
exactly their sessions (across the clocks change), URLs rotate, staff see references
only, and who may mint a feed URL."""
import datetime as dt
import hashlib
import uuid

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select


UTC = dt.timezone.utc
HORIZON = dt.timedelta(days=35)


@pytest.fixture
def world(checkins_world):
    return checkins_world


@pytest.fixture
def weekly(world):
    """A Europe/London person's Tuesday 18:00 check-in; the 10 March session cancelled and
    the 31 March one (after the change to BST) moved to 1 April."""
    person = world.person()
    staff = world.as_staff(person.peer_worker)
    rhythm = world.client.post("/rhythms", json={
        "person_id": person.id, "kind": "weekly_checkin", "first_start_local": "2026-03-03T18:00",
        "rrule": "FREQ=WEEKLY;BYDAY=TU"}, headers=staff)
    assert rhythm.status_code == 201, rhythm.json
    by_key = {s["occurrence_key"]: s["id"] for s in sessions(world, person, staff)}
    cancelled = world.client.post(f"/sessions/{by_key['2026-03-10T18:00:00']}/cancel", json={"reason": "holiday"},
                                  headers=staff)
    moved = world.client.post(f"/sessions/{by_key['2026-03-31T18:00:00']}/reschedule",
                              json={"starts_at": "2026-04-01T16:30:00Z"}, headers=staff)
    assert cancelled.status_code == 200 and moved.status_code == 200, (cancelled.json, moved.json)
    return person, rhythm.json


def sessions(world, person, headers) -> list[dict]:
    response = world.client.get(f"/sessions?person_id={person.id}&limit=200", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def mint(world, path: str, headers: dict) -> dict:
    response = world.client.post(path, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def fetch(world, url: str):
    return world.client.get(url.removeprefix("http://localhost"))


def expand(ics: bytes, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    events = recurring_ical_events.of(Calendar.from_ical(ics)).between(start, end)
    return sorted((event.start.astimezone(UTC), event.end.astimezone(UTC)) for event in events)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_person_feed_imports_as_exactly_their_sessions_across_the_clocks_change(world, weekly):
    person, _ = weekly
    issued = mint(world, f"/persons/{person.id}/calendar-token", world.as_staff(person.peer_worker))
    assert issued["url"] == f"http://localhost/calendars/{issued['token']}.ics"
    response = fetch(world, issued["url"])  # no Authorization: calendar apps cannot send one
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"

    now = world.clock.now()
    listed = [(dt.datetime.fromisoformat(s["starts_at"]), dt.datetime.fromisoformat(s["ends_at"]))
              for s in sessions(world, person, world.as_staff(person.peer_worker)) if s["status"] != "cancelled"]
    expected = sorted(window for window in listed if now <= window[0] < now + HORIZON)
    imported = expand(response.data, now, now + HORIZON)
    assert imported == expected
    assert [start for start, _ in imported] == [
        at("2026-03-03T18:00"), at("2026-03-17T18:00"), at("2026-03-24T18:00"),  # 18:00 GMT
        at("2026-04-01T16:30")]  # moved from 31 March, 18:00 BST
    # The series goes on at 18:00 BST = 17:00 UTC once the sessions' planning horizon moves on.
    later = expand(response.data, at("2026-04-06T00:00"), at("2026-04-15T00:00"))
    assert later == [(at("2026-04-07T17:00"), at("2026-04-07T17:15")),
                     (at("2026-04-14T17:00"), at("2026-04-14T17:15"))]


def test_minting_again_rotates_the_url_and_only_the_hash_is_stored(world, weekly):
    person, _ = weekly
    staff = world.as_staff(person.peer_worker)
    first = mint(world, f"/persons/{person.id}/calendar-token", staff)
    second = mint(world, f"/persons/{person.id}/calendar-token", staff)
    assert first["token"] != second["token"]
    gone = fetch(world, first["url"])
    assert gone.status_code == 404 and gone.content_type == "application/problem+json"
    assert fetch(world, second["url"]).status_code == 200
    assert fetch(world, "/calendars/not-a-token.ics").status_code == 404

    table = world.runtime.spec.metadata.tables["calendar_tokens"]
    with world.runtime.engine.connect() as conn:
        rows = conn.execute(select(table)).mappings().all()
    assert sorted(row["token_hash"] for row in rows) == sorted(
        hashlib.sha256(issued["token"].encode()).hexdigest() for issued in (first, second))
    stored = " ".join(str(value) for row in rows for value in row.values())
    assert first["token"] not in stored and second["token"] not in stored
    revoked = {row["token_hash"]: row["revoked_at"] for row in rows}
    assert revoked[hashlib.sha256(first["token"].encode()).hexdigest()] == world.clock.now()
    assert revoked[hashlib.sha256(second["token"].encode()).hexdigest()] is None


def test_a_staff_feed_shows_their_persons_rhythms_by_reference_only(world, weekly):
    person, rhythm = weekly
    events = staff_feed_events(world, person.peer_worker)
    assert {str(e["UID"]) for e in events} == {f"{rhythm['id']}@circles"}
    assert {str(e["SUMMARY"]) for e in events} == {f"Weekly check-in · ref {person.id[:8]}"}
    assert staff_feed_events(world, world.staff("peer_worker")) == []


def test_a_former_peer_worker_still_listed_as_participant_keeps_the_rhythm_and_the_new_one_gets_it(world, weekly):
    person, rhythm = weekly
    newcomer = world.staff("peer_worker")
    world.apply("person.peer_worker_assigned", person.id, person_id=person.id, staff_id=newcomer.id,
                assigned_at=world.clock.now())
    for staff in (person.peer_worker, newcomer):  # by participation, by assignment
        assert {str(e["UID"]) for e in staff_feed_events(world, staff)} == {f"{rhythm['id']}@circles"}


def staff_feed_events(world, staff) -> list:
    issued = mint(world, "/staff/me/calendar-token", world.as_staff(staff))
    response = fetch(world, issued["url"])
    assert response.status_code == 200
    return [e for e in Calendar.from_ical(response.data).walk("VEVENT") if "RECURRENCE-ID" not in e]


def test_who_may_mint_a_feed_url(world, weekly):
    person, _ = weekly
    path = f"/persons/{person.id}/calendar-token"
    stranger = world.person()
    assert world.client.post(path, headers=world.as_staff(stranger.peer_worker)).status_code == 404
    assert world.client.post(path).status_code == 401
    own = world.headers(role="participant", person_id=person.id)
    assert world.client.post(path, headers=own).status_code == 201
    assert world.client.post(f"/persons/{stranger.id}/calendar-token", headers=own).status_code == 404
    assert world.client.post(path, headers=world.headers(role="supporter")).status_code == 403
    assert world.client.post("/staff/me/calendar-token").status_code == 401
    assert world.client.post("/staff/me/calendar-token", headers=own).status_code == 403
    assert world.client.post(f"/persons/{uuid.uuid4()}/calendar-token", headers=world.headers(role="admin")
                             ).status_code == 404


def test_discharge_closes_the_persons_calendar_link(world, weekly):
    person, _ = weekly
    issued = mint(world, f"/persons/{person.id}/calendar-token", world.as_staff(person.peer_worker))
    assert fetch(world, issued["url"]).status_code == 200
    world.discharge(person)
    assert fetch(world, issued["url"]).status_code == 404
