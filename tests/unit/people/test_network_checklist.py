"""The guide's final checklist and pitfalls, item by item, with their edges."""
import dataclasses
import datetime as dt

import pytest

from services.people.domain.checklist import ContactFacts, NetworkSnapshot, RhythmFacts, evaluate, summary

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def contact(name, role="friend", circle="middle", label="helpful", backup=False, *supports):
    return ContactFacts(name, role, circle, label, backup, frozenset(supports))


COMPLETE = NetworkSnapshot(
    has_peer_worker=True, has_clinical_lead=True, crisis_plan_signed=True, crisis_plan_emergency_contacts=2,
    rhythm=RhythmFacts(True, True),
    contacts=(contact("Jo", "sponsor", "inner", "helpful", True, "mutual_help"),
              contact("Kim", "family", "inner", "helpful", True),
              contact("Café", "service", "outer", "helpful", False, "sober_social"),
              contact("Housing officer", "practical_support", "outer")),
    practical_support_planned=False, last_assessment_at=NOW - dt.timedelta(days=10),
    registered_at=NOW - dt.timedelta(days=100), assessment_interval_days=90, now=NOW)


def status_of(snapshot, key):
    return {i.key: i for i in evaluate(snapshot)}[key]


def test_a_complete_network_passes_everything():
    items = evaluate(COMPLETE)
    assert [i.status for i in items] == ["pass"] * 8
    assert summary(items) == {"passed": 8, "failed": 0, "unknown": 0, "complete": True}


def test_missing_rhythm_data_is_unknown_not_pass():
    items = evaluate(dataclasses.replace(COMPLETE, rhythm=None))
    assert status_of(dataclasses.replace(COMPLETE, rhythm=None), "checkin_rhythm").status == "unknown"
    assert summary(items)["complete"] is False and summary(items)["unknown"] == 1


@pytest.mark.parametrize("changes, key, words", [
    ({"has_clinical_lead": False}, "clinical_lead_and_peer_worker", "clinical lead"),
    ({"has_peer_worker": False, "has_clinical_lead": False}, "clinical_lead_and_peer_worker", "Neither"),
    ({"crisis_plan_signed": False}, "signed_crisis_plan", "no signed crisis plan"),
    ({"crisis_plan_emergency_contacts": 0}, "signed_crisis_plan", "nobody to call"),
    ({"rhythm": RhythmFacts(True, False)}, "checkin_rhythm", "monthly review"),
])
def test_each_gap_fails_with_its_reason(changes, key, words):
    item = status_of(dataclasses.replace(COMPLETE, **changes), key)
    assert item.status == "fail" and words in item.reason


def test_backups_need_two_and_risky_ones_do_not_count():
    jo, kim, cafe, housing = COMPLETE.contacts
    one = dataclasses.replace(COMPLETE, contacts=(jo, cafe, housing))
    assert status_of(one, "two_backup_supports").status == "fail"
    risky_kim = dataclasses.replace(kim, label="risky", circle="middle")
    assert status_of(dataclasses.replace(COMPLETE, contacts=(jo, risky_kim, cafe, housing)),
                     "two_backup_supports").status == "fail"


def test_risky_inner_contacts_are_named():
    snapshot = dataclasses.replace(COMPLETE, contacts=COMPLETE.contacts + (contact("Dave", circle="inner", label="risky"),))
    item = status_of(snapshot, "no_risky_inner_circle")
    assert item.status == "fail" and "Dave" in item.reason
    outer = dataclasses.replace(COMPLETE, contacts=COMPLETE.contacts + (contact("Dave", circle="outer", label="risky"),))
    assert status_of(outer, "no_risky_inner_circle").status == "pass"


def test_mutual_help_counts_by_role_but_not_from_a_risky_contact():
    jo, kim, cafe, housing = COMPLETE.contacts
    group = contact("SMART group", "mutual_help_group", "outer")
    assert status_of(dataclasses.replace(COMPLETE, contacts=(group, kim, cafe, housing)),
                     "mutual_help_and_sober_social").status == "pass"
    risky_jo = dataclasses.replace(jo, label="risky")
    item = status_of(dataclasses.replace(COMPLETE, contacts=(risky_jo, kim, cafe, housing)),
                     "mutual_help_and_sober_social")
    assert item.status == "fail" and "mutual-help" in item.reason


def test_practical_support_in_place_or_planned():
    jo, kim, cafe, _ = COMPLETE.contacts
    without = dataclasses.replace(COMPLETE, contacts=(jo, kim, cafe))
    assert status_of(without, "practical_supports").status == "fail"
    assert status_of(dataclasses.replace(without, practical_support_planned=True), "practical_supports").status == "pass"


def test_assessment_due_dates_are_inclusive():
    on_time = dataclasses.replace(COMPLETE, last_assessment_at=NOW - dt.timedelta(days=90))
    assert status_of(on_time, "assessment_not_overdue").status == "pass"
    late = dataclasses.replace(COMPLETE, last_assessment_at=NOW - dt.timedelta(days=90, seconds=1))
    assert status_of(late, "assessment_not_overdue").status == "fail"


@pytest.mark.parametrize("days, expected", [(29, "pass"), (31, "fail")])
def test_without_any_assessment_the_intake_one_is_due_within_30_days(days, expected):
    snapshot = dataclasses.replace(COMPLETE, last_assessment_at=None, registered_at=NOW - dt.timedelta(days=days))
    assert status_of(snapshot, "assessment_not_overdue").status == expected


def test_contact_facts_refuse_unknown_vocabulary():
    with pytest.raises(ValueError):
        contact("X", circle="centre")
    with pytest.raises(ValueError):
        contact("X", "friend", "inner", "helpful", False, "money")
