"""The notifications staff pages through the Flask test client, on a real database, with a
real SMTP server and SMS sink behind the dispatcher: the delivery log in words and without
message text, the settings page for coordinators and admins, the inbox, and form posts."""
import re

import pytest

from tests.support.tokens import ORG_B, bearer

SAME_SITE = {"Origin": "http://localhost"}
EVIL = {"Origin": "https://evil.example"}


@pytest.fixture
def world(notifications_world):
    return notifications_world


def log_in(world, role: str, subject: str | None = None) -> None:
    """The session cookie a login on the people service sets; pages read it like a token."""
    token = world.headers(role=role, subject=subject)["Authorization"].removeprefix("Bearer ")
    world.client.set_cookie("circles_session", token)


def html(response) -> str:
    return response.get_data(as_text=True)


def row(page: str, delivery_id: str) -> str:
    return re.search(rf'<tr id="delivery-{delivery_id}">(.*?)</tr>', page, re.S).group(1)


def test_the_delivery_log_shows_what_went_where_in_words_and_never_a_message_or_an_address(world):
    sam = world.person()
    world.consent(sam, [sam.sister], ["attendance"], ["family_support"])  # not missed sessions
    world.missed(sam)
    world.dispatch()
    log_url = f"/staff/persons/{sam.id}/deliveries"
    assert world.client.get(log_url).status_code == 302  # no session: to the login page
    log_in(world, "peer_worker", sam.peer_worker)
    response = world.client.get(log_url)
    page = html(response)
    assert response.status_code == 200 and "<main>" in page and "<h1>Delivery log" in page
    assert "Missed check-in <span" in page  # the event, in words, as a heading

    [email] = world.deliveries(recipient_id=sam.peer_worker, channel="email")
    peer_row = row(page, email.id)
    assert "Missed check-in: alert to staff" in peer_row and "Peer_Worker" in peer_row and "· staff member" in peer_row
    assert ">Email<" in peer_row and ">sent</strong>" in peer_row and "accepted" in peer_row
    [kim] = world.deliveries(recipient_id=sam.sister)
    kim_row = row(page, kim.id)
    assert "Kim (family, inner circle) <span class=\"muted\">· network contact" in kim_row and ">suppressed</strong>" in kim_row
    assert "The consent does not cover this kind of information" in kim_row and "data_class" not in kim_row
    [jo] = world.deliveries(recipient_id=sam.sponsor)
    assert "The person&#39;s consents do not name this contact" in row(page, jo.id)
    [to_sam] = world.deliveries(recipient_kind="person", channel="sms")
    assert "The person" in row(page, to_sam.id) and "Text (SMS)" in row(page, to_sam.id)

    texts = [r.json()["body"] for r in world.sms.requests if r.path == "/sms"]
    mails = [m.get_content().strip() for m in world.smtp.messages] + [m["Subject"] for m in world.smtp.messages]
    assert texts and mails
    for secret in texts + mails + [d.address for d in world.deliveries() if d.address]:
        assert secret not in page and secret.replace("'", "&#39;") not in page


def test_another_peer_worker_or_organisation_gets_a_not_found_page(world):
    sam = world.person()
    world.missed(sam)
    world.dispatch()
    log_in(world, "peer_worker")
    response = world.client.get(f"/staff/persons/{sam.id}/deliveries")
    assert response.status_code == 404 and "<h1>Not found</h1>" in html(response)
    world.client.set_cookie("circles_session", bearer(world.settings, role="admin", org=ORG_B)["Authorization"][7:])
    assert world.client.get(f"/staff/persons/{sam.id}/deliveries").status_code == 404
    log_in(world, "admin")
    assert world.client.get(f"/staff/persons/{sam.id}/deliveries").status_code == 200


def test_a_coordinator_reads_the_rules_and_settings_but_cannot_change_them(world):
    world.client.put("/rules", headers=world.headers(role="admin"), json={
        "rules": {"session.upcoming": [{"to": "person", "template": "session.upcoming"}]}})
    log_in(world, "coordinator")
    page = html(world.client.get("/staff/settings"))
    assert '<form method="post" action="/staff/settings"' not in page and "Only an admin can change" in page
    assert "<dd>21:00 to 08:00</dd>" in page and "<dd>English</dd>" in page
    upcoming = re.search(r'<tbody id="rules-session.upcoming">(.*?)</tbody>', page, re.S).group(1)
    assert "Changed by your organisation" in upcoming and upcoming.count("<tr>") == 1
    missed = re.search(r'<tbody id="rules-checkin.missed">(.*?)</tbody>', page, re.S).group(1)
    assert "Guide default" in missed and "2 or more" in missed
    assert "missed session alerts, for family support" in missed
    risk = re.search(r'<tbody id="rules-risk.flagged">(.*?)</tbody>', page, re.S).group(1)
    assert risk.count("Yes, even in quiet hours") == 3
    refused = world.client.post("/staff/settings", data={"quiet_start": "22:00", "quiet_end": "07:00",
                                                         "rate_limit_per_hour": "6", "locale": "en"})
    assert refused.status_code == 403 and "<h1>Not allowed</h1>" in html(refused)
    log_in(world, "peer_worker")
    assert world.client.get("/staff/settings").status_code == 403


def test_an_admin_changes_quiet_hours_rate_limit_and_language(world):
    log_in(world, "admin")
    form = html(world.client.get("/staff/settings"))
    assert re.search(r'<fieldset aria-describedby="quiet-hint">\s*<legend>Quiet hours</legend>', form)
    assert re.search(r'<label for="quiet_start">Quiet hours start</label>\s*<input id="quiet_start"[^>]*'
                     r'value="21:00"', form)
    saved = world.client.post("/staff/settings", headers=SAME_SITE, data={
        "quiet_start": "22:30", "quiet_end": "07:00", "rate_limit_per_hour": "10", "locale": "es"})
    assert saved.status_code == 303
    rules = world.client.get("/rules", headers=world.headers(role="admin")).json
    assert (rules["quiet_start"], rules["quiet_end"], rules["rate_limit_per_hour"], rules["locale"]) == (
        "22:30", "07:00", 10, "es")
    page = html(world.client.get(saved.headers["Location"]))
    assert 'role="status"' in page and 'value="22:30"' in page and '<option value="es" selected>' in page


def test_invalid_settings_come_back_with_accessible_errors_and_save_nothing(world):
    log_in(world, "admin")
    response = world.client.post("/staff/settings", data={
        "quiet_start": "25:00", "quiet_end": "07:00", "rate_limit_per_hour": "0", "locale": "xx"})
    page = html(response)
    assert response.status_code == 422 and 'role="alert"' in page
    assert "Enter when quiet hours start, like 21:00 (9 pm)." in page
    assert re.search(r'id="quiet_start"[^>]*value="25:00"[^>]*aria-invalid="true" '
                     r'aria-describedby="quiet_start-error"', page)
    assert 'id="rate_limit_per_hour-error"' in page and 'id="locale-error"' in page
    assert 'id="quiet_end-error"' not in page
    rules = world.client.get("/rules", headers=world.headers(role="admin")).json
    assert (rules["quiet_start"], rules["rate_limit_per_hour"], rules["locale"]) == ("21:00", 6, "en")


def test_form_posts_from_another_site_are_refused(world):
    sam = world.person()
    world.missed(sam)
    world.dispatch()
    log_in(world, "admin")
    change = {"quiet_start": "23:00", "quiet_end": "06:00", "rate_limit_per_hour": "6", "locale": "en"}
    assert world.client.post("/staff/settings", data=change, headers=EVIL).status_code == 403
    assert world.client.get("/rules", headers=world.headers(role="admin")).json["quiet_start"] == "21:00"
    log_in(world, "peer_worker", sam.peer_worker)
    [item] = world.client.get("/inbox", headers=world.headers(role="peer_worker", subject=sam.peer_worker)).json
    assert world.client.post(f"/staff/inbox/{item['id']}/read", headers=EVIL).status_code == 403
    # The shared layout's "Log out" button posts to whichever service drew the page.
    assert world.client.post("/logout", headers=EVIL).status_code == 403
    out = world.client.post("/logout", headers=SAME_SITE)
    assert out.status_code == 303 and out.headers["Location"] == world.settings.login_url
    assert world.client.get("/staff/inbox").status_code == 302


def test_the_inbox_lists_urgent_first_marks_unread_in_words_and_marks_read(world):
    sam = world.person()
    world.missed(sam)
    world.source("circles.checkins.risk.flagged.v1", sam.id, person_id=sam.id, site_id=None,
                 flag_ids=["7d1c0000-0000-4000-8000-000000000001"], region="GB", severity="high",
                 kinds=["relapse"], source="staff", checkin_id=None, raised_at=world.clock.now())
    world.dispatch()
    log_in(world, "peer_worker", sam.peer_worker)
    page = html(world.client.get("/staff/inbox"))
    assert "· 2 unread</span></h1>" in page and page.count("<strong>unread</strong>") == 2
    assert page.index('<strong class="badge">Urgent:</strong>') < page.index("Missed weekly check-in")
    [missed_item] = [i for i in world.client.get("/inbox", headers=world.headers(
        role="peer_worker", subject=sam.peer_worker)).json if not i["urgent"]]
    log_in(world, "peer_worker")  # someone else cannot mark it
    assert world.client.post(f"/staff/inbox/{missed_item['id']}/read").status_code == 404
    log_in(world, "peer_worker", sam.peer_worker)
    marked = world.client.post(f"/staff/inbox/{missed_item['id']}/read", data={"unread": "1"}, headers=SAME_SITE)
    assert marked.status_code == 303 and "unread=1" in marked.headers["Location"]
    after = html(world.client.get(marked.headers["Location"]))
    assert "Marked as read." in after and "· 1 unread</span></h1>" in after and "Missed weekly" not in after
    everything = html(world.client.get("/staff/inbox"))
    assert re.search(rf'id="item-{missed_item["id"]}".*?read Mon 2 Mar 2026, 09:30 GMT', everything, re.S)
    assert f'href="/staff/persons/{sam.id}/deliveries"' in everything
