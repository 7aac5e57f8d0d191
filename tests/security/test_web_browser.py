"""The security headers in a real browser (Debian's Chromium through Playwright): the pages
keep their looks under the strict Content-Security-Policy with no violation reported, the
forms still work (the login, the self check-in under no-referrer, "Log out" on another
service redirecting to the login page), and only the embeddable directory page can be
framed by another site.

The apps run in this process, each on its own port of 127.0.0.1 (so each is its own
origin, as in `make dev`), served by werkzeug's threaded server.
"""
from __future__ import annotations

import importlib
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from shared.db.migrations import upgrade
from tests.support.infra import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "a long enough browser password"
pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]


class Served:
    def __init__(self, app, port: int):
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def served(settings_for, clock):
    ports = {name: free_port() for name in ("people", "checkins", "resources", "framer")}
    login = f"http://127.0.0.1:{ports['people']}/login"
    running = {}
    for service in ("people", "checkins", "resources"):
        settings = settings_for(service, login_url=login)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, settings.database_url)
        app = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=clock)
        running[service] = Served(app, ports[service])
    yield running, ports["framer"]
    for server in running.values():
        server.stop()
        server.app.extensions["circles"].dispose()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield instance
        instance.close()


def answer_every_service(app, request_id: str) -> None:
    from services.people import privacy_feed
    from shared.events import PRIVACY_CONTRIBUTORS
    for service in PRIVACY_CONTRIBUTORS:
        with app.extensions["circles"].uow() as uow:
            privacy_feed.part(uow, None, {"request_id": request_id, "service": service, "sections": {},
                                          "chunk": 0, "chunks": 1})
            uow.commit()


def watched(context):
    """A page, and the list its Content-Security-Policy complaints are collected in."""
    page = context.new_page()
    complaints = []
    page.on("console", lambda message: complaints.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    return page, complaints


def test_pages_keep_their_looks_and_forms_under_the_policy(served, browser, clock):
    from services.people.usecases.organisations import create_organisation
    from tests.integration.checkins_support import CheckinsWorld
    running, _ = served
    people, checkins, resources = running["people"], running["checkins"], running["resources"]
    with people.app.extensions["circles"].uow() as uow:
        create_organisation(uow, "Browser Recovery", "admin@browser.example", "Admin", PASSWORD)
    world = CheckinsWorld(checkins.app.extensions["circles"], clock, client=checkins.app.test_client())
    person = world.person()
    link = world.client.post(f"/persons/{person.id}/self-checkin-links",
                             headers=world.as_staff(person.peer_worker)).json["url"]
    link = link.replace("http://localhost", checkins.url)

    context = browser.new_context()
    page, complaints = watched(context)
    page.goto(f"{people.url}/login")
    # circles.css applied: the header is white on the page's grey, the form a card.
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor") \
        == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.querySelector('form.card')).maxWidth") == "448px"
    page.fill("#email", "admin@browser.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{people.url}/staff/persons")
    assert page.locator("h1").first.is_visible()
    # The printable crisis plan keeps its own <style>, allowed by its hash: it applies.
    api = people.app.test_client()
    admin = {"Authorization": "Bearer " + api.post("/auth/token", json={
        "email": "admin@browser.example", "password": PASSWORD}).json["access_token"]}
    site = api.post("/sites", json={"name": "Hub", "kind": "hub", "timezone": "Europe/London"}, headers=admin).json
    sam = api.post("/persons", json={"display_name": "Sam", "timezone": "Europe/London", "region": "GB",
                                     "site_id": site["id"]}, headers=admin).json
    page.goto(f"{people.url}/persons/{sam['id']}/crisis-plan/print")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "736px"
    # So does the readable subject-access bundle, once every service has sent its part.
    request_id = api.post(f"/persons/{sam['id']}/subject-access", headers=admin).json["id"]
    answer_every_service(people.app, request_id)
    page.goto(f"{people.url}/subject-access/{request_id}/bundle.html")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "1120px"
    assert page.locator("h1").inner_text() == "Your data in Circles"

    # The check-ins staff pages on another origin, with the peer worker's session.
    token = world.as_staff(person.peer_worker)["Authorization"].removeprefix("Bearer ")
    context.add_cookies([{"name": "circles_session", "value": token, "url": checkins.url}])
    page.goto(f"{checkins.url}/staff/persons/{person.id}/checkins/new")
    assert page.evaluate("getComputedStyle(document.querySelector('legend')).fontWeight") == "600"  # checkins.css
    page.click("header.top form button")  # "Log out" posts here, then goes to the people service's login
    page.wait_for_url(f"{people.url}/login")

    # The self check-in: no-referrer, so Chromium posts the form with Origin: null.
    phone, phone_complaints = watched(browser.new_context())
    phone.goto(link)
    assert phone.evaluate("getComputedStyle(document.querySelector('.self-checkin')).maxWidth") == "544px"
    phone.check("input[name=wellbeing][value='7']")
    phone.click("button[type=submit]")
    assert "Your check-in was sent" in phone.content()

    # The directory and the printable look of a public page.
    page.goto(f"{resources.url}/directory")
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
    assert complaints == [] and phone_complaints == []


def test_only_the_embed_page_can_be_framed_by_another_site(served, browser):
    running, framer_port = served
    resources = running["resources"]
    html = (f'<iframe id="embed" src="{resources.url}/directory/embed"></iframe>'
            f'<iframe id="main" src="{resources.url}/directory"></iframe>')
    framer = Served(lambda environ, start: (start("200 OK", [("Content-Type", "text/html")]), [html.encode()])[1],
                    framer_port)  # a café's own website: another origin
    try:
        page, complaints = watched(browser.new_context())
        page.on("requestfailed", lambda r: complaints.append(f"failed {r.url} {r.failure}"))
        page.goto(f"{framer.url}/cafe.html")
        page.wait_for_timeout(1000)
    finally:
        framer.stop()
    urls = [frame.url for frame in page.frames]
    assert f"{resources.url}/directory/embed" in urls and f"{resources.url}/directory" not in urls
    assert page.frame_locator("#embed").locator("#helplines-heading").inner_text() == "Helplines"
    assert f"failed {resources.url}/directory net::ERR_BLOCKED_BY_RESPONSE" in complaints
    assert any("frame-ancestors 'none'" in c for c in complaints), complaints
