"""A person answers a self check-in on a phone-sized screen in a real browser (Debian's
Chromium through Playwright) against the gunicorn-served check-ins service, using only
the keyboard, and asks to talk to someone now; a screenshot is kept as an artifact."""
import re

import pytest
import requests

from services.checkins.spec import SPEC
from shared.clock import SystemClock
from shared.runtime import Runtime
from tests.e2e.test_staff_pages_browser import ARTIFACTS, CHROMIUM, pytestmark  # noqa: F401  (skip without chromium)
from tests.integration.checkins_support import CheckinsWorld

PHONE = {"width": 390, "height": 844}
# A visible focus indicator: an outline at least 2px wide on the focused element.
FOCUS_RING = ("(el => { const s = getComputedStyle(el);"
              " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })")


@pytest.fixture(scope="module")
def link(platform):
    """A GB person known to the running check-ins service, and a fresh link for them."""
    runtime = Runtime(SPEC, settings=platform.settings.with_overrides(
        database_url=platform.env["CHECKINS_DATABASE_URL"]), clock=SystemClock())
    world = CheckinsWorld(runtime, SystemClock())
    person = world.person(region="GB")
    runtime.dispose()
    response = requests.post(f"{platform.urls['checkins']}/persons/{person.id}/self-checkin-links",
                             json={"ttl_hours": 2}, headers=world.as_staff(person.peer_worker), timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["url"]


@pytest.fixture
def phone():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser.new_page(viewport=PHONE, has_touch=True)
        browser.close()


def tab_to(page, element_id: str, limit: int = 15) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def check_the_form_is_labelled(page) -> None:
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("group", name=re.compile(r"^How are you feeling today\? 1 is very low")).count() == 1
    assert all(page.get_by_role("radio", name=str(n), exact=True).count() == 1 for n in range(1, 11))
    assert page.get_by_role("textbox", name="Anything you need help with?").count() == 1
    assert page.get_by_role("checkbox", name="Yes, I want to talk to someone now").count() == 1
    assert page.get_by_role("button", name="Send my check-in").count() == 1
    unlabelled = page.evaluate("""[...document.querySelectorAll('input, textarea, select')]
        .filter(el => el.type !== 'hidden' && el.labels.length === 0).map(el => el.name)""")
    assert unlabelled == []
    box = page.locator("label[for=wellbeing-1]").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # a tap target, not a pinprick


def answer_with_the_keyboard(page) -> None:
    tab_to(page, "wellbeing-1")
    assert page.evaluate(FOCUS_RING + "(document.activeElement)")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # moving within a radio group also chooses
    page.keyboard.press("Space")
    assert page.is_checked("#wellbeing-4")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "help"
    page.keyboard.type("Someone to talk to about tonight")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "talk_now"
    page.keyboard.press("Space")
    assert page.is_checked("#talk_now")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Send my check-in"
    assert page.evaluate(FOCUS_RING + "(document.activeElement)")


def test_a_person_checks_in_from_a_phone_and_asks_to_talk_now(link, phone):
    page = phone
    page.goto(link)
    check_the_form_is_labelled(page)
    assert fits_the_screen(page)
    answer_with_the_keyboard(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "self_checkin_form_phone.png"), full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).text_content() == "Talk to someone now"
    assert page.get_by_role("main").count() == 1
    call = page.get_by_role("link", name=re.compile(r"^Call 999 Emergency services"))
    assert call.get_attribute("href") == "tel:999" and call.is_visible()
    assert page.get_by_role("link", name=re.compile(r"^Call 116 123 Samaritans")).get_attribute("href") == "tel:116123"
    assert page.locator("a[href^='sms:']").count() == 1
    assert page.get_by_text("Your care team has been alerted").is_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "self_checkin_phone.png"), full_page=True)
    page.goto(link)  # the link worked once
    assert page.get_by_role("heading", level=1).text_content() == "This check-in has already been sent"
