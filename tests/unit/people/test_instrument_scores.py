"""BARC-10 and MSPSS arithmetic against hand-computed examples."""
import datetime as dt

import pytest

from services.people.domain.instruments import (
    BARC10_ITEMS,
    InstrumentError,
    next_review_due,
    score_barc10,
    score_mspss,
)


def test_barc10_sums_and_flags_the_cutoff():
    assert score_barc10([6] * 10).total == 60
    assert score_barc10([5] * 7 + [4] * 3).total == 47  # 35 + 12
    assert score_barc10([5] * 7 + [4] * 3).meets_cutoff is True
    assert score_barc10([5] * 6 + [4] * 4).total == 46  # 30 + 16
    assert score_barc10([5] * 6 + [4] * 4).meets_cutoff is False
    assert score_barc10(dict(zip(BARC10_ITEMS, [1] * 10, strict=True))).total == 10


@pytest.mark.parametrize("answers", [[0] + [3] * 9, [7] + [3] * 9, [3.5] + [3] * 9, [True] + [3] * 9, [3] * 9,
                                     [3] * 11, "3333333333"])
def test_barc10_refuses_bad_answers(answers):
    with pytest.raises(InstrumentError):
        score_barc10(answers)


def test_barc10_names_missing_and_unknown_items():
    answers = dict(zip(BARC10_ITEMS[:9], [3] * 9, strict=True)) | {"mood": 3}
    with pytest.raises(InstrumentError) as caught:
        score_barc10(answers)
    assert caught.value.errors == {"mood": "unknown item", BARC10_ITEMS[9]: "missing answer"}


def test_mspss_subscales_and_total():
    # items:   1  2  3  4  5  6  7  8  9 10 11 12
    answers = [6, 6, 2, 3, 6, 4, 5, 2, 4, 6, 3, 5]
    # significant other 1,2,5,10 = 24/4 = 6.0; family 3,4,8,11 = 10/4 = 2.5;
    # friends 6,7,9,12 = 18/4 = 4.5; total = 52/12 = 4.333 -> 4.33, moderate
    score = score_mspss(answers)
    assert (score.significant_other, score.family, score.friends) == (6.0, 2.5, 4.5)
    assert score.total_mean == 4.33 and score.band == "moderate"


def test_mspss_rounds_half_up():
    # total 53/12 = 4.41666 -> 4.42; family (3,4,8,11) = 1,1,1,2 -> 1.25
    answers = [7, 7, 1, 1, 7, 5, 5, 1, 5, 7, 2, 5]
    score = score_mspss(answers)
    assert sum(answers) == 53 and score.total_mean == 4.42 and score.family == 1.25


@pytest.mark.parametrize("total, band", [(36, "moderate"), (60, "moderate"), (61, "high"), (35, "low")])
def test_mspss_bands_on_the_unrounded_mean(total, band):
    answers = [total // 12 + (1 if i < total % 12 else 0) for i in range(12)]
    assert sum(answers) == total
    assert score_mspss(answers).band == band


def test_mspss_refuses_out_of_range_answers():
    with pytest.raises(InstrumentError):
        score_mspss([8] + [4] * 11)


def test_reviews_fall_30_to_90_days_later():
    done = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)
    assert next_review_due(done) == dt.datetime(2026, 5, 31, tzinfo=dt.timezone.utc)
    assert next_review_due(done, 30) == dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc)
    for bad in (29, 91):
        with pytest.raises(ValueError):
            next_review_due(done, bad)
