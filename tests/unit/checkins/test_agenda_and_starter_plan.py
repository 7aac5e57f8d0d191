"""The guide's agenda rules and its 30-day starter plan."""
import datetime as dt

import pytest

from services.checkins.domain import agenda, starter_plan


def test_weekly_checkins_last_15_to_30_minutes():
    agenda.check_duration("weekly_checkin", 15)
    agenda.check_duration("weekly_checkin", 30)
    for minutes in (10, 45):
        with pytest.raises(agenda.AgendaError) as caught:
            agenda.check_duration("weekly_checkin", minutes)
        assert caught.value.field == "duration_minutes"
    agenda.check_duration("custom", 120)


@pytest.mark.parametrize("kind, roles, contacts, ok", [
    ("weekly_checkin", ["peer_worker", "clinician"], 0, True),
    ("weekly_checkin", ["peer_worker"], 1, True),  # a family representative instead of a clinician
    ("weekly_checkin", ["peer_worker"], 0, False),
    ("weekly_checkin", ["clinician"], 1, False),
    ("monthly_review", ["peer_worker", "clinician"], 1, True),
    ("monthly_review", ["peer_worker"], 1, False),
    ("custom", [], 0, True),
])
def test_who_takes_part_follows_the_guide(kind, roles, contacts, ok):
    if ok:
        agenda.check_participants(kind, roles, contacts)
    else:
        with pytest.raises(agenda.AgendaError):
            agenda.check_participants(kind, roles, contacts)


def test_only_high_severity_flags_alert():
    flags = [{"kind": "relapse", "severity": "medium"}, {"kind": "overdose_risk", "severity": "high"}]
    assert agenda.alerting(flags) == [{"kind": "overdose_risk", "severity": "high"}]


def test_the_starter_plan_covers_every_phase_of_the_guide_in_order():
    assert {task.phase for task in starter_plan.TASKS} == set(starter_plan.PHASES)
    days = [task.due_day for task in starter_plan.TASKS]
    assert days == sorted(days) and days[0] == 1 and days[-1] == 28
    assert len({task.code for task in starter_plan.TASKS}) == len(starter_plan.TASKS)


def test_due_days_count_from_day_one_and_overdue_means_the_day_has_passed():
    starts = dt.date(2026, 3, 2)
    safety, network = starter_plan.TASKS[0], starter_plan.TASKS[1]
    assert starter_plan.due_on(starts, safety) == starts
    assert starter_plan.due_on(starts, network) == dt.date(2026, 3, 4)
    assert not starter_plan.is_overdue(dt.date(2026, 3, 4), dt.date(2026, 3, 4))
    assert starter_plan.is_overdue(dt.date(2026, 3, 4), dt.date(2026, 3, 5))
