"""Participant and supporter logins by invitation."""
import pytest

from tests.integration.people_support import PASSWORD, PeopleWorld


@pytest.fixture
def world(client_for):
    world = PeopleWorld(*client_for("people"))
    world.subject = world.person()
    return world


def token_from(world):
    [event] = world.events("circles.people.invitation.sent.v1")
    return event["token"]


def test_an_invited_participant_sets_a_password_and_sees_only_their_record(world):
    other = world.person(display_name="Someone else")
    made = world.post(f"/persons/{world.subject['id']}/invitations", world.coordinator, {"email": "sam@example.org"})
    assert made["accept_path"].startswith("/invitations/accept#")
    assert world.client.post("/auth/token", json={"email": "sam@example.org", "password": PASSWORD}).status_code == 403
    token = token_from(world)
    assert world.client.post("/invitations/accept", json={"token": token, "password": PASSWORD}).status_code == 204
    me = world.login("sam@example.org")
    assert [p["id"] for p in world.client.get("/persons", headers=me).json] == [world.subject["id"]]
    assert world.client.get(f"/persons/{other['id']}", headers=me).status_code == 404
    again = world.client.post("/invitations/accept", json={"token": token, "password": PASSWORD})
    assert again.status_code == 403  # single use


def test_invitations_expire_after_a_week(world, clock):
    world.post(f"/persons/{world.subject['id']}/invitations", world.coordinator, {"email": "late@example.org"})
    clock.advance(days=7, seconds=1)
    response = world.client.post("/invitations/accept", json={"token": token_from(world), "password": PASSWORD})
    assert response.status_code == 403


def test_a_supporter_must_be_on_the_network_map(world):
    path = f"/persons/{world.subject['id']}/invitations"
    stranger = world.client.post(path, json={"email": "x@example.org",
                                             "contact_id": "00000000-0000-4000-8000-000000000000"},
                                 headers=world.coordinator)
    assert stranger.status_code == 422
    contact = world.post(f"/persons/{world.subject['id']}/contacts", world.coordinator,
                         {"name": "Kim", "role": "family", "circle": "inner", "label": "helpful"})
    world.post(path, world.coordinator, {"email": "kim@example.org", "contact_id": contact["id"]})
    world.client.post("/invitations/accept", json={"token": token_from(world), "password": PASSWORD})
    kim = world.login("kim@example.org")
    # A supporter sees person records only through consent-gated views.
    assert world.client.get(f"/persons/{world.subject['id']}", headers=kim).status_code == 404
