"""Days abstinent (latest report per person in the period; a missing report is left out,
never zero), BARC-10 change and the share at 47 or above, and MSPSS change."""
import pytest

from services.reporting.domain.values import Rate
from tests.support.reporting_history import History, utc

from .pipeline import month_values


def test_days_abstinent_uses_each_persons_latest_report_and_leaves_missing_reports_out():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    h.checkin(ann, utc(2026, 3, 2), days_abstinent=10)
    h.checkin(ann, utc(2026, 3, 20), days_abstinent=20)   # latest: 20
    ben = h.person(utc(2026, 1, 5))
    h.checkin(ben, utc(2026, 3, 5), days_abstinent=30)
    h.checkin(ben, utc(2026, 3, 25))                      # no report: left out, Ben's latest report is 30
    cat = h.person(utc(2026, 1, 5))
    h.checkin(cat, utc(2026, 3, 10))                      # never a report: not in the stats at all
    h.checkin(cat, utc(2026, 3, 11))
    dan = h.person(utc(2026, 1, 5))
    h.checkin(dan, utc(2026, 3, 3), days_abstinent=0)     # a reported 0 is a real 0
    eve = h.person(utc(2026, 1, 5))
    h.checkin(eve, utc(2026, 2, 20), days_abstinent=5)    # February only: not March
    h.checkin(eve, utc(2026, 4, 2), days_abstinent=15)    # April only
    fay = h.person(utc(2026, 1, 5))
    h.checkin(fay, utc(2026, 3, 1), days_abstinent=25)
    h.checkin(fay, utc(2026, 3, 31), days_abstinent=12)   # latest: lower than the earlier one

    v = month_values(h)

    # Latest reports: Ann 20, Ben 30, Dan 0, Fay 12 -> n = 4.
    # Mean (20 + 30 + 0 + 12) / 4 = 15.5; median of 0, 12, 20, 30 = (12 + 20) / 2 = 16.
    # (Counting Cat's missing reports as 0 would give n = 5, mean 12.4, median 12.)
    mean, median = v["days_abstinent_mean"], v["days_abstinent_median"]
    assert (mean.value, mean.n) == (pytest.approx(15.5), 4)
    assert (median.value, median.n) == (pytest.approx(16.0), 4)


def test_days_abstinent_median_of_an_odd_count_and_a_mean_with_decimals():
    h = History()
    for days in (7, 30, 14):
        h.checkin(h.person(utc(2026, 1, 5)), utc(2026, 3, 9), days_abstinent=days)
    v = month_values(h)
    assert v["days_abstinent_mean"].value == pytest.approx(51 / 3)  # 17.0
    assert v["days_abstinent_median"].value == 14


def test_days_abstinent_without_any_report_has_no_value():
    h = History()
    h.checkin(h.person(utc(2026, 1, 5)), utc(2026, 3, 9))
    v = month_values(h)
    assert (v["days_abstinent_mean"].value, v["days_abstinent_mean"].n) == (None, 0)
    assert (v["days_abstinent_median"].value, v["days_abstinent_median"].n) == (None, 0)


def test_barc10_change_from_the_first_total_ever_to_the_latest_in_the_period():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    h.assessment(ann, utc(2026, 1, 10), barc10=30, kind="intake")
    h.assessment(ann, utc(2026, 3, 15), barc10=50)           # +20
    ben = h.person(utc(2025, 11, 1))
    h.assessment(ben, utc(2025, 12, 1), barc10=40, kind="intake")
    h.assessment(ben, utc(2026, 2, 1), barc10=44)
    h.assessment(ben, utc(2026, 3, 10), barc10=47)           # from the first ever: 47 - 40 = +7
    cat = h.person(utc(2026, 1, 5))
    h.assessment(cat, utc(2026, 1, 5), barc10=46, kind="intake")
    h.assessment(cat, utc(2026, 3, 20), barc10=46)           # 0
    dan = h.person(utc(2026, 3, 1))
    h.assessment(dan, utc(2026, 3, 2), barc10=20, kind="intake")  # baseline only: no change yet
    eve = h.person(utc(2026, 1, 1))
    h.assessment(eve, utc(2026, 1, 1), barc10=10, kind="intake")
    h.assessment(eve, utc(2026, 3, 5), barc10=25)            # latest in March: +15
    h.assessment(eve, utc(2026, 4, 5), barc10=40)            # April: after the period
    fay = h.person(utc(2026, 1, 1))
    h.assessment(fay, utc(2026, 1, 1), barc10=12, kind="intake")
    h.assessment(fay, utc(2026, 3, 12), mspss=4.0)           # no BARC-10 in it: not a BARC follow-up
    gus = h.person(utc(2026, 1, 1))
    h.assessment(gus, utc(2026, 1, 1), barc10=12, kind="intake")
    h.assessment(gus, utc(2026, 2, 12), barc10=30)           # February only

    change = month_values(h)["barc10_change"]

    # Ann +20, Ben +7, Cat 0, Eve +15: (20 + 7 + 0 + 15) / 4 = 10.5
    assert (change.value, change.n) == (pytest.approx(10.5), 4)


def test_barc10_at_47_or_above_takes_each_persons_latest_total_in_the_period():
    h = History()
    totals = {"ann": [50], "ben": [47], "cat": [46], "dan": [20], "eve": [48, 45], "fay": [30, 49]}
    for scores in totals.values():
        person = h.person(utc(2026, 1, 5))
        for day, score in enumerate(scores, start=5):
            h.assessment(person, utc(2026, 3, day), barc10=score)
    gus = h.person(utc(2026, 1, 5))
    h.assessment(gus, utc(2026, 2, 5), barc10=60)   # February only: not in March's denominator
    h.assessment(gus, utc(2026, 3, 5), mspss=5.0)   # no BARC-10 in March

    # Latest in March: Ann 50, Ben 47, Cat 46, Dan 20, Eve 45, Fay 49 -> 47+ : Ann, Ben, Fay.
    assert month_values(h)["barc10_remission"] == Rate(3, 6)


def test_47_counts_and_46_does_not():
    h = History()
    h.assessment(h.person(utc(2026, 1, 5)), utc(2026, 3, 5), barc10=47)
    h.assessment(h.person(utc(2026, 1, 5)), utc(2026, 3, 5), barc10=46)
    assert month_values(h)["barc10_remission"] == Rate(1, 2)


def test_mspss_change_from_the_first_mean_ever():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    h.assessment(ann, utc(2026, 1, 10), mspss=3.0, kind="intake")
    h.assessment(ann, utc(2026, 3, 15), mspss=4.5)             # +1.5
    ben = h.person(utc(2026, 1, 5))
    h.assessment(ben, utc(2026, 1, 5), mspss=2.0, kind="intake")
    h.assessment(ben, utc(2026, 2, 5), mspss=5.0)              # nothing in March: left out
    cat = h.person(utc(2026, 3, 1))
    h.assessment(cat, utc(2026, 3, 1), mspss=4.0, kind="intake")  # baseline only
    dan = h.person(utc(2025, 12, 1))
    h.assessment(dan, utc(2025, 12, 1), mspss=5.0, kind="intake")
    h.assessment(dan, utc(2026, 3, 1), barc10=30)              # no MSPSS in it
    h.assessment(dan, utc(2026, 3, 20), mspss=4.0)             # -1.0

    change = month_values(h)["mspss_change"]

    # (1.5 + -1.0) / 2 = 0.25
    assert (change.value, change.n) == (pytest.approx(0.25), 2)


def test_score_changes_without_follow_ups_have_no_value():
    h = History()
    h.assessment(h.person(utc(2026, 3, 1)), utc(2026, 3, 2), barc10=30, mspss=3.0, kind="intake")
    v = month_values(h)
    assert (v["barc10_change"].value, v["barc10_change"].n) == (None, 0)
    assert (v["mspss_change"].value, v["mspss_change"].n) == (None, 0)
    assert v["barc10_remission"] == Rate(0, 1)
