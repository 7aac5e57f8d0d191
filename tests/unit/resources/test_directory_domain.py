"""The directory's domain without I/O: attendance options, opening hours across DST,
distances, and the Meeting Guide row format."""
import datetime as dt

import pytest

from services.resources.domain.attendance import attendance_option
from services.resources.domain.geo import bounding_box, distance_km, to_km
from services.resources.domain.meeting_guide import RowError, parse_row, to_row
from services.resources.domain.opening import Opening, Slot

UTC = dt.timezone.utc


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize("types, approximate, url, phone, option", [
    (["O"], False, None, None, "in_person"),
    (["O"], True, None, None, "inactive"),
    (["O"], False, "https://zoom.example/j/1", None, "hybrid"),
    (["O"], True, None, "+441234567", "online"),
    (["TC"], False, "https://zoom.example/j/1", None, "online"),
    (["TC"], False, None, None, "inactive"),
])
def test_the_attendance_option_is_derived_as_tsml_does(types, approximate, url, phone, option):
    assert attendance_option(types, approximate, url, phone) == option


def test_a_tuesday_meeting_at_19_00_london_is_next_at_the_right_utc_time_on_both_sides_of_bst():
    tuesdays = Opening((Slot(2, "19:00", "20:00"),), "Europe/London")
    assert tuesdays.next_window(at("2026-03-25T12:00")) == (at("2026-03-31T18:00"), at("2026-03-31T19:00"))
    assert tuesdays.next_window(at("2026-03-23T12:00")) == (at("2026-03-24T19:00"), at("2026-03-24T20:00"))
    assert tuesdays.next_window(at("2026-10-22T12:00")) == (at("2026-10-27T19:00"), at("2026-10-27T20:00"))


def test_new_york_drop_in_is_open_now_in_local_time():
    weekdays = Opening(tuple(Slot(day, "09:00", "17:00") for day in range(1, 6)), "America/New_York")
    assert weekdays.is_open(at("2026-03-09T13:30"))  # Monday 09:30 EDT
    assert not weekdays.is_open(at("2026-03-09T12:30"))  # 08:30 EDT
    assert not weekdays.is_open(at("2026-03-07T15:00"))  # Saturday


def test_holiday_exceptions_close_a_day_and_slots_may_cross_midnight():
    late = Opening((Slot(5, "22:00", "02:00"),), "Europe/London", closed_dates=frozenset({dt.date(2026, 12, 25)}))
    assert late.is_open(at("2026-03-07T01:30"))  # Friday's session, early Saturday
    assert late.next_window(at("2026-12-24T12:00")) == (at("2027-01-01T22:00"), at("2027-01-02T02:00"))


def test_a_24_7_helpline_is_always_open():
    always = Opening(tuple(Slot(day, "00:00", "23:59") for day in range(7)), "Europe/London")
    for moment in ("2026-03-29T00:59", "2026-03-29T01:30", "2026-10-25T01:30", "2026-07-01T23:59"):
        assert always.is_open(at(moment))


def test_distances_and_units():
    london, manchester = (51.5074, -0.1278), (53.4808, -2.2426)
    assert distance_km(*london, *manchester) == pytest.approx(262, abs=2)
    assert to_km(10, "mi") == pytest.approx(16.09, abs=0.01)
    lat_min, lat_max, lon_min, lon_max = bounding_box(*london, 10)
    assert lat_min < london[0] < lat_max and lon_min < london[1] < lon_max
    assert distance_km(lat_max, london[1], *london) == pytest.approx(10, abs=0.01)


UK_ROW = {"name": "Riverside Step Meeting", "slug": "riverside-step", "day": 2, "time": "19:00",
          "timezone": "Europe/London", "types": ["O", "ST", "X"], "address": "12 Mill Lane",
          "city": "Manchester", "postal_code": "M1 2AB", "country": "UK", "latitude": 53.48, "longitude": -2.24}


def test_a_uk_meeting_without_a_state_is_valid_and_gets_the_default_hour():
    listing = parse_row(UK_ROW, "Europe/London")
    assert (listing["days"], listing["time"], listing["end_time"]) == ([2], "19:00", "20:00")
    assert (listing["postal_code"], listing["state"]) == ("M1 2AB", None)
    assert to_row(listing) == {**UK_ROW, "end_time": "20:00", "types": ["O", "ST", "X"]}


def test_every_problem_of_a_bad_row_is_named():
    with pytest.raises(RowError) as caught:
        parse_row({"name": "", "slug": "Bad Slug!", "day": 9, "time": "7pm", "timezone": "Mars/Base",
                   "latitude": 123, "longitude": 0, "conference_phone": "call me"}, "Europe/London")
    assert len(caught.value.reasons) == 7
