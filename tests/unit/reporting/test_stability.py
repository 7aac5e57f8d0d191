"""Housing and employment: improved and worsened compare the first assessment ever with
the latest in the period; the share is over persons followed up in the period."""
import datetime as dt

from services.reporting.domain.periods import period_of
from services.reporting.domain.values import Count, Rate
from tests.support.reporting_history import History, utc

from .pipeline import month_values


def housing_history(h: History, *steps: tuple[dt.datetime, str]) -> None:
    person = h.person(utc(2025, 12, 1))
    for at, status in steps:
        h.assessment(person, at, housing=status)


def employment_history(h: History, *steps: tuple[dt.datetime, str]) -> None:
    person = h.person(utc(2025, 12, 1))
    for at, status in steps:
        h.assessment(person, at, employment=status)


def test_housing_improved_worsened_and_stable_share():
    h = History()
    housing_history(h, (utc(2026, 1, 5), "homeless"), (utc(2026, 3, 10), "stable"))     # A: improved
    housing_history(h, (utc(2026, 1, 5), "stable"), (utc(2026, 3, 10), "temporary"))    # B: worsened
    housing_history(h, (utc(2026, 1, 5), "stable"), (utc(2026, 3, 10), "stable"))       # C: stable both
    housing_history(h, (utc(2026, 1, 5), "temporary"), (utc(2026, 2, 1), "stable"),
                    (utc(2026, 3, 10), "temporary"))                                    # D: first vs latest: same
    housing_history(h, (utc(2026, 3, 5), "stable"))                                     # E: intake only, no follow-up
    housing_history(h, (utc(2026, 1, 5), "homeless"), (utc(2026, 2, 1), "stable"))      # F: nothing in March

    v = month_values(h)

    assert v["housing_improved"] == Count(1)       # A
    assert v["housing_worsened"] == Count(1)       # B
    # Followed up in March: A, B, C, D; stably housed at the latest one: A, C.
    assert v["housing_stable_share"] == Rate(2, 4)


def test_housing_uses_the_latest_assessment_in_the_period_not_a_later_one():
    h = History()
    housing_history(h, (utc(2026, 1, 5), "homeless"), (utc(2026, 3, 5), "temporary"),
                    (utc(2026, 3, 25), "stable"), (utc(2026, 4, 5), "homeless"))
    v = month_values(h)
    assert v["housing_improved"] == Count(1)
    assert v["housing_worsened"] == Count(0)
    assert v["housing_stable_share"] == Rate(1, 1)


def test_a_first_assessment_and_a_follow_up_both_in_the_period_count():
    h = History()
    housing_history(h, (utc(2026, 3, 2), "institution"), (utc(2026, 3, 28), "stable"))
    v = month_values(h)
    assert v["housing_improved"] == Count(1)
    assert v["housing_stable_share"] == Rate(1, 1)


def test_employment_improved_worsened_and_share():
    h = History()
    jan, feb, mar = utc(2026, 1, 5), utc(2026, 2, 9), utc(2026, 3, 9)
    employment_history(h, (jan, "unemployed_seeking"), (mar, "employed_part_time"))     # moved into work
    employment_history(h, (jan, "employed_full_time"), (mar, "unemployed_not_seeking"))  # left work
    employment_history(h, (jan, "employed_full_time"), (mar, "employed_part_time"))     # in work both times
    employment_history(h, (jan, "student"), (mar, "retired"))                           # out of work both times
    employment_history(h, (mar, "employed_full_time"))                                  # no follow-up
    employment_history(h, (jan, "unable_to_work"), (feb, "employed_full_time"))         # nothing in March

    v = month_values(h)

    assert v["employment_improved"] == Count(1)
    assert v["employment_worsened"] == Count(1)
    # Followed up in March: 4; employed (full or part time) at the latest one: 2.
    assert v["employment_share"] == Rate(2, 4)


def test_housing_and_employment_are_counted_independently_of_each_other():
    h = History()
    person = h.person(utc(2026, 1, 1))
    h.assessment(person, utc(2026, 1, 2), housing="homeless", employment="employed_full_time")
    h.assessment(person, utc(2026, 3, 2), housing="stable", employment="unemployed_seeking")
    v = month_values(h)
    assert (v["housing_improved"], v["housing_worsened"]) == (Count(1), Count(0))
    assert (v["employment_improved"], v["employment_worsened"]) == (Count(0), Count(1))
    assert v["housing_stable_share"] == Rate(1, 1)
    assert v["employment_share"] == Rate(0, 1)


def test_stability_over_a_year():
    h = History()
    year = period_of(dt.date(2026, 6, 1), "year")
    housing_history(h, (utc(2025, 6, 1), "homeless"), (utc(2026, 2, 1), "temporary"), (utc(2026, 11, 1), "stable"))
    housing_history(h, (utc(2026, 1, 3), "stable"), (utc(2026, 12, 31, 23), "homeless"))
    housing_history(h, (utc(2025, 1, 3), "stable"), (utc(2025, 12, 31, 23), "homeless"))  # 2025 only
    v = month_values(h, year, utc(2027, 1, 15))
    assert (v["housing_improved"], v["housing_worsened"]) == (Count(1), Count(1))
    assert v["housing_stable_share"] == Rate(1, 2)


def test_no_follow_ups_have_no_share():
    h = History()
    housing_history(h, (utc(2026, 3, 5), "stable"))
    v = month_values(h)
    assert v["housing_stable_share"] == Rate(0, 0)
    assert v["housing_stable_share"].value is None
    assert v["employment_share"].value is None


def test_an_unknown_status_is_no_information_not_a_loss():
    h = History()
    housing_history(h, (utc(2026, 1, 5), "stable"), (utc(2026, 3, 10), "unknown"))      # A: not followed up
    housing_history(h, (utc(2026, 1, 5), "unknown"), (utc(2026, 2, 1), "homeless"),
                    (utc(2026, 3, 10), "stable"))                                       # B: baseline is February's

    v = month_values(h)

    assert v["housing_worsened"] == Count(0)
    assert v["housing_improved"] == Count(1)       # B: homeless -> stable
    assert v["housing_stable_share"] == Rate(1, 1)
