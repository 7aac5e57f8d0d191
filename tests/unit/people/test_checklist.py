"""The final checklist and pitfalls, one item at a time, with reasons a peer worker reads."""
import dataclasses
import datetime as dt

import pytest

from services.people.domain import checklist
from services.people.domain.checklist import (
    ContactFacts,
    NetworkSnapshot,
    RhythmFacts,
    evaluate,
    summary,
)

NOW = dt.datetime(2026, 9, 10, 15, 0, tzinfo=dt.UTC)
KEYS = ["clinical_lead_and_peer_worker", "signed_crisis_plan", "checkin_rhythm", "mutual_help_and_sober_social",
        "practical_supports", "two_backup_supports", "no_risky_inner_circle", "assessment_not_overdue"]


def person(name, role="friend", circle="middle", label="helpful", backup=False, supports=()):
    return ContactFacts(name, role, circle, label, backup, frozenset(supports))


SAM = person("Sam", "sponsor", "inner", backup=True, supports=("mutual_help",))
AISHA = person("Aisha", "family", "inner", backup=True, supports=("emotional",))
WALK = person("Walking group", "service", "outer", supports=("sober_social",))
ADVISOR = person("Benefits advisor", "service", "outer", supports=("benefits",))

WORKING = NetworkSnapshot(
    has_peer_worker=True, has_clinical_lead=True, crisis_plan_signed=True, crisis_plan_emergency_contacts=1,
    rhythm=RhythmFacts(weekly_checkin_scheduled=True, monthly_review_scheduled=True),
    contacts=(SAM, AISHA, WALK, ADVISOR), practical_support_planned=False,
    last_assessment_at=NOW - dt.timedelta(days=20), registered_at=NOW - dt.timedelta(days=200),
    assessment_interval_days=60, now=NOW)


def check(snapshot, key, **changes):
    return {i.key: i for i in evaluate(dataclasses.replace(snapshot, **changes))}[key]


def test_a_working_network_passes_every_item_in_order():
    items = evaluate(WORKING)
    assert [i.key for i in items] == KEYS
    assert {i.status for i in items} == {"pass"}
    assert summary(items) == {"passed": 8, "failed": 0, "unknown": 0, "complete": True}


@pytest.mark.parametrize("lead, peer, reason", [
    (False, True, "No named clinical lead yet."),
    (True, False, "No peer worker yet."),
    (False, False, "Neither a clinical lead nor a peer worker is named yet."),
])
def test_clinical_lead_and_peer_worker(lead, peer, reason):
    item = check(WORKING, "clinical_lead_and_peer_worker", has_clinical_lead=lead, has_peer_worker=peer)
    assert (item.status, item.reason) == ("fail", reason)


def test_crisis_plan_unsigned_and_without_contacts_fail_differently():
    unsigned = check(WORKING, "signed_crisis_plan", crisis_plan_signed=False)
    empty = check(WORKING, "signed_crisis_plan", crisis_plan_emergency_contacts=0)
    assert unsigned.status == empty.status == "fail"
    assert "no signed crisis plan" in unsigned.reason and "nobody to call first" in empty.reason


def test_rhythm_without_data_is_unknown_and_the_network_not_complete():
    item = check(WORKING, "checkin_rhythm", rhythm=None)
    assert item.status == "unknown" and "check-in" in item.reason
    result = summary(evaluate(dataclasses.replace(WORKING, rhythm=None)))
    assert result == {"passed": 7, "failed": 0, "unknown": 1, "complete": False}


@pytest.mark.parametrize("weekly, monthly, missing", [(False, True, ["weekly check-in"]),
                                                      (True, False, ["monthly review"]),
                                                      (False, False, ["weekly check-in", "monthly review"])])
def test_rhythm_names_what_is_not_scheduled(weekly, monthly, missing):
    item = check(WORKING, "checkin_rhythm", rhythm=RhythmFacts(weekly, monthly))
    assert item.status == "fail" and all(words in item.reason for words in missing)


def test_mutual_help_counts_through_a_mutual_help_group_role():
    group = person("SMART Recovery Tuesday", "mutual_help_group", "outer")
    assert check(WORKING, "mutual_help_and_sober_social", contacts=(group, AISHA, WALK, ADVISOR)).status == "pass"


def test_a_risky_contact_offering_mutual_help_does_not_count():
    risky_sam = dataclasses.replace(SAM, label="risky")
    item = check(WORKING, "mutual_help_and_sober_social", contacts=(risky_sam, AISHA, WALK, ADVISOR))
    assert item.status == "fail" and "mutual-help" in item.reason and "sober social" not in item.reason


def test_missing_sober_social_is_named():
    item = check(WORKING, "mutual_help_and_sober_social", contacts=(SAM, AISHA, ADVISOR))
    assert item.status == "fail" and "sober social" in item.reason and "mutual-help" not in item.reason


@pytest.mark.parametrize("contacts, planned, status", [
    ((SAM, AISHA, WALK), False, "fail"),
    ((SAM, AISHA, WALK), True, "pass"),
    ((SAM, AISHA, WALK, person("Housing team", "practical_support", "outer")), False, "pass"),
    ((SAM, AISHA, WALK, dataclasses.replace(ADVISOR, label="risky")), False, "fail"),
    ((SAM, AISHA, WALK, person("Neighbour", supports=("transport",))), False, "pass"),
])
def test_practical_supports_in_place_or_planned(contacts, planned, status):
    item = check(WORKING, "practical_supports", contacts=contacts, practical_support_planned=planned)
    assert item.status == status


def test_exactly_two_backups_pass_and_one_fails_with_the_count():
    assert check(WORKING, "two_backup_supports").status == "pass"
    item = check(WORKING, "two_backup_supports", contacts=(SAM, WALK, ADVISOR))
    assert item.status == "fail" and "1" in item.reason


def test_a_risky_backup_does_not_count_but_a_mixed_one_does():
    risky = dataclasses.replace(AISHA, label="risky", circle="middle")
    assert check(WORKING, "two_backup_supports", contacts=(SAM, risky, WALK, ADVISOR)).status == "fail"
    mixed = dataclasses.replace(AISHA, label="mixed")
    assert check(WORKING, "two_backup_supports", contacts=(SAM, mixed, WALK, ADVISOR)).status == "pass"


def test_every_risky_inner_contact_is_named():
    lee, jo = person("Lee", circle="inner", label="risky"), person("Jo", "partner", "inner", "risky")
    item = check(WORKING, "no_risky_inner_circle", contacts=WORKING.contacts + (lee, jo))
    assert item.status == "fail" and item.reason == "Jo, Lee (inner circle) are labelled risky."
    outer = person("Lee", circle="outer", label="risky")
    assert check(WORKING, "no_risky_inner_circle", contacts=WORKING.contacts + (outer,)).status == "pass"


def test_assessment_due_exactly_now_passes_and_one_second_later_fails():
    due_now = NOW - dt.timedelta(days=60)
    assert check(WORKING, "assessment_not_overdue", last_assessment_at=due_now).status == "pass"
    item = check(WORKING, "assessment_not_overdue", last_assessment_at=due_now - dt.timedelta(seconds=1))
    assert item.status == "fail" and "2026-09-10" in item.reason


@pytest.mark.parametrize("days, status", [(29, "pass"), (30, "pass"), (31, "fail")])
def test_intake_assessment_is_due_within_30_days_of_registration(days, status):
    item = check(WORKING, "assessment_not_overdue", last_assessment_at=None,
                 registered_at=NOW - dt.timedelta(days=days))
    assert item.status == status


def test_overdue_intake_says_since_when():
    item = check(WORKING, "assessment_not_overdue", last_assessment_at=None,
                 registered_at=dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC))
    assert item.status == "fail" and "since 2026-07-31" in item.reason


def test_summary_counts_failures():
    items = evaluate(dataclasses.replace(WORKING, has_peer_worker=False, crisis_plan_signed=False, rhythm=None))
    assert summary(items) == {"passed": 5, "failed": 2, "unknown": 1, "complete": False}


def test_support_vocabulary_is_exposed_here():
    assert checklist.SUPPORT_TYPES == ("mutual_help", "sober_social", "housing", "transport", "benefits",
                                       "employment", "emotional", "crisis")
    assert checklist.PRACTICAL_SUPPORT_TYPES == ("housing", "transport", "benefits", "employment")


@pytest.mark.parametrize("changes", [{"role": "landlord"}, {"circle": "centre"}, {"label": "toxic"},
                                     {"support_types": frozenset({"money"})}])
def test_contact_facts_refuse_unknown_vocabulary(changes):
    with pytest.raises(ValueError):
        dataclasses.replace(SAM, **changes)
