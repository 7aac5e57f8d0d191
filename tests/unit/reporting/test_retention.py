"""Retention at 30, 90 and 180 days: of the persons whose intake fell in the period and
whose day N has passed, those not discharged before day N with a completed check-in in
the 30 days before day N."""
import datetime as dt

from services.reporting.domain.periods import period_of
from services.reporting.domain.values import Rate
from tests.support.reporting_history import History, utc

from .pipeline import MARCH, month_values

LATER = utc(2026, 12, 31)
INTAKE = utc(2026, 3, 1)  # day 30 is 2026-03-31 12:00; its window is [03-01 12:00, 03-31 12:00)
DAY_30 = INTAKE + dt.timedelta(days=30)


def test_retention_at_30_days_with_discharges_around_day_30():
    h = History()
    ann = h.person(INTAKE)
    h.checkin(ann, utc(2026, 3, 20))              # in, seen: retained
    ben = h.person(INTAKE)
    h.checkin(ben, utc(2026, 4, 5))               # seen only after day 30: not retained
    cat = h.person(INTAKE)
    h.checkin(cat, utc(2026, 3, 10))
    h.discharge(cat, utc(2026, 3, 20))            # discharged before day 30: not retained
    dan = h.person(INTAKE)
    h.checkin(dan, utc(2026, 3, 25))
    h.discharge(dan, DAY_30)                      # discharged on day 30: retained
    eve = h.person(INTAKE)
    h.checkin(eve, utc(2026, 3, 25))
    h.discharge(eve, utc(2026, 4, 10))            # discharged after day 30: retained
    feb = h.person(utc(2026, 2, 27))              # intake in February: not in March's cohort
    h.checkin(feb, utc(2026, 3, 5))

    # Retained: Ann, Dan, Eve = 3 of the 5 March intakes.
    assert month_values(h, MARCH, LATER)["retention_30"] == Rate(3, 5)


def test_discharged_on_or_after_day_30_without_a_recent_check_in_is_not_retained():
    h = History()
    ann = h.person(INTAKE)
    h.checkin(ann, INTAKE - dt.timedelta(days=1))  # before the window
    h.discharge(ann, utc(2026, 4, 20))
    assert month_values(h, MARCH, LATER)["retention_30"] == Rate(0, 1)


def test_the_window_is_the_30_days_before_day_n_not_day_n_itself():
    h = History()
    first_instant = h.person(INTAKE)
    h.checkin(first_instant, DAY_30 - dt.timedelta(days=30))     # = intake moment: inside
    last_second = h.person(INTAKE)
    h.checkin(last_second, DAY_30 - dt.timedelta(seconds=1))      # inside
    on_day_n = h.person(INTAKE)
    h.checkin(on_day_n, DAY_30)                                   # day N itself: not before it
    assert month_values(h, MARCH, LATER)["retention_30"] == Rate(2, 3)


def test_a_person_whose_day_n_is_still_to_come_is_not_in_the_denominator():
    h = History()
    early = h.person(utc(2026, 3, 1))     # day 30 = 03-31: passed on 04-15
    h.checkin(early, utc(2026, 3, 15))
    late = h.person(utc(2026, 3, 20))     # day 30 = 04-19: still to come on 04-15
    h.checkin(late, utc(2026, 4, 1))
    v = month_values(h, MARCH, utc(2026, 4, 15))
    assert v["retention_30"] == Rate(1, 1)
    assert v["retention_90"] == Rate(0, 0)   # nobody's day 90 has passed
    assert v["retention_90"].value is None
    assert v["retention_180"] == Rate(0, 0)
    # Once Late's day 30 has passed, they join the denominator (and are retained).
    assert month_values(h, MARCH, utc(2026, 4, 20))["retention_30"] == Rate(2, 2)


def test_retention_at_90_and_180_days():
    h = History()
    # Intake 2026-01-10 12:00: day 90 = 04-10 12:00 (window from 03-11 12:00),
    # day 180 = 07-09 12:00 (window from 06-09 12:00).
    intake = utc(2026, 1, 10)
    january = period_of(dt.date(2026, 1, 1), "month")
    gus = h.person(intake)
    h.checkin(gus, utc(2026, 3, 20))   # in the day-90 window; nothing near day 180
    hal = h.person(intake)
    h.checkin(hal, utc(2026, 3, 1))    # before the day-90 window
    h.checkin(hal, utc(2026, 7, 1))    # in the day-180 window
    ivy = h.person(intake)
    h.checkin(ivy, utc(2026, 4, 1))    # in the day-90 window
    h.checkin(ivy, utc(2026, 6, 20))   # in the day-180 window ...
    h.discharge(ivy, utc(2026, 7, 1))  # ... but discharged before day 180
    jon = h.person(intake)
    h.checkin(jon, utc(2026, 2, 1))    # in the day-30 window (01-10 .. 02-09)
    h.checkin(jon, utc(2026, 4, 9))    # in the day-90 window
    h.checkin(jon, utc(2026, 7, 8))    # in the day-180 window

    v = month_values(h, january, LATER)

    assert v["retention_30"] == Rate(1, 4)   # Jon
    assert v["retention_90"] == Rate(3, 4)   # Gus, Ivy, Jon
    assert v["retention_180"] == Rate(2, 4)  # Hal, Jon


def test_retention_for_a_quarter_takes_every_intake_in_the_quarter():
    h = History()
    q1 = period_of(dt.date(2026, 2, 1), "quarter")
    for day in (utc(2026, 1, 2), utc(2026, 2, 14), utc(2026, 3, 30)):
        person = h.person(day)
        h.checkin(person, day + dt.timedelta(days=10))
    h.person(utc(2026, 3, 30))                        # no check-in: not retained
    h.checkin(h.person(utc(2026, 4, 1)), utc(2026, 4, 5))  # Q2 intake
    assert month_values(h, q1, LATER)["retention_30"] == Rate(3, 4)
