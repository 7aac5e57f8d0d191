"""The check-ins staff pages through the Flask test client, on a real database: who sees
which page, the agenda form's round trip and its errors, the small forms, the today view."""
import re

import pytest
from sqlalchemy import func, select

from services.checkins.usecases import detector

SITE = "aaaaaaaa-0000-4000-8000-000000000001"
PAGES = ("sessions", "checkins/new", "action-items", "starter-plan")


@pytest.fixture
def world(checkins_world):
    return checkins_world


def log_in(world, staff) -> None:
    """The session cookie a login on the people service sets; pages read it like a token."""
    world.client.set_cookie("circles_session", world.as_staff(staff)["Authorization"].removeprefix("Bearer "))


def html(response) -> str:
    return response.get_data(as_text=True)


def count(world, table: str) -> int:
    with world.runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(world.runtime.spec.metadata.tables[table])).scalar_one()


def agenda_form(person, **changes) -> dict:
    form = {"wellbeing": "6", "wins": "Went to a meeting <on my own>", "risks_and_needs": "Rent arrears",
            "flag-relapse": "high", "flag-violence": "low", "practical_tasks": "GP on Friday",
            "days_abstinent_last_30": "21", "medication_adherence": "partial",
            "item-0-what": "Ring the housing officer", "item-0-owner": f"staff:{person.peer_worker.id}",
            "item-0-due": "2026-03-05", "item-2-what": "Lift to the GP", "item-2-owner": f"contact:{person.contact_id}",
            "item-2-due": "2026-03-06"}
    return {**form, **changes}


def test_each_page_answers_the_assigned_peer_worker_and_is_a_404_for_another(world):
    person, stranger = world.person(), world.person()
    assert world.client.get(f"/staff/persons/{person.id}/sessions").status_code == 302  # to the login page
    log_in(world, person.peer_worker)
    for page in PAGES:
        response = world.client.get(f"/staff/persons/{person.id}/{page}")
        assert response.status_code == 200, page
        assert "<main>" in html(response) and 'aria-label="This person"' in html(response)
        assert f'<span class="muted">· person {person.id[:8]}</span></h1>' in html(response)
    log_in(world, stranger.peer_worker)
    for page in PAGES:
        response = world.client.get(f"/staff/persons/{person.id}/{page}")
        assert response.status_code == 404 and "<h1>Not found</h1>" in html(response), page
    assert person.id[:8] not in html(world.client.get("/staff/today"))


def test_the_agenda_form_follows_the_guide_and_its_round_trip_stores_flags_and_items(world):
    person = world.person()
    log_in(world, person.peer_worker)
    form = html(world.client.get(f"/staff/persons/{person.id}/checkins/new"))
    steps = ["Quick wellbeing check (1–2 min)", "Wins since last check (2 min)", "Immediate risks and needs (4 min)",
             "Practical tasks (appointments, transport, meds) (4 min)", "Action items &amp; who does what (2 min)"]
    assert [form.index(step) for step in steps] == sorted(form.index(step) for step in steps)
    assert re.search(r"<fieldset id=\"wellbeing\".*?<legend>How is the person", form, re.S)
    assert "Peer Worker" in form and "Sam (family, inner circle)" in form  # the person's staff and network

    response = world.client.post(f"/staff/persons/{person.id}/checkins/new", data=agenda_form(person))
    assert response.status_code == 303
    record_id = response.headers["Location"].rsplit("recorded=", 1)[1]
    record = world.client.get(f"/checkins/{record_id}", headers=world.as_staff(person.peer_worker)).json
    assert record["wellbeing"] == 6 and record["medication_adherence"] == "partial"
    assert {(f["kind"], f["severity"]) for f in record["risk_flags"]} == {("relapse", "high"), ("violence", "low")}
    assert [(i["what"], i["owner_kind"]) for i in record["action_items"]] == [
        ("Ring the housing officer", "staff"), ("Lift to the GP", "contact")]
    assert world.events("risk.flagged")[0]["kinds"] == ["relapse"]
    sessions_page = html(world.client.get(response.headers["Location"]))
    assert 'role="status"' in sessions_page and f'href="/staff/checkins/{record_id}"' in sessions_page
    shown = html(world.client.get(f"/staff/checkins/{record_id}"))
    assert "Went to a meeting &lt;on my own&gt;" in shown and "Relapse: high" in shown


def test_an_invalid_form_comes_back_with_its_values_and_accessible_errors_and_stores_nothing(world):
    person = world.person()
    log_in(world, person.peer_worker)
    response = world.client.post(f"/staff/persons/{person.id}/checkins/new", data=agenda_form(
        person, wellbeing="", days_abstinent_last_30="31", **{"item-0-owner": ""}))
    page = html(response)
    assert response.status_code == 422 and 'role="alert"' in page
    assert 'aria-describedby="wellbeing-error"' in page and 'id="wellbeing-error"' in page
    assert re.search(r'id="days_abstinent_last_30"[^>]*value="31"[^>]*aria-invalid="true"', page)
    assert re.search(r'id="item-0-owner"[^>]*aria-describedby="item-0-owner-error"', page)
    assert "Choose who does it." in page and "Went to a meeting &lt;on my own&gt;</textarea>" in page
    assert re.search(r'<option value="high" selected>', page)  # the relapse flag kept
    # A rule only the use case knows (an owner from someone else's network) is refused whole.
    other = world.person()
    refused = world.client.post(f"/staff/persons/{person.id}/checkins/new",
                                data=agenda_form(person, **{"item-2-owner": f"contact:{other.contact_id}"}))
    assert refused.status_code == 422 and "not in this person&#39;s network" in html(refused)
    assert count(world, "checkin_records") == 0 and count(world, "action_items") == 0
    assert world.events("checkin.completed") == []


def test_form_posts_from_another_site_are_refused(world):
    person = world.person()
    log_in(world, person.peer_worker)
    evil = {"Origin": "https://evil.example"}
    response = world.client.post(f"/staff/persons/{person.id}/checkins/new", data=agenda_form(person), headers=evil)
    assert response.status_code == 403 and count(world, "checkin_records") == 0
    assert world.client.post(f"/staff/persons/{person.id}/rhythms", data={"first_start": "2026-03-03T18:00"},
                             headers=evil).status_code == 403
    same_site = {"Origin": "http://localhost"}
    assert world.client.post(f"/staff/persons/{person.id}/checkins/new", data=agenda_form(person),
                             headers=same_site).status_code == 303
    # The shared layout's "Log out" button posts to whichever service drew the page.
    assert world.client.post("/logout", headers=evil).status_code == 403
    out = world.client.post("/logout", headers=same_site)
    assert out.status_code == 303 and out.headers["Location"] == world.settings.login_url
    assert world.client.get(f"/staff/persons/{person.id}/sessions").status_code == 302


def test_mark_done_moves_an_action_item_to_done(world):
    person, stranger = world.person(), world.person()
    item = world.client.post(f"/persons/{person.id}/action-items", headers=world.as_staff(person.peer_worker), json={
        "what": "Book the dentist", "owner_kind": "contact", "owner_id": person.contact_id,
        "due_on": "2026-03-01"}).json
    log_in(world, person.peer_worker)
    page = html(world.client.get(f"/staff/persons/{person.id}/action-items"))
    assert "Book the dentist" in page and "Overdue" in page and f"/staff/action-items/{item['id']}/done" in page
    log_in(world, stranger.peer_worker)
    assert world.client.post(f"/staff/action-items/{item['id']}/done").status_code == 404
    log_in(world, person.peer_worker)
    done = world.client.post(f"/staff/action-items/{item['id']}/done")
    assert done.status_code == 303 and done.headers["Location"] == f"/staff/persons/{person.id}/action-items"
    page = html(world.client.get(done.headers["Location"]))
    assert "Nothing open." in page and "Done (1)" in page
    assert world.client.post(f"/staff/action-items/{item['id']}/done").status_code == 303  # twice is fine
    assert len(world.events("action_item.completed")) == 1


def test_the_starter_plan_is_grouped_by_phase_and_marks_overdue_tasks_in_words(world, clock):
    person = world.person()  # the plan starts at registration: day 1 is 2 March
    log_in(world, person.peer_worker)
    clock.advance(days=2)
    page = html(world.client.get(f"/staff/persons/{person.id}/starter-plan"))
    phases = ["Day 1", "Days 2–3", "Days 4–7", "Week 2", "Week 3", "Week 4"]
    assert [page.index(f">{p}</h2>") for p in phases] == sorted(page.index(f">{p}</h2>") for p in phases)
    safety = re.search(r'<li id="task-([^"]+)">\s*<h3>Safety check.*?</li>', page, re.S)
    assert "Overdue" in safety.group(0) and "Mon 2 Mar 2026" in safety.group(0)
    assert page.count("Overdue") == 1  # only day 1 has passed
    task_url = f"/staff/plan-tasks/{safety.group(1)}"
    assert world.client.post(task_url, data={"done": "yes"}).status_code == 303
    page = html(world.client.get(f"/staff/persons/{person.id}/starter-plan"))
    assert "Overdue" not in page and re.search(rf'id="done-{safety.group(1)}"[^>]*checked', page)
    world.client.post(task_url, data={})  # unticked: not done again
    assert "Overdue" in html(world.client.get(f"/staff/persons/{person.id}/starter-plan"))


def test_sessions_can_be_added_moved_and_cancelled_from_the_page(world):
    person = world.person()
    log_in(world, person.peer_worker)
    pid = person.id
    added = world.client.post(f"/staff/persons/{pid}/rhythms", data={"first_start": "2026-03-02T18:00",
                                                                      "weekday": "TU"})
    assert added.status_code == 303
    page = html(world.client.get(f"/staff/persons/{pid}/sessions"))
    assert "Weekly on Tuesday at 18:00 (Europe/London)" in page and "Tue 3 Mar 2026, 18:00" in page
    assert "3 (the person and 2 more)" in page
    first, second = re.findall(r'action="/staff/sessions/([^/]+)/reschedule"', page)[:2]
    past = world.client.post(f"/staff/sessions/{first}/reschedule", data={"starts_local": "2026-03-01T10:00"})
    assert past.status_code == 422 and f'id="{first}-error"' in html(past) and 'value="2026-03-01T10:00"' in html(past)
    moved = world.client.post(f"/staff/sessions/{first}/reschedule", data={"starts_local": "2026-03-04T17:30"})
    assert moved.status_code == 303
    assert world.client.post(f"/staff/sessions/{second}/cancel", data={"reason": "Holiday"}).status_code == 303
    page = html(world.client.get(f"/staff/persons/{pid}/sessions"))
    assert "Wed 4 Mar 2026, 17:30" in page and "moved" in page and second not in page
    # "Record this check-in" ties the record to that session, which moves to Completed.
    form = html(world.client.get(f"/staff/persons/{pid}/checkins/new?session_id={first}"))
    assert f'name="session_id" value="{first}"' in form and "Wed 4 Mar 2026, 17:30" in form
    recorded = world.client.post(f"/staff/persons/{pid}/checkins/new", data={"session_id": first, "wellbeing": "8"})
    record_id = recorded.headers["Location"].rsplit("=", 1)[1]
    completed = html(world.client.get(f"/staff/persons/{pid}/sessions")).split('id="completed-heading"')[1]
    assert f'href="/staff/checkins/{record_id}"' in completed.split('id="missed-heading"')[0]
    again = world.client.post(f"/staff/persons/{pid}/checkins/new", data={"session_id": first, "wellbeing": "8"})
    assert again.status_code == 409 and "already completed" in html(again) and 'name="session_id"' not in html(again)
    assert world.client.post(f"/staff/persons/{pid}/rhythms", data={"first_start": "soon"}).status_code == 422


def test_today_lists_sessions_due_in_each_persons_own_day_missed_ones_and_overdue_work(world, clock):
    london, auckland = world.person(site=SITE), world.person(timezone="Pacific/Auckland", region="NZ", site=SITE)
    staff = world.as_staff(london.peer_worker)
    assert world.client.post("/rhythms", headers=staff, json={
        "person_id": london.id, "kind": "weekly_checkin", "first_start_local": "2026-03-02T18:00"}).status_code == 201
    # 07:00 on Tuesday in Auckland is 18:00 on Monday in UTC: the same instant, but not their today.
    assert world.client.post("/rhythms", headers=world.as_staff(auckland.peer_worker), json={
        "person_id": auckland.id, "kind": "weekly_checkin", "first_start_local": "2026-03-03T07:00"}).status_code == 201
    log_in(world, london.peer_worker)
    page = html(world.client.get("/staff/today"))
    due = page[page.index("Sessions due today"):page.index("Missed in the last")]
    assert "Sessions due today (1)" in due and f"/staff/persons/{london.id}/sessions" in due

    clock.advance(days=7)  # Monday 9 March: last week's session was missed
    with world.runtime.uow() as uow:
        assert detector.detect_missed(uow) == 2  # both persons'; the London peer worker sees one
    world.client.post(f"/persons/{london.id}/action-items", headers=staff, json={
        "what": "Call the GP", "owner_kind": "staff", "owner_id": london.peer_worker.id, "due_on": "2026-03-08"})
    page = html(world.client.get(f"/staff/today?site_id={SITE}"))
    missed = page[page.index("Missed in the last"):page.index("Overdue action items")]
    assert "not yet followed up (1)" in missed and "Mon 2 Mar 2026, 18:00" in missed
    assert "Call the GP" in page and "Safety check" in page and "Sessions due today (1)" in page
    assert world.client.get("/staff/today?site_id=nonsense").status_code == 422
    # A check-in recorded since then is the follow-up: the missed session leaves the list.
    world.client.post("/checkins", headers=staff, json={"person_id": london.id, "wellbeing": 5})
    assert "not yet followed up (0)" in html(world.client.get("/staff/today"))
