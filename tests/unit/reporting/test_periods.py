"""Reporting periods: calendar months, quarters and years in UTC, cut from a date range."""
import datetime as dt

import pytest

from services.reporting.domain.periods import period_of, periods

UTC = dt.timezone.utc
D = dt.date


@pytest.mark.parametrize("day, granularity, label, first, next_first", [
    (D(2026, 3, 17), "month", "2026-03", D(2026, 3, 1), D(2026, 4, 1)),
    (D(2026, 12, 31), "month", "2026-12", D(2026, 12, 1), D(2027, 1, 1)),
    (D(2026, 1, 1), "quarter", "2026-Q1", D(2026, 1, 1), D(2026, 4, 1)),
    (D(2026, 5, 20), "quarter", "2026-Q2", D(2026, 4, 1), D(2026, 7, 1)),
    (D(2026, 9, 30), "quarter", "2026-Q3", D(2026, 7, 1), D(2026, 10, 1)),
    (D(2026, 11, 2), "quarter", "2026-Q4", D(2026, 10, 1), D(2027, 1, 1)),
    (D(2026, 7, 4), "year", "2026", D(2026, 1, 1), D(2027, 1, 1)),
])
def test_period_of_a_day(day, granularity, label, first, next_first):
    period = period_of(day, granularity)
    assert (period.label, period.first_day, period.next_first_day) == (label, first, next_first)


def test_last_day_of_february_in_a_leap_year_and_not():
    assert period_of(D(2028, 2, 10), "month").last_day == D(2028, 2, 29)
    assert period_of(D(2026, 2, 10), "month").last_day == D(2026, 2, 28)
    assert period_of(D(2026, 11, 1), "quarter").last_day == D(2026, 12, 31)


def test_a_period_runs_from_midnight_utc_to_the_next_periods_midnight_exclusive():
    march = period_of(D(2026, 3, 9), "month")
    assert march.start == dt.datetime(2026, 3, 1, tzinfo=UTC)
    assert march.end == dt.datetime(2026, 4, 1, tzinfo=UTC)
    assert march.holds(dt.datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    assert march.holds(dt.datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC))
    assert not march.holds(dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    assert not march.holds(dt.datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC))
    # 00:30 on 1 April in London (BST) is 23:30 on 31 March in UTC: March.
    london = dt.timezone(dt.timedelta(hours=1))
    assert march.holds(dt.datetime(2026, 4, 1, 0, 30, tzinfo=london))


def test_months_spanning_a_new_year():
    found = periods(D(2025, 11, 15), D(2026, 2, 3), "month")
    assert [p.label for p in found] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    # Whole periods: the first starts on the 1st, the last runs to its end.
    assert found[0].first_day == D(2025, 11, 1)
    assert found[-1].last_day == D(2026, 2, 28)


def test_quarters_spanning_a_new_year():
    found = periods(D(2025, 12, 1), D(2026, 4, 1), "quarter")
    assert [p.label for p in found] == ["2025-Q4", "2026-Q1", "2026-Q2"]


def test_years_in_a_range():
    assert [p.label for p in periods(D(2024, 6, 1), D(2026, 1, 1), "year")] == ["2024", "2025", "2026"]


def test_consecutive_periods_meet_without_gap_or_overlap():
    found = periods(D(2025, 1, 1), D(2026, 12, 31), "month")
    assert len(found) == 24
    for before, after in zip(found, found[1:]):
        assert before.next_first_day == after.first_day


def test_a_range_ending_on_a_periods_last_day_or_next_first_day():
    assert [p.label for p in periods(D(2026, 3, 1), D(2026, 3, 31), "month")] == ["2026-03"]
    assert [p.label for p in periods(D(2026, 3, 1), D(2026, 4, 1), "month")] == ["2026-03", "2026-04"]


def test_a_one_day_range_is_one_period():
    assert [p.label for p in periods(D(2026, 3, 9), D(2026, 3, 9), "quarter")] == ["2026-Q1"]


def test_a_range_ending_before_it_starts_raises():
    with pytest.raises(ValueError):
        periods(D(2026, 3, 2), D(2026, 3, 1), "month")


@pytest.mark.parametrize("granularity", ["week", "day", "", "Month"])
def test_an_unknown_granularity_raises(granularity):
    with pytest.raises(ValueError):
        periods(D(2026, 1, 1), D(2026, 3, 1), granularity)
