"""Crisis plans: versions, signature, call order from the network, numbers, print view."""
import pytest

from tests.integration.people_support import PeopleWorld


@pytest.fixture
def world(client_for):
    world = PeopleWorld(*client_for("people"))
    world.subject = world.person(region="GB-ENG")
    world.base = f"/persons/{world.subject['id']}"
    world.peer = world.post(f"{world.base}/contacts", world.coordinator, {
        "name": "Ravi", "role": "peer", "circle": "inner", "label": "helpful", "phone": "07700 900001"})["id"]
    world.gp = world.post(f"{world.base}/contacts", world.coordinator, {
        "name": "Dr <Lee>", "role": "clinician", "circle": "outer", "label": "helpful"})["id"]
    return world


def plan(world, **changes):
    return {"warning_signs": ["Stops answering texts", "Misses two check-ins"],
            "call_first": [{"contact_id": world.peer, "when": "daytime"},
                           {"contact_id": world.gp, "when": "out_of_hours"}],
            "naloxone": {"needed": True, "holder": "Ravi", "stored_at": "Kitchen drawer", "training": "Mar 2026"},
            **changes}


def test_a_plan_is_in_force_only_once_signed(world):
    draft = world.post(f"{world.base}/crisis-plan", world.coordinator, plan(world))
    assert draft["version"] == 1 and draft["signed_at"] is None
    view = world.client.get(f"{world.base}/crisis-plan", headers=world.coordinator).json
    assert view["signed"] is None and view["draft"]["version"] == 1
    assert {"999", "116 123"} <= {n["number"] for n in view["emergency_numbers"]}
    signed = world.post(f"{world.base}/crisis-plan/sign", world.coordinator, {"typed_name": "Sam R."}, status=200)
    assert signed["signed_by"] == "Sam R."
    [event] = world.events("circles.people.crisis_plan.signed.v1")
    assert [(c["order"], c["contact_id"], c["when"]) for c in event["call_first"]] == [
        (1, world.peer, "daytime"), (2, world.gp, "out_of_hours")]
    assert "Kitchen" not in str(event) and "texts" not in str(event)
    again = world.client.post(f"{world.base}/crisis-plan/sign", json={"typed_name": "Sam"}, headers=world.coordinator)
    assert again.status_code == 422


def test_a_new_version_leaves_the_signed_one_in_force(world):
    world.post(f"{world.base}/crisis-plan", world.coordinator, plan(world))
    world.post(f"{world.base}/crisis-plan/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    world.post(f"{world.base}/crisis-plan", world.coordinator, plan(world, warning_signs=["New sign"]))
    view = world.client.get(f"{world.base}/crisis-plan", headers=world.coordinator).json
    assert (view["signed"]["version"], view["draft"]["version"]) == (1, 2)
    versions = world.client.get(f"{world.base}/crisis-plan/versions", headers=world.coordinator).json
    assert [v["version"] for v in versions] == [2, 1]


def test_call_first_must_come_from_the_network(world):
    bad = plan(world, call_first=[{"contact_id": "00000000-0000-4000-8000-000000000000", "when": "any"}])
    response = world.client.post(f"{world.base}/crisis-plan", json=bad, headers=world.coordinator)
    assert response.status_code == 422


def test_the_printable_page_escapes_and_shows_the_numbers(world):
    world.post(f"{world.base}/crisis-plan", world.coordinator, plan(world))
    world.post(f"{world.base}/crisis-plan/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    page = world.client.get(f"{world.base}/crisis-plan/print", headers=world.coordinator)
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    html = page.get_data(as_text=True)
    assert "Dr &lt;Lee&gt;" in html and "<Lee>" not in html
    assert "@media print" in html and "116 123" in html and "Out of hours" in html
