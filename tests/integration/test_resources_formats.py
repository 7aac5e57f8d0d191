"""The directory's open formats through the API on a real database: the HSDS 3.0 subset,
the iCalendar feed (expanded across the clocks changing) and the CSV round trip.
The clock is Monday 2 March 2026, 09:30 UTC; the samples are the directory tests' own."""
import csv
import datetime as dt
import io

import pytest
import recurring_ical_events
from icalendar import Calendar

from tests.integration.test_resources_directory import CAFE, ONLINE, RIVERSIDE, SAMARITANS
from tests.support.tokens import ORG_A, ORG_B, bearer

UTC = dt.timezone.utc


@pytest.fixture
def directory(client_for):
    client, app = client_for("resources")
    editor = bearer(app.extensions["circles"].settings, role="coordinator")
    ids = {}
    for body in (RIVERSIDE, CAFE, ONLINE, SAMARITANS):
        response = client.post("/listings", json=body, headers=editor)
        assert response.status_code == 201, response.json
        ids[body["slug"]] = response.json["id"]
    return client, app, editor, ids


def hsds_names(client, query: str) -> list[str]:
    response = client.get(f"/hsds/services?{query}")
    assert response.status_code == 200, response.json
    return [service["name"] for service in response.json["contents"]]


def test_the_hsds_root_names_its_version_and_openapi(directory):
    client, _, _, _ = directory
    root = client.get("/hsds/").json
    assert (root["version"], root["profile"]) == ("3.0", "https://openreferral.org")
    assert root["openapi_url"] == "http://localhost/openapi.json"
    assert "/hsds/services/{service_id}" in client.get("/openapi.json").json["paths"]


def test_hsds_pages_count_items_and_pages(directory):
    client, _, _, _ = directory
    first = client.get("/hsds/services?per_page=3").json
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 4, "total_pages": 2, "page_number": 1, "size": 3, "first_page": True, "last_page": False,
        "empty": False}
    assert [s["name"] for s in first["contents"]] == ["Hub Recovery Café", "Riverside Step Meeting", "Samaritans"]
    second = client.get("/hsds/services?per_page=3&page=2").json
    assert (second["size"], second["first_page"], second["last_page"], second["empty"]) == (1, False, True, False)
    beyond = client.get("/hsds/services?per_page=3&page=3").json
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])


def test_a_meeting_is_a_service_at_a_uk_address_with_a_weekly_schedule(directory):
    client, _, _, ids = directory
    service = client.get(f"/hsds/services/{ids['riverside-step']}").json
    assert (service["status"], service["organization"]) == ("active", {"id": ORG_A, "name": ORG_A})
    [at] = service["service_at_locations"]
    location = at["location"]
    assert (location["location_type"], location["latitude"], location["longitude"]) == ("physical", 53.4808, -2.2426)
    [address] = location["addresses"]
    assert {k: address[k] for k in ("address_1", "city", "state_province", "postal_code", "country")} == {
        "address_1": "12 Mill Lane", "city": "Manchester", "state_province": None, "postal_code": "M1 2AB",
        "country": "UK"}
    [schedule] = service["schedules"]
    assert {k: schedule[k] for k in ("freq", "byday", "opens_at", "closes_at", "timezone")} == {
        "freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "10:00", "timezone": "Europe/London"}


def test_a_helpline_is_virtual_with_phones_and_a_24_hour_schedule(directory):
    client, _, _, ids = directory
    service = client.get(f"/hsds/services/{ids['samaritans']}").json
    [at] = service["service_at_locations"]
    assert (at["location"]["location_type"], at["location"]["addresses"]) == ("virtual", [])
    assert [(p["number"], p["type"]) for p in service["phones"]] == [("116 123", "voice")]
    [schedule] = service["schedules"]
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")
    assert "open 24 hours" in schedule["description"]
    cafe = client.get(f"/hsds/services/{ids['hub-cafe']}").json
    [weekdays] = cafe["schedules"]
    assert weekdays["byday"] == "MO,TU,WE,TH,FR" and "Closed on 2026-12-25" in weekdays["description"]
    assert [lang["code"] for lang in cafe["languages"]] == ["en", "pl"]
    online = client.get(f"/hsds/services/{ids['smart-online']}").json
    assert [(a["location"]["location_type"], a["location"]["url"]) for a in online["service_at_locations"]] == [
        ("virtual", "https://meet.example.org/smart")]


def test_hsds_filters_by_proximity_postcode_text_organisation_and_modification(directory):
    client, _, _, _ = directory
    here = "lat=53.4790&lng=-2.2450"
    assert hsds_names(client, f"{here}&proximity=150") == ["Hub Recovery Café"]
    assert hsds_names(client, f"{here}&proximity=1000") == ["Hub Recovery Café", "Riverside Step Meeting"]
    assert client.get("/hsds/services?proximity=1000").status_code == 422
    assert hsds_names(client, "postcode=m12ab") == ["Riverside Step Meeting"]
    assert hsds_names(client, "search=smart") == ["SMART Recovery Online"]
    assert hsds_names(client, f"organization_id={ORG_B}") == []
    assert len(hsds_names(client, "modified_after=2026-03-02T09:30:00Z")) == 4  # on or after
    assert hsds_names(client, "modified_after=2026-03-02T09:31:00") == []


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00%2B00:02", "9999-12-31T23:59:00-00:02", "0001-01-01T00:00:00"])
def test_a_modification_time_at_the_ends_of_the_calendar_is_a_problem_not_a_500(directory, moment):
    """Found by Schemathesis: moved to UTC, such a time overflowed Python's calendar."""
    client, _, _, _ = directory
    response = client.get(f"/hsds/services?modified_after={moment}")
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert "modified_after" in response.json["errors"]["query"]


def test_a_retired_listing_is_an_inactive_service_and_leaves_the_list(directory):
    client, _, editor, ids = directory
    client.post(f"/listings/{ids['hub-cafe']}/retire", headers=editor)
    assert client.get(f"/hsds/services/{ids['hub-cafe']}").json["status"] == "inactive"
    assert "Hub Recovery Café" not in hsds_names(client, "")
    assert client.get("/hsds/services/no-such-service").status_code == 404


def starts(ics: bytes, uid_prefix: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    events = recurring_ical_events.of(Calendar.from_ical(ics)).between(start, end)
    return sorted(e.start.astimezone(UTC) for e in events if str(e["UID"]).startswith(uid_prefix))


def test_the_calendar_keeps_local_times_across_the_clocks_changing_and_skips_closures(directory):
    client, _, _, ids = directory
    response = client.get("/calendar.ics")
    assert response.status_code == 200 and response.content_type == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert calendar.get_missing_tzids() == set()
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Europe/London", "America/New_York"}
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 1 + 5 + 2  # the helpline is not in it
    riverside = events[f"{ids['riverside-step']}-1@circles"]
    assert (str(riverside["SUMMARY"]), str(riverside["LOCATION"])) == (
        "Riverside Step Meeting", "12 Mill Lane, Manchester, M1 2AB, UK")
    assert "TZID=Europe/London:20260302T090000" in response.data.decode()
    # 09:00 in Manchester: 09:00 UTC in GMT, 08:00 UTC from Sunday 29 March (BST).
    assert starts(response.data, ids["riverside-step"], dt.datetime(2026, 3, 16, tzinfo=UTC),
                  dt.datetime(2026, 4, 7, tzinfo=UTC)) == [
        dt.datetime(2026, 3, 16, 9, tzinfo=UTC), dt.datetime(2026, 3, 23, 9, tzinfo=UTC),
        dt.datetime(2026, 3, 30, 8, tzinfo=UTC), dt.datetime(2026, 4, 6, 8, tzinfo=UTC)]
    # The café's Friday slot skips Christmas Day; its Thursday one does not.
    cafe = starts(response.data, ids["hub-cafe"], dt.datetime(2026, 12, 21, tzinfo=UTC),
                  dt.datetime(2026, 12, 27, tzinfo=UTC))
    assert [d.day for d in cafe] == [21, 22, 23, 24] and cafe[0].hour == 10
    online = events[f"{ids['smart-online']}-3@circles"]
    assert "Join online: https://meet.example.org/smart" in str(online["DESCRIPTION"])
    # 19:00 in New York on Wednesdays: 00:00 UTC Thursday before 8 March, 23:00 UTC after.
    assert starts(response.data, f"{ids['smart-online']}-3", dt.datetime(2026, 3, 2, tzinfo=UTC),
                  dt.datetime(2026, 3, 13, tzinfo=UTC)) == [dt.datetime(2026, 3, 5, 0, tzinfo=UTC),
                                                            dt.datetime(2026, 3, 11, 23, tzinfo=UTC)]
    only = Calendar.from_ical(client.get(f"/calendar.ics?kind=dropin&organisation_id={ORG_A}").data)
    assert {str(e["SUMMARY"]) for e in only.walk("VEVENT")} == {"Hub Recovery Café"}
    assert client.get("/calendar.ics?kind=helpline").status_code == 422


def rows(response) -> list[dict]:
    assert response.status_code == 200 and response.content_type == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.data.decode(), newline="")))


def without_ids(sheet: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "id"} for row in sheet]


def test_csv_export_import_export_gives_identical_rows(directory):
    client, app, _, _ = directory
    exported = client.get(f"/listings.csv?organisation_id={ORG_A}")
    sheet = rows(exported)
    assert [r["slug"] for r in sheet] == ["hub-cafe", "riverside-step", "samaritans", "smart-online"]
    cafe = sheet[0]
    assert (cafe["types"], cafe["slots"].split("; ")[0], cafe["closed_dates"], cafe["languages"]) == (
        "", "1 10:00-16:00", "2026-12-25", "en;pl")
    assert (sheet[1]["types"], sheet[1]["longitude"], sheet[2]["phones"]) == ("O ST X", "-2.2426", "voice:116 123")
    assert "\r\n" in exported.data.decode()
    importer = bearer(app.extensions["circles"].settings, role="admin", org=ORG_B)
    report = client.post("/imports/csv", json={"csv": exported.data.decode()}, headers=importer).json
    assert sorted(report["added"]) == [r["slug"] for r in sheet] and report["rejected"] == []
    again = rows(client.get(f"/listings.csv?organisation_id={ORG_B}"))
    assert without_ids(again) == without_ids(sheet)
    assert {r["id"] for r in again}.isdisjoint(r["id"] for r in sheet)
    second = client.post("/imports/csv", json={"csv": exported.data.decode()}, headers=importer).json
    assert sorted(second["unchanged"]) == sorted(report["added"]) and second["updated"] == second["removed"] == []


def write(sheet: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(sheet[0]))
    writer.writeheader()
    writer.writerows(sheet)
    return out.getvalue()


def test_a_bad_row_is_reported_by_number_and_changes_nothing(directory):
    client, _, editor, _ = directory
    before = rows(client.get(f"/listings.csv?organisation_id={ORG_A}"))
    sheet = list(before)
    sheet[1] = {**sheet[1], "name": "Renamed", "slots": "1 25:00-10:00"}  # row 3: riverside
    sheet[3] = {**sheet[3], "slots": "1 19:00-20:00; 3 18:00-19:00"}  # row 5: one meeting, two times
    new = {**sheet[0], "id": "", "slug": "new-cafe", "name": "New Café", "timezone": "Mars/Base"}
    report = client.post("/imports/csv", json={"csv": write([*sheet, new])}, headers=editor).json
    assert [(r["row"], r["slug"]) for r in report["rejected"]] == [
        (3, "riverside-step"), (5, "smart-online"), (6, "new-cafe")]
    assert any(reason.startswith("time") for reason in report["rejected"][0]["reasons"])
    assert report["rejected"][2]["reasons"] == ["timezone: Not an IANA time zone."]
    assert sorted(report["unchanged"]) == ["hub-cafe", "samaritans"] and report["added"] == report["removed"] == []
    kept = client.get("/listings?q=Riverside").json["items"][0]["listing"]
    assert (kept["name"], kept["time"], kept["version"]) == ("Riverside Step Meeting", "09:00", 1)
    assert rows(client.get(f"/listings.csv?organisation_id={ORG_A}")) == before
    assert client.post("/imports/csv", json={"csv": "slug,name\nx,y\n"}, headers=editor).status_code == 422
    assert client.post("/imports/csv", json={"csv": write(sheet)}).status_code == 401


def test_formula_cells_are_escaped_on_export_and_restored_on_import(directory):
    client, app, editor, _ = directory
    risky = {**CAFE, "slug": "risky", "name": "=HYPERLINK(\"http://evil.example\")", "notes": "@SUM(A1)",
             "phones": [{"number": "+44 116 123", "type": "voice"}], "conference_phone": "+441161234"}
    assert client.post("/listings", json=risky, headers=editor).status_code == 201
    text = client.get(f"/listings.csv?organisation_id={ORG_A}").data.decode()
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["slug"] == "risky")
    assert (row["name"], row["notes"], row["longitude"]) == ("'=HYPERLINK(\"http://evil.example\")", "'@SUM(A1)",
                                                              "-2.2453")
    assert row["conference_phone"] == "'+441161234"  # a text column: escaped even when it looks numeric
    assert row["phones"] == "voice:+44 116 123"  # a cell that starts with a letter needs nothing
    importer = bearer(app.extensions["circles"].settings, role="coordinator", org=ORG_B)
    assert client.post("/imports/csv", json={"csv": text}, headers=importer).json["rejected"] == []
    found = client.get(f"/listings?organisation_id={ORG_B}").json["items"]
    copy = next(hit["listing"] for hit in found if hit["listing"]["slug"] == "risky")
    assert (copy["name"], copy["notes"], copy["conference_phone"]) == (risky["name"], risky["notes"], "+441161234")
