"""Security headers on every page of every service, found by crawling each app's url_map.

Each service runs on a fresh database with a little seeded data, so that every GET route
can be called with real ids (a person, a check-in, a listing, a self check-in link …). The
crawl calls every GET route twice, with a session cookie of a role that may see it and
without one, and checks:

- every response: `X-Content-Type-Options: nosniff`, a Content-Security-Policy, a
  Referrer-Policy of `strict-origin-when-cross-origin` or `no-referrer`;
- the routes that answer HTML are exactly the page routes (page blueprints), the printable
  crisis plan and the API docs; each page answers 200 to its role;
- every HTML page: the strict policy (`default-src 'self'`, `script-src 'none'`, no
  `'unsafe-inline'`, `object-src 'none'`, `base-uri 'none'`, `frame-ancestors 'none'`) and
  `X-Frame-Options: DENY`; only `/directory/embed` may be framed (`frame-ancestors *`, no
  X-Frame-Options); the markup has no script but JSON-LD data, no style attribute, no event
  handler attribute, and a <style> element only where the policy names its exact hash;
- the self check-in page (its URL is the credential): `Referrer-Policy: no-referrer`;
- every answer to an authenticated request, pages and JSON alike: `Cache-Control: no-store`.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import importlib
import json
import re
import uuid

import pytest

from shared.db.migrations import upgrade
from shared.web import auth
from tests.support.tokens import ORG_A, bearer

pytestmark = pytest.mark.integration

SERVICES = ("people", "checkins", "notifications", "resources", "reporting")
REFERRER_POLICIES = {"strict-origin-when-cross-origin", "no-referrer"}
FRAMEABLE = {("resources", "directory_pages.embed")}
# HTML that is not a page blueprint's: the printable crisis plan and the API docs.
OTHER_HTML = {("people", "crisis_plans.CrisisPlanPrint")} | {(s, "api-docs.openapi_swagger_ui") for s in SERVICES}
NO_REFERRER = {("checkins", "self_checkin.form")}


@pytest.fixture
def app_for(settings_for, clock):
    apps = []

    def build(service: str):
        settings = settings_for(service)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, settings.database_url)
        app = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["circles"].dispose()


@dataclasses.dataclass
class Site:
    """One service with seeded data: values for the URL arguments, and who browses."""
    app: object
    values: dict  # argument name -> value, or (endpoint, argument) -> value
    tokens: dict  # role name -> JWT
    default: str  # the role that browses
    roles: dict = dataclasses.field(default_factory=dict)  # endpoint -> role, where another one must


def token_of(headers: dict) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


# --- seeding ------------------------------------------------------------------------------

def seed_people(app, clock) -> Site:
    from tests.integration.people_support import PASSWORD, PeopleWorld
    world = PeopleWorld(app.test_client(), app)
    person = world.person(display_name="Sam")
    base = f"/persons/{person['id']}"
    kim = world.post(f"{base}/contacts", world.coordinator, {"name": "Kim", "role": "family", "circle": "inner",
                                                            "label": "helpful", "phone": "07700 900002"})["id"]
    world.post(f"{base}/crisis-plan", world.coordinator, {
        "warning_signs": ["Stops answering texts"], "call_first": [{"contact_id": kim, "when": "any"}],
        "naloxone": {"needed": False}})
    world.post(f"{base}/crisis-plan/sign", world.coordinator, {"typed_name": "Sam"}, status=200)
    consent = world.post(f"{base}/consents", world.coordinator, {
        "recipients": [kim], "data_classes": ["attendance"], "purposes": ["family_support"],
        "discloser": "Northside", "expiry_event": "end_of_treatment"})
    world.post(f"{base}/invitations", world.coordinator, {"email": "sam@example.org"})
    [invitation] = world.events("circles.people.invitation.sent.v1")
    assert world.client.post("/invitations/accept", json={"token": invitation["token"],
                                                          "password": PASSWORD}).status_code in (200, 204)
    participant = world.login("sam@example.org")
    request = world.post(f"{base}/subject-access", participant, {}, status=202)
    refused = world.post(f"{base}/erasure", world.admin, {"ground": "objection", "exemptions": {
        "freedom_of_expression": False, "legal_obligation": True, "public_health": False,
        "archiving_or_research": False, "legal_claims": False}})
    return Site(app, {"person_id": person["id"], "consent_id": consent["consent_id"], "name": "circles",
                      "filename": "nothing.txt", "request_id": request["id"], "erasure_id": refused["id"]},
                {"coordinator": token_of(world.coordinator), "participant": token_of(participant),
                 "admin": token_of(world.admin)},
                default="coordinator", roles={"my_plan.my_plan": "participant", "privacy.ErasureStatus": "admin",
                                              **dict.fromkeys(("privacy.SubjectAccessStatus",
                                                               "privacy.SubjectAccessBundle",
                                                               "privacy.SubjectAccessBundlePage"), "participant")})


def seed_checkins(app, clock) -> Site:
    from tests.integration.checkins_support import CheckinsWorld
    world = CheckinsWorld(app.extensions["circles"], clock, client=app.test_client())
    person = world.person()
    staff = world.as_staff(person.peer_worker)
    client = world.client
    rhythm = client.post("/rhythms", headers=staff, json={
        "person_id": person.id, "kind": "weekly_checkin", "first_start_local": "2026-03-03T18:00"}).json
    session = client.get("/sessions", headers=staff, query_string={"person_id": person.id}).json[0]
    record = client.post("/checkins", headers=staff, json={"person_id": person.id, "wellbeing": 6}).json
    link = client.post(f"/persons/{person.id}/self-checkin-links", headers=staff).json["url"]
    feed = client.post(f"/persons/{person.id}/calendar-token", headers=staff).json["token"]
    return Site(app, {"person_id": person.id, "rhythm_id": rhythm["id"], "session_id": session["id"],
                      "checkin_id": record["id"], ("self_checkin.form", "token"): link.rsplit("/", 1)[1],
                      ("calendars.feed", "token"): feed, "name": "checkins", "filename": "nothing.txt"},
                {"peer_worker": token_of(staff)}, default="peer_worker")


def seed_notifications(app, clock) -> Site:
    import types

    from tests.integration.notifications_support import NotificationsWorld
    nowhere = types.SimpleNamespace(port=9, url="http://127.0.0.1:9")  # nothing is dispatched here
    world = NotificationsWorld(app.extensions["circles"], clock, nowhere, nowhere, client=app.test_client())
    sam = world.person()
    world.missed(sam)
    return Site(app, {"person_id": sam.id, "name": "notifications", "filename": "nothing.txt"},
                {"peer_worker": token_of(world.headers(role="peer_worker", subject=sam.peer_worker)),
                 "admin": token_of(world.headers(role="admin"))},
                default="peer_worker", roles={"notifications_staff_settings.settings_page": "admin"})


def seed_resources(app, clock) -> Site:
    from tests.integration.test_resources_directory import CAFE, RIVERSIDE
    client = app.test_client()
    editor = bearer(app.extensions["circles"].settings, role="coordinator", org=ORG_A)
    ids = [client.post("/listings", json=body, headers=editor).json["id"] for body in (RIVERSIDE, CAFE)]
    return Site(app, {"listing_id": ids[0], "service_id": ids[0], "name": "directory", "filename": "nothing.txt"},
                {"coordinator": token_of(editor)}, default="coordinator")


def seed_reporting(app, clock) -> Site:
    from tests.support.reporting_history import SITE_NORTH, History, apply_live, utc
    runtime = app.extensions["circles"]
    history = History()
    person = history.person(utc(2026, 1, 2), SITE_NORTH, peer_worker="pw-1")
    history.checkin(person, utc(2026, 1, 5), days_abstinent=5)
    apply_live(runtime, history.events)
    return Site(app, {"person_id": person, "name": "reporting", "filename": "nothing.txt"},
                {"admin": token_of(bearer(runtime.settings, role="admin", org=ORG_A))}, default="admin")


SEEDS = {"people": seed_people, "checkins": seed_checkins, "notifications": seed_notifications,
         "resources": seed_resources, "reporting": seed_reporting}


# --- crawling -----------------------------------------------------------------------------

@dataclasses.dataclass
class Visit:
    service: str
    endpoint: str
    path: str
    role: str | None
    public: bool
    page: bool  # a route of one of the app's page blueprints
    response: object

    @property
    def html(self) -> bool:
        return self.response.mimetype == "text/html"

    @property
    def where(self) -> str:
        return f"{self.service} GET {self.path} ({self.endpoint}, as {self.role or 'a visitor'}) -> " \
               f"{self.response.status_code}"


def get_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)


def path_for(site: Site, rule) -> str:
    values = {}
    for name in rule.arguments:
        value = site.values.get((rule.endpoint, name), site.values.get(name))
        assert value is not None, f"seed a value for <{name}> of {rule.rule} ({rule.endpoint})"
        values[name] = value
    return site.app.url_map.bind("localhost").build(rule.endpoint, values, method="GET")


def is_public(app, path: str) -> bool:
    with app.test_request_context(path):
        return auth.is_public_request()


def crawl(service: str, site: Site, signed_in: bool) -> list[Visit]:
    client = site.app.test_client()
    visits = []
    for rule in get_rules(site.app):
        path = path_for(site, rule)
        role = site.roles.get(rule.endpoint, site.default) if signed_in else None
        if role:
            client.set_cookie("circles_session", site.tokens[role])
        else:
            client.delete_cookie("circles_session")
        response = client.get(path)
        page = rule.endpoint.rpartition(".")[0] in site.app.config["CIRCLES_PAGE_BLUEPRINTS"]
        visits.append(Visit(service, rule.endpoint, path, role, is_public(site.app, path), page, response))
    return visits


@pytest.fixture
def visits(app_for, clock) -> list[Visit]:
    found = []
    for service in SERVICES:
        app = app_for(service)
        site = SEEDS[service](app, clock)
        found += crawl(service, site, signed_in=True) + crawl(service, site, signed_in=False)
    return found


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers.get("Content-Security-Policy", "").split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name] = sources
    return directives


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# --- the checks ---------------------------------------------------------------------------

def test_every_response_has_nosniff_a_policy_and_a_referrer_policy(visits):
    assert len(visits) > 150  # every GET route of five services, twice
    for visit in visits:
        headers = visit.response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", visit.where
        assert headers.get("Content-Security-Policy"), visit.where
        assert headers.get("Referrer-Policy") in REFERRER_POLICIES, visit.where
        if not visit.html:  # a JSON, CSV, SVG or iCalendar document opened directly runs nothing
            assert policy(visit.response)["default-src"] == ["'none'"], visit.where
            assert policy(visit.response)["frame-ancestors"] == ["'none'"], visit.where


def test_the_html_routes_are_the_pages_and_each_page_answers_its_role(visits):
    html_routes = {(v.service, v.endpoint) for v in visits if v.html and v.role}
    pages = {(v.service, v.endpoint) for v in visits if v.page}
    assert html_routes == pages | OTHER_HTML
    assert len(pages) >= 20
    for visit in visits:
        if visit.role and (visit.service, visit.endpoint) in pages | OTHER_HTML:
            expected = 302 if visit.endpoint == "pages.home" else 200  # "/" sends staff to the person list
            assert visit.response.status_code == expected, visit.where


def test_every_page_has_the_strict_policy_and_cannot_be_framed_except_the_embed_page(visits):
    framed = set()
    for visit in (v for v in visits if v.html):
        directives = policy(visit.response)
        headers = visit.response.headers
        for name in ("script-src", "style-src", "default-src"):
            assert "'unsafe-eval'" not in directives.get(name, []), visit.where
        if visit.endpoint == "api-docs.openapi_swagger_ui":
            # The docs page: the CDN's Swagger UI and its one inline bootstrap script, by hash.
            assert "'unsafe-inline'" not in directives["script-src"], visit.where
            assert directives["frame-ancestors"] == ["'none'"] and headers["X-Frame-Options"] == "DENY"
            continue
        assert directives["default-src"] == ["'self'"], visit.where
        assert directives["script-src"] == ["'none'"], visit.where
        assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"], visit.where
        assert "'unsafe-inline'" not in directives["style-src"], visit.where
        assert "'self'" in directives["form-action"], visit.where
        if directives["frame-ancestors"] != ["'none'"] or "X-Frame-Options" not in headers:
            framed.add((visit.service, visit.endpoint))
        if (visit.service, visit.endpoint) in FRAMEABLE:
            assert directives["frame-ancestors"] == ["*"], visit.where
            assert "X-Frame-Options" not in headers, visit.where
        else:
            assert directives["frame-ancestors"] == ["'none'"], visit.where
            assert headers["X-Frame-Options"] == "DENY", visit.where
    assert framed == FRAMEABLE


def test_no_page_carries_script_inline_style_or_event_handlers(visits):
    for visit in (v for v in visits if v.html and v.endpoint != "api-docs.openapi_swagger_ui"):
        page = visit.response.get_data(as_text=True)
        scripts = re.findall(r"<script\b([^>]*)>", page, re.I)
        assert all('type="application/ld+json"' in attrs for attrs in scripts), visit.where  # data, never run
        for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
            json.loads(script)
        tags = re.findall(r"<[a-zA-Z][^>]*>", page)
        assert not [t for t in tags if re.search(r"\sstyle\s*=", t)], visit.where
        assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t, re.I)], visit.where
        allowed = policy(visit.response)["style-src"]
        for block in re.findall(r"<style[^>]*>(.*?)</style>", page, re.S | re.I):
            assert sha256(block) in allowed, f"{visit.where}: a <style> element the policy does not allow"
        if "<style" in page:
            assert visit.endpoint == "crisis_plans.CrisisPlanPrint", visit.where  # the one that keeps its own


def test_the_self_checkin_page_never_sends_its_url_on_and_person_data_is_never_stored(visits):
    for visit in visits:
        headers = visit.response.headers
        if (visit.service, visit.endpoint) in NO_REFERRER:
            assert headers["Referrer-Policy"] == "no-referrer", visit.where
            assert headers["Cache-Control"] == "no-store" and headers["X-Robots-Tag"] == "noindex", visit.where
        elif visit.html:
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", visit.where
        if visit.role and not visit.public and visit.response.status_code < 400:
            assert "no-store" in headers.get("Cache-Control", ""), visit.where
    private_pages = [v for v in visits if v.role and v.html and not v.public and v.response.status_code == 200]
    assert len(private_pages) >= 15


def test_the_stylesheets_the_pages_link_are_served_from_this_origin(app_for, clock):
    app = app_for("resources")
    client = app.test_client()
    page = client.get("/directory").get_data(as_text=True)
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', page):
        assert href.startswith("/assets/")
        sheet = client.get(href)
        assert sheet.status_code == 200 and sheet.mimetype == "text/css", href
        assert sheet.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/assets/../settings.css").status_code == 404
    assert client.get(f"/assets/{uuid.uuid4()}.css").status_code == 404
