"""Self check-in from a signed link, through the API and the page, on a real database:
one use per link, expiry on the service clock, the talk-now alert and crisis numbers,
who may mint links, and that link tokens and API tokens never stand in for each other."""
import re

import pytest
from sqlalchemy import func, select

from services.checkins.usecases import self_checkin
from tests.support.tokens import ORG_B, bearer


@pytest.fixture
def world(checkins_world):
    return checkins_world


def mint(world, person, staff=None, **body):
    response = world.client.post(f"/persons/{person.id}/self-checkin-links", json=body,
                                 headers=world.as_staff(staff or person.peer_worker))
    assert response.status_code == 201, response.json
    return response.json["url"].split("/self-checkin/", 1)[1]


def send(world, token, wellbeing="6", help_text="", talk_now=False, **headers):
    form = {"wellbeing": wellbeing, "help": help_text, **({"talk_now": "yes"} if talk_now else {})}
    return world.client.post(f"/self-checkin/{token}", data=form, headers=headers)


def records(world):
    table = world.runtime.spec.metadata.tables["checkin_records"]
    with world.runtime.engine.connect() as conn:
        return conn.execute(select(table).order_by(table.c.recorded_at)).mappings().all()


def test_minting_returns_a_page_url_on_this_host_and_the_expiry(world, clock):
    person = world.person()
    response = world.client.post(f"/persons/{person.id}/self-checkin-links", headers=world.as_staff(person.peer_worker))
    assert response.status_code == 201
    assert response.json["url"].startswith("http://localhost/self-checkin/")
    assert response.json["expires_at"] == "2026-03-04T09:30:00+00:00"  # 48 hours by default


def test_a_link_works_once(world):
    person = world.person()
    token = mint(world, person)
    page = world.client.get(f"/self-checkin/{token}")
    assert page.status_code == 200 and "<legend>How are you feeling today?" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    thanks = send(world, token, "7", "Help with my rent letter")
    assert thanks.status_code == 200 and "Your check-in was sent" in thanks.get_data(as_text=True)
    again = send(world, token, "3")
    assert again.status_code == 410 and "already been sent" in again.get_data(as_text=True)
    assert world.client.get(f"/self-checkin/{token}").status_code == 410
    [record] = records(world)
    assert (record["wellbeing"], record["source"], record["risks_and_needs"]) == (7, "self", "Help with my rent letter")
    assert record["recorded_by"].startswith("self-checkin:")
    [completed] = world.events("checkin.completed")
    assert completed["source"] == "self" and "risks_and_needs" not in completed


def test_two_submits_racing_on_one_link_store_one_check_in(world):
    person = world.person()
    token = mint(world, person)
    settings = world.runtime.settings
    with world.runtime.uow() as first, world.runtime.uow() as second:
        # The second has loaded the link while it was unused (kept referenced, so its
        # session does not reload it): only the guarded UPDATE can stop it now.
        seen, _ = self_checkin.open_link(second, token, settings=settings)
        self_checkin.answer(first, token, 5, "", False, settings=settings)
        with pytest.raises(self_checkin.LinkUsed):
            self_checkin.answer(second, token, 4, "", False, settings=settings)
        assert seen.used_at is None
    assert len(records(world)) == 1


def test_a_link_expires_on_the_service_clock(world, clock):
    person = world.person()
    token = mint(world, person, ttl_hours=1)
    clock.advance(minutes=59)
    assert world.client.get(f"/self-checkin/{token}").status_code == 200
    clock.advance(minutes=1)
    page = world.client.get(f"/self-checkin/{token}")
    assert page.status_code == 410 and "This link has expired" in page.get_data(as_text=True)
    assert send(world, token).status_code == 410
    assert records(world) == []


def flip_signature(token):
    head, signature = token.rsplit(".", 1)
    return f"{head}.{signature[:10]}{'B' if signature[10] == 'A' else 'A'}{signature[11:]}"


@pytest.mark.parametrize("tamper", [
    flip_signature,
    lambda t: t.split(".")[0] + ".e30." + t.split(".")[2],  # claims swapped for {}
    lambda t: "not-a-token",
])
def test_a_tampered_link_is_not_found_and_names_nobody(world, tamper):
    person = world.person()
    token = tamper(mint(world, person))
    for response in (world.client.get(f"/self-checkin/{token}"), send(world, token)):
        html = response.get_data(as_text=True)
        assert response.status_code == 404 and "This link does not work" in html
        assert person.id not in html and "999" not in html
    assert records(world) == []


@pytest.mark.parametrize("region, shown, links", [
    ("GB", ["999", "116 123"], ['href="tel:999"', 'href="tel:116123"', 'href="sms:82111"']),
    ("US", ["988", "911"], ['href="tel:988"', 'href="tel:18006624357"']),
])
def test_talk_now_raises_one_alert_and_leads_with_the_regions_crisis_numbers(world, region, shown, links):
    person = world.person(region=region, timezone="America/New_York" if region == "US" else "Europe/London")
    page = send(world, mint(world, person), "2", "I am not safe tonight", talk_now=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Talk to someone now</h1>" in html
    assert all(number in html for number in shown) and all(link in html for link in links)
    assert html.index("tel:") < html.index("Your care team has been alerted")
    [alert] = world.events("risk.flagged")
    assert alert["source"] == "self" and alert["kinds"] == ["other"] and alert["region"] == region
    assert alert["checkin_id"] == records(world)[0]["id"]


def test_without_talk_now_no_alert_is_raised(world):
    person = world.person()
    page = send(world, mint(world, person), "8")
    assert page.status_code == 200 and "<h1>Thank you</h1>" in page.get_data(as_text=True)
    assert world.events("risk.flagged") == [] and len(world.events("checkin.completed")) == 1


@pytest.mark.parametrize("wellbeing", [None, "0", "11", "seven"])
def test_bad_wellbeing_is_explained_and_keeps_the_link(world, wellbeing):
    person = world.person()
    token = mint(world, person)
    form = {"help": "Food bank <b>voucher</b>", "talk_now": "yes", **({"wellbeing": wellbeing} if wellbeing else {})}
    refused = world.client.post(f"/self-checkin/{token}", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "Choose how you are feeling, from 1 to 10." in html and 'href="#wellbeing-1"' in html
    assert "Food bank &lt;b&gt;voucher&lt;/b&gt;</textarea>" in html
    assert re.search(r'<input type="checkbox" id="talk_now"[^>]*\schecked>', html)  # answers kept
    assert records(world) == [] and world.events("risk.flagged") == []
    assert send(world, token, "4").status_code == 200


def test_a_form_post_from_another_site_is_refused_and_keeps_the_link(world):
    person = world.person()
    token = mint(world, person)
    assert send(world, token, Origin="https://evil.example").status_code == 403
    assert send(world, token).status_code == 200


def test_only_staff_who_can_see_the_person_can_mint_a_link(world):
    person, other = world.person(), world.person()
    path = f"/persons/{person.id}/self-checkin-links"
    assert world.client.post(path, json={}).status_code == 401
    assert world.client.post(path, json={}, headers=world.as_staff(other.peer_worker)).status_code == 404
    assert world.client.post(path, json={}, headers=bearer(world.settings, role="admin", org=ORG_B)).status_code == 404
    for role, extra in (("participant", {"person_id": person.id}), ("supporter", {"contact_id": person.contact_id})):
        assert world.client.post(path, json={}, headers=world.headers(role, **extra)).status_code == 403
    for ttl in (0, 169):
        assert world.client.post(path, json={"ttl_hours": ttl}, headers=world.headers("admin")).status_code == 422
    assert world.client.post(path, json={"ttl_hours": 168}, headers=world.as_staff(person.clinician)).status_code == 201
    assert world.client.post(path, headers=world.headers("coordinator")).status_code == 201


def test_link_tokens_and_api_tokens_never_stand_in_for_each_other(world):
    person = world.person()
    api_token = world.as_staff(person.peer_worker)["Authorization"].split(" ", 1)[1]
    assert world.client.get(f"/self-checkin/{api_token}").status_code == 404
    assert send(world, api_token).status_code == 404
    link_token = mint(world, person)
    as_bearer = {"Authorization": f"Bearer {link_token}"}
    assert world.client.get(f"/checkins?person_id={person.id}", headers=as_bearer).status_code == 401
    assert world.client.post(f"/persons/{person.id}/self-checkin-links", json={}, headers=as_bearer).status_code == 401
    world.client.set_cookie("circles_session", link_token)
    assert world.client.get("/checkins").status_code == 401
    table = world.runtime.spec.metadata.tables["self_checkin_links"]
    with world.runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 1


def test_a_link_handed_out_before_discharge_stops_working(world):
    person = world.person()
    token = mint(world, person)
    world.discharge(person)
    assert world.client.get(f"/self-checkin/{token}").status_code == 410
    assert send(world, token, "6").status_code == 410 and records(world) == []
