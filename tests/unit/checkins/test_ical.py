"""The iCalendar feed builder: valid RFC 5545 that round-trips, real time zones, cancelled
and moved sessions as EXDATE / RECURRENCE-ID, and summaries that name nobody."""
import datetime as dt
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from services.checkins.domain.ical import FeedRhythm, FeedSession, build_feed

UTC = dt.timezone.utc
STAMP = dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PERSON = "0f1e2d3c-4b5a-4968-8776-655443322110"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def weekly(**overrides) -> FeedRhythm:
    values = dict(id="r-weekly", person_id=PERSON, title="Weekly check-in", rrule="FREQ=WEEKLY;BYDAY=TU",
                  first_start_local="2026-03-03T18:00:00", timezone="Europe/London", duration_minutes=60, sessions=(
                      FeedSession("2026-03-10T18:00:00", "cancelled", False, at("2026-03-10T18:00"),
                                  at("2026-03-10T19:00")),
                      FeedSession("2026-03-31T18:00:00", "scheduled", True, at("2026-04-01T16:30"),
                                  at("2026-04-01T17:30"))))
    return FeedRhythm(**{**values, **overrides})


def monthly() -> FeedRhythm:
    return FeedRhythm("r-review", PERSON, "Care-team review", "FREQ=MONTHLY;BYDAY=1WE", "2026-03-04T10:00:00",
                      "America/New_York", 90)


def feed(*rhythms, for_staff=False) -> bytes:
    return build_feed("Circles check-ins", rhythms or (weekly(), monthly()), STAMP, for_staff=for_staff)


def starts(ics: bytes, days: int = 40) -> list[dt.datetime]:
    calendar = Calendar.from_ical(ics)
    events = recurring_ical_events.of(calendar).between(STAMP, STAMP + dt.timedelta(days=days))
    return sorted(event.start.astimezone(UTC) for event in events)


def test_the_feed_parses_and_round_trips_byte_for_byte():
    ics = feed()
    calendar = Calendar.from_ical(ics)
    assert calendar.to_ical() == ics
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == "-//Circles//Check-ins//EN"
    assert calendar["METHOD"] == "PUBLISH" and calendar["X-WR-CALNAME"] == "Circles check-ins"
    assert {str(event["UID"]) for event in calendar.walk("VEVENT")} == {"r-weekly@circles", "r-review@circles"}
    assert calendar.get_missing_tzids() == set()


def test_every_zone_has_a_vtimezone_whose_onsets_are_the_real_transitions():
    calendar = Calendar.from_ical(feed())
    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    assert set(zones) == {"Europe/London", "America/New_York"}
    for name, component in zones.items():
        real, onsets = ZoneInfo(name), 0
        for part in component.walk("DAYLIGHT") + component.walk("STANDARD"):
            before, after = part["TZOFFSETFROM"].td, part["TZOFFSETTO"].td
            rdates = [d.dt for rdate in _list(part.get("RDATE")) for d in rdate.dts]
            for local in [part["DTSTART"].dt, *rdates]:
                instant = (local - before).replace(tzinfo=UTC)  # RFC 5545: onset in the old offset
                if before != after:
                    assert (instant - dt.timedelta(seconds=1)).astimezone(real).utcoffset() == before
                    onsets += 1
                assert instant.astimezone(real).utcoffset() == after, (name, local)
        assert onsets == 6  # two changes a year, 2026 to 2028
    london = zones["Europe/London"].walk("DAYLIGHT")[0]
    assert london["DTSTART"].dt == dt.datetime(2026, 3, 29, 1, 0)  # 01:00 GMT, not 02:00


def test_a_cancelled_session_is_an_exdate_and_a_moved_one_an_override_of_the_same_uid():
    ics = feed(weekly())
    text = ics.decode()
    assert "EXDATE;TZID=Europe/London:20260310T180000" in text
    assert "RECURRENCE-ID;TZID=Europe/London:20260331T180000" in text
    override = [e for e in Calendar.from_ical(ics).walk("VEVENT") if "RECURRENCE-ID" in e]
    assert [(str(e["UID"]), e.start, e.end) for e in override] == [
        ("r-weekly@circles", at("2026-04-01T16:30"), at("2026-04-01T17:30"))]


def test_expanded_occurrences_keep_the_wall_clock_across_the_clocks_change():
    assert starts(feed(weekly())) == [
        at("2026-03-03T18:00"), at("2026-03-17T18:00"), at("2026-03-24T18:00"),  # 18:00 GMT; 10th cancelled
        at("2026-04-01T16:30"),  # the 31st, moved
        at("2026-04-07T17:00")]  # 18:00 BST


def test_a_local_until_becomes_utc_and_still_ends_the_series_on_that_day():
    ics = feed(weekly(rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20260324T180000", sessions=()))
    assert "UNTIL=20260324T180000Z" in ics.decode()
    assert starts(ics) == [at("2026-03-03T18:00"), at("2026-03-10T18:00"), at("2026-03-17T18:00"),
                           at("2026-03-24T18:00")]


def test_a_left_over_exception_from_an_earlier_rule_is_not_published():
    stale = FeedSession("2026-03-05T18:00:00", "scheduled", True, at("2026-03-06T12:00"), at("2026-03-06T13:00"))
    ics = feed(weekly(sessions=(stale,)))
    assert b"RECURRENCE-ID" not in ics and at("2026-03-06T12:00") not in starts(ics)


def test_summaries_name_nobody_and_staff_see_only_a_short_reference():
    for_person = Calendar.from_ical(feed())
    assert {str(e["SUMMARY"]) for e in for_person.walk("VEVENT")} == {"Weekly check-in", "Care-team review"}
    assert PERSON[:8].encode() not in feed()
    for_staff = feed(for_staff=True)
    assert {str(e["SUMMARY"]) for e in Calendar.from_ical(for_staff).walk("VEVENT")} == {
        "Weekly check-in · ref 0f1e2d3c", "Care-team review · ref 0f1e2d3c"}
    assert PERSON.encode() not in for_staff
    assert all(e["CLASS"] == "PRIVATE" for e in for_person.walk("VEVENT"))


def _list(value):
    return [] if value is None else value if isinstance(value, list) else [value]
