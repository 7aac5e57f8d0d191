"""Cross-site request forgery: every form post of every service refuses another site.

The POST routes that page forms target are enumerated from each app's url_map (the routes
of its page blueprints, plus the shared /logout); the test fails if one appears without a
case here. For each, with a valid session cookie:

- a cross-site post (`Origin: https://evil.example`, another port of the same host,
  `Origin: null`, or no Origin and a foreign `Referer`) answers 403 and changes nothing:
  every table of the service's database (outbox included) is the same row for row, and
  no session cookie is set or cleared;
- the same post from the page's own origin succeeds and changes something.

Only the self check-in form accepts `Origin: null` (its page is served with no-referrer,
under which browsers send that, and its URL is its secret). Beyond the forms, any
non-GET request authenticated by the session cookie, on any API route, is refused from
another origin; bearer-token clients are not browsers and are not asked. The login
cookie is HttpOnly and SameSite=Lax, and Secure when COOKIE_SECURE is set.
"""
from __future__ import annotations

import dataclasses
import importlib
import types
import uuid
from typing import Callable

import pytest
from sqlalchemy import select

from shared.db.migrations import upgrade
from tests.support.tokens import ORG_A, bearer

pytestmark = pytest.mark.integration

SAME_ORIGIN = {"Origin": "http://localhost"}
CROSS_SITE = [
    {"Origin": "https://evil.example"},
    {"Origin": "http://localhost:8001"},  # another service on the same host is another origin
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "null"},  # a sandboxed frame
    {"Referer": "https://evil.example/form.html"},  # an old browser that sends no Origin
]


@pytest.fixture
def app_for(settings_for, clock):
    apps = []

    def build(service: str, **overrides):
        settings = settings_for(service, **overrides)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, settings.database_url)
        app = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["circles"].dispose()


def snapshot(app) -> dict:
    """Every row of every table of the service's database."""
    runtime = app.extensions["circles"]
    tables = {}
    with runtime.engine.connect() as conn:
        for table in runtime.spec.metadata.sorted_tables:
            tables[table.name] = sorted(map(repr, conn.execute(select(table)).all()))
    return tables


def token_of(headers: dict) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


@dataclasses.dataclass
class Post:
    path: str
    data: dict
    session: str | None  # the session cookie's token, if the form is behind a login
    succeeded: tuple[int, ...] = (303,)
    effect: str = "database"  # or "sets the cookie" / "clears the cookie"


# --- one case per form post, per service ----------------------------------------------------

def people_cases(app, clock) -> dict[str, Callable[[], Post]]:
    from tests.integration.people_support import PASSWORD, PeopleWorld
    world = PeopleWorld(app.test_client(), app)
    person = world.person(display_name="Sam")
    base = f"/persons/{person['id']}"
    kim = world.post(f"{base}/contacts", world.coordinator,
                     {"name": "Kim", "role": "family", "circle": "inner", "label": "helpful"})["id"]
    world.post(f"{base}/invitations", world.coordinator, {"email": "sam@example.org"})
    [invitation] = world.events("circles.people.invitation.sent.v1")
    world.client.post("/invitations/accept", json={"token": invitation["token"], "password": PASSWORD})
    coordinator, sam = token_of(world.coordinator), token_of(world.login("sam@example.org"))
    grant = {"recipients": [kim], "data_classes": ["attendance"], "purposes": ["family_support"],
             "expires_on": "2026-12-31", "typed_name": "Sam"}

    def revoke():
        client = app.test_client()
        client.set_cookie("circles_session", sam)
        assert client.post("/my-plan/consents", data=grant, headers=SAME_ORIGIN).status_code == 303
        consent = next(c["consent_id"] for c in world.client.get(f"{base}/consents", headers=world.coordinator).json
                       if c["status"] != "revoked")
        return Post(f"/my-plan/consents/{consent}/revoke", {"reason": "Changed my mind"}, sam)

    return {
        "pages.login": lambda: Post("/login", {"email": "coordinator@northsiderecovery.example",
                                               "password": PASSWORD}, None, effect="sets the cookie"),
        "pages.intake": lambda: Post("/staff/persons/new", {"display_name": "Alex", "timezone": "Europe/London",
                                                            "region": "GB", "site_id": world.hub}, coordinator),
        "my_plan.grant": lambda: Post("/my-plan/consents", grant, sam),
        "my_plan.revoke": revoke,
        "my_plan.ask_for_my_data": lambda: Post("/my-plan/data-requests", {}, sam),
        "logout": lambda: Post("/logout", {}, coordinator, effect="clears the cookie"),
    }


def checkins_cases(app, clock) -> dict[str, Callable[[], Post]]:
    from tests.integration.checkins_support import CheckinsWorld
    world = CheckinsWorld(app.extensions["circles"], clock, client=app.test_client())
    person = world.person()
    staff = world.as_staff(person.peer_worker)
    session = token_of(staff)
    client = world.client
    client.post("/rhythms", headers=staff, json={
        "person_id": person.id, "kind": "weekly_checkin", "first_start_local": "2026-03-03T18:00"})
    sessions = iter(client.get("/sessions", headers=staff, query_string={"person_id": person.id}).json)
    tasks = iter(task["id"] for phase in [client.get(f"/persons/{person.id}/starter-plan", headers=staff).json]
                 for task in phase["tasks"])

    def item():
        made = client.post(f"/persons/{person.id}/action-items", headers=staff, json={
            "what": "Book the dentist", "owner_kind": "staff", "owner_id": person.peer_worker.id,
            "due_on": "2026-03-09"}).json
        return Post(f"/staff/action-items/{made['id']}/done", {}, session)

    def link():
        url = client.post(f"/persons/{person.id}/self-checkin-links", headers=staff).json["url"]
        return Post(url.removeprefix("http://localhost"), {"wellbeing": "6", "help": "Rent letter"}, None,
                    succeeded=(200,))

    def new_plan():
        other = world.person()  # a plan was started at registration; this one is asked for again
        return Post(f"/staff/persons/{other.id}/starter-plan", {}, token_of(world.as_staff(other.peer_worker)),
                    effect="none: the plan exists")

    return {
        "self_checkin.submit": link,
        "checkins_staff_actions.reschedule": lambda: Post(
            f"/staff/sessions/{next(sessions)['id']}/reschedule", {"starts_local": "2026-03-20T17:30"}, session),
        "checkins_staff_actions.cancel": lambda: Post(
            f"/staff/sessions/{next(sessions)['id']}/cancel", {"reason": "Holiday"}, session),
        "checkins_staff_actions.add_weekly_rhythm": lambda: Post(
            f"/staff/persons/{person.id}/rhythms", {"first_start": "2026-03-05T10:00", "weekday": "TH"}, session),
        "checkins_staff_actions.mark_item_done": item,
        "checkins_staff_actions.change_plan_task": lambda: Post(
            f"/staff/plan-tasks/{next(tasks)}", {"done": "yes"}, session),
        "checkins_staff_actions.start_plan": new_plan,
        "checkins_staff_forms.record_checkin": lambda: Post(
            f"/staff/persons/{person.id}/checkins/new", {"wellbeing": "7", "wins": "A good week"}, session),
        "logout": lambda: Post("/logout", {}, session, effect="clears the cookie"),
    }


def notifications_cases(app, clock) -> dict[str, Callable[[], Post]]:
    from tests.integration.notifications_support import NotificationsWorld
    nowhere = types.SimpleNamespace(port=9, url="http://127.0.0.1:9")
    world = NotificationsWorld(app.extensions["circles"], clock, nowhere, nowhere, client=app.test_client())
    sam = world.person()
    world.missed(sam)
    world.dispatch()  # the in-app inbox needs no server (email and SMS go nowhere and wait)
    peer = world.headers(role="peer_worker", subject=sam.peer_worker)
    items = iter(world.client.get("/inbox", headers=peer).json)
    admin = token_of(world.headers(role="admin"))
    return {
        "notifications_staff.mark_read": lambda: Post(f"/staff/inbox/{next(items)['id']}/read", {},
                                                      token_of(peer)),
        "notifications_staff_settings.change_settings": lambda: Post("/staff/settings", {
            "quiet_start": "22:30", "quiet_end": "07:00", "rate_limit_per_hour": "10", "locale": "es"}, admin),
        "logout": lambda: Post("/logout", {}, admin, effect="clears the cookie"),
    }


def resources_cases(app, clock) -> dict[str, Callable[[], Post]]:
    import json

    from tests.integration.test_resources_directory import CAFE, RIVERSIDE
    from tests.integration.test_resources_pages import NEW_CAFE
    client = app.test_client()
    editor = bearer(app.extensions["circles"].settings, role="coordinator", org=ORG_A)
    riverside, cafe = (client.post("/listings", json=body, headers=editor).json["id"] for body in (RIVERSIDE, CAFE))
    session = token_of(editor)
    feed = json.dumps([{"name": "New Thursday Group", "slug": "new-thursday", "day": 4, "time": "18:30"}])
    return {
        "resources_listing_form.create": lambda: Post("/staff/listings/new", NEW_CAFE, session),
        "resources_listing_form.update": lambda: Post(f"/staff/listings/{cafe}/edit",
                                                      dict(NEW_CAFE, slug="hub-cafe"), session),
        "resources_staff.retire": lambda: Post(f"/staff/listings/{riverside}/retire", {}, session),
        "resources_staff_import.run": lambda: Post("/staff/import", {"feed": feed, "timezone": "Europe/London"},
                                                   session, succeeded=(200,)),
        "logout": lambda: Post("/logout", {}, session, effect="clears the cookie"),
    }


def reporting_cases(app, clock) -> dict[str, Callable[[], Post]]:
    admin = token_of(bearer(app.extensions["circles"].settings, role="admin", org=ORG_A))
    return {"logout": lambda: Post("/logout", {}, admin, effect="clears the cookie")}


CASES = {"people": people_cases, "checkins": checkins_cases, "notifications": notifications_cases,
         "resources": resources_cases, "reporting": reporting_cases}


def form_posts(app) -> set[str]:
    """The POST routes page forms target: the page blueprints' and the shared /logout."""
    pages = app.config["CIRCLES_PAGE_BLUEPRINTS"]
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and (rule.endpoint.rpartition(".")[0] in pages or rule.endpoint == "logout")}


def post(app, case: Post, headers: dict):
    client = app.test_client()
    if case.session:
        client.set_cookie("circles_session", case.session)
    return client.post(case.path, data=case.data, headers=headers)


def session_cookie_set(response) -> bool:
    return any(c.startswith("circles_session=") for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("service", list(CASES))
def test_every_form_post_refuses_another_site_and_changes_nothing(service, app_for, clock):
    app = app_for(service)
    cases = CASES[service](app, clock)
    assert set(cases) == form_posts(app), "a form post without a case here (or a case without a route)"
    for endpoint, make in cases.items():
        case = make()
        before = snapshot(app)
        for headers in CROSS_SITE:
            if endpoint == "self_checkin.submit" and headers == {"Origin": "null"}:
                continue  # accepted there, by design (below)
            response = post(app, case, headers)
            assert response.status_code == 403, (endpoint, headers, response.status_code)
            assert not session_cookie_set(response), (endpoint, headers)
            assert snapshot(app) == before, f"{endpoint} changed the database on a post with {headers}"
        response = post(app, case, SAME_ORIGIN)
        assert response.status_code in case.succeeded, (endpoint, response.status_code,
                                                         response.get_data(as_text=True)[:500])
        if case.effect == "database":
            assert snapshot(app) != before, f"{endpoint}: the same-origin post changed nothing"
        elif case.effect == "sets the cookie":
            assert session_cookie_set(response)
        elif case.effect == "clears the cookie":
            [cookie] = response.headers.getlist("Set-Cookie")
            assert cookie.startswith("circles_session=;") and "Expires=Thu, 01 Jan 1970" in cookie


def test_only_the_self_checkin_form_accepts_an_opaque_origin(app_for, clock):
    from tests.integration.checkins_support import CheckinsWorld
    app = app_for("checkins")
    world = CheckinsWorld(app.extensions["circles"], clock, client=app.test_client())
    person = world.person()
    url = world.client.post(f"/persons/{person.id}/self-checkin-links",
                            headers=world.as_staff(person.peer_worker)).json["url"]
    page = world.client.get(url)
    assert page.headers["Referrer-Policy"] == "no-referrer"  # so browsers post its form with Origin: null
    sent = world.client.post(url, data={"wellbeing": "5"}, headers={"Origin": "null"})
    assert sent.status_code == 200 and "Your check-in was sent" in sent.get_data(as_text=True)


@pytest.mark.parametrize("service", list(CASES))
def test_any_change_made_with_the_session_cookie_must_come_from_this_origin(service, app_for, clock):
    """The API accepts the session cookie too: every non-GET route that is not public
    refuses a cookie-authenticated request from another origin before it does anything."""
    from shared.web import auth
    app = app_for(service)
    admin = bearer(app.extensions["circles"].settings, role="admin", org=ORG_A)
    evil = {"Origin": "https://evil.example"}
    changes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            values = {name: (str(uuid.uuid4()) if name != "kind" else "person") for name in rule.arguments}
            path = app.url_map.bind("localhost").build(rule.endpoint, values, method=method)
            with app.test_request_context(path, method=method):
                if not auth.is_public_request():
                    changes.append((method, path, rule.rule))
    assert changes
    before = snapshot(app)
    for method, path, rule in changes:
        client = app.test_client()
        client.set_cookie("circles_session", token_of(admin))
        response = client.open(path, method=method, json={}, headers=evil)
        assert response.status_code == 403, (method, rule, response.status_code)
    assert snapshot(app) == before
    # A bearer token is not something a browser sends by itself: the API asks no origin of
    # it (the page forms always check theirs).
    pages = app.config["CIRCLES_PAGE_BLUEPRINTS"]
    for method, path, rule in changes:
        if app.url_map.bind("localhost").match(path, method=method)[0].rpartition(".")[0] in pages:
            continue
        response = app.test_client().open(path, method=method, json={}, headers={**admin, **evil})
        assert "Circles page itself" not in response.get_data(as_text=True), (method, rule)


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_http_only_same_site_lax_and_secure_over_tls(secure, app_for):
    from services.people.usecases.organisations import create_organisation
    app = app_for("people", cookie_secure=secure)
    with app.extensions["circles"].uow() as uow:
        create_organisation(uow, "Northside", "admin@northside.example", "Ada", "correct horse battery staple")
    response = app.test_client().post("/login", data={"email": "admin@northside.example",
                                                      "password": "correct horse battery staple"})
    [cookie] = response.headers.getlist("Set-Cookie")
    attributes = {part.strip().split("=")[0] for part in cookie.split(";")[1:]}
    assert cookie.startswith("circles_session=") and {"HttpOnly", "SameSite", "Path", "Max-Age"} <= attributes
    assert "SameSite=Lax" in cookie and "Path=/" in cookie
    assert ("Secure" in attributes) is secure
    assert response.headers["Cache-Control"] == "no-store"  # a response that sets the cookie is never stored
