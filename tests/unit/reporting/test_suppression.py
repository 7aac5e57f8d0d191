"""Small numbers: a count below 5 is "<5" to every role but admin, and a rate or a
mean computed from fewer than 5 is withheld (value None, withheld True)."""
import pytest

from services.reporting.domain import report
from services.reporting.domain.values import Count, Rate, Stat
from tests.support.reporting_history import History, utc

from .pipeline import current, month_values

COORDINATOR, ADMIN = False, True


@pytest.mark.parametrize("value", [0, 1, 4])
def test_a_count_below_5_is_suppressed_for_a_coordinator_and_shown_to_an_admin(value):
    assert Count(value).shown(COORDINATOR) == {"value": "<5", "withheld": True}
    assert Count(value).shown(ADMIN) == {"value": value, "withheld": False}


@pytest.mark.parametrize("value", [5, 6, 120])
def test_a_count_of_5_or_more_is_shown_to_everyone(value):
    assert Count(value).shown(COORDINATOR) == {"value": value, "withheld": False}
    assert Count(value).shown(ADMIN) == {"value": value, "withheld": False}


def withheld(shown: dict) -> bool:
    """What a withheld rate must say; whatever else it carries, it is no number."""
    return shown["withheld"] is True and shown["value"] is None


def test_a_rate_with_a_small_numerator_is_withheld_for_a_coordinator_only():
    assert withheld(Rate(4, 10).shown(COORDINATOR))
    assert Rate(4, 10).shown(ADMIN) == {"value": 0.4, "withheld": False, "numerator": 4, "denominator": 10}


def test_a_rate_with_a_small_denominator_is_withheld_for_a_coordinator_only():
    assert withheld(Rate(3, 4).shown(COORDINATOR))
    assert withheld(Rate(0, 4).shown(COORDINATOR))
    assert Rate(3, 4).shown(ADMIN) == {"value": 0.75, "withheld": False, "numerator": 3, "denominator": 4}


def test_a_withheld_rate_gives_away_no_count_under_5():
    for rate in (Rate(4, 10), Rate(3, 4)):
        shown = rate.shown(COORDINATOR)  # its parts may be left out, or shown as "<5"
        assert all(shown[part] == "<5" or shown[part] >= 5 for part in ("numerator", "denominator") if part in shown)
    # 9 of 10: both counts together would tell that 1 was missed.
    shown = Rate(9, 10).shown(COORDINATOR)
    assert not (isinstance(shown.get("numerator"), int) and isinstance(shown.get("denominator"), int))


def test_a_rate_with_5_or_more_on_every_side_is_shown_rounded_to_4_places():
    assert Rate(5, 5).shown(COORDINATOR) == {"value": 1.0, "withheld": False, "numerator": 5, "denominator": 5}
    assert Rate(5, 10).shown(COORDINATOR) == {"value": 0.5, "withheld": False, "numerator": 5, "denominator": 10}
    assert Rate(5, 12).shown(COORDINATOR)["value"] == 0.4167   # 5 / 12 = 0.41666...


@pytest.mark.parametrize("numerator, denominator", [(9, 10), (5, 8), (20, 24)])
def test_a_rate_with_1_to_4_outside_its_numerator_is_withheld_for_a_coordinator_only(numerator, denominator):
    # 9 of 10 check-ins done would tell everyone that 1 was missed.
    assert withheld(Rate(numerator, denominator).shown(COORDINATOR))
    assert Rate(numerator, denominator).shown(ADMIN)["withheld"] is False


def test_a_rate_with_no_denominator_has_no_value_and_nothing_to_hide():
    # "No data" for everyone, not "withheld": there is no group that could point at a person.
    assert Rate(0, 0).shown(ADMIN) == {"value": None, "withheld": False}
    assert Rate(0, 0).shown(COORDINATOR) == {"value": None, "withheld": False}


def test_a_stat_over_fewer_than_5_persons_is_withheld_for_a_coordinator_only():
    assert Stat(12.3456, 4).shown(COORDINATOR) == {"value": None, "withheld": True, "n": "<5"}
    assert Stat(12.3456, 4).shown(ADMIN) == {"value": 12.35, "withheld": False, "n": 4}


def test_a_stat_over_5_persons_is_shown_rounded_to_2_places():
    assert Stat(16.666666, 5).shown(COORDINATOR) == {"value": 16.67, "withheld": False, "n": 5}
    assert Stat(None, 0).shown(ADMIN) == {"value": None, "withheld": False, "n": 0}


def test_4_completed_check_ins_are_shown_as_under_5_to_a_coordinator_and_as_4_to_an_admin():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    for day in (2, 9, 16, 23):
        h.checkin(ann, utc(2026, 3, day))
    values = month_values(h)
    assert report.shown(values, COORDINATOR)["checkins_completed"] == {"value": "<5", "withheld": True}
    assert report.shown(values, ADMIN)["checkins_completed"] == {"value": 4, "withheld": False}


def test_5_completed_check_ins_are_shown_as_5_to_everyone():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    for day in (2, 9, 16, 23, 30):
        h.checkin(ann, utc(2026, 3, day))
    for day in (3, 4, 10, 11, 18):
        h.miss(ann, utc(2026, 3, day))
    values = month_values(h)
    assert report.shown(values, COORDINATOR)["checkins_completed"] == {"value": 5, "withheld": False}
    assert report.shown(values, COORDINATOR)["checkins_missed"] == {"value": 5, "withheld": False}
    # 5 / (5 + 5) = 0.5: 5 or more on every side, so a coordinator sees it.
    assert report.shown(values, COORDINATOR)["checkin_completion_rate"] == {
        "value": 0.5, "withheld": False, "numerator": 5, "denominator": 10}


def test_a_completion_rate_over_4_completed_check_ins_is_withheld_from_a_coordinator():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    for day in (2, 9, 16, 23):
        h.checkin(ann, utc(2026, 3, day))
    for day in (3, 10, 17, 24, 31, 30):
        h.miss(ann, utc(2026, 3, day))
    values = month_values(h)
    # 4 / (4 + 6) = 0.4: a numerator of 4 withholds it for a coordinator, an admin sees it.
    assert withheld(report.shown(values, COORDINATOR)["checkin_completion_rate"])
    assert report.shown(values, COORDINATOR)["checkins_completed"] == {"value": "<5", "withheld": True}
    assert report.shown(values, ADMIN)["checkin_completion_rate"] == {
        "value": 0.4, "withheld": False, "numerator": 4, "denominator": 10}


def test_days_abstinent_over_4_persons_is_withheld_and_over_5_shown():
    h = History()
    for days in (10, 20, 30, 0):
        h.checkin(h.person(utc(2026, 1, 5)), utc(2026, 3, 3), days_abstinent=days)
    four = report.shown(month_values(h), COORDINATOR)
    assert four["days_abstinent_mean"] == {"value": None, "withheld": True, "n": "<5"}
    assert report.shown(month_values(h), ADMIN)["days_abstinent_mean"] == {"value": 15.0, "withheld": False, "n": 4}
    h.checkin(h.person(utc(2026, 1, 5)), utc(2026, 3, 3), days_abstinent=15)
    five = report.shown(month_values(h), COORDINATOR)
    # (10 + 20 + 30 + 0 + 15) / 5 = 15.0; median of 0, 10, 15, 20, 30 = 15
    assert five["days_abstinent_mean"] == {"value": 15.0, "withheld": False, "n": 5}
    assert five["days_abstinent_median"] == {"value": 15.0, "withheld": False, "n": 5}


def test_coverage_over_4_active_persons_is_withheld_from_a_coordinator():
    h = History()
    for _ in range(4):
        h.crisis_plan(h.person(utc(2026, 1, 5)), utc(2026, 1, 6))
    shown = report.shown(current(h)[0], COORDINATOR)
    assert shown["active_persons"] == {"value": "<5", "withheld": True}
    assert withheld(shown["crisis_plan_coverage"])
    assert report.shown(current(h)[0], ADMIN)["crisis_plan_coverage"]["value"] == 1.0


def test_every_value_of_a_report_can_be_shown_to_both_roles():
    h = History()
    h.checkin(h.person(utc(2026, 3, 1)), utc(2026, 3, 2), days_abstinent=3)
    values = month_values(h)
    for full in (COORDINATOR, ADMIN):
        shown = report.shown(values, full)
        assert set(shown) == set(values)
        assert all("withheld" in item for item in shown.values())
