"""Sustainability: peer workers with a caseload now, the mean caseload, and each peer
worker's missed-session rate in the period, a miss or a check-in counting against
whoever held the case at that moment."""
import pytest

from services.reporting.domain.values import Count, Rate
from tests.support.reporting_history import History, utc

from .pipeline import current

NOW = utc(2026, 4, 15)


def by_staff(rows: list[dict]) -> dict[str, dict]:
    return {row["staff_id"]: row for row in rows}


def test_peer_workers_with_a_caseload_and_the_mean_caseload():
    h = History()
    h.person(utc(2026, 1, 5), peer_worker="pw-1")
    h.person(utc(2026, 1, 5), peer_worker="pw-1")
    h.person(utc(2026, 1, 5), peer_worker="pw-1")
    h.person(utc(2026, 1, 5), peer_worker="pw-2")
    gone = h.person(utc(2026, 1, 5), peer_worker="pw-3")
    h.discharge(gone, utc(2026, 3, 15))     # pw-3's only person left: no caseload now
    h.person(utc(2026, 1, 5))               # nobody assigned

    summary, rows = current(h, NOW)

    assert summary["peer_workers"] == Count(2)
    # (3 + 1) / 2 = 2.0 over 2 peer workers
    assert (summary["caseload_per_peer_worker"].value, summary["caseload_per_peer_worker"].n) == (2.0, 2)
    caseloads = {staff: row["caseload"] for staff, row in by_staff(rows).items()}
    assert caseloads == {"pw-1": Count(3), "pw-2": Count(1)}


def test_no_peer_worker_with_a_caseload():
    summary, rows = current(History(), NOW)
    assert summary["peer_workers"] == Count(0)
    assert (summary["caseload_per_peer_worker"].value, summary["caseload_per_peer_worker"].n) == (None, 0)
    assert rows == []


def test_missed_session_rate_per_peer_worker():
    h = History()
    ann = h.person(utc(2026, 1, 5), peer_worker="pw-1")
    ben = h.person(utc(2026, 1, 5), peer_worker="pw-2")
    h.checkin(ann, utc(2026, 3, 2))
    h.checkin(ann, utc(2026, 3, 9))
    h.checkin(ann, utc(2026, 3, 16))
    h.miss(ann, utc(2026, 3, 23))
    h.miss(ann, utc(2026, 3, 25), kind="monthly_review")  # review misses are not check-in misses
    h.miss(ann, utc(2026, 2, 23))                        # February
    h.miss(ben, utc(2026, 3, 3))
    h.miss(ben, utc(2026, 3, 10), kind="custom")
    h.checkin(ben, utc(2026, 3, 17))

    rows = by_staff(current(h, NOW)[1])

    assert rows["pw-1"]["missed_session_rate"] == Rate(1, 4)  # 1 miss / (1 miss + 3 check-ins)
    assert rows["pw-2"]["missed_session_rate"] == Rate(2, 3)  # 2 misses / (2 + 1)
    assert rows["pw-2"]["missed_session_rate"].value == pytest.approx(0.6667)


def test_a_reassignment_mid_month_splits_the_month_between_peer_workers():
    h = History()
    ann = h.person(utc(2026, 1, 5), peer_worker="pw-1")
    h.miss(ann, utc(2026, 3, 3))
    h.miss(ann, utc(2026, 3, 5))
    h.checkin(ann, utc(2026, 3, 10))
    h.assign(ann, "peer_worker", "pw-2", utc(2026, 3, 15))
    h.miss(ann, utc(2026, 3, 20))
    h.checkin(ann, utc(2026, 3, 22))
    h.checkin(ann, utc(2026, 3, 25))
    h.checkin(ann, utc(2026, 3, 28))

    summary, rows = current(h, NOW)
    rows = by_staff(rows)

    # Before 03-15 the case was pw-1's: 2 misses, 1 check-in. From 03-15, pw-2's: 1 miss, 3 check-ins.
    assert rows["pw-1"]["missed_session_rate"] == Rate(2, 3)
    assert rows["pw-2"]["missed_session_rate"] == Rate(1, 4)
    # Now, the case is pw-2's alone.
    assert rows["pw-1"]["caseload"] == Count(0)
    assert rows["pw-2"]["caseload"] == Count(1)
    assert summary["peer_workers"] == Count(1)


def test_a_miss_at_the_moment_of_reassignment_counts_against_the_new_peer_worker():
    h = History()
    ann = h.person(utc(2026, 1, 5), peer_worker="pw-1")
    h.assign(ann, "peer_worker", "pw-2", utc(2026, 3, 15, 10))
    h.miss(ann, utc(2026, 3, 15, 10))
    rows = by_staff(current(h, NOW)[1])
    assert rows["pw-2"]["missed_session_rate"] == Rate(1, 1)
    assert "pw-1" not in rows


def test_a_miss_before_any_peer_worker_or_after_unassignment_counts_against_nobody():
    h = History()
    ann = h.person(utc(2026, 3, 1))                  # no peer worker at first
    h.miss(ann, utc(2026, 3, 3))
    h.assign(ann, "peer_worker", "pw-1", utc(2026, 3, 10))
    h.checkin(ann, utc(2026, 3, 12))
    h.assign(ann, "peer_worker", None, utc(2026, 3, 20))  # unassigned
    h.miss(ann, utc(2026, 3, 24))

    summary, rows = current(h, NOW)

    assert by_staff(rows)["pw-1"]["missed_session_rate"] == Rate(0, 1)
    assert by_staff(rows)["pw-1"]["caseload"] == Count(0)
    assert summary["peer_workers"] == Count(0)


def test_a_discharged_persons_misses_still_count_against_their_peer_worker():
    h = History()
    ann = h.person(utc(2026, 1, 5), peer_worker="pw-1")
    h.miss(ann, utc(2026, 3, 2))
    h.checkin(ann, utc(2026, 3, 9))
    h.discharge(ann, utc(2026, 3, 12))
    rows = by_staff(current(h, NOW)[1])
    assert rows["pw-1"]["missed_session_rate"] == Rate(1, 2)
    assert rows["pw-1"]["caseload"] == Count(0)
