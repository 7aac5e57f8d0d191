"""FixedClock moves only when told; SystemClock gives aware UTC."""
import datetime as dt

import pytest

from shared.clock import FixedClock, SystemClock

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def fixed():
    return FixedClock(START)


def test_now_is_the_start_until_moved(fixed):
    assert fixed.now() == START
    assert fixed.now() == START


def test_advance_moves_and_returns_the_new_time(fixed):
    assert fixed.advance(minutes=15) == START + dt.timedelta(minutes=15)
    assert fixed.advance(days=1, seconds=5) == START + dt.timedelta(days=1, minutes=15, seconds=5)
    assert fixed.now() == START + dt.timedelta(days=1, minutes=15, seconds=5)


def test_advance_backwards(fixed):
    assert fixed.advance(hours=-1) == START - dt.timedelta(hours=1)


def test_set_jumps_to_a_moment(fixed):
    later = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    fixed.set(later)
    assert fixed.now() == later


def test_naive_start_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(dt.datetime(2026, 3, 2, 9, 30))


def test_set_rejects_naive(fixed):
    with pytest.raises(ValueError):
        fixed.set(dt.datetime(2026, 3, 2, 9, 30))


def test_system_clock_is_aware_utc_and_current():
    before = dt.datetime.now(dt.timezone.utc)
    now = SystemClock().now()
    after = dt.datetime.now(dt.timezone.utc)
    assert now.utcoffset() == dt.timedelta(0)
    assert before <= now <= after
