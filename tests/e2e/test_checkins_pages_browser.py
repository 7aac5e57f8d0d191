"""The check-in agenda form in a real browser (Debian's Chromium through Playwright): a peer
worker logs in on the people service, fills the 15-minute agenda with the keyboard alone,
submits, and lands on the person's session list. Screenshots are kept as artifacts.

Everything runs as real processes: the people web app and worker publish the person, the
assignment and the contact on Kafka; the check-ins worker builds its read model from them."""
import datetime as dt
from zoneinfo import ZoneInfo

import requests

from tests.e2e.test_staff_pages_browser import ARTIFACTS, CHROMIUM, PASSWORD, pytestmark  # noqa: F401
from tests.support import processes
from tests.support.tokens import bearer


def caseload(platform, org: str) -> tuple[dict, str, str]:
    """A peer worker (with a password, to log in), a person assigned to them, and one
    network contact who agreed to be contacted."""
    site = platform.people_call(org, "POST", "/sites", name="Hub", timezone="Europe/London")
    peer = platform.people_call(org, "POST", "/staff", email=f"peer-{org[:8]}@e2e.example", display_name="Pat Peer",
                                role="peer_worker", site_ids=[site["id"]], password=PASSWORD)
    person = platform.people_call(org, "POST", "/persons", display_name="Sam R.", timezone="Europe/London",
                                  region="GB", site_id=site["id"])["id"]
    platform.people_call(org, "PUT", f"/persons/{person}/peer-worker", staff_id=peer["id"])
    jo = platform.people_call(org, "POST", f"/persons/{person}/contacts", name="Jo", role="sponsor", circle="inner",
                              label="helpful", agreement={"agreed_on": dt.date.today().isoformat()})["id"]
    return peer, person, jo


def wait_for_read_model(platform, org: str, peer: dict, person: str) -> None:
    form = f"{platform.urls['checkins']}/staff/persons/{person}/checkins/new"
    headers = bearer(platform.settings, role="peer_worker", org=org, subject=peer["id"])

    def ready():
        response = requests.get(form, headers=headers, timeout=5)
        return response.status_code == 200 and "Jo (sponsor" in response.text
    processes.wait_until(ready, 60, message="check-ins to hear of the person, the assignment and the contact")


def weekly_rhythm(platform, org: str, person: str, peer: dict, contact: str) -> None:
    tomorrow = dt.datetime.now(ZoneInfo("Europe/London")).date() + dt.timedelta(days=1)
    response = requests.post(f"{platform.urls['checkins']}/rhythms", timeout=10, headers=bearer(
        platform.settings, role="peer_worker", org=org, subject=peer["id"]), json={
        "person_id": person, "kind": "weekly_checkin", "first_start_local": f"{tomorrow}T18:00",
        "participants": [{"kind": "staff", "id": peer["id"]}, {"kind": "contact", "id": contact}]})
    assert response.status_code == 201, response.text


def fill_agenda_with_the_keyboard(page, due: dt.date) -> None:
    keys = page.keyboard
    page.locator("#wellbeing-1").focus()
    keys.press("Space")
    for _ in range(6):
        keys.press("ArrowRight")  # a radio group is one tab stop; arrows move the choice: 7
    for text in ("Went to my first meeting", "Worried about the rent"):
        keys.press("Tab")
        keys.type(text)
    keys.press("Tab")  # the relapse flag
    keys.type("medium")
    for _ in range(6):
        keys.press("Tab")  # past the other flags, left at "none", to the practical tasks
    for text in ("Dentist on Thursday", "20", "Full", "Call the housing officer together", "Jo"):
        keys.type(text)
        keys.press("Tab")
    keys.type(f"{due:%m%d%Y}")  # the date field's segments, in the en-US order the page is opened with


def test_a_peer_worker_fills_the_agenda_with_the_keyboard_and_sees_the_session_list(platform, org):
    from playwright.sync_api import sync_playwright
    peer, person, jo = caseload(platform, org)
    wait_for_read_model(platform, org, peer, person)
    weekly_rhythm(platform, org, person, peer, jo)
    people, checkins = platform.urls["people"], platform.urls["checkins"]
    due = dt.date.today() + dt.timedelta(days=7)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-US")
        # The people service sets the session cookie; every service on the host accepts it.
        page.goto(f"{people}/login")
        page.fill("#email", peer["email"])
        page.fill("#password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{people}/staff/persons")
        page.goto(f"{checkins}/staff/persons/{person}/checkins/new")
        assert page.locator("h2").first.text_content() == "Quick wellbeing check (1–2 min)"
        fill_agenda_with_the_keyboard(page, due)
        assert page.locator("#wellbeing-7").is_checked() and page.locator("#flag-relapse").input_value() == "medium"
        assert page.locator("#item-0-owner option:checked").text_content().startswith("Jo (")
        assert page.locator("#item-0-due").input_value() == due.isoformat()
        page.screenshot(path=str(ARTIFACTS / "checkins_agenda.png"), full_page=True)
        page.locator("button[type=submit]", has_text="Record check-in").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{checkins}/staff/persons/{person}/sessions?recorded=*")
        assert page.get_by_role("status").text_content().startswith("Check-in recorded.")
        assert page.locator("#upcoming-heading + ol.sessions > li.card").count() >= 1
        assert "Weekly check-in" in page.locator("#rhythms").text_content()
        page.screenshot(path=str(ARTIFACTS / "checkins_sessions.png"), full_page=True)
        record_url = page.get_by_role("link", name="Open the record").get_attribute("href")
        browser.close()
    record = requests.get(f"{checkins}/checkins/{record_url.rsplit('/', 1)[1]}", timeout=10, headers=bearer(
        platform.settings, role="peer_worker", org=org, subject=peer["id"])).json()
    assert record["wellbeing"] == 7 and record["days_abstinent_last_30"] == 20
    assert record["risk_flags"][0]["kind"] == "relapse" and record["medication_adherence"] == "full"
    assert record["action_items"][0]["owner_id"] == jo and record["action_items"][0]["due_on"] == due.isoformat()
