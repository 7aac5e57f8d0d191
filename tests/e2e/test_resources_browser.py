"""The public directory in a real browser (Debian's Chromium through Playwright) against
the gunicorn-served resources service: the filters narrow the results, the page works
with the keyboard alone, the embeddable page loads inside another site's iframe, and a
phone-width screenshot is kept as an artifact."""
import http.server
import os
import re
import threading

import pytest
import requests

from services.resources import seed
from services.resources.spec import SPEC
from shared.db.migrations import upgrade
from shared.settings import load_settings
from tests.e2e.test_staff_pages_browser import ARTIFACTS, CHROMIUM, pytestmark  # noqa: F401  (skip without chromium)
from tests.integration.test_resources_directory import CAFE, ONLINE, RIVERSIDE
from tests.support import processes
from tests.support.infra import free_port
from tests.support.tokens import bearer

PHONE = {"width": 390, "height": 844}
FOCUS_RING = ("(el => { const s = getComputedStyle(el);"
              " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })")
ALL = ["Riverside Step Meeting", "Hub Recovery Café", "SMART Recovery Online"]


@pytest.fixture(scope="module")
def directory(broker, databases, tmp_path_factory):
    """The resources web app under gunicorn, with listings published through its API."""
    url = databases.fresh("e2e_resources")
    upgrade(SPEC.migrations_dir, url)
    port = free_port()
    env = {**os.environ, "RESOURCES_DATABASE_URL": url, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap}
    web = processes.web("resources", port, env, tmp_path_factory.mktemp("resources-web"), workers=1)
    base = f"http://127.0.0.1:{port}"
    try:
        processes.wait_ready(base)
        editor = bearer(load_settings("resources", {}), role="coordinator")
        for body in [RIVERSIDE, CAFE, ONLINE, *seed.helplines()]:
            response = requests.post(f"{base}/listings", json=body, headers=editor, timeout=10)
            assert response.status_code == 201, response.text
        yield base
    finally:
        web.stop()


@pytest.fixture
def phone():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser.new_page(viewport=PHONE, has_touch=True)
        browser.close()


def shown(page) -> list[str]:
    return page.locator(".result h3").all_text_contents()


def tab_until(page, test: str, limit: int = 40) -> None:
    """Press Tab until `test` (a JS expression on `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    raise AssertionError(f"no element where {test} is reachable with Tab")


def test_choosing_a_day_and_online_only_narrows_the_results(directory, phone):
    phone.goto(f"{directory}/directory")
    assert sorted(shown(phone)) == sorted(ALL)
    phone.select_option("#day", "3")  # Wednesday
    phone.check("#online")
    phone.click("#show-results")
    phone.wait_for_url(re.compile(r"/directory\?day=3&type=&online=1$"))  # a plain GET form: no script
    assert shown(phone) == ["SMART Recovery Online"]
    assert phone.locator("#online").is_checked() and phone.locator("#day").input_value() == "3"
    assert phone.get_by_role("link", name="Call 116 123").get_attribute("href") == "tel:116123"


def test_the_page_works_with_the_keyboard_and_fits_a_phone(directory, phone):
    phone.goto(f"{directory}/directory")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    assert phone.evaluate(FOCUS_RING + "(document.activeElement)")
    phone.keyboard.press("Enter")  # skip the header: focus moves to the directory itself
    assert phone.evaluate("document.activeElement.id") == "directory"
    tab_until(phone, "el.id === 'day'")
    assert phone.evaluate(FOCUS_RING + "(document.activeElement)")
    tab_until(phone, "el.id === 'online'")
    phone.keyboard.press("Space")
    tab_until(phone, "el.id === 'show-results'")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "online=1" in phone.url and shown(phone) == ["SMART Recovery Online"]
    tab_until(phone, "el.closest('.result') === document.querySelector('.result') && el.tagName === 'A'")
    assert phone.evaluate("document.activeElement.textContent").startswith("Join online")
    assert phone.evaluate(FOCUS_RING + "(document.activeElement)")
    phone.goto(f"{directory}/directory")
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "resources_directory_phone.png"), full_page=True)


@pytest.fixture
def cafe_site(directory):
    """Another site (localhost, another port: cross-site to 127.0.0.1) whose page frames the
    embed. It is a real local server: Chromium refuses to let a public page frame a local one."""
    page = (f'<!doctype html><html lang="en"><title>Our café</title><main><h1>Our café</h1><iframe title="Meetings" '
            f'src="{directory}/directory/embed?online=1" width="380" height="600"></iframe></main></html>').encode()

    class Cafe(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Cafe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()


def test_a_cafe_site_can_frame_the_embeddable_page(cafe_site, phone):
    from playwright.sync_api import expect
    phone.goto(cafe_site)
    framed = phone.frame_locator("iframe")
    expect(framed.locator(".result h3")).to_have_text(["SMART Recovery Online"])
    expect(framed.get_by_role("link", name="Call 116 123")).to_have_count(1)
