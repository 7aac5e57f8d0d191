"""The notifications domain without I/O: consent decisions, quiet and contact hours,
backoff, and the rules as data."""
import datetime as dt
import random

import pytest

from services.notifications.domain import backoff, timing
from services.notifications.domain.consent import ConsentTerms, ContactStanding, decide
from services.notifications.domain.rules import DEFAULT_RULES, RuleError, check_rules, rules_for

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
KIM = ContactStanding("kim", "family", is_crisis_contact=True)


def terms(recipients=("kim",), data=("missed_session_alerts",), purposes=("family_support",), state="active",
          expires_at=None):
    return ConsentTerms(tuple(recipients), tuple(data), tuple(purposes), state, expires_at)


@pytest.mark.parametrize("consents, allowed, reason", [
    ([terms()], True, "consented"),
    ([terms(recipients=("crisis_contacts",))], True, "consented"),
    ([terms(recipients=("all_network",))], True, "consented"),
    ([terms(recipients=("care_team",))], False, "recipient_not_covered"),
    ([terms(recipients=("jo",))], False, "recipient_not_covered"),
    ([terms(data=("attendance",))], False, "data_class_not_covered"),
    ([terms(purposes=("research",))], False, "purpose_not_covered"),
    ([terms(state="revoked")], False, "no_active_consent"),
    ([terms(expires_at=NOW)], False, "no_active_consent"),
    ([], False, "no_active_consent"),
    # The data class and the purpose must come from the same consent.
    ([terms(data=("attendance",), purposes=("family_support",)),
      terms(data=("missed_session_alerts",), purposes=("research",))], False, "purpose_not_covered"),
])
def test_a_contact_is_told_only_under_a_consent_covering_them_the_data_and_the_purpose(consents, allowed, reason):
    assert decide(consents, KIM, "missed_session_alerts", "family_support", NOW) == (allowed, reason)


@pytest.mark.parametrize("local, inside", [("21:00", True), ("23:59", True), ("00:30", True), ("07:59", True),
                                           ("08:00", False), ("12:00", False), ("20:59", False)])
def test_quiet_hours_wrap_past_midnight(local, inside):
    hour, minute = map(int, local.split(":"))
    assert timing.within(dt.datetime(2026, 3, 2, hour, minute), "21:00", "08:00") is inside


def test_the_end_of_quiet_hours_is_found_in_the_recipients_own_zone_across_dst():
    # 23:00 in New York on 7 March (EST); quiet until 08:00 on 8 March, which is EDT by then.
    late = dt.datetime(2026, 3, 8, 4, 0, tzinfo=UTC)
    assert timing.next_outside(late, "America/New_York", "21:00", "08:00") == dt.datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    assert timing.next_outside(NOW, "Europe/London", "21:00", "08:00") == NOW


def test_contact_hours_open_at_their_start():
    early = dt.datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert timing.next_inside(early, "Europe/London", "09:00", "20:00") == dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_daytime_is_the_recipients_local_daytime():
    assert timing.is_daytime(NOW, "Europe/London")
    assert not timing.is_daytime(NOW, "America/Los_Angeles")  # 01:30 there


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    rng = random.Random(7)
    delays = [backoff.delay(n, rng).total_seconds() for n in range(1, 12)]
    assert 7.5 <= delays[0] <= 15 and 60 <= delays[3] <= 120
    assert all(d <= backoff.CAP_SECONDS for d in delays) and delays[-1] >= backoff.CAP_SECONDS / 2


def test_the_default_rules_follow_the_guide_and_overrides_replace_one_event_type():
    missed = rules_for("checkin.missed", None)
    assert [r["to"] for r in missed] == ["person", "peer_worker", "clinical_lead", "consenting_contacts"]
    assert missed[2]["min_consecutive"] == 2
    assert all(r.get("urgent") for r in DEFAULT_RULES["risk.flagged"])
    assert rules_for("checkin.missed", {"checkin.missed": []}) == []
    assert rules_for("risk.flagged", {"checkin.missed": []}) == DEFAULT_RULES["risk.flagged"]
    check_rules(DEFAULT_RULES)
    with pytest.raises(RuleError):
        check_rules({"checkin.missed": [{"to": "crisis_contacts", "template": "risk.flagged.crisis"}]})
    with pytest.raises(RuleError):
        check_rules({"lunch.ordered": []})
