"""The reporting dashboard in a real browser (Debian's Chromium through Playwright) against
the gunicorn-served reporting service: a year of history at two sites, applied by the live
consumer's handlers; a coordinator's session cookie; the trend charts and the site
comparison render, a site links to its own dashboard, and screenshots are kept (desktop
and phone)."""
import os

import pytest

from services.reporting.spec import SPEC
from shared.db.migrations import upgrade
from shared.runtime import Runtime
from shared.settings import load_settings
from tests.e2e.test_staff_pages_browser import ARTIFACTS, CHROMIUM, pytestmark  # noqa: F401  (skip without chromium)
from tests.integration.test_reporting_dashboard import PEER_SOUTH, apply
from tests.support import processes
from tests.support.infra import free_port
from tests.support.reporting_history import History, utc
from tests.support.tokens import bearer

NOW = "2026-03-28T10:00:00+00:00"
# Two sites whose ids differ in their first eight characters, as real ones do.
SITE_NORTH, SITE_SOUTH = "3f9c2a71-5b0e-4d6a-9c1f-2e8b7d4a6c01", "b82e41d0-7c3a-4f95-8e26-91d0a5f3b702"
MONTHS = [(2025, m) for m in range(4, 13)] + [(2026, m) for m in range(1, 4)]  # April 2025 to March 2026
PHONE = {"width": 390, "height": 844}


def _person_year(h: History, i: int, site: str, peer: str, start: int) -> None:
    """Person i joins in month `start` and keeps a varied rhythm from then on."""
    person = h.person(utc(*MONTHS[start], 2), site, peer_worker=peer, clinical_lead=peer if i % 4 else None)
    if i % 3:
        h.crisis_plan(person, utc(*MONTHS[start], 9))
    h.assessment(person, utc(*MONTHS[start], 2), barc10=30 + i, mspss=3.0, housing="temporary")
    for k, (year, month) in enumerate(MONTHS[start:]):
        h.checkin(person, utc(year, month, 3), days_abstinent=min(30, 6 + 3 * k + i % 4))
        if (i + month) % 3:
            h.checkin(person, utc(year, month, 17), days_abstinent=min(30, 7 + 3 * k + i % 4))
        else:
            h.miss(person, utc(year, month, 17))
        h.review(person, utc(year, month, 20))
        if (i + month) % 2:
            h.attendance(person, utc(year, month, 11))
    h.assessment(person, utc(2026, 3, 25), barc10=38 + i, mspss=4.5, housing="stable" if i % 3 else "temporary")


def seed_year() -> History:
    """Sixteen persons at the north site, six joining in each of April and May 2025 and
    four later, with four peer workers; two at the south site, whose counts stay small."""
    h = History()
    peers = [f"{c * 8}-0000-4000-8000-00000000000{n}" for n, c in enumerate("bdef", 1)]
    for i in range(16):
        start = 0 if i < 6 else 1 if i < 12 else 2 * (i - 10)  # August, October, December, February
        _person_year(h, i, SITE_NORTH, peers[0 if i < 6 else 1 if i < 11 else 2 if i < 14 else 3], start)
    for i in range(2):
        _person_year(h, i, SITE_SOUTH, PEER_SOUTH, i)
    return h


@pytest.fixture(scope="module")
def reporting(broker, databases, tmp_path_factory):
    """The reporting web app under gunicorn, its projections filled by the live handlers,
    its clock fixed at the end of March 2026."""
    url = databases.fresh("e2e_reporting_dashboard")
    upgrade(SPEC.migrations_dir, url)
    runtime = Runtime(SPEC, settings=load_settings("reporting", {}).with_overrides(database_url=url))
    apply(runtime, seed_year())
    runtime.dispose()
    logs = tmp_path_factory.mktemp("reporting-web")
    (logs / "clock").write_text(NOW)
    port = free_port()
    env = {**os.environ, "REPORTING_DATABASE_URL": url, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
           "REPORTING_CLOCK_FILE": str(logs / "clock")}
    web = processes.web("reporting", port, env, logs, workers=1)
    base = f"http://127.0.0.1:{port}"
    try:
        processes.wait_ready(base)
        yield base
    finally:
        web.stop()


def coordinator_cookie(base: str) -> dict:
    token = bearer(load_settings("reporting", {}), role="coordinator", sites=[SITE_NORTH, SITE_SOUTH])
    return {"name": "circles_session", "value": token["Authorization"][7:], "url": base,
            "httpOnly": True, "sameSite": "Lax"}


def test_a_coordinator_reads_the_dashboard_with_its_charts_and_site_comparison(reporting):
    from playwright.sync_api import sync_playwright
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.add_cookies([coordinator_cookie(reporting)])
        page = context.new_page()
        page.goto(f"{reporting}/staff/dashboard")
        assert page.get_by_role("heading", level=1).text_content().endswith("Your sites · March 2026")
        assert page.locator("script").count() == 0
        charts = page.locator("svg[role=img]")
        assert charts.count() == 6 and charts.first.is_visible()
        checkins = page.get_by_role("img", name="Completed check-ins: ", exact=False)
        assert checkins.locator("rect.bar").count() == 12 and checkins.bounding_box()["width"] > 400
        assert "month by month: April 2025:" in checkins.locator("desc").text_content()
        table = page.locator("#site-comparison")
        assert table.is_visible() and table.locator("tbody tr").count() == 2
        south = table.locator("tr", has=page.get_by_role("link", name=f"Site {SITE_SOUTH[:8]}"))
        assert south.locator("td").first.text_content().startswith("<5")
        assert table.locator("tr", has_text=f"Site {SITE_NORTH[:8]}").locator("td").first.text_content() == "26"
        assert page.locator("#privacy").get_by_text("Counts under 5 are hidden").is_visible()
        page.screenshot(path=str(ARTIFACTS / "reporting-dashboard.png"), full_page=True)

        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert charts.first.bounding_box()["width"] <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "reporting-dashboard-phone.png"), full_page=True)

        page.set_viewport_size({"width": 1280, "height": 900})
        table.get_by_role("link", name=f"Site {SITE_NORTH[:8]}").click()
        page.wait_for_url(f"**/staff/dashboard?month=2026-03&site={SITE_NORTH}")
        assert f"Site {SITE_NORTH[:8]} · March 2026" in page.get_by_role("heading", level=1).text_content()
        browser.close()
