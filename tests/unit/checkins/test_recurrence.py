"""Rhythms as RFC 5545 rules in the person's zone: wall-clock times survive DST changes."""
import datetime as dt

import pytest

from services.checkins.domain.recurrence import Recurrence, RecurrenceError, parse_local, parse_rule

UTC = dt.timezone.utc


def weekly(first: str, tz: str, rule: str = "FREQ=WEEKLY", minutes: int = 15) -> Recurrence:
    return Recurrence(rule, dt.datetime.fromisoformat(first), tz, dt.timedelta(minutes=minutes))


def starts(recurrence, start, end):
    return [o.starts_at for o in recurrence.between(start, end)]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_london_weekly_checkin_keeps_its_wall_clock_time_over_the_march_change():
    # BST starts on Sunday 2026-03-29: 18:00 GMT is 18:00Z, 18:00 BST is 17:00Z.
    tuesdays = weekly("2026-03-17T18:00", "Europe/London", "FREQ=WEEKLY;BYDAY=TU")
    assert starts(tuesdays, at("2026-03-16T00:00"), at("2026-04-08T00:00")) == [
        at("2026-03-17T18:00"), at("2026-03-24T18:00"), at("2026-03-31T17:00"), at("2026-04-07T17:00")]


def test_london_weekly_checkin_keeps_its_wall_clock_time_over_the_october_change():
    # BST ends on Sunday 2026-10-25.
    fridays = weekly("2026-10-16T09:30", "Europe/London", "FREQ=WEEKLY;BYDAY=FR")
    assert starts(fridays, at("2026-10-15T00:00"), at("2026-11-01T00:00")) == [
        at("2026-10-16T08:30"), at("2026-10-23T08:30"), at("2026-10-30T09:30")]


def test_new_york_keeps_local_time_across_both_changes():
    # EDT from 2026-03-08, EST from 2026-11-01.
    mondays = weekly("2026-03-02T17:00", "America/New_York", "FREQ=WEEKLY;BYDAY=MO")
    assert starts(mondays, at("2026-03-01T00:00"), at("2026-03-10T00:00")) == [
        at("2026-03-02T22:00"), at("2026-03-09T21:00")]
    assert starts(mondays, at("2026-10-25T00:00"), at("2026-11-03T00:00")) == [
        at("2026-10-26T21:00"), at("2026-11-02T22:00")]


def test_a_time_inside_the_spring_gap_moves_forward_by_the_gap():
    # 01:30 does not exist in London on 2026-03-29; RFC 5545 reads it with the offset
    # before the gap: 01:30 GMT, which is 02:30 BST.
    daily = weekly("2026-03-28T01:30", "Europe/London", "FREQ=DAILY;COUNT=3")
    assert starts(daily, at("2026-03-27T00:00"), at("2026-04-01T00:00")) == [
        at("2026-03-28T01:30"), at("2026-03-29T01:30"), at("2026-03-30T00:30")]


def test_an_ambiguous_autumn_time_is_its_first_occurrence():
    # 01:30 happens twice in London on 2026-10-25: first in BST (00:30Z).
    daily = weekly("2026-10-25T01:30", "Europe/London", "FREQ=DAILY;COUNT=1")
    assert starts(daily, at("2026-10-24T00:00"), at("2026-10-26T00:00")) == [at("2026-10-25T00:30")]


def test_occurrences_carry_their_local_key_and_length():
    [occurrence] = weekly("2026-07-07T18:00", "Europe/London", minutes=30).between(
        at("2026-07-07T00:00"), at("2026-07-08T00:00"))
    assert occurrence.key == "2026-07-07T18:00:00"
    assert occurrence.ends_at - occurrence.starts_at == dt.timedelta(minutes=30)


def test_monthly_review_on_the_first_tuesday():
    reviews = weekly("2026-01-06T10:00", "Europe/London", "FREQ=MONTHLY;BYDAY=1TU", minutes=60)
    assert [s.date().isoformat() for s in starts(reviews, at("2026-01-01T00:00"), at("2026-05-01T00:00"))] == [
        "2026-01-06", "2026-02-03", "2026-03-03", "2026-04-07"]


def test_the_window_is_half_open_and_respects_until():
    rule = weekly("2026-03-03T18:00", "Europe/London", "FREQ=WEEKLY;UNTIL=20260317T235959")
    assert starts(rule, at("2026-03-03T18:00"), at("2026-03-10T18:00")) == [at("2026-03-03T18:00")]
    assert len(rule.between(at("2026-01-01T00:00"), at("2027-01-01T00:00"))) == 3


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=MINUTELY", "BYDAY=TU", "FREQ=WEEKLY;BYDAY=XX", "nonsense"])
def test_rules_that_are_not_rfc_5545_or_too_fine_are_refused(rule):
    with pytest.raises(RecurrenceError) as caught:
        parse_rule(rule)
    assert caught.value.field == "rrule"


def test_bad_zones_and_local_times_are_refused_with_their_field():
    with pytest.raises(RecurrenceError) as caught:
        weekly("2026-03-03T18:00", "Mars/Olympus_Mons")
    assert caught.value.field == "timezone"
    for value in ("2026-03-03T18:00+01:00", "next tuesday"):
        with pytest.raises(RecurrenceError) as caught:
            parse_local(value)
        assert caught.value.field == "first_start_local"
