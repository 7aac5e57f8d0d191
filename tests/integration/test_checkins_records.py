"""Monthly reviews, mutual-help attendance, action items and the starter plan, through the
API on a real database with the clock moved by hand (2026-03-02 09:30 UTC)."""
import datetime as dt

import pytest

from services.checkins.usecases import action_items, plans

UTC = dt.timezone.utc


@pytest.fixture
def world(checkins_world):
    return checkins_world


def test_a_monthly_review_completes_its_session_and_keeps_its_text_at_home(world):
    person = world.person()
    world.client.post("/rhythms", json={"person_id": person.id, "kind": "monthly_review",
                                        "first_start_local": "2026-03-02T14:00", "rrule": "FREQ=MONTHLY;BYDAY=1MO"},
                      headers=world.headers())
    world.clock.set(dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    review = world.client.post(f"/persons/{person.id}/reviews", json={
        "safety": "No new risks", "goals": "Back to work part-time", "medication": "Stable",
        "practical_needs": "Bus pass", "decisions": "Step down to fortnightly"}, headers=world.as_staff(person.clinician))
    assert review.status_code == 201, review.json
    [session] = world.client.get("/sessions", query_string={"person_id": person.id, "status": "completed"},
                                 headers=world.headers()).json
    assert review.json["session_id"] == session["id"] and session["kind"] == "monthly_review"
    [event] = world.events("review.completed")
    assert event["review_id"] == review.json["id"] and "goals" not in event
    listed = world.client.get(f"/persons/{person.id}/reviews", headers=world.headers()).json
    assert [r["decisions"] for r in listed] == ["Step down to fortnightly"]


def test_attendance_from_the_directory_or_typed_in_and_the_person_may_record_their_own(world):
    person = world.person()
    from_directory = world.client.post(f"/persons/{person.id}/attendances", json={
        "directory_event_id": "na-riverside-tuesday", "meeting_name": "Riverside NA", "mode": "in_person",
        "attended_on": "2026-03-01"}, headers=world.headers())
    assert from_directory.status_code == 201
    own = world.headers(role="participant", person_id=person.id)
    typed = world.client.post(f"/persons/{person.id}/attendances", json={
        "meeting_name": "SMART Recovery online", "mode": "online", "attended_on": "2026-03-02"}, headers=own)
    assert typed.status_code == 201
    neither = world.client.post(f"/persons/{person.id}/attendances", json={"mode": "online",
                                                                          "attended_on": "2026-03-02"}, headers=own)
    assert neither.status_code == 422 and set(neither.json["errors"]) == {"meeting_name"}
    bad_mode = world.client.post(f"/persons/{person.id}/attendances", json={
        "meeting_name": "x", "mode": "telepathy", "attended_on": "2026-03-02"}, headers=own)
    assert bad_mode.status_code == 422
    someone_else = world.person()
    assert world.client.post(f"/persons/{someone_else.id}/attendances", json={
        "meeting_name": "x", "mode": "online", "attended_on": "2026-03-02"}, headers=own).status_code == 404
    events = world.events("attendance.recorded")
    assert [(e["directory_event_id"], e["mode"]) for e in events] == [("na-riverside-tuesday", "in_person"),
                                                                      (None, "online")]
    assert "SMART" not in str(events)


def test_an_attendance_picked_from_the_directory_alone_answers_as_documented(world):
    """Found by Schemathesis: the answer's empty meeting_name broke the documented minLength 1."""
    person = world.person()
    picked = world.client.post(f"/persons/{person.id}/attendances", json={
        "directory_event_id": "na-riverside-tuesday", "mode": "in_person", "attended_on": "2026-03-01"},
        headers=world.headers())
    assert picked.status_code == 201 and picked.json["meeting_name"] == ""
    documented = world.client.get("/openapi.json").json["components"]["schemas"]["AttendanceOut"]
    assert "minLength" not in documented["properties"]["meeting_name"]


@pytest.mark.parametrize("query", [{"starts_before": "0001-01-01T00:00:00.0+00:02"},
                                   {"starts_from": "9999-12-31T23:59:00-00:02"}])
def test_a_session_window_at_the_ends_of_the_calendar_is_a_problem_not_a_500(world, query):
    """Found by Schemathesis (GET /sessions?starts_before=0001-01-01T00:00:00.0+00:02): moved
    to UTC, the time overflowed Python's calendar."""
    response = world.client.get("/sessions", query_string=query, headers=world.headers())
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert set(response.json["errors"]["query"]) == set(query)


def test_a_check_in_completed_at_the_ends_of_the_calendar_is_refused(world):
    person = world.person()
    response = world.client.post("/checkins", json={"person_id": person.id, "wellbeing": 7,
                                                    "completed_at": "0001-01-01T00:00:00+00:02"},
                                 headers=world.as_staff(person.peer_worker))
    assert response.status_code == 422 and "completed_at" in response.json["errors"]["json"]


@pytest.mark.parametrize("path", ["/checkins", "/sessions", "/action-items"])
def test_an_offset_past_any_database_integer_is_a_problem_not_a_500(world, path):
    """Found by Schemathesis (offset=682778849021673472000 overflowed SQLite and PostgreSQL)."""
    response = world.client.get(path, query_string={"offset": 682778849021673472000}, headers=world.headers())
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert "offset" in response.json["errors"]["query"]


def test_action_items_are_tracked_to_done_and_announced_once_when_overdue_locally(world):
    person = world.person(timezone="America/New_York", region="US")
    item = world.client.post(f"/persons/{person.id}/action-items", json={
        "what": "Book dentist", "owner_kind": "contact", "owner_id": person.contact_id, "due_on": "2026-03-03"},
        headers=world.as_staff(person.peer_worker)).json
    done = world.client.post(f"/persons/{person.id}/action-items", json={
        "what": "Collect prescription", "owner_kind": "staff", "owner_id": person.peer_worker.id,
        "due_on": "2026-03-03"}, headers=world.headers()).json
    marked = world.client.patch(f"/action-items/{done['id']}", json={"status": "done"}, headers=world.headers())
    assert marked.status_code == 200 and marked.json["status"] == "done" and marked.json["done_at"]
    assert world.client.patch(f"/action-items/{done['id']}", json={"status": "done"},
                              headers=world.headers()).status_code == 409
    # 4 March 03:00 UTC is still 3 March in New York: not overdue yet.
    world.clock.set(dt.datetime(2026, 3, 4, 3, 0, tzinfo=UTC))
    assert world.run(action_items.announce_overdue) == 0
    world.clock.set(dt.datetime(2026, 3, 4, 5, 1, tzinfo=UTC))
    assert world.run(action_items.announce_overdue) == 1
    assert world.run(action_items.announce_overdue) == 0
    [overdue] = world.events("action_item.overdue")
    assert (overdue["action_item_id"], overdue["owner_kind"], overdue["owner_id"]) == (
        item["id"], "contact", person.contact_id)
    open_items = world.client.get("/action-items", query_string={"person_id": person.id, "status": "open"},
                                  headers=world.headers()).json
    assert [i["what"] for i in open_items] == ["Book dentist"]
    assert len(world.events("action_item.completed")) == 1


def test_a_starter_plan_starts_at_registration_with_the_guides_tasks(world):
    person = world.person()
    plan = world.client.get(f"/persons/{person.id}/starter-plan", headers=world.as_staff(person.peer_worker))
    assert plan.status_code == 200
    tasks = plan.json["tasks"]
    assert plan.json["starts_on"] == "2026-03-02"
    assert [t["phase"] for t in tasks][:4] == ["day_1", "days_2_3", "days_2_3", "days_4_7"]
    assert tasks[0]["title"].startswith("Safety check") and tasks[0]["due_on"] == "2026-03-02"
    assert tasks[-1]["due_on"] == "2026-03-29"
    again = world.client.post(f"/persons/{person.id}/starter-plan", headers=world.headers())
    assert again.status_code == 409
    assert len(world.events("plan.created")) == 1


def test_plan_tasks_are_ticked_off_and_the_late_ones_announced_once(world):
    person = world.person()
    tasks = world.client.get(f"/persons/{person.id}/starter-plan", headers=world.headers()).json["tasks"]
    ticked = world.client.patch(f"/plan-tasks/{tasks[0]['id']}", json={"done": True}, headers=world.headers())
    assert ticked.status_code == 200 and ticked.json["done_at"]
    world.clock.set(dt.datetime(2026, 3, 5, 0, 30, tzinfo=UTC))  # day 4: the day 2-3 tasks are late
    assert world.run(plans.announce_overdue) == 2
    assert world.run(plans.announce_overdue) == 0
    overdue = world.events("plan_task.overdue")
    assert sorted(e["code"] for e in overdue) == ["intake-assessment", "network-map"]
    assert {e["peer_worker_id"] for e in overdue} == {person.peer_worker.id}


def test_a_plan_on_demand_for_a_person_registered_before_plans_existed(world):
    person = world.person()
    with world.runtime.uow() as uow:  # as if registered before this feature
        plan = plans.plan_of(uow, person.id)
        for task in plans.tasks_of(uow, plan.id):
            uow.session.delete(task)
        uow.session.delete(plan)
        uow.commit()
    assert world.client.get(f"/persons/{person.id}/starter-plan", headers=world.headers()).status_code == 404
    world.clock.set(dt.datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
    created = world.client.post(f"/persons/{person.id}/starter-plan", headers=world.headers())
    assert created.status_code == 201 and created.json["starts_on"] == "2026-03-09"
    assert len(created.json["tasks"]) == 15
