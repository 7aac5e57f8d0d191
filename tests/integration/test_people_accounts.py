"""Logging in, sites and staff accounts."""
import jwt
import pytest

from tests.integration.people_support import PASSWORD, PeopleWorld


@pytest.fixture
def world(client_for):
    return PeopleWorld(*client_for("people"))


def test_token_endpoint_issues_the_shared_jwt(world):
    response = world.client.post("/auth/token", json={"email": "ADMIN@northsiderecovery.example", "password": PASSWORD})
    assert response.status_code == 200
    claims = jwt.decode(response.json["access_token"], options={"verify_signature": False})
    assert claims["role"] == "admin" and claims["org"] == world.org_id
    coordinator = jwt.decode(world.coordinator["Authorization"][7:], options={"verify_signature": False})
    assert coordinator["sites"] == [world.hub]


@pytest.mark.parametrize("email, password", [
    ("admin@northsiderecovery.example", "wrong password!!"),
    ("nobody@northsiderecovery.example", PASSWORD),
])
def test_bad_credentials_get_one_answer(world, email, password):
    response = world.client.post("/auth/token", json={"email": email, "password": password})
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert response.json["detail"] == "Wrong email or password."


def test_staff_rules(world):
    def add(headers, **body):
        base = {"email": "new@x.example", "display_name": "New", "role": "peer_worker",
                "site_ids": [world.hub], "password": PASSWORD}
        return world.client.post("/staff", json={**base, **body}, headers=headers)

    assert add(world.admin, role="coordinator", site_ids=[]).status_code == 422
    assert add(world.admin, password="short").status_code == 422
    assert add(world.admin, site_ids=["00000000-0000-4000-8000-000000000000"]).status_code == 422
    assert add(world.coordinator).status_code == 403
    assert add(world.admin).status_code == 201
    assert add(world.admin).status_code == 409
    assert world.client.get("/staff", headers=world.peer_worker).status_code == 403
    assert {s["role"] for s in world.client.get("/staff", headers=world.coordinator).json} >= {"admin", "operator"}


def test_staff_registered_event_carries_no_secret(world):
    [event] = [e for e in world.events("circles.people.staff.registered.v1") if e["role"] == "peer_worker"]
    assert event["email"] == "peer_worker@northsiderecovery.example"
    assert "password" not in str(event) and "argon2" not in str(event)


def test_admins_configure_review_interval_and_regional_numbers(world):
    ireland = {"IE": [{"label": "Emergency services", "number": "112"}]}
    assert world.client.patch("/organisation", json={"assessment_interval_days": 120},
                              headers=world.admin).status_code == 422
    assert world.client.patch("/organisation", json={"assessment_interval_days": 60},
                              headers=world.coordinator).status_code == 403
    changed = world.client.patch("/organisation", json={"assessment_interval_days": 60, "emergency_numbers": ireland},
                                 headers=world.admin)
    assert changed.status_code == 200 and changed.json["assessment_interval_days"] == 60
    person = world.person(region="IE", timezone="Europe/Dublin")
    view = world.client.get(f"/persons/{person['id']}/crisis-plan", headers=world.coordinator).json
    assert [n["number"] for n in view["emergency_numbers"]] == ["112"]
    made = world.post(f"/persons/{person['id']}/assessments", world.coordinator, {"housing_status": "stable"})
    assert (made["next_due_at"][:10]) == "2026-05-01"  # 2 March + 60 days
