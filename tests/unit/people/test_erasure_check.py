"""The legal-basis check an erasure records."""
import pytest

from services.people.domain import erasure as rules

NONE_APPLIES = dict.fromkeys(rules.EXEMPTIONS, False)


def test_a_ground_with_no_exemption_applying_erases():
    verdict = rules.check("consent_withdrawn", NONE_APPLIES)
    assert verdict.erase and "17(1)(b)" in verdict.reason


@pytest.mark.parametrize("exemption", sorted(rules.EXEMPTIONS))
def test_any_exemption_that_applies_refuses_and_says_which(exemption):
    verdict = rules.check("no_longer_necessary", {**NONE_APPLIES, exemption: True})
    assert not verdict.erase and rules.EXEMPTIONS[exemption] in verdict.reason


@pytest.mark.parametrize("ground, exemptions, message", [
    ("because", NONE_APPLIES, "Unknown ground"),
    ("objection", {k: v for k, v in NONE_APPLIES.items() if k != "legal_claims"}, "missing: legal_claims"),
    ("objection", {**NONE_APPLIES, "whim": False}, "Unknown exemptions: whim"),
])
def test_an_incomplete_or_unknown_check_is_refused_as_invalid(ground, exemptions, message):
    with pytest.raises(ValueError, match=message):
        rules.check(ground, exemptions)


def test_the_retention_job_records_every_exemption_as_considered():
    assert rules.check("retention_period_elapsed", rules.retention_check()).erase
