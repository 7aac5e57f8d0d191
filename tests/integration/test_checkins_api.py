"""Check-in records through the API on a real database: the agenda, flags, action items,
validation, auth and who may see what."""
import uuid

import pytest
from sqlalchemy import func, select

from tests.support.sql_log import statements_sent
from tests.support.tokens import ORG_B, bearer

SITE_1 = "aaaaaaaa-0000-4000-8000-000000000001"
SITE_2 = "aaaaaaaa-0000-4000-8000-000000000002"


@pytest.fixture
def world(checkins_world):
    return checkins_world


def record_count(world):
    table = world.runtime.spec.metadata.tables["checkin_records"]
    with world.runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_full_agenda_is_stored_and_only_numbers_and_names_leave_the_service(world):
    person = world.person()
    response = world.client.post("/checkins", json={
        "person_id": person.id, "wellbeing": 7, "wins": "Called my sponsor", "risks_and_needs": "Rent due",
        "practical_tasks": "GP on Friday", "days_abstinent_last_30": 24, "medication_adherence": "partial",
        "risk_flags": [{"kind": "unsafe_housing", "severity": "medium"}],
        "action_items": [{"what": "Ring the housing officer", "owner_kind": "staff", "owner_id": person.peer_worker.id,
                          "due_on": "2026-03-04"},
                         {"what": "Lift to GP", "owner_kind": "contact", "owner_id": person.contact_id,
                          "due_on": "2026-03-06"}],
    }, headers={**world.as_staff(person.peer_worker), "X-Correlation-ID": "corr-12345678"})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["wins"] == "Called my sponsor" and body["medication_adherence"] == "partial"
    assert [f["kind"] for f in body["risk_flags"]] == ["unsafe_housing"]
    assert [i["status"] for i in body["action_items"]] == ["open", "open"]
    [completed] = world.events("checkin.completed")
    assert completed == {**completed, "checkin_id": body["id"], "wellbeing": 7, "days_abstinent_last_30": 24,
                         "risk_flags": ["unsafe_housing"], "source": "staff"}
    assert not {"wins", "risks_and_needs", "practical_tasks"} & set(completed)
    assert len(world.events("action_item.created")) == 2
    assert world.events("risk.flagged") == []  # medium: no alert
    assert "Ring" not in str(world.events("action_item.created"))


def test_a_high_severity_flag_raises_risk_flagged_in_the_same_transaction(world):
    person = world.person(region="GB")
    response = world.client.post("/checkins", json={
        "person_id": person.id, "wellbeing": 2, "risk_flags": [
            {"kind": "overdose_risk", "severity": "high"}, {"kind": "relapse", "severity": "high"},
            {"kind": "violence", "severity": "low"}]}, headers=world.as_staff(person.clinician))
    assert response.status_code == 201
    [alert] = world.events("risk.flagged")
    assert alert["kinds"] == ["overdose_risk", "relapse"] and alert["severity"] == "high"
    assert alert["region"] == "GB" and alert["checkin_id"] == response.json["id"]
    assert len(alert["flag_ids"]) == 2



def test_the_answer_to_a_new_check_in_is_what_reading_it_back_gives(world):
    """The 201 is built from the rows just written, not read again: same fields, flags by
    kind and items by due date, as GET /checkins/{id} orders them."""
    person = world.person()
    staff = world.as_staff(person.peer_worker)
    response = world.client.post("/checkins", json={
        "person_id": person.id, "wellbeing": 4, "wins": "Kept my appointment",
        "risk_flags": [{"kind": "violence", "severity": "low"}, {"kind": "relapse", "severity": "medium"},
                       {"kind": "other", "severity": "low"}],
        "action_items": [{"what": "Lift to GP", "owner_kind": "contact", "owner_id": person.contact_id,
                          "due_on": "2026-03-09"},
                         {"what": "Ring the housing officer", "owner_kind": "staff",
                          "owner_id": person.peer_worker.id, "due_on": "2026-03-04"}],
    }, headers=staff)
    assert response.status_code == 201, response.json
    assert [f["kind"] for f in response.json["risk_flags"]] == ["other", "relapse", "violence"]
    assert [i["due_on"] for i in response.json["action_items"]] == ["2026-03-04", "2026-03-09"]
    read_back = world.client.get(f"/checkins/{response.json['id']}", headers=staff)
    assert read_back.status_code == 200 and read_back.json == response.json


def test_a_list_gives_each_check_in_its_own_flags_and_items_in_the_same_queries_for_any_length(world):
    person = world.person()
    staff = world.as_staff(person.peer_worker)
    item = {"what": "Ring the housing officer", "owner_kind": "staff", "owner_id": person.peer_worker.id}
    bodies = [{"risk_flags": [{"kind": "relapse", "severity": "medium"}, {"kind": "other", "severity": "low"}]},
              {},
              {"action_items": [{**item, "due_on": "2026-03-09"}, {**item, "due_on": "2026-03-04"}],
               "risk_flags": [{"kind": "violence", "severity": "low"}]}]
    posted = [world.client.post("/checkins", json={"person_id": person.id, "wellbeing": 5,
                                                   "completed_at": f"2026-03-01T0{hour}:00:00+00:00", **body},
                                headers=staff).json for hour, body in enumerate(bodies, start=1)]

    def listed(limit):
        with statements_sent(world.runtime.engine) as statements:
            response = world.client.get(f"/checkins?person_id={person.id}&limit={limit}", headers=staff)
        assert response.status_code == 200, response.json
        return response.json, len(statements)

    (one, queries_for_one), (three, queries_for_three) = listed(1), listed(3)
    assert three == posted[::-1] and one == posted[-1:]  # newest first, each with its own rows
    assert queries_for_three == queries_for_one  # no query per listed check-in


@pytest.mark.parametrize("body, fields", [
    ({"person_id": "not-a-uuid", "wellbeing": 11}, {"person_id", "wellbeing"}),
    ({"wellbeing": 5, "risk_flags": [{"kind": "boredom", "severity": "high"}]}, {"risk_flags"}),
    ({"wellbeing": 5, "medication_adherence": "sometimes", "days_abstinent_last_30": 31},
     {"medication_adherence", "days_abstinent_last_30"}),
    ({"wellbeing": 5, "action_items": [{"what": "x", "owner_kind": "cat", "owner_id": "1", "due_on": "soon"}]},
     {"action_items"}),
])
def test_invalid_input_is_a_problem_and_writes_nothing(world, body, fields):
    person = world.person()
    response = world.client.post("/checkins", json={"person_id": person.id, **body}, headers=world.headers())
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]["json"]) == fields
    assert record_count(world) == 0 and world.events("checkin.completed") == []


def test_an_owner_outside_the_network_is_refused_and_nothing_is_kept(world):
    person, other = world.person(), world.person()
    response = world.client.post("/checkins", json={
        "person_id": person.id, "wellbeing": 5,
        "action_items": [{"what": "x", "owner_kind": "contact", "owner_id": other.contact_id, "due_on": "2026-03-05"}],
    }, headers=world.headers())
    assert response.status_code == 422 and set(response.json["errors"]) == {"owner_id"}
    assert record_count(world) == 0
    bad_json = world.client.post("/checkins", data="{oops", content_type="application/json", headers=world.headers())
    assert bad_json.status_code == 400 and bad_json.content_type == "application/problem+json"


def test_requests_without_a_valid_token_are_refused(world):
    settings = world.settings
    assert world.client.get("/checkins").status_code == 401
    forged = bearer(settings.with_overrides(jwt_secret="someone-elses-secret-0123456789abcdef"))
    response = world.client.get("/checkins", headers=forged)
    assert response.status_code == 401 and response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    person = world.person()
    assert world.client.post("/checkins", json={"person_id": person.id, "wellbeing": 5},
                             headers=world.headers(role="supporter")).status_code == 403


def test_callers_see_only_the_persons_the_people_rules_give_them(world):
    at_site_1, at_site_2 = world.person(site=SITE_1), world.person(site=SITE_2)
    created = world.client.post("/checkins", json={"person_id": at_site_1.id, "wellbeing": 5},
                                headers=world.headers()).json
    world.client.post("/checkins", json={"person_id": at_site_2.id, "wellbeing": 5}, headers=world.headers())

    other_org = bearer(world.settings, org=ORG_B)
    assert world.client.get("/checkins", headers=other_org).json == []
    assert world.client.get(f"/checkins/{created['id']}", headers=other_org).status_code == 404
    # A peer worker sees the persons assigned to them, not the whole site.
    mine = world.client.get("/checkins", headers=world.as_staff(at_site_1.peer_worker)).json
    assert [c["person_id"] for c in mine] == [at_site_1.id]
    assert world.client.get(f"/checkins/{created['id']}",
                            headers=world.as_staff(at_site_2.peer_worker)).status_code == 404
    site_2_coordinator = world.headers(sites=[SITE_2])
    assert [c["person_id"] for c in world.client.get("/checkins", headers=site_2_coordinator).json] == [at_site_2.id]
    assert len(world.client.get("/checkins", headers=world.headers(role="admin")).json) == 2
    unknown = world.client.post("/checkins", json={"person_id": str(uuid.uuid4()), "wellbeing": 5},
                                headers=world.headers())
    assert unknown.status_code == 404
