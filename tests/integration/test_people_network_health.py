"""The network-health endpoint: the guide's checklist evaluated from what is recorded."""
import pytest

from tests.integration.people_support import PeopleWorld


@pytest.fixture
def world(client_for):
    return PeopleWorld(*client_for("people"))


def statuses(world, person_id):
    body = world.client.get(f"/persons/{person_id}/network-health", headers=world.coordinator).json
    return {item["key"]: item["status"] for item in body["items"]}, body


def test_a_new_person_shows_every_gap(world):
    person = world.person()
    items, body = statuses(world, person["id"])
    assert items["clinical_lead_and_peer_worker"] == "fail"
    assert items["signed_crisis_plan"] == "fail"
    assert items["checkin_rhythm"] == "unknown"  # no check-in data yet: never "pass"
    assert items["assessment_not_overdue"] == "pass"  # intake assessment due within 30 days
    assert body["complete"] is False


def test_a_well_built_network_passes_all_it_can(world):
    person = world.person(practical_support_plan="Housing officer appointment booked")
    base = f"/persons/{person['id']}"
    world.client.put(f"{base}/peer-worker", json={"staff_id": world.staff_ids["peer_worker"]}, headers=world.coordinator)
    world.client.put(f"{base}/clinical-lead", json={"staff_id": world.staff_ids["clinician"]}, headers=world.coordinator)
    ids = [world.post(f"{base}/contacts", world.coordinator, contact)["id"] for contact in (
        {"name": "Jo", "role": "sponsor", "circle": "inner", "label": "helpful", "is_backup": True,
         "support_types": ["mutual_help"]},
        {"name": "Café", "role": "service", "circle": "outer", "label": "helpful", "support_types": ["sober_social"]},
        {"name": "Kim", "role": "family", "circle": "inner", "label": "helpful", "is_backup": True},
    )]
    world.post(f"{base}/crisis-plan", world.coordinator, {"call_first": [{"contact_id": ids[0], "when": "any"}]})
    world.post(f"{base}/crisis-plan/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    world.post(f"{base}/assessments", world.coordinator, {"housing_status": "stable"})
    items, body = statuses(world, person["id"])
    assert {k for k, v in items.items() if v != "pass"} == {"checkin_rhythm"}
    assert body["unknown"] == 1 and body["failed"] == 0


def test_a_risky_inner_contact_is_named(world):
    person = world.person()
    world.post(f"/persons/{person['id']}/contacts", world.coordinator,
               {"name": "Old mate Dave", "role": "friend", "circle": "inner", "label": "risky"})
    body = world.client.get(f"/persons/{person['id']}/network-health", headers=world.coordinator).json
    [risky] = [i for i in body["items"] if i["key"] == "no_risky_inner_circle"]
    assert risky["status"] == "fail" and "Old mate Dave" in risky["reason"]


def test_an_overdue_assessment_fails(world, clock):
    person = world.person()
    clock.advance(days=31)
    items, _ = statuses(world, person["id"])
    assert items["assessment_not_overdue"] == "fail"


def test_the_network_map_picture(world):
    person = world.person(display_name="Sam")
    world.post(f"/persons/{person['id']}/contacts", world.coordinator,
               {"name": "Jo", "role": "sponsor", "circle": "inner", "label": "helpful"})
    response = world.client.get(f"/persons/{person['id']}/network-map.svg", headers=world.coordinator)
    assert response.status_code == 200 and response.content_type == "image/svg+xml; charset=utf-8"
    assert "Support network map for Sam" in response.get_data(as_text=True)
    other = world.client.get(f"/persons/{person['id']}/network-map.svg", headers=world.operator)
    assert other.status_code == 404
