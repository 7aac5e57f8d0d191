"""Persons: the intake-active-discharged journey, assignments, the person's own choices."""
import pytest

from tests.integration.people_support import PeopleWorld


@pytest.fixture
def world(client_for):
    return PeopleWorld(*client_for("people"))


def test_status_journey_keeps_reasons_and_times(world, clock):
    person = world.person()
    path = f"/persons/{person['id']}/status"
    clock.advance(days=2)
    assert world.client.post(path, json={"status": "active", "reason": "Intake complete"},
                             headers=world.coordinator).status_code == 200
    clock.advance(days=60)
    discharged = world.client.post(path, json={"status": "discharged", "reason": "Moved away"},
                                   headers=world.coordinator).json
    assert discharged["status"] == "discharged" and discharged["status_reason"] == "Moved away"
    history = world.client.get(path, headers=world.coordinator).json
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "intake"), ("intake", "active"), ("active", "discharged")]
    events = world.events("circles.people.person.status_changed.v1")
    assert [(e["from_status"], e["to_status"]) for e in events] == [("intake", "active"), ("active", "discharged")]
    assert "Moved away" not in str(events)  # the reason stays here


@pytest.mark.parametrize("body", [{"status": "discharged", "reason": " "}, {"status": "intake", "reason": "x"},
                                  {"status": "gone", "reason": "x"}, {"status": "active"}])
def test_bad_status_changes_are_refused(world, body):
    person = world.person()
    response = world.client.post(f"/persons/{person['id']}/status", json=body, headers=world.coordinator)
    assert response.status_code == 422
    assert world.client.get(f"/persons/{person['id']}", headers=world.coordinator).json["status"] == "intake"


def test_assignments_check_the_staff_member_and_emit_events(world):
    person = world.person()
    put = lambda path, staff, who: world.client.put(f"/persons/{person['id']}/{path}", json={"staff_id": staff},  # noqa: E731
                                                    headers=who)
    assert put("peer-worker", world.staff_ids["clinician"], world.coordinator).status_code == 422
    assert put("peer-worker", "00000000-0000-4000-8000-000000000000", world.coordinator).status_code == 422
    assert put("peer-worker", world.staff_ids["peer_worker"], world.peer_worker).status_code == 404  # not theirs yet
    assert put("peer-worker", world.staff_ids["peer_worker"], world.coordinator).json["peer_worker_id"] == \
        world.staff_ids["peer_worker"]
    assert put("clinical-lead", world.staff_ids["clinician"], world.admin).status_code == 200
    assert put("clinical-lead", None, world.admin).json["clinical_lead_id"] is None
    assigned = world.events("circles.people.person.clinical_lead_assigned.v1")
    assert [e["staff_id"] for e in assigned] == [world.staff_ids["clinician"], None]


def test_peer_worker_intake_takes_the_case(world):
    person = world.person(world.peer_worker)
    assert person["peer_worker_id"] == world.staff_ids["peer_worker"]
    assert world.client.get(f"/persons/{person['id']}", headers=world.peer_worker).status_code == 200


def test_the_person_chooses_their_goals_but_not_their_site(world):
    from shared.auth import mint_token
    person = world.person(goals=["Keep my tenancy"])
    token = mint_token(world.app.extensions["circles"].settings, subject="p", role="participant",
                       organisation_id=world.org_id, person_id=person["id"])
    me = {"Authorization": f"Bearer {token}"}
    changed = world.client.patch(f"/persons/{person['id']}", json={"goals": ["Keep my tenancy", "Run 5k"]}, headers=me)
    assert changed.status_code == 200 and changed.json["goals"] == ["Keep my tenancy", "Run 5k"]
    assert world.client.patch(f"/persons/{person['id']}", json={"site_id": world.cafe}, headers=me).status_code == 403


def test_updated_event_only_when_routing_facts_change(world):
    person = world.person()
    world.client.patch(f"/persons/{person['id']}", json={"goals": ["Sleep better"]}, headers=world.coordinator)
    assert world.events("circles.people.person.updated.v1") == []
    world.client.patch(f"/persons/{person['id']}", json={"timezone": "America/New_York", "region": "US-NY"},
                       headers=world.coordinator)
    [event] = world.events("circles.people.person.updated.v1")
    assert (event["timezone"], event["region"]) == ("America/New_York", "US-NY")


def test_registration_is_at_the_callers_sites_and_names_the_person_only_to_reach_them(world):
    assert world.client.post("/persons", json={"display_name": "Jo", "timezone": "Europe/London", "region": "GB",
                                               "site_id": world.cafe}, headers=world.coordinator).status_code == 422
    world.person(display_name="Jo Bloggs")
    # The name travels once, in the field notifications addresses the person by; never
    # in ids, subjects or any other field.
    [registered] = world.events("circles.people.person.registered.v1")
    assert registered.pop("display_name") == "Jo Bloggs"
    assert "Jo Bloggs" not in str(registered) + str(world.events("circles.people.person.peer_worker_assigned.v1"))


def test_checklist_facts_travel_as_yes_or_no_never_as_text(world):
    person = world.person()
    [registered] = world.events("circles.people.person.registered.v1")
    assert (registered["clinical_lead_named"], registered["practical_support_planned"]) == (False, False)
    plan = "Housing officer appointment on Monday"
    world.client.patch(f"/persons/{person['id']}", json={"practical_support_plan": plan,
                                                         "clinical_lead_name": "Dr Okafor"}, headers=world.coordinator)
    [event] = world.events("circles.people.person.updated.v1")
    assert (event["clinical_lead_named"], event["practical_support_planned"]) == (True, True)
    assert plan not in str(event) and "Okafor" not in str(event)
