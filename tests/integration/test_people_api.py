import json
import uuid

from sqlalchemy import select

from tests.support.tokens import ORG_B, bearer


def test_registering_a_person_emits_their_name_only_where_notifications_reads_it(client_for):
    client, app = client_for("people")
    settings = app.extensions["circles"].settings
    response = client.post("/persons", json={"display_name": "Sam R.", "timezone": "Europe/London", "region": "GB"},
                           headers=bearer(settings))
    assert response.status_code == 201
    assert response.json["status"] == "intake"
    runtime = app.extensions["circles"]
    with runtime.engine.connect() as conn:
        [row] = conn.execute(select(runtime.spec.outbox)).all()
    assert row.event_type == "circles.people.person.registered.v1"
    payload = json.loads(row.payload)
    assert payload.pop("display_name") == "Sam R." and "Sam" not in json.dumps(payload)
    assert payload["person_id"] == response.json["id"]


def test_person_validation_and_scoping(client_for):
    client, app = client_for("people")
    settings = app.extensions["circles"].settings
    bad = client.post("/persons", json={"display_name": "", "timezone": "Mars/Olympus", "region": "gb"},
                      headers=bearer(settings))
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"display_name", "timezone", "region"}
    # "America" is a folder of the zone database (IsADirectoryError was a 500); "GB\n" passed `^..$`
    folder = client.post("/persons", json={"display_name": "Jo", "timezone": "America", "region": "GB\n"},
                         headers=bearer(settings))
    assert folder.status_code == 422 and set(folder.json["errors"]["json"]) == {"timezone", "region"}
    person = client.post("/persons", json={"display_name": "Jo", "timezone": "America/New_York", "region": "US-NY"},
                         headers=bearer(settings)).json
    assert client.get(f"/persons/{person['id']}", headers=bearer(settings)).status_code == 200
    assert client.get(f"/persons/{person['id']}", headers=bearer(settings, org=ORG_B)).status_code == 404
    assert client.get("/persons", headers=bearer(settings, org=ORG_B)).json == []
    assert client.get(f"/persons/{uuid.uuid4()}", headers=bearer(settings)).status_code == 404
