"""Consent along a timeline: draft, active, revoked, expired; decisions and notices."""
import dataclasses
import datetime as dt

import pytest

from services.people.domain.consent import (
    ConsentError,
    ConsentState,
    ConsentTerms,
    Recipient,
    decide,
    end_by_event,
    expiring_within,
    redisclosure_notice,
    revoke,
    sign,
    status,
)

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)
SISTER = Recipient("contact-kim")


def terms(**changes):
    base = dict(person_id="p1", recipients=frozenset({"contact-kim"}), data_classes=frozenset({"attendance"}),
                purposes=frozenset({"family_support"}), expires_at=T0 + 30 * DAY, expiry_event=None,
                discloser="Northside")
    return ConsentTerms(**{**base, **changes})


def signed(version=1, at=T0, **changes):
    return sign(ConsentState("c1", version, terms(**changes)), "Sam", at)


def test_timeline_draft_active_expired():
    draft = ConsentState("c1", 1, terms())
    assert status(draft, T0) == "draft"
    active = sign(draft, "Sam", T0)
    assert status(draft, T0) == "draft"  # the earlier state is unchanged: history
    assert status(active, T0) == "active" and status(active, T0 - DAY) == "draft"
    assert status(active, T0 + 30 * DAY - dt.timedelta(seconds=1)) == "active"
    assert status(active, T0 + 30 * DAY) == "expired"


def test_revocation_applies_from_then_on_and_wins_over_expiry():
    revoked = revoke(signed(), T0 + 5 * DAY, "changed my mind")
    assert status(revoked, T0 + 4 * DAY) == "active"
    assert status(revoked, T0 + 5 * DAY) == "revoked"
    assert status(revoked, T0 + 40 * DAY) == "revoked"
    with pytest.raises(ConsentError):
        revoke(revoked, T0 + 6 * DAY, "again")


def test_end_of_treatment_expires_by_event():
    state = signed(expires_at=None, expiry_event="end_of_treatment")
    assert status(state, T0 + 400 * DAY) == "active"
    ended = end_by_event(state, "end_of_treatment", T0 + 10 * DAY)
    assert status(ended, T0 + 10 * DAY) == "expired"


@pytest.mark.parametrize("changes, field", [({"expires_at": None}, "expires_at"),
                                            ({"data_classes": frozenset({"diary"})}, "data_classes"),
                                            ({"purposes": frozenset()}, "purposes"),
                                            ({"recipients": frozenset()}, "recipients"),
                                            ({"expiry_event": "moon"}, "expiry_event")])
def test_terms_must_be_complete(changes, field):
    with pytest.raises(ConsentError) as caught:
        terms(**changes)
    assert field in caught.value.errors


def test_signing_needs_a_typed_name_once():
    with pytest.raises(ConsentError):
        sign(ConsentState("c1", 1, terms()), "  ", T0)
    with pytest.raises(ConsentError):
        sign(signed(), "Sam", T0)


def test_decisions_name_the_missing_element_in_order():
    states = [signed()]
    assert decide([], SISTER, "attendance", "family_support", T0).reason == "There is no active consent."
    assert "recipient" in decide(states, Recipient("contact-dave"), "attendance", "family_support", T0).reason
    assert "data class" in decide(states, SISTER, "crisis_plan", "family_support", T0).reason
    assert "purpose" in decide(states, SISTER, "attendance", "research", T0).reason
    allowed = decide(states, SISTER, "attendance", "family_support", T0)
    assert (allowed.allowed, allowed.consent_id, allowed.version) == (True, "c1", 1)


def test_class_recipients_and_all_network():
    care = signed(recipients=frozenset({"care_team"}))
    assert decide([care], Recipient("gp", frozenset({"care_team"})), "attendance", "family_support", T0).allowed
    assert not decide([care], Recipient("kim"), "attendance", "family_support", T0).allowed
    everyone = signed(recipients=frozenset({"all_network"}))
    assert decide([everyone], Recipient("anyone"), "attendance", "family_support", T0).allowed


def test_the_newest_signed_highest_version_is_chosen():
    older, newer = signed(1, T0), signed(2, T0 + DAY)
    assert decide([older, newer], SISTER, "attendance", "family_support", T0 + 2 * DAY).version == 2


def test_unknown_names_in_a_decision_are_errors():
    with pytest.raises(ConsentError):
        decide([signed()], SISTER, "gossip", "family_support", T0)


def test_expiring_within_fourteen_days():
    state = signed()  # expires at T0 + 30 days
    assert expiring_within([state], T0 + 16 * DAY) == [state]
    assert expiring_within([state], T0 + 16 * DAY - dt.timedelta(seconds=1)) == []
    assert expiring_within([state], T0 + 30 * DAY) == []  # already expired
    assert expiring_within([dataclasses.replace(state, revoked_at=T0)], T0 + 20 * DAY) == []


def test_the_notice_forbids_redisclosure_and_summarises_scope():
    notice = redisclosure_notice(terms())
    assert "re-disclose" in notice and "attendance" in notice and "2026-03-31" in notice
