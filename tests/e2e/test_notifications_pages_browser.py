"""The delivery log in a real browser (Debian's Chromium through Playwright): after a missed
session, the person's peer worker logs in on the people service and opens the person's
delivery log on the notifications service; the email that went out and the contact held
back by consent are there in words, with no message text or address. A screenshot is kept.

Everything runs as real processes: people publishes the person, network and consents;
check-ins detects the miss on its moved clock; notifications routes it, sends to the SMTP
server and SMS sink, and draws the page."""
import datetime as dt

import pytest
import requests

from tests.e2e import notifications_setup as setup
from tests.e2e.test_staff_pages_browser import ARTIFACTS, CHROMIUM, pytestmark  # noqa: F401
from tests.support.processes import wait_until
from tests.support.tokens import bearer

PEER_PASSWORD = "a long enough password"  # the one notifications_setup gives the peer worker


@pytest.fixture
def network(platform, org):
    network = setup.build(platform, org)
    setup.wait_known(platform, network)
    # Moving check-ins' clock a day on makes starter-plan tasks overdue too: keep the rate
    # limit out of the way so the peer worker's alert is sent, not held for a digest.
    response = requests.put(f"{platform.urls['notifications']}/rules", json={"rate_limit_per_hour": 100},
                            headers=bearer(platform.settings, role="admin", org=org), timeout=10)
    assert response.status_code == 200
    yield network
    platform.set_clock(None)


def logged(platform, network, sql: str) -> list:
    return setup.notifications_db(platform, sql, p=network.person)


def miss_a_session(platform, network) -> None:
    session = setup.weekly_rhythm(platform, network)[0]
    platform.set_clock(dt.datetime.fromisoformat(session["ends_at"]) + dt.timedelta(hours=2, minutes=1))
    wait_until(lambda: len(logged(platform, network, """
        SELECT 1 FROM deliveries WHERE person_id = :p AND status = 'sent' AND channel IN ('email', 'sms')
        AND kind IN ('checkin.missed.staff', 'checkin.missed.supporter')""")) == 2,
               60, message="the peer worker's email and the sister's text")


def test_a_peer_worker_reads_the_delivery_log_of_a_missed_session_in_words(platform, network):
    from playwright.sync_api import sync_playwright
    miss_a_session(platform, network)
    people, notifications = platform.urls["people"], platform.urls["notifications"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
        # The people service sets the session cookie; every service on the host accepts it.
        page.goto(f"{people}/login")
        page.fill("#email", network.peer_email)
        page.fill("#password", PEER_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{people}/staff/persons")
        page.goto(f"{notifications}/staff/persons/{network.person}/deliveries")
        assert page.get_by_role("heading", level=1).text_content().startswith("Delivery log")
        missed = page.get_by_role("region", name="Missed check-in", exact=False).first
        peer_email = missed.locator("tr", has_text="Missed check-in: alert to staff").filter(has_text="Email")
        assert peer_email.locator("strong").first.text_content() == "sent"
        assert "accepted" in peer_email.text_content() and "Pat (peer worker)" in peer_email.text_content()
        assert missed.locator("tr", has_text="Kim (family").filter(has_text="Text (SMS)").locator(
            "strong").first.text_content() == "sent"
        jo = missed.locator("tr", has_text="Jo (friend")
        assert jo.locator("strong").first.text_content() == "suppressed"
        assert "The consent does not cover this kind of information" in jo.text_content()
        page.screenshot(path=str(ARTIFACTS / "notifications_delivery_log.png"), full_page=True)
        shown = page.content()
        page.set_viewport_size({"width": 390, "height": 844})  # a phone: the tables scroll, the page does not
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        browser.close()
    texts = [t["body"] for t in platform.texts() if t["to"] == network.sister_phone]
    assert texts and all(body not in shown for body in texts)
    assert network.sister_phone not in shown and network.peer_email not in shown
