"""Network contacts: the mapping template, its validation, and what the events carry."""
import pytest

from tests.integration.people_support import PeopleWorld

AGREED = {"meeting_frequency": "weekly call", "confidentiality": "no details to family",
          "emergency_contact": True, "limits": "not after 9pm", "agreed_on": "2026-03-01"}


@pytest.fixture
def world(client_for):
    world = PeopleWorld(*client_for("people"))
    world.subject = world.person()
    world.contacts_path = f"/persons/{world.subject['id']}/contacts"
    return world


def contact(**fields):
    return {"name": "Jo", "role": "sponsor", "circle": "inner", "label": "helpful", "phone": "07700 900123",
            "texts_ok": True, "hours_start": "09:00", "hours_end": "20:00", "reliability": 4,
            "helpfulness": 5, "is_backup": True, "support_types": ["mutual_help", "emotional"], **fields}


def test_a_contact_who_agreed_travels_with_their_channels(world):
    added = world.post(world.contacts_path, world.coordinator, contact(agreement=AGREED))
    assert added["agreement"]["agreed_on"] == "2026-03-01"
    [event] = world.events("circles.people.contact.added.v1")
    assert event["agreed_to_contact"] is True
    assert (event["name"], event["phone"], event["texts_ok"]) == ("Jo", "07700 900123", True)


def test_a_contact_who_did_not_agree_travels_without_name_or_channels(world):
    world.post(world.contacts_path, world.coordinator, contact())
    [event] = world.events("circles.people.contact.added.v1")
    assert event["agreed_to_contact"] is False
    assert not {"name", "phone", "email", "texts_ok"} & set(event)


def test_update_and_remove(world):
    added = world.post(world.contacts_path, world.coordinator, contact())
    path = f"{world.contacts_path}/{added['id']}"
    changed = world.client.patch(path, json={"label": "risky", "circle": "middle"}, headers=world.coordinator)
    assert changed.status_code == 200
    assert (changed.json["label"], changed.json["circle"], changed.json["name"]) == ("risky", "middle", "Jo")
    assert world.client.delete(path, headers=world.coordinator).status_code == 204
    assert world.client.get(world.contacts_path, headers=world.coordinator).json == []
    assert world.client.delete(path, headers=world.coordinator).status_code == 404
    types = [e["type"].split(".")[3] for e in world.events() if ".contact." in e["type"]]
    assert types == ["added", "updated", "removed"]


@pytest.mark.parametrize("bad", [{"circle": "centre"}, {"label": "great"}, {"reliability": 6},
                                 {"helpfulness": 0}, {"hours_end": None}, {"hours_start": "25:00"},
                                 {"support_types": ["money"]}, {"role": "boss"}, {"name": ""},
                                 {"agreement": {"limits": "none"}},
                                 # a trailing newline or another script's digits passed `^..$` / `\d`
                                 {"hours_start": "09:00\n"}, {"hours_end": "2\u0660:00"}])
def test_invalid_contacts_are_refused_and_nothing_is_written(world, bad):
    response = world.client.post(world.contacts_path, json=contact(**bad), headers=world.coordinator)
    assert response.status_code == 422, bad
    assert response.content_type == "application/problem+json"
    assert world.client.get(world.contacts_path, headers=world.coordinator).json == []


def test_other_organisations_cannot_touch_the_network(world, client_for):
    from shared.auth import mint_token
    token = mint_token(world.app.extensions["circles"].settings, subject="x", role="admin",
                       organisation_id="99999999-9999-4999-8999-999999999999")
    response = world.client.post(world.contacts_path, json=contact(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
