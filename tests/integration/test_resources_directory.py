"""The directory through its API on a real database: publishing, public search, the
Meeting Guide feed round trip and a malformed import that loses nothing.
The clock is Monday 2 March 2026, 09:30 UTC (09:30 in London)."""
import json

import pytest
from sqlalchemy import select

from tests.support.tokens import ORG_A, ORG_B, bearer

RIVERSIDE = {"kind": "meeting", "slug": "riverside-step", "name": "Riverside Step Meeting", "fellowship": "AA",
             "timezone": "Europe/London", "days": [1], "time": "09:00", "end_time": "10:00",
             "types": ["O", "ST", "X"], "address": "12 Mill Lane", "city": "Manchester", "postal_code": "M1 2AB",
             "country": "UK", "latitude": 53.4808, "longitude": -2.2426, "region": "Manchester"}
CAFE = {"kind": "dropin", "slug": "hub-cafe", "name": "Hub Recovery Café", "timezone": "Europe/London",
        "slots": [{"day": d, "opens": "10:00", "closes": "16:00"} for d in range(1, 6)],
        "closed_dates": ["2026-12-25"], "latitude": 53.4794, "longitude": -2.2453, "city": "Manchester",
        "languages": ["en", "pl"]}
ONLINE = {"kind": "meeting", "slug": "smart-online", "name": "SMART Recovery Online", "fellowship": "SMART Recovery",
          "timezone": "America/New_York", "days": [1, 3], "time": "19:00", "types": ["O", "ONL"],
          "conference_url": "https://meet.example.org/smart", "approximate": True, "city": "New York"}
SAMARITANS = {"kind": "helpline", "slug": "samaritans", "name": "Samaritans", "timezone": "Europe/London",
              "slots": [{"day": d, "opens": "00:00", "closes": "23:59"} for d in range(7)],
              "phones": [{"number": "116 123", "type": "voice"}], "area_served": "GB", "topics": ["emotional support"],
              "languages": ["en"]}


@pytest.fixture
def directory(client_for):
    client, app = client_for("resources")
    editor = bearer(app.extensions["circles"].settings, role="coordinator")
    for body in (RIVERSIDE, CAFE, ONLINE, SAMARITANS):
        response = client.post("/listings", json=body, headers=editor)
        assert response.status_code == 201, response.json
    return client, app, editor


def names(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [hit["listing"]["name"] for hit in response.json["items"]]


def test_reading_is_public_and_attendance_is_derived(directory):
    client, _, _ = directory
    listed = {h["listing"]["slug"]: h["listing"]["attendance"] for h in client.get("/listings").json["items"]}
    assert listed == {"riverside-step": "in_person", "hub-cafe": "in_person", "smart-online": "online",
                      "samaritans": "in_person"}


def test_open_now_and_next_in_each_listings_zone(directory):
    client, _, _ = directory
    # Monday 09:30 in London: the step meeting and the helpline are open, the café opens at 10.
    assert names(client.get("/listings?open_now=true")) == ["Riverside Step Meeting", "Samaritans"]
    nxt = client.get("/listings?kind=meeting&sort=next&viewer_timezone=Europe/London").json["items"]
    assert [h["listing"]["slug"] for h in nxt] == ["riverside-step", "smart-online"]
    # 19:00 in New York on Monday 2 March is 00:00 UTC on Tuesday.
    assert nxt[1]["next_opens"] == "2026-03-03T00:00:00+00:00"
    assert nxt[1]["next_opens_local"] == "Tuesday 3 March, 00:00"


def test_filters_by_day_time_types_fellowship_language_text_and_attendance(directory):
    client, _, _ = directory
    assert names(client.get("/listings?day=3&time_from=18:00")) == ["Samaritans", "SMART Recovery Online"]
    assert names(client.get("/listings?types=O,ST")) == ["Riverside Step Meeting"]
    assert names(client.get("/listings?fellowship=SMART Recovery")) == ["SMART Recovery Online"]
    assert names(client.get("/listings?language=pl")) == ["Hub Recovery Café"]
    assert names(client.get("/listings?q=mill lane")) == ["Riverside Step Meeting"]
    assert names(client.get("/listings?attendance=online")) == ["SMART Recovery Online"]


def test_distance_from_a_point_in_km_or_miles_nearest_first(directory):
    client, _, _ = directory
    near = client.get("/listings?lat=53.4790&lng=-2.2450&radius=1&unit=mi&sort=distance").json
    assert [h["listing"]["slug"] for h in near["items"]] == ["hub-cafe", "riverside-step"]
    assert near["items"][0]["distance_km"] < 0.1 and near["items"][1]["distance_miles"] < 1
    assert client.get("/listings?lat=53&radius=5").status_code == 422
    assert client.get("/listings?sort=distance").status_code == 422


def test_pages(directory):
    client, _, _ = directory
    first, second = client.get("/listings?per_page=3").json, client.get("/listings?per_page=3&page=2").json
    assert (first["total"], len(first["items"]), len(second["items"])) == (4, 3, 1)


def test_only_the_owning_organisations_editors_change_listings(directory):
    client, app, editor = directory
    settings = app.extensions["circles"].settings
    cafe = client.get("/listings?q=Café").json["items"][0]["listing"]
    assert client.post("/listings", json=CAFE).status_code == 401
    assert client.post("/listings", json={**CAFE, "slug": "x"}, headers=bearer(settings, role="peer_worker")).status_code == 403
    other = bearer(settings, role="admin", org=ORG_B)
    assert client.post(f"/listings/{cafe['id']}/retire", headers=other).status_code == 404
    assert client.post("/listings", json=CAFE, headers=editor).status_code == 409
    retired = client.post(f"/listings/{cafe['id']}/retire", headers=editor)
    assert retired.json["status"] == "retired"
    assert "Hub Recovery Café" not in names(client.get("/listings"))
    runtime = app.extensions["circles"]
    with runtime.engine.connect() as conn:
        types = [r.event_type for r in conn.execute(select(runtime.spec.outbox).order_by(runtime.spec.outbox.c.id))]
    assert types.count("circles.resources.resource.published.v1") == 4
    assert types[-1] == "circles.resources.resource.retired.v1"


def test_bad_meetings_are_refused_with_reasons(directory):
    client, _, editor = directory
    bad = client.post("/listings", json={**RIVERSIDE, "slug": "bad", "time": "7pm", "timezone": "Mars/Base"},
                      headers=editor)
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]) == {"time", "timezone"}


@pytest.mark.parametrize("bad", [
    {"time": "09:00\n"},  # passed `^..$` and did not fit VARCHAR(5): a 500 on both databases
    {"time": "0\u0669:00"},  # `\d` took an Arabic-Indic digit
    {"postal_code": "M1 2AB" * 10},  # longer than its VARCHAR(20): a 500 on PostgreSQL
    {"city": "x" * 121}, {"conference_phone": "1" * 61}, {"url": "https://example.org/" + "a" * 500},
    {"timezone": "US"},  # a folder of the zone database: ZoneInfo raised IsADirectoryError, a 500
])
def test_values_that_do_not_fit_their_columns_are_refused(directory, bad):
    """Found by Schemathesis (tests/security/test_fuzz_openapi.py)."""
    client, _, editor = directory
    response = client.post("/listings", json={**RIVERSIDE, "slug": "too-long", **bad}, headers=editor)
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]["json"]) == set(bad)


def test_the_meeting_guide_feed_round_trips_to_identical_listings(directory, client_for):
    client, _, _ = directory
    exported = client.get(f"/meeting-guide.json?organisation_id={ORG_A}").json
    assert {row["slug"] for row in exported} == {"riverside-step", "smart-online"}
    uk = next(row for row in exported if row["slug"] == "riverside-step")
    assert (uk["postal_code"], uk["day"], "state" not in uk) == ("M1 2AB", 1, True)
    other_client, other_app = client_for("resources")
    importer = bearer(other_app.extensions["circles"].settings, role="admin", org=ORG_B)
    report = other_client.post("/imports/meeting-guide", json={"feed": exported}, headers=importer).json
    assert sorted(report["added"]) == ["riverside-step", "smart-online"] and report["rejected"] == []
    again = other_client.get(f"/meeting-guide.json?organisation_id={ORG_B}").json
    assert again == exported
    second = other_client.post("/imports/meeting-guide", json={"feed": exported}, headers=importer).json
    assert sorted(second["unchanged"]) == ["riverside-step", "smart-online"] and second["added"] == []


def test_a_malformed_feed_loses_nothing_and_reports_each_bad_row(directory):
    client, _, editor = directory
    feed = client.get(f"/meeting-guide.json?organisation_id={ORG_A}").json
    riverside = next(row for row in feed if row["slug"] == "riverside-step")
    broken = [{**riverside, "time": "25:99"}, {"name": "No slug"}, "not an object",
              {"name": "New Tuesday Group", "slug": "new-tuesday", "day": 2, "time": "18:30"}]
    report = client.post("/imports/meeting-guide", json={"feed": broken}, headers=editor).json
    assert report["added"] == ["new-tuesday"]
    assert [r["index"] for r in report["rejected"]] == [0, 1, 2]
    assert report["rejected"][0]["slug"] == "riverside-step" and report["rejected"][0]["reasons"]
    assert report["removed"] == ["smart-online"]  # absent from the feed
    kept = client.get("/listings?q=Riverside").json["items"][0]["listing"]
    assert (kept["time"], kept["status"]) == ("09:00", "active")  # the bad row changed nothing
    not_a_feed = client.post("/imports/meeting-guide", json={"feed": {"meetings": []}}, headers=editor)
    assert not_a_feed.status_code == 422
    assert len(client.get("/listings?kind=meeting").json["items"]) == 2


def test_feed_rows_that_do_not_fit_their_columns_are_rejected_not_a_500(directory):
    """Feed rows skip ListingIn: their lengths, patterns and zones are checked on their own."""
    client, _, editor = directory
    rows = [{"name": "Long postcode", "slug": "long-postcode", "postal_code": "M1 2AB" * 10},
            {"name": "Newline", "slug": "newline", "day": 1, "time": "09:00\n"},
            {"name": "Folder zone", "slug": "folder-zone", "timezone": "US"},
            {"name": "Slug newline", "slug": "slug-newline\n"},
            {"name": "Fine", "slug": "fine", "day": 2, "time": "18:30"}]
    report = client.post("/imports/meeting-guide", json={"feed": rows}, headers=editor)
    assert report.status_code == 200, report.json
    assert report.json["added"] == ["fine"]
    assert [r["index"] for r in report.json["rejected"]] == [0, 1, 2, 3]
    assert "postal_code is longer than 20 characters" in report.json["rejected"][0]["reasons"]


def test_an_import_for_a_site_the_caller_does_not_work_at_is_refused(directory):
    client, app, _ = directory
    settings = app.extensions["circles"].settings
    site_bound = bearer(settings, role="coordinator", sites=["aaaaaaaa-0000-4000-8000-000000000001"])
    refused = client.post("/imports/meeting-guide", headers=site_bound, json={
        "feed": [], "site_id": "aaaaaaaa-0000-4000-8000-000000000002"})
    assert refused.status_code == 403
    assert len(client.get("/listings?kind=meeting").json["items"]) == 2


def test_a_site_feed_syncs_only_that_sites_meetings(directory):
    """A coordinator of one site imports for that site: other sites' meetings are neither
    retired nor renamed through their slugs (found by the authorization matrix)."""
    client, app, editor = directory
    settings = app.extensions["circles"].settings
    north, south = "aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"
    feed = client.get(f"/meeting-guide.json?organisation_id={ORG_A}").json
    south_coordinator = bearer(settings, role="coordinator", sites=[south])
    assert client.post("/imports/meeting-guide", headers=south_coordinator,
                       json={"feed": []}).status_code == 422  # which of their sites?
    hijack = [{**feed[0], "name": "Renamed from another site"},
              {"name": "South Tuesday", "slug": "south-tuesday", "day": 2, "time": "18:30"}]
    report = client.post("/imports/meeting-guide", headers=south_coordinator,
                         json={"feed": hijack, "site_id": south}).json
    assert report["added"] == ["south-tuesday"] and report["removed"] == []
    assert report["rejected"][0]["reasons"] == ["that slug is a listing of another site"]
    names = [hit["listing"]["name"] for hit in client.get("/listings?kind=meeting").json["items"]]
    assert feed[0]["name"] in names and "Renamed from another site" not in names and len(names) == 3
    north_feed = client.post("/imports/meeting-guide", headers=editor, json={"feed": [], "site_id": north}).json
    assert north_feed["removed"] == []  # the South meeting and the unsited ones are not North's to retire
