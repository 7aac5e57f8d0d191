"""The staff pages in a real browser (Debian's Chromium through Playwright): log in, open a
person's page, see the network map and checklist; a screenshot is kept as an artifact."""
import os
import shutil
from pathlib import Path

import pytest
import requests

from services.people.spec import SPEC
from services.people.usecases.organisations import create_organisation
from shared.db.migrations import upgrade
from shared.runtime import Runtime
from shared.settings import load_settings
from tests.support import processes
from tests.support.infra import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("CIRCLES_ARTIFACTS", processes.ROOT / "tests" / "artifacts"))
PASSWORD = "a long enough demo password"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="needs Debian's chromium (make test installs it where apt-get works)")


@pytest.fixture(scope="module")
def people(broker, databases, tmp_path_factory):
    url = databases.fresh("e2e_people")
    upgrade(SPEC.migrations_dir, url)
    runtime = Runtime(SPEC, settings=load_settings("people", {}).with_overrides(database_url=url))
    with runtime.uow() as uow:
        create_organisation(uow, "Browser Test Recovery", "admin@browser.example", "Admin", PASSWORD)
    runtime.dispose()
    port = free_port()
    env = {**os.environ, "PEOPLE_DATABASE_URL": url, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
           "LOGIN_URL": f"http://127.0.0.1:{port}/login"}
    web = processes.web("people", port, env, tmp_path_factory.mktemp("people-web"), workers=1)
    base = f"http://127.0.0.1:{port}"
    processes.wait_ready(base)
    yield base
    web.stop()


def seed_person(base: str) -> str:
    token = requests.post(f"{base}/auth/token", json={"email": "admin@browser.example", "password": PASSWORD},
                          timeout=10).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    person = requests.post(f"{base}/persons", headers=headers, timeout=10, json={
        "display_name": "Sam R.", "timezone": "Europe/London", "region": "GB"}).json()
    for contact in ({"name": "Jo", "role": "sponsor", "circle": "inner", "label": "helpful", "is_backup": True},
                    {"name": "Dave", "role": "friend", "circle": "inner", "label": "risky"},
                    {"name": "Recovery café", "role": "service", "circle": "outer", "label": "helpful",
                     "support_types": ["sober_social"]}):
        requests.post(f"{base}/persons/{person['id']}/contacts", headers=headers, json=contact, timeout=10)
    return person["id"]


def test_a_coordinator_logs_in_and_sees_the_network_map(people):
    from playwright.sync_api import sync_playwright
    person_id = seed_person(people)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{people}/staff/persons/{person_id}")
        assert "/login" in page.url  # sent to log in first, then back here
        page.fill("#email", "admin@browser.example")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{people}/staff/persons/{person_id}")
        svg = page.locator("svg[role=img]")
        assert svg.is_visible()
        assert svg.locator("title").first.text_content() == "Support network map for Sam R."
        assert page.locator("svg g.contact").count() == 3
        assert "Dave (inner circle) is labelled risky." in page.content()
        page.screenshot(path=str(ARTIFACTS / "person-page-desktop.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        page.screenshot(path=str(ARTIFACTS / "person-page-phone.png"), full_page=True)
        browser.close()
