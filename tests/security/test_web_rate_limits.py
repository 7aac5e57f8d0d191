"""Rate limits on what anyone can reach: logging in, the self check-in links and the public
directory with its feeds (shared.web.ratelimit).

Each limit is shown to hold and then to reset when its window has passed, on the service's
injectable clock (the tests move it; nothing sleeps). Over a limit the answer is 429 with
Retry-After, as application/problem+json from the API and as a plain page from the pages.
"""
from __future__ import annotations

import importlib
import json

import pytest

from shared.db.migrations import upgrade
from shared.settings import load_settings
from shared.web.ratelimit import Limiter, RateLimited, limiter_of

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
SAME_ORIGIN = {"Origin": "http://localhost"}


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


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def refused_page(response, seconds: int) -> None:
    assert response.status_code == 429 and response.mimetype == "text/html"
    assert response.headers["Retry-After"] == str(seconds)
    page = response.get_data(as_text=True)
    assert "Please wait a moment" in page and f"try again in {seconds} seconds" in page


def refused_problem(response, seconds: int) -> None:
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == str(seconds)
    assert response.json["status"] == 429 and response.json["title"] == "Too Many Requests"


# --- login ---------------------------------------------------------------------------------

@pytest.fixture
def people(app_for):
    from services.people.usecases.organisations import create_organisation

    def build(**limits):
        app = app_for("people", **limits)
        with app.extensions["circles"].uow() as uow:
            create_organisation(uow, "Northside", "ada@northside.example", "Ada", PASSWORD)
            create_organisation(uow, "Southside", "bo@southside.example", "Bo", PASSWORD)
        return app
    return build


def page_login(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password}, headers=SAME_ORIGIN)


def api_login(client, email: str, password: str):
    return client.post("/auth/token", json={"email": email, "password": password})


def test_the_default_login_limits_are_ten_failures_per_account_and_twenty_per_address(people, clock):
    app = people()
    client = from_address(app, "198.51.100.7")
    for _ in range(10):
        assert page_login(client, "ada@northside.example", "wrong").status_code == 401
    refused_page(page_login(client, "ada@northside.example", PASSWORD), 900)  # even the right password
    # Another account from the same address still gets its own ten, until the address has had twenty.
    for _ in range(10):
        assert api_login(client, "bo@southside.example", "wrong").status_code == 403
    refused_problem(api_login(client, "nobody@else.example", "wrong"), 300)
    assert page_login(from_address(app, "203.0.113.9"), "bo@southside.example", PASSWORD).status_code == 429
    clock.advance(seconds=300)  # the address's window has passed, not Ada's account's
    assert api_login(client, "nobody@else.example", "wrong").status_code == 403
    refused_problem(api_login(client, "ada@northside.example", PASSWORD), 600)
    clock.advance(seconds=600)
    assert api_login(client, "ada@northside.example", PASSWORD).status_code == 200
    assert api_login(client, "bo@southside.example", PASSWORD).status_code == 200


def test_login_failures_count_per_address_and_per_account_and_reset(people, clock):
    app = people(rate_limit_login=(3, 60), rate_limit_login_account=(2, 120))
    one, two = from_address(app, "198.51.100.7"), from_address(app, "198.51.100.8")
    assert page_login(one, "ada@northside.example", "wrong").status_code == 401
    assert api_login(two, "ada@northside.example", "wrong").status_code == 403
    # Ada's account has had its two failures, from two addresses: both are refused now.
    refused_page(page_login(one, "ada@northside.example", PASSWORD), 120)
    refused_problem(api_login(two, "ada@northside.example", PASSWORD), 120)
    assert page_login(one, "bo@southside.example", "wrong").status_code == 401
    assert page_login(one, "nobody@else.example", "wrong").status_code == 401  # address one: three
    clock.advance(seconds=20)
    refused_page(page_login(one, "bo@southside.example", PASSWORD), 40)
    assert page_login(two, "bo@southside.example", PASSWORD).status_code == 303  # address two is fine
    clock.advance(seconds=40)
    assert page_login(one, "bo@southside.example", PASSWORD).status_code == 303
    refused_page(page_login(one, "ada@northside.example", PASSWORD), 60)
    clock.advance(seconds=60)
    assert page_login(one, "ada@northside.example", PASSWORD).status_code == 303


def test_successful_logins_are_never_counted(people):
    app = people(rate_limit_login=(2, 60), rate_limit_login_account=(2, 60))
    client = from_address(app, "198.51.100.7")
    for _ in range(25):
        assert api_login(client, "ada@northside.example", PASSWORD).status_code == 200
    assert page_login(client, "ada@northside.example", PASSWORD).status_code == 303


def test_the_address_is_the_proxys_forwarded_one_only_when_proxies_are_trusted(people):
    trusting = people(rate_limit_login=(1, 60), rate_limit_login_account=None, trusted_proxies=1)
    behind_proxy = from_address(trusting, "10.0.0.2")
    forwarded = lambda client: {"X-Forwarded-For": client}  # noqa: E731
    assert behind_proxy.post("/auth/token", json={"email": "a@x.example", "password": "no"},
                             headers=forwarded("198.51.100.7")).status_code == 403
    # Another client behind the same proxy is another address; a forged left-most entry changes nothing.
    assert behind_proxy.post("/auth/token", json={"email": "a@x.example", "password": "no"},
                             headers=forwarded("198.51.100.8")).status_code == 403
    assert behind_proxy.post("/auth/token", json={"email": "a@x.example", "password": "no"},
                             headers=forwarded("1.2.3.4, 198.51.100.7")).status_code == 429
    naive = people(rate_limit_login=(1, 60), rate_limit_login_account=None)
    direct = from_address(naive, "10.0.0.2")
    assert direct.post("/auth/token", json={"email": "a@x.example", "password": "no"},
                       headers=forwarded("198.51.100.7")).status_code == 403
    assert direct.post("/auth/token", json={"email": "a@x.example", "password": "no"},
                       headers=forwarded("198.51.100.8")).status_code == 429  # the header is not believed


def test_the_token_endpoint_documents_its_429(people):
    spec = people().test_client().get("/openapi.json").json
    assert "429" in spec["paths"]["/auth/token"]["post"]["responses"]


# --- self check-in links ----------------------------------------------------------------------

def test_the_self_checkin_page_is_limited_per_address_get_and_post_alike(app_for, clock):
    from tests.integration.checkins_support import CheckinsWorld
    app = app_for("checkins", rate_limit_self_checkin=(3, 300))
    world = CheckinsWorld(app.extensions["circles"], clock, client=app.test_client())
    person = world.person()
    staff = world.as_staff(person.peer_worker)
    links = [world.client.post(f"/persons/{person.id}/self-checkin-links", headers=staff).json["url"]
             .removeprefix("http://localhost") for _ in range(2)]
    phone, other_phone = from_address(app, "198.51.100.7"), from_address(app, "198.51.100.8")
    assert phone.get(links[0]).status_code == 200
    assert phone.get("/self-checkin/not-a-real-token").status_code == 404  # guesses count too
    assert phone.post(links[0], data={"wellbeing": "6"}, headers=SAME_ORIGIN).status_code == 200
    refused = phone.get(links[1])
    refused_page(refused, 300)
    assert refused.headers["Referrer-Policy"] == "no-referrer" and refused.headers["Cache-Control"] == "no-store"
    refused_page(phone.post(links[1], data={"wellbeing": "6"}, headers=SAME_ORIGIN), 300)
    assert other_phone.get(links[1]).status_code == 200
    assert world.client.get(f"/staff/persons/{person.id}/sessions", headers=staff).status_code == 200  # staff: no limit
    clock.advance(minutes=5)
    assert phone.post(links[1], data={"wellbeing": "4"}, headers=SAME_ORIGIN).status_code == 200


# --- the public directory ----------------------------------------------------------------------

def test_the_directory_pages_and_feeds_share_one_limit_per_address(app_for, clock):
    from tests.integration.test_resources_directory import CAFE, RIVERSIDE
    from tests.support.tokens import ORG_A, bearer
    app = app_for("resources", rate_limit_directory=(7, 60))
    editor = bearer(app.extensions["circles"].settings, role="coordinator", org=ORG_A)
    for body in (RIVERSIDE, CAFE):
        assert app.test_client().post("/listings", json=body, headers=editor).status_code == 201
    visitor = from_address(app, "198.51.100.7")
    for path in ("/directory", "/directory/embed", "/listings", "/meeting-guide.json", "/hsds/services",
                 "/calendar.ics", "/listings.csv"):
        assert visitor.get(path).status_code == 200, path
    refused_page(visitor.get("/directory"), 60)
    embed = visitor.get("/directory/embed")
    refused_page(embed, 60)
    assert "X-Frame-Options" not in embed.headers  # a café's page that frames it shows the wait page
    refused_problem(visitor.get("/listings"), 60)
    refused_problem(visitor.get("/meeting-guide.json"), 60)
    refused_problem(visitor.get("/hsds/services"), 60)
    # Never limited: health, metrics, the API description, the stylesheets, and the staff's own work.
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/assets/circles.css",
                 "/assets/directory.css"):
        assert visitor.get(path).status_code == 200, path
    assert visitor.get("/staff/listings", headers=editor).status_code == 200
    assert visitor.post("/listings", json=dict(RIVERSIDE, slug="another"), headers=editor).status_code == 201
    assert from_address(app, "198.51.100.8").get("/directory").status_code == 200
    clock.advance(seconds=59)
    refused_problem(visitor.get("/listings"), 1)
    clock.advance(seconds=1)
    assert visitor.get("/listings").status_code == 200 and visitor.get("/directory").status_code == 200


def test_other_services_public_endpoints_are_not_directory_limited(app_for):
    app = app_for("people", rate_limit_directory=(1, 60))
    client = from_address(app, "198.51.100.7")
    for _ in range(5):
        assert client.get("/login").status_code == 200


# --- settings and the limiter itself ------------------------------------------------------------

def test_limits_come_from_the_environment_with_defaults_and_can_be_turned_off():
    defaults = load_settings("resources", {})
    assert (defaults.rate_limit_login, defaults.rate_limit_login_account) == ((20, 300), (10, 900))
    assert (defaults.rate_limit_self_checkin, defaults.rate_limit_directory) == ((30, 300), (300, 60))
    assert defaults.trusted_proxies == 0
    custom = load_settings("resources", {"RATE_LIMIT_DIRECTORY": "1000/60", "RESOURCES_RATE_LIMIT_LOGIN": "5/30",
                                         "RATE_LIMIT_SELF_CHECKIN": "off", "RATE_LIMIT_LOGIN_ACCOUNT": "0",
                                         "TRUSTED_PROXIES": "1"})
    assert custom.rate_limit_directory == (1000, 60) and custom.rate_limit_login == (5, 30)
    assert custom.rate_limit_self_checkin is None and custom.rate_limit_login_account is None
    assert custom.trusted_proxies == 1
    for bad in ("many", "10/0", "-1/60"):
        with pytest.raises(ValueError):
            load_settings("resources", {"RATE_LIMIT_DIRECTORY": bad})


def test_a_limit_turned_off_never_refuses(app_for):
    app = app_for("resources", rate_limit_directory=None)
    client = from_address(app, "198.51.100.7")
    assert all(client.get("/listings").status_code == 200 for _ in range(400))


def test_fixed_windows_on_an_injected_clock():
    now = [1000.0]
    limiter = Limiter(lambda: now[0])
    for _ in range(3):
        limiter.hit("directory", "a", (3, 10))
    with pytest.raises(RateLimited) as refused:
        limiter.hit("directory", "a", (3, 10))
    assert refused.value.retry_after == 10
    limiter.hit("directory", "b", (3, 10))  # another key, another window
    now[0] += 9.5
    with pytest.raises(RateLimited) as refused:
        limiter.check("directory", "a", (3, 10))
    assert refused.value.retry_after == 1
    now[0] += 0.5
    limiter.hit("directory", "a", (3, 10))  # a new window
    limiter.add("login", "a", (1, 10))
    with pytest.raises(RateLimited):
        limiter.check("login", "a", (1, 10))
    limiter.hit("login", "a", None)  # no limit: nothing counted, nothing refused


def test_the_limiter_keeps_a_bounded_number_of_windows():
    now = [0.0]
    limiter = Limiter(lambda: now[0], max_keys=100)
    for address in range(100):
        limiter.hit("directory", f"198.51.100.{address}", (5, 60))
    now[0] = 61.0  # every window has ended: the next new key sweeps them all away
    limiter.hit("directory", "203.0.113.1", (5, 60))
    assert len(limiter._windows) == 1
    for address in range(250):  # a flood of fresh keys inside one window stays bounded too
        limiter.hit("directory", f"192.0.2.{address}", (5, 60))
    assert len(limiter._windows) <= 100


def test_the_limiter_is_per_app_and_can_be_reset(app_for):
    app = app_for("resources", rate_limit_directory=(1, 60))
    client = from_address(app, "198.51.100.7")
    assert client.get("/listings").status_code == 200
    assert client.get("/listings").status_code == 429
    limiter_of(app).reset()
    assert client.get("/listings").status_code == 200
    body = client.get("/listings")
    assert json.loads(body.get_data(as_text=True))["detail"].startswith("Too many requests")
