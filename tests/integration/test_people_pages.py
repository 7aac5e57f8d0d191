"""Staff pages and the login page, through the Flask test client."""
import pytest

from tests.integration.people_support import PASSWORD, PeopleWorld


@pytest.fixture
def world(client_for):
    return PeopleWorld(*client_for("people"))


def log_in(world, email="coordinator@northsiderecovery.example", next_path=""):
    return world.client.post("/login", data={"email": email, "password": PASSWORD, "next": next_path})


def test_pages_send_visitors_without_a_session_to_the_login_page(world):
    response = world.client.get("/staff/persons?q=Sam")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login?next=%2Fstaff%2Fpersons%3Fq%3DSam")


def test_login_sets_an_http_only_session_cookie_and_honours_next(world):
    bad = world.client.post("/login", data={"email": "coordinator@northsiderecovery.example", "password": "nope"})
    assert bad.status_code == 401 and "Wrong email or password" in bad.get_data(as_text=True)
    response = log_in(world, next_path="/staff/persons/new")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/persons/new"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("circles_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert log_in(world, next_path="//evil.example/").headers["Location"] == "/staff/persons"


def test_the_cookie_works_for_the_api_too_and_logout_clears_it(world):
    log_in(world)
    assert world.client.get("/persons").status_code == 200
    world.client.post("/logout")
    assert world.client.get("/persons").status_code == 401


def test_intake_form_registers_through_the_use_case(world):
    log_in(world)
    refused = world.client.post("/staff/persons/new", data={"display_name": "", "timezone": "Nowhere/Land",
                                                            "region": "GB"})
    assert refused.status_code == 422 and "Not a known IANA time zone" in refused.get_data(as_text=True)
    made = world.client.post("/staff/persons/new", data={
        "display_name": "Sam <R>", "timezone": "Europe/London", "region": "GB", "site_id": world.hub,
        "goals": "Keep my tenancy\nRun 5k"})
    assert made.status_code == 303
    page = world.client.get(made.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sam &lt;R&gt;" in html and "<R>" not in html
    assert "Support network map for Sam &lt;R&gt;" in html and "Checklist:" in html
    assert [e["type"] for e in world.events("circles.people.person.registered.v1")]


def test_a_form_post_from_another_site_is_refused(world):
    log_in(world)
    response = world.client.post("/staff/persons/new", data={"display_name": "X"},
                                 headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_the_person_page_follows_the_access_rules(world):
    person = world.person(world.admin, display_name="Café only", site_id=world.cafe)
    log_in(world)  # the coordinator works at the hub
    assert world.client.get(f"/staff/persons/{person['id']}").status_code == 404
