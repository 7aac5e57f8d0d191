"""Process KPIs over one month, counted by hand: check-ins, misses, completion rate,
reviews, mutual-help attendance, risk flags and notifications."""
import datetime as dt
import uuid

from services.reporting.domain import report
from services.reporting.domain.values import Count, Rate
from tests.support.reporting_history import SITE_NORTH, SITE_SOUTH, History, utc

from .pipeline import AFTER_MARCH, MARCH, emit, facts_of, month_values

UTC = dt.timezone.utc


def test_completed_missed_and_completion_rate_in_the_month():
    h = History()
    ann = h.person(utc(2026, 2, 1))
    ben = h.person(utc(2026, 2, 1))
    h.checkin(ann, utc(2026, 3, 2))
    h.checkin(ann, utc(2026, 3, 9))
    h.checkin(ben, utc(2026, 3, 3))
    h.miss(ann, utc(2026, 3, 16))                        # weekly miss
    h.miss(ben, utc(2026, 3, 10), kind="custom")         # custom sessions count as check-in misses
    h.miss(ben, utc(2026, 3, 20), kind="monthly_review")  # a review miss: reported apart
    h.checkin(ann, utc(2026, 2, 27))                     # February: not March
    h.miss(ben, utc(2026, 4, 1))                         # April: not March

    v = month_values(h)

    assert v["checkins_completed"] == Count(3)
    assert v["checkins_missed"] == Count(2)
    # 3 completed / (3 completed + 2 weekly-or-custom misses); the review miss is not in it.
    assert v["checkin_completion_rate"] == Rate(3, 5)
    assert v["checkin_completion_rate"].value == 0.6
    assert v["reviews_missed"] == Count(1)


def test_completion_rate_without_any_session_has_no_value():
    h = History()
    h.person(utc(2026, 3, 1))
    v = month_values(h)
    assert v["checkin_completion_rate"] == Rate(0, 0)
    assert v["checkin_completion_rate"].value is None


def test_self_check_ins_count_like_staff_ones():
    # The helper records source "staff"; a self check-in is the same event with source "self".
    h = History()
    ann = h.person(utc(2026, 3, 1))
    h.checkin(ann, utc(2026, 3, 5))
    emit(h, "circles.checkins.checkin.completed.v1", ann, utc(2026, 3, 6), person_id=ann, site_id=h.sites[ann],
         checkin_id=str(uuid.uuid4()), session_id=None, completed_at=utc(2026, 3, 6), wellbeing=7,
         days_abstinent_last_30=None, source="self")
    assert month_values(h)["checkins_completed"] == Count(2)


def test_month_boundaries_are_midnight_utc():
    h = History()
    ann = h.person(utc(2026, 2, 1))
    h.checkin(ann, dt.datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC))  # February
    h.checkin(ann, dt.datetime(2026, 3, 1, 0, 0, tzinfo=UTC))         # March, first instant
    h.checkin(ann, dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC))  # March, last second
    h.checkin(ann, dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC))         # April
    h.miss(ann, dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC))            # April
    v = month_values(h)
    assert v["checkins_completed"] == Count(2)
    assert v["checkins_missed"] == Count(0)


def test_a_person_discharged_mid_month_counts_for_the_check_ins_before_discharge():
    h = History()
    ann = h.person(utc(2026, 1, 10))
    ben = h.person(utc(2026, 1, 10))
    h.checkin(ann, utc(2026, 3, 3))
    h.checkin(ann, utc(2026, 3, 10))
    h.miss(ann, utc(2026, 3, 12))
    h.discharge(ann, utc(2026, 3, 15))
    h.checkin(ben, utc(2026, 3, 20))

    v = month_values(h)

    # Ann's 2 check-ins and 1 miss before her discharge still count; Ben adds 1.
    assert v["checkins_completed"] == Count(3)
    assert v["checkins_missed"] == Count(1)
    assert v["checkin_completion_rate"] == Rate(3, 4)


def test_reviews_held_and_missed():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    ben = h.person(utc(2026, 1, 5))
    h.review(ann, utc(2026, 3, 4))
    h.review(ben, utc(2026, 3, 25))
    h.review(ben, utc(2026, 2, 25))                      # February
    h.miss(ann, utc(2026, 3, 28), kind="monthly_review")
    h.miss(ben, utc(2026, 3, 29), kind="weekly_checkin")  # not a review miss
    v = month_values(h)
    assert v["reviews_held"] == Count(2)
    assert v["reviews_missed"] == Count(1)
    assert v["checkins_missed"] == Count(1)


def test_mutual_help_attendances_and_distinct_persons():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    ben = h.person(utc(2026, 1, 5))
    cat = h.person(utc(2026, 1, 5))
    h.attendance(ann, utc(2026, 3, 3))
    h.attendance(ann, utc(2026, 3, 10), mode="online")
    h.attendance(ann, utc(2026, 3, 17))
    h.attendance(ben, utc(2026, 3, 31), mode="online")
    h.attendance(cat, utc(2026, 2, 28))  # February only
    h.attendance(cat, utc(2026, 4, 1))   # April only
    v = month_values(h)
    # 3 by Ann (in person and online alike) + 1 by Ben = 4 attendances by 2 persons.
    assert v["mutual_help_attendances"] == Count(4)
    assert v["persons_attending_mutual_help"] == Count(2)


def test_high_risk_flags_are_counted_by_the_day_they_were_raised():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    ben = h.person(utc(2026, 1, 5), site=None)  # a person with no site still counts org-wide
    h.risk_flag(ann, utc(2026, 3, 1))
    h.risk_flag(ann, utc(2026, 3, 1))
    h.risk_flag(ben, utc(2026, 3, 31, 23))
    h.risk_flag(ben, utc(2026, 2, 28, 23))  # February
    h.risk_flag(ann, utc(2026, 4, 1, 0))    # April
    assert month_values(h)["risk_flags_high"] == Count(3)


def test_notifications_sent_and_failed_but_not_suppressed():
    h = History()
    h.notification(utc(2026, 3, 2), "sent", channel="email")
    h.notification(utc(2026, 3, 2), "sent", channel="sms")
    h.notification(utc(2026, 3, 30), "sent", channel="webhook")
    h.notification(utc(2026, 3, 5), "failed", channel="sms")
    h.notification(utc(2026, 3, 6), "suppressed")  # neither sent nor failed
    h.notification(utc(2026, 2, 27), "sent")       # February
    h.notification(utc(2026, 4, 2), "failed")      # April
    v = month_values(h)
    # Per-channel counters are kept too; they must not be added into the totals.
    assert v["notifications_sent"] == Count(3)
    assert v["notifications_failed"] == Count(1)


def test_an_empty_month_counts_zero_everywhere():
    v = month_values(History())
    for key in ("checkins_completed", "checkins_missed", "reviews_held", "reviews_missed",
                "mutual_help_attendances", "persons_attending_mutual_help", "risk_flags_high",
                "notifications_sent", "notifications_failed"):
        assert v[key] == Count(0), key


BST = dt.timezone(dt.timedelta(hours=1))
LATE_ON_31_MARCH_UTC = dt.datetime(2026, 4, 1, 0, 30, tzinfo=BST)  # = 2026-03-31 23:30 UTC


def test_a_risk_flag_raised_late_on_31_march_utc_is_a_march_flag_whatever_its_offset():
    # Periods are UTC; an event's time may carry any offset (AwareDateTime).
    h = History()
    ann = h.person(utc(2026, 1, 5))
    h.risk_flag(ann, LATE_ON_31_MARCH_UTC)
    assert month_values(h)["risk_flags_high"] == Count(1)


def test_a_notification_sent_late_on_31_march_utc_is_a_march_notification_whatever_its_offset():
    h = History()
    h.notification(LATE_ON_31_MARCH_UTC, "sent")
    h.notification(LATE_ON_31_MARCH_UTC, "failed")
    v = month_values(h)
    assert (v["notifications_sent"], v["notifications_failed"]) == (Count(1), Count(1))


def test_a_site_sees_its_own_records_and_no_organisation_wide_notifications():
    h = History()
    north = h.person(utc(2026, 1, 5), site=SITE_NORTH)
    south = h.person(utc(2026, 1, 5), site=SITE_SOUTH)
    h.checkin(north, utc(2026, 3, 2))
    h.checkin(south, utc(2026, 3, 2))
    h.checkin(south, utc(2026, 3, 3))
    h.risk_flag(south, utc(2026, 3, 4))
    h.notification(utc(2026, 3, 5))
    facts = facts_of(h).for_site(SITE_SOUTH)
    v = report.period_values(facts, MARCH, AFTER_MARCH)
    assert v["checkins_completed"] == Count(2)
    assert v["risk_flags_high"] == Count(1)
    assert v["notifications_sent"] == Count(0)  # deliveries have no site
    assert month_values(h)["notifications_sent"] == Count(1)
