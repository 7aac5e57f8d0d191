"""Instruments against hand-computed examples: BARC-10, MSPSS, review cadence, status helpers."""
import datetime as dt
import json

import pytest

from services.people.domain import instruments
from services.people.domain.instruments import (
    BARC10_CUTOFF,
    BARC10_ITEMS,
    BARC10_VERSION,
    EMPLOYMENT_STATUSES,
    HOUSING_STATUSES,
    INTAKE_DOMAINS,
    MSPSS_VERSION,
    InstrumentError,
    is_employed,
    is_housing_stable,
    next_review_due,
    score_barc10,
    score_mspss,
)

UTC = dt.UTC


def test_vocabularies_follow_the_guide():
    assert INTAKE_DOMAINS == ("substance_use_and_treatment", "mental_and_physical_health", "practical_needs",
                              "safety_risks", "social_support")
    assert HOUSING_STATUSES[-1] == EMPLOYMENT_STATUSES[-1] == "unknown"
    assert len(BARC10_ITEMS) == len(set(BARC10_ITEMS)) == 10 and BARC10_CUTOFF == 47


@pytest.mark.parametrize("status, stable", [("stable", True), ("temporary", False), ("homeless", False),
                                            ("institution", False), ("unknown", None)])
def test_housing_stability(status, stable):
    assert is_housing_stable(status) is stable


@pytest.mark.parametrize("status, employed", [("employed_full_time", True), ("employed_part_time", True),
                                              ("student", False), ("retired", False), ("unemployed_seeking", False),
                                              ("unable_to_work", False), ("unknown", None)])
def test_employment(status, employed):
    assert is_employed(status) is employed


def test_barc10_all_sixes_is_the_maximum():
    score = score_barc10([6] * 10)
    assert (score.total, score.meets_cutoff, score.version) == (60, True, BARC10_VERSION)


def test_barc10_one_point_either_side_of_the_cutoff():
    # 6+5+5+4+4+5+4+5+4+4 = 46: just under the cut-off; raising the last answer to 5 gives 47.
    below = [6, 5, 5, 4, 4, 5, 4, 5, 4, 4]
    assert score_barc10(below).total == 46 and score_barc10(below).meets_cutoff is False
    at = below[:-1] + [5]
    assert score_barc10(at).total == 47 and score_barc10(at).meets_cutoff is True
    assert score_barc10(dict(zip(BARC10_ITEMS, at, strict=True))) == score_barc10(at)


def test_barc10_as_dict_is_json_safe():
    data = score_barc10([4] * 10).as_dict()
    assert json.loads(json.dumps(data)) == {"total": 40, "meets_cutoff": False, "version": BARC10_VERSION}


@pytest.mark.parametrize("bad", [0, 7, 3.5, True, "4", None])
def test_barc10_names_the_item_with_a_bad_answer(bad):
    answers = [3] * 10
    answers[3] = bad
    with pytest.raises(InstrumentError) as caught:
        score_barc10(answers)
    assert list(caught.value.errors) == ["proud_of_community"]


def test_barc10_names_every_bad_item():
    answers = dict(zip(BARC10_ITEMS, [3] * 10, strict=True)) | {"happy_with_life": 0, "progress_on_recovery": 9}
    with pytest.raises(InstrumentError) as caught:
        score_barc10(answers)
    assert set(caught.value.errors) == {"happy_with_life", "progress_on_recovery"}


@pytest.mark.parametrize("answers, errors", [
    (dict(zip(BARC10_ITEMS[1:], [3] * 9, strict=True)), {"more_important_than_using": "missing answer"}),
    (dict(zip(BARC10_ITEMS, [3] * 10, strict=True)) | {"sleep": 3}, {"sleep": "unknown item"}),
    ([3] * 9, {"progress_on_recovery": "missing answer"}),
    ([3] * 11, {"11": "unexpected answer"}),
])
def test_barc10_names_missing_and_extra_items(answers, errors):
    with pytest.raises(InstrumentError) as caught:
        score_barc10(answers)
    assert caught.value.errors == errors


def test_barc10_refuses_something_that_is_not_a_list_or_dict():
    with pytest.raises(InstrumentError):
        score_barc10("3333333333")


def test_mspss_worked_example():
    # items:   1  2  3  4  5  6  7  8  9 10 11 12
    answers = [7, 6, 4, 5, 7, 3, 2, 4, 3, 6, 5, 4]
    # significant other (1,2,5,10) = 7+6+7+6 = 26 / 4 = 6.5
    # family            (3,4,8,11) = 4+5+4+5 = 18 / 4 = 4.5
    # friends           (6,7,9,12) = 3+2+3+4 = 12 / 4 = 3.0
    # total = (26+18+12) / 12 = 56 / 12 = 4.6667 -> 4.67, moderate
    score = score_mspss(answers)
    assert (score.significant_other, score.family, score.friends) == (6.5, 4.5, 3.0)
    assert (score.total_mean, score.band, score.version) == (4.67, "moderate", MSPSS_VERSION)
    by_number = dict(enumerate(answers, start=1))
    assert score_mspss(by_number) == score
    assert score_mspss({str(k): v for k, v in by_number.items()}) == score  # keys as JSON gives them


@pytest.mark.parametrize("total, mean, band", [
    (36, 3.0, "moderate"),   # 36/12 = 3.0 exactly
    (60, 5.0, "moderate"),   # 60/12 = 5.0 exactly
    (61, 5.08, "high"),      # 61/12 = 5.0833
    (35, 2.92, "low"),       # 35/12 = 2.9167
])
def test_mspss_band_boundaries(total, mean, band):
    answers = [total // 12 + (1 if i < total % 12 else 0) for i in range(12)]
    assert sum(answers) == total
    score = score_mspss(answers)
    assert (score.total_mean, score.band) == (mean, band)


def test_mspss_means_round_half_up():
    # 53/12 = 4.41666 -> 4.42 and 55/12 = 4.58333 -> 4.58.
    assert score_mspss([5] * 5 + [4] * 7).total_mean == 4.42
    assert score_mspss([5] * 7 + [4] * 5).total_mean == 4.58
    # A mean of 4 or 12 answers never lands exactly on a half cent, so the half-up rule
    # is pinned on the helper itself: 9/8 = 1.125 -> 1.13, where round() would give 1.12.
    assert instruments._mean([1] * 7 + [2]) == 1.13


def test_mspss_as_dict_is_json_safe():
    data = score_mspss([6] * 12).as_dict()
    assert json.loads(json.dumps(data)) == data and data["band"] == "high"


@pytest.mark.parametrize("answers, item", [
    ([0] + [4] * 11, "1"), ([4] * 11 + [8], "12"), ([4] * 5 + [4.0] + [4] * 6, "6"), ([4] * 6 + [True] + [4] * 5, "7"),
    ({k: 4 for k in range(1, 12)}, "12"), ({k: 4 for k in range(1, 14)}, "13"), ([4] * 11, "12"),
])
def test_mspss_names_the_bad_item(answers, item):
    with pytest.raises(InstrumentError) as caught:
        score_mspss(answers)
    assert list(caught.value.errors) == [item]


def test_next_review_defaults_to_90_days():
    done = dt.datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert next_review_due(done) == dt.datetime(2026, 4, 15, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("days, due", [(30, dt.datetime(2026, 2, 14, 9, 30, tzinfo=UTC)),
                                       (90, dt.datetime(2026, 4, 15, 9, 30, tzinfo=UTC))])
def test_next_review_accepts_the_guide_bounds(days, due):
    assert next_review_due(dt.datetime(2026, 1, 15, 9, 30, tzinfo=UTC), days) == due


@pytest.mark.parametrize("days", [0, 29, 91, 180])
def test_next_review_refuses_intervals_outside_30_to_90(days):
    with pytest.raises(ValueError):
        next_review_due(dt.datetime(2026, 1, 15, tzinfo=UTC), days)
