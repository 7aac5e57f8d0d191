"""The directory's pages through the Flask test client, on a real database: the public
page (helplines first, filters, JSON-LD, the feed link), the embeddable page, and the
staff pages' round trips and refusals. The clock is Monday 2 March 2026, 09:30 in London."""
import json
import re

import pytest

from services.resources import seed
from tests.integration.test_resources_directory import CAFE, ONLINE, RIVERSIDE
from tests.support.tokens import ORG_A, ORG_B, bearer

SAME_SITE = {"Origin": "http://localhost"}
EVIL = {"Origin": "https://evil.example"}


@pytest.fixture
def site(client_for):
    client, app = client_for("resources")
    editor = bearer(app.extensions["circles"].settings, role="coordinator")
    for body in [RIVERSIDE, CAFE, ONLINE, *seed.helplines()]:
        assert client.post("/listings", json=body, headers=editor).status_code == 201, body["slug"]
    return client, app, editor


def html(response) -> str:
    return response.get_data(as_text=True)


def results(page: str) -> list[str]:
    """The names of the meetings and drop-ins found, in order."""
    return re.findall(r'<h3 id="result-\d+">([^<]+)</h3>', page)


def graph(page: str) -> list[dict]:
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(script)
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def listing(client, slug: str) -> dict:
    found = client.get(f"/listings?q={slug.split('-')[0]}&per_page=100").json["items"]
    return next(hit["listing"] for hit in found if hit["listing"]["slug"] == slug)


def test_the_directory_puts_helplines_first_as_numbers_to_call_or_text(site):
    client, _, _ = site
    response = client.get("/directory")
    page = html(response)
    assert response.status_code == 200 and client.get("/directory").headers["Content-Type"].startswith("text/html")
    order = [page.index(f'id="{part}-heading"') for part in ("helplines", "filters", "results")]
    assert order == sorted(order)
    for link in ('href="tel:116123">Call 116 123', 'href="tel:03001236600"', 'href="sms:82111">Text 82111',
                 'href="tel:18006624357"', 'href="tel:988"', 'href="sms:988"', 'href="tel:111"'):
        assert link in page
    assert page.index("Samaritans") < page.index('id="results-heading"')
    assert results(page) == ["Riverside Step Meeting", "Hub Recovery Café", "SMART Recovery Online"]  # soonest first
    assert "Monday 2 March, 09:00 GMT" in page and "Monday 2 March, 19:00 EST" in page  # each listing's own zone
    assert "Attendance: Online only" in page and 'href="https://meet.example.org/smart"' in page
    assert 'class="skip-link" href="#directory"' in page and "<main>" in page and 'for="day"' in page


def test_the_page_carries_json_ld_and_advertises_the_meeting_guide_feed(site):
    client, _, _ = site
    page = html(client.get(f"/directory?organisation_id={ORG_A}"))
    assert (f'<link rel="alternate" type="application/json" title="Meetings Feed" '
            f'href="/meeting-guide.json?organisation_id={ORG_A}">') in page
    items = graph(page)
    events = {i["name"]: i for i in items if i["@type"] == "Event"}
    contacts = {i["name"]: i for i in items if i["@type"] == "ContactPoint"}
    assert set(events) == {"Riverside Step Meeting", "Hub Recovery Café", "SMART Recovery Online"}
    riverside, online = events["Riverside Step Meeting"], events["SMART Recovery Online"]
    assert riverside["startDate"] == "2026-03-02T09:00:00+00:00"
    assert riverside["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert riverside["location"]["@type"] == "Place"
    assert riverside["location"]["address"] == {"@type": "PostalAddress", "streetAddress": "12 Mill Lane",
                                                "addressLocality": "Manchester", "addressRegion": "Manchester",
                                                "postalCode": "M1 2AB", "addressCountry": "UK"}
    assert online["startDate"] == "2026-03-02T19:00:00-05:00"  # New York's offset, not UTC's
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/smart"}
    assert set(contacts) == {h["name"] for h in seed.helplines()}
    samaritans = contacts["Samaritans"]
    assert (samaritans["telephone"], samaritans["areaServed"], samaritans["availableLanguage"],
            samaritans["contactType"]) == ("116 123", "GB", ["en"], "emotional support, suicidal thoughts")
    [every_day] = samaritans["hoursAvailable"]
    assert (every_day["opens"], every_day["closes"], len(every_day["dayOfWeek"])) == ("00:00", "23:59", 7)
    assert contacts["Talk to FRANK"]["description"] == "Text 82111."


def test_a_name_cannot_break_out_of_the_json_ld(site):
    client, _, editor = site
    body = {**CAFE, "slug": "sneaky", "name": "Café </script><script>alert(1)</script>"}
    assert client.post("/listings", json=body, headers=editor).status_code == 201
    page = html(client.get("/directory"))
    assert "<script>alert(1)" not in page
    assert any(i["name"] == body["name"] for i in graph(page))


@pytest.mark.parametrize("query, expected", [
    ("day=3", ["Hub Recovery Café", "SMART Recovery Online"]),  # Wednesday: no step meeting
    ("online=1", ["SMART Recovery Online"]),
    ("day=1&online=1", ["SMART Recovery Online"]),
    ("type=ST", ["Riverside Step Meeting"]),
    ("open_now=1", ["Riverside Step Meeting"]),  # 09:30: the café opens at ten
    ("region=Manchester", ["Riverside Step Meeting"]),
    (f"organisation_id={ORG_B}", []),
    ("day=not-a-day&type=<b>", ["Riverside Step Meeting", "Hub Recovery Café", "SMART Recovery Online"]),
])
def test_filters_narrow_the_results_and_helplines_stay(site, query, expected):
    client, _, _ = site
    page = html(client.get(f"/directory?{query}"))
    assert results(page) == expected
    assert 'href="tel:999"' in page
    if expected:
        assert 'href="tel:116123"' in page
    else:  # another organisation's directory: its own listings only, and the emergency numbers
        assert "Nothing matches these filters" in page and "No helplines are listed here yet." in page


def test_the_form_shows_the_chosen_filters_and_keeps_the_scope(site):
    client, _, _ = site
    page = html(client.get(f"/directory?organisation_id={ORG_A}&day=3&type=O&online=1"))
    assert '<option value="3" selected>Wednesday</option>' in page and '<option value="O" selected>' in page
    assert re.search(r'id="online" name="online" value="1"[^>]*checked', page)
    assert f'<input type="hidden" name="organisation_id" value="{ORG_A}">' in page
    assert f'<a href="/directory?organisation_id={ORG_A}">Clear filters</a>' in page


def test_the_embed_page_may_be_framed_by_any_site_and_the_main_page_shows_how(site):
    client, _, _ = site
    response = client.get("/directory/embed?online=1")
    page = html(response)
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors *")  # the page policy otherwise
    assert "X-Frame-Options" not in response.headers
    assert 'class="top"' not in page and "Log out" not in page  # no site chrome
    assert results(page) == ["SMART Recovery Online"] and 'href="tel:116123"' in page
    assert 'href="https://meet.example.org/smart" target="_blank" rel="noopener"' in page
    assert 'action="/directory/embed"' in page and 'title="Meetings Feed"' in page
    main = html(client.get(f"/directory?organisation_id={ORG_A}"))
    assert (f"&lt;iframe src=&#34;http://localhost/directory/embed?organisation_id={ORG_A}&#34; "
            "title=&#34;Recovery meetings, drop-ins and helplines&#34;") in main


NEW_CAFE = {"kind": "dropin", "name": "Ancoats Recovery Café", "slug": "ancoats-cafe", "timezone": "Europe/London",
            "slot-0-day": "2", "slot-0-opens": "10:00", "slot-0-closes": "15:00",
            "slot-3-day": "4", "slot-3-opens": "10:00", "slot-3-closes": "15:00",
            "address": "5 Canal Street", "city": "Manchester", "postal_code": "M4 6AA", "country": "UK",
            "latitude": "53.484", "longitude": "-2.228", "phone-0-number": "0161 496 0000", "phone-0-type": "voice",
            "languages": "en, pl", "types": "O", "other_types": "CF", "notes": "Sober social <every> week"}


def test_a_coordinator_creates_edits_and_retires_a_listing(site):
    client, _, editor = site
    assert client.get("/staff/listings/new", headers=editor).status_code == 200
    created = client.post("/staff/listings/new", data=NEW_CAFE, headers=editor)
    assert created.status_code == 303 and created.headers["Location"] == "/staff/listings?saved=ancoats-cafe"
    stored = listing(client, "ancoats-cafe")
    assert stored["slots"] == [{"day": 2, "opens": "10:00", "closes": "15:00"},
                               {"day": 4, "opens": "10:00", "closes": "15:00"}]
    assert (stored["types"], stored["languages"], stored["latitude"]) == (["CF", "O"], ["en", "pl"], 53.484)
    assert stored["phones"] == [{"number": "0161 496 0000", "type": "voice"}] and stored["days"] == []

    cafe = listing(client, "hub-cafe")  # made through the API, with a holiday closure the form does not show
    form = html(client.get(f"/staff/listings/{cafe['id']}/edit", headers=editor))
    assert 'value="Hub Recovery Café"' in form and '<option value="5" selected>Friday</option>' in form
    assert 'name="slot-4-closes" size="6" placeholder="HH:MM" value="16:00"' in form
    edited = dict(NEW_CAFE, name="Hub Recovery Café (new hours)", slug="hub-cafe")
    assert client.post(f"/staff/listings/{cafe['id']}/edit", data=edited, headers=editor).status_code == 303
    after = listing(client, "hub-cafe")
    assert after["name"] == "Hub Recovery Café (new hours)" and after["version"] == 2
    assert after["closed_dates"] == ["2026-12-25"] and len(after["slots"]) == 2  # kept; replaced

    retired = client.post(f"/staff/listings/{cafe['id']}/retire", headers=editor)
    assert retired.status_code == 303 and retired.headers["Location"] == "/staff/listings?retired=hub-cafe"
    index = html(client.get("/staff/listings?retired=hub-cafe", headers=editor))
    assert index.index("Ancoats Recovery Café") < index.index('id="retired-heading"') < index.index("Hub Recovery Café")
    assert 'role="status">Retired hub-cafe' in index
    assert "Hub Recovery Café" not in results(html(client.get("/directory")))


def test_a_meeting_is_saved_with_its_meeting_guide_day_and_time(site):
    client, _, editor = site
    meeting = {"kind": "meeting", "name": "Tuesday Step", "slug": "tuesday-step", "timezone": "Europe/London",
               "fellowship": "NA", "days": ["2", "4"], "time": "18:30", "city": "Manchester", "types": ["O", "ST"],
               "slot-0-day": "1", "slot-0-opens": "09:00", "slot-0-closes": "10:00"}  # slots are ignored for meetings
    assert client.post("/staff/listings/new", data=meeting, headers=editor).status_code == 303
    stored = listing(client, "tuesday-step")
    assert (stored["days"], stored["time"], stored["end_time"]) == ([2, 4], "18:30", "19:30")
    assert stored["slots"] == [{"day": 2, "opens": "18:30", "closes": "19:30"},
                               {"day": 4, "opens": "18:30", "closes": "19:30"}]


def test_a_refused_form_names_each_error_and_keeps_what_was_typed(site):
    client, _, editor = site
    bad = dict(NEW_CAFE, slug="Bad Slug", latitude="north", **{"slot-3-opens": "25:00", "phone-0-number": ""},
               **{"phone-1-number": "x" * 41})
    response = client.post("/staff/listings/new", data=bad, headers=editor)
    page = html(response)
    assert response.status_code == 422 and 'role="alert"' in page
    for field in ("slug", "latitude", "slot-3-opens", "phone-1-number"):
        assert f'<a href="#{field}">' in page and f'id="{field}-error"' in page, field
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page) or \
            re.search(rf'aria-invalid="true"[^>]*id="{field}"', page), field
    assert '<a href="#slot-3-opens">Opening 4: opens: Use HH:MM, 24-hour.</a>' in page
    assert 'value="Bad Slug"' in page and 'value="north"' in page and 'value="25:00"' in page
    assert "Sober social &lt;every&gt; week</textarea>" in page
    assert client.get("/listings?q=Ancoats").json["total"] == 0

    duplicate = client.post("/staff/listings/new", data=dict(NEW_CAFE, slug="hub-cafe"), headers=editor)
    assert duplicate.status_code == 409 and "already exists" in html(duplicate)
    empty = {"kind": "meeting", "name": "", "slug": "", "timezone": "Mars/Base"}
    missing = client.post("/staff/listings/new", data=empty, headers=editor)
    assert missing.status_code == 422
    assert all(f'id="{field}-error"' in html(missing) for field in ("name", "slug", "timezone"))


def test_importing_a_feed_shows_the_change_report(site):
    client, _, editor = site
    assert 'id="feed"' in html(client.get("/staff/import", headers=editor))
    exported = client.get(f"/meeting-guide.json?organisation_id={ORG_A}").json
    riverside = next(row for row in exported if row["slug"] == "riverside-step")
    rows = [{**riverside, "time": "10:00"}, {**riverside, "slug": "broken", "time": "25:99"},
            {"name": "New Thursday Group", "slug": "new-thursday", "day": 4, "time": "18:30"}]
    response = client.post("/staff/import", data={"feed": json.dumps(rows), "timezone": "Europe/London"},
                           headers=editor)
    page = html(response)
    assert response.status_code == 200 and "Import finished" in page
    assert re.search(r"Added \(1\)</h3>.*<li>new-thursday</li>", page, re.S)
    assert re.search(r"Updated \(1\)</h3>.*<li>riverside-step</li>", page, re.S)
    assert re.search(r"Removed \(1\)</h3>.*<li>smart-online</li>", page, re.S)
    assert re.search(r"Rejected \(1\)</h3>.*<td>2</td><td>broken</td>.*time and end_time are HH:MM", page, re.S)
    assert listing(client, "riverside-step")["time"] == "10:00"


def test_a_feed_that_cannot_be_read_is_refused_with_the_text_kept(site):
    client, _, editor = site
    not_json = client.post("/staff/import", data={"feed": "[{oops", "timezone": "Europe/London"}, headers=editor)
    assert not_json.status_code == 422 and "The pasted text is not JSON" in html(not_json)
    assert '[{oops</textarea>' in html(not_json) and 'aria-invalid="true"' in html(not_json)
    not_a_list = client.post("/staff/import", data={"feed": '{"meetings": []}'}, headers=editor)
    assert not_a_list.status_code == 422 and "JSON array" in html(not_a_list)
    unreachable = client.post("/staff/import", data={"url": "http://127.0.0.1:9/feed.json"}, headers=editor)
    assert unreachable.status_code == 422 and 'id="url-error"' in html(unreachable)
    nothing = client.post("/staff/import", data={"feed": "", "url": ""}, headers=editor)
    assert nothing.status_code == 422 and "Paste the feed" in html(nothing)
    assert len(client.get("/listings?kind=meeting").json["items"]) == 2  # nothing changed


def test_cross_origin_posts_are_refused(site):
    client, _, editor = site
    cafe = listing(client, "hub-cafe")
    for path, data in (("/staff/listings/new", NEW_CAFE), (f"/staff/listings/{cafe['id']}/edit", NEW_CAFE),
                       (f"/staff/listings/{cafe['id']}/retire", {}), ("/staff/import", {"feed": "[]"}),
                       ("/logout", {})):
        assert client.post(path, data=data, headers={**editor, **EVIL}).status_code == 403, path
    assert listing(client, "hub-cafe")["status"] == "active"
    out = client.post("/logout", headers=SAME_SITE)
    assert out.status_code == 303 and "circles_session=;" in out.headers["Set-Cookie"]


def test_only_the_organisations_editors_reach_the_staff_pages(site):
    client, app, _ = site
    settings = app.extensions["circles"].settings
    assert client.get("/staff/listings").status_code == 302  # to the login page
    peer = bearer(settings, role="peer_worker")
    for path in ("/staff/listings", "/staff/listings/new", "/staff/import"):
        response = client.get(path, headers=peer)
        assert response.status_code == 403 and "<h1>Not allowed</h1>" in html(response), path
    assert client.post("/staff/listings/new", data=NEW_CAFE, headers=peer).status_code == 403
    cafe = listing(client, "hub-cafe")
    other = bearer(settings, role="admin", org=ORG_B)
    assert client.get(f"/staff/listings/{cafe['id']}/edit", headers=other).status_code == 404
    assert client.post(f"/staff/listings/{cafe['id']}/retire", headers=other).status_code == 404
    assert "Hub Recovery Café" not in html(client.get("/staff/listings", headers=other))
