"""The person's own page: they see their plan and grant and revoke consent themselves."""
import pytest

from tests.integration.people_support import PASSWORD, PeopleWorld


@pytest.fixture
def world(client_for):
    world = PeopleWorld(*client_for("people"))
    world.subject = world.person(display_name="Sam")
    base = f"/persons/{world.subject['id']}"
    world.sister = world.post(f"{base}/contacts", world.coordinator,
                              {"name": "Kim", "role": "family", "circle": "inner", "label": "helpful"})["id"]
    world.post(f"{base}/invitations", world.coordinator, {"email": "sam@example.org"})
    [invitation] = world.events("circles.people.invitation.sent.v1")
    world.client.post("/invitations/accept", json={"token": invitation["token"], "password": PASSWORD})
    return world


def decision(world):
    return world.client.get(f"/persons/{world.subject['id']}/consent-decision", headers=world.coordinator,
                            query_string={"recipient": world.sister, "data_class": "attendance",
                                          "purpose": "family_support"}).json


def test_the_person_logs_in_to_their_plan_and_decides_who_sees_what(world):
    login = world.client.post("/login", data={"email": "sam@example.org", "password": PASSWORD})
    assert login.headers["Location"] == "/my-plan"
    page = world.client.get("/my-plan").get_data(as_text=True)
    assert "Support network map for Sam" in page and "Kim" in page
    granted = world.client.post("/my-plan/consents", data={
        "recipients": [world.sister], "data_classes": ["attendance"], "purposes": ["family_support"],
        "expires_on": "2026-12-31", "typed_name": "Sam"})
    assert granted.status_code == 303
    verdict = decision(world)
    assert verdict["allowed"] is True
    consent_id = verdict["consent_id"]
    assert world.client.post(f"/my-plan/consents/{consent_id}/revoke").status_code == 303
    assert decision(world)["allowed"] is False
    assert "Stop sharing" not in world.client.get("/my-plan").get_data(as_text=True)


def test_an_incomplete_grant_is_explained_and_shares_nothing(world):
    world.client.post("/login", data={"email": "sam@example.org", "password": PASSWORD})
    response = world.client.post("/my-plan/consents", data={"recipients": [world.sister], "typed_name": "Sam"})
    assert response.status_code == 422 and "role=\"alert\"" in response.get_data(as_text=True)
    assert decision(world)["allowed"] is False


def test_staff_do_not_have_a_my_plan_page(world):
    world.client.post("/login", data={"email": "coordinator@northsiderecovery.example", "password": PASSWORD})
    assert world.client.get("/my-plan").status_code == 403
