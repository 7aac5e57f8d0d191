"""Coverage KPIs, now: active persons, signed crisis plan, care team, and the guide's
final checklist item by item (one person who meets all five, then one item missing)."""
import pytest

from services.reporting.domain.values import Count, Rate
from tests.support.reporting_history import History, utc

from .pipeline import current, rhythm

NOW = utc(2026, 3, 20)
AT = utc(2026, 3, 1)


def meets_checklist(h: History, without: str | None = None, practical: str = "contact", **facts) -> str:
    """A person meeting all five checklist items, except `without`."""
    person = h.person(AT, peer_worker=None if without == "peer_worker" else "pw-1",
                      clinical_lead=None if without == "clinical_lead" else "cl-1", **facts)
    if without != "crisis_plan":
        h.crisis_plan(person, AT, call_first=0 if without == "call_first" else 2)
    if without != "weekly_checkin":
        rhythm(h, person, AT, "weekly_checkin", active=without != "weekly_inactive")
    if without != "monthly_review":
        rhythm(h, person, AT, "monthly_review")
    if without != "mutual_help":
        h.contact(person, AT, role="friend", support_types=("mutual_help",))
    if without != "sober_social":
        h.contact(person, AT, role="friend", support_types=("sober_social",))
    if without != "practical" and practical == "contact":
        h.contact(person, AT, role="family", support_types=("housing",))
    return person


def checklist(h: History) -> Rate:
    return current(h, NOW)[0]["checklist_coverage"]


def test_active_persons_are_registered_and_not_discharged_now():
    h = History()
    h.person(utc(2026, 1, 5))
    h.person(utc(2026, 3, 19), status="intake")  # intake is registered: active
    gone = h.person(utc(2026, 1, 5))
    h.discharge(gone, utc(2026, 3, 10))          # discharged mid-month, before now
    later = h.person(utc(2026, 1, 5))
    h.discharge(later, utc(2026, 3, 25))         # discharged after now: still active now
    h.person(utc(2026, 3, 21))                   # registered after now
    h.person(utc(2026, 1, 5), status="discharged")
    assert current(h, NOW)[0]["active_persons"] == Count(3)


def test_a_person_discharged_mid_month_is_active_before_and_not_after():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    h.discharge(ann, utc(2026, 3, 15))
    assert current(h, utc(2026, 3, 14))[0]["active_persons"] == Count(1)
    assert current(h, utc(2026, 3, 16))[0]["active_persons"] == Count(0)


def test_crisis_plan_and_care_team_coverage_are_shares_of_active_persons():
    h = History()
    ann = h.person(AT, peer_worker="pw-1", clinical_lead="cl-1")
    ben = h.person(AT, peer_worker="pw-1")                        # no clinical lead
    h.person(AT, clinical_lead="cl-1")                            # no peer worker
    h.person(AT, peer_worker="pw-2", clinical_lead_named=True)    # lead named outside the staff list
    gone = h.person(AT, peer_worker="pw-1", clinical_lead="cl-1")
    h.crisis_plan(ann, AT)
    h.crisis_plan(ben, AT, call_first=0)  # signed, though naming nobody: still a signed plan
    h.crisis_plan(gone, AT)
    h.discharge(gone, utc(2026, 3, 10))   # not active: in neither numerator nor denominator

    values = current(h, NOW)[0]

    assert values["active_persons"] == Count(4)
    assert values["crisis_plan_coverage"] == Rate(2, 4)  # Ann, Ben
    assert values["care_team_coverage"] == Rate(2, 4)    # Ann, and the person with a named lead


def test_coverage_with_nobody_active_has_no_value():
    values = current(History(), NOW)[0]
    assert values["active_persons"] == Count(0)
    assert values["crisis_plan_coverage"].value is None
    assert values["checklist_coverage"].value is None


def test_a_person_meeting_all_five_items_meets_the_checklist():
    h = History()
    meets_checklist(h)
    assert checklist(h) == Rate(1, 1)


@pytest.mark.parametrize("missing", [
    "clinical_lead", "peer_worker",            # 1. clinical lead and peer worker
    "crisis_plan", "call_first",               # 2. signed crisis plan naming someone to call first
    "weekly_checkin", "weekly_inactive", "monthly_review",  # 3. active weekly and monthly rhythms
    "mutual_help", "sober_social",             # 4. mutual-help option and sober social activity
    "practical",                               # 5. practical support in place or planned
])
def test_each_checklist_item_matters(missing):
    h = History()
    meets_checklist(h)
    meets_checklist(h, without=missing)
    assert checklist(h) == Rate(1, 2)


def test_a_written_plan_for_practical_support_meets_item_five():
    h = History()
    meets_checklist(h, practical="plan", practical_support_planned=True)
    meets_checklist(h, practical="plan", practical_support_planned=False)
    meets_checklist(h, practical="plan")  # not said: no plan
    assert checklist(h) == Rate(1, 3)


@pytest.mark.parametrize("support", ["housing", "transport", "benefits", "employment"])
def test_a_trusted_contact_for_any_practical_support_meets_item_five(support):
    h = History()
    person = meets_checklist(h, practical="none")
    h.contact(person, AT, support_types=(support,))
    assert checklist(h) == Rate(1, 1)


def test_a_practical_support_contact_by_role_meets_item_five():
    h = History()
    person = meets_checklist(h, practical="none")
    h.contact(person, AT, role="practical_support")
    assert checklist(h) == Rate(1, 1)


def test_a_contact_giving_other_support_does_not_meet_item_five():
    h = History()
    person = meets_checklist(h, practical="none")
    h.contact(person, AT, role="sponsor", support_types=("emotional", "crisis"))
    assert checklist(h) == Rate(0, 1)


def test_a_risky_contact_does_not_count_for_practical_support():
    h = History()
    person = meets_checklist(h, practical="none")
    h.contact(person, AT, role="practical_support", label="risky", support_types=("housing", "benefits"))
    assert checklist(h) == Rate(0, 1)


def test_mixed_and_unknown_contacts_are_not_risky_and_count():
    h = History()
    for label in ("mixed", "unknown"):
        person = meets_checklist(h, practical="none")
        h.contact(person, AT, label=label, support_types=("transport",))
    assert checklist(h) == Rate(2, 2)


def test_a_risky_contact_does_not_count_for_mutual_help_or_sober_social():
    h = History()
    ann = meets_checklist(h, without="mutual_help")
    h.contact(ann, AT, role="mutual_help_group", label="risky", support_types=("mutual_help",))
    ben = meets_checklist(h, without="sober_social")
    h.contact(ben, AT, label="risky", support_types=("sober_social",))
    assert checklist(h) == Rate(0, 2)


def test_a_mutual_help_group_by_role_is_a_mutual_help_option():
    h = History()
    person = meets_checklist(h, without="mutual_help")
    h.contact(person, AT, role="mutual_help_group")
    assert checklist(h) == Rate(1, 1)


def test_a_clinical_lead_named_outside_the_staff_list_counts():
    h = History()
    meets_checklist(h, without="clinical_lead", clinical_lead_named=True)
    meets_checklist(h, without="clinical_lead", clinical_lead_named=False)
    assert checklist(h) == Rate(1, 2)


def test_the_checklist_counts_active_persons_only():
    h = History()
    meets_checklist(h)
    gone = meets_checklist(h)
    h.discharge(gone, utc(2026, 3, 10))
    meets_checklist(h, without="sober_social")
    assert checklist(h) == Rate(1, 2)
