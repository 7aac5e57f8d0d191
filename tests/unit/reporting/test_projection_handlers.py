"""The projection handlers, through a MemoryStore: an event applied twice counts once,
and later events (contact removed or relabelled, rhythm ended, status changed) win."""
import datetime as dt

from services.reporting.domain import report
from services.reporting.domain.facts import from_rows
from services.reporting.domain.values import Count, Rate
from services.reporting.projection.handlers import HANDLERS
from services.reporting.projection.store import MemoryStore
from shared.events.catalogue import load_data
from tests.support.reporting_history import SITE_NORTH, History, apply_to_store, utc

from .pipeline import (MARCH, contact_relabelled, contact_removed, emit, month_values, rhythm, status_change,
                       store_of)

AT = utc(2026, 3, 1)
NOW = utc(2026, 3, 20)


def full_checklist_person(h: History) -> tuple[str, dict]:
    """A person meeting every checklist item; returns the ids of what can be taken away."""
    person = h.person(AT, peer_worker="pw-1", clinical_lead="cl-1")
    h.crisis_plan(person, AT)
    ids = {"weekly": rhythm(h, person, AT, "weekly_checkin"), "monthly": rhythm(h, person, AT, "monthly_review"),
           "mutual_help": h.contact(person, AT, support_types=("mutual_help",)),
           "sober_social": h.contact(person, AT, support_types=("sober_social",)),
           "practical": h.contact(person, AT, support_types=("housing",))}
    return person, ids


def current_of(store: MemoryStore, now: dt.datetime = NOW) -> dict:
    return report.current_values(from_rows(store.all_rows()), MARCH, now)[0]


def test_the_same_events_applied_twice_count_once():
    h = History()
    ann = h.person(utc(2026, 1, 5), peer_worker="pw-1")
    h.checkin(ann, utc(2026, 3, 2), days_abstinent=10)
    h.miss(ann, utc(2026, 3, 9))
    h.review(ann, utc(2026, 3, 10))
    h.attendance(ann, utc(2026, 3, 11))
    h.risk_flag(ann, utc(2026, 3, 12))        # a counter: only claiming keeps it from doubling
    h.notification(utc(2026, 3, 13), "sent")
    h.notification(utc(2026, 3, 13), "failed")
    store = MemoryStore()
    apply_to_store(store, h.events)
    apply_to_store(store, h.events)            # redelivered
    apply_to_store(store, h.events + h.events)  # and duplicated within a batch

    v = report.period_values(from_rows(store.all_rows()), MARCH, NOW)

    for key in ("checkins_completed", "checkins_missed", "reviews_held", "mutual_help_attendances",
                "risk_flags_high", "notifications_sent", "notifications_failed"):
        assert v[key] == Count(1), key
    assert v["checkin_completion_rate"] == Rate(1, 2)
    assert current_of(store)["active_persons"] == Count(1)


def test_a_row_event_handled_twice_without_claiming_is_still_one_row():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    h.checkin(ann, utc(2026, 3, 2))
    store = MemoryStore()
    for event in h.events + h.events[1:]:
        HANDLERS[event.type](store, event.time, load_data(event))
    assert len(store.rows("checkins")) == 1
    assert len(store.rows("persons")) == 1


def test_a_removed_contact_no_longer_counts_for_the_checklist():
    h = History()
    person, ids = full_checklist_person(h)
    store = store_of(h)
    assert current_of(store)["checklist_coverage"] == Rate(1, 1)

    removed = History()
    contact_removed(removed, person, ids["mutual_help"], utc(2026, 3, 10))
    apply_to_store(store, removed.events)

    assert current_of(store)["checklist_coverage"] == Rate(0, 1)
    row = next(r for r in store.rows("contacts") if r["contact_id"] == ids["mutual_help"])
    assert row["removed"] is True and row["person_id"] == person


def test_removing_one_of_two_practical_contacts_keeps_the_item():
    h = History()
    person, ids = full_checklist_person(h)
    h.contact(person, AT, role="practical_support")
    contact_removed(h, person, ids["practical"], utc(2026, 3, 10))
    assert current_of(store_of(h))["checklist_coverage"] == Rate(1, 1)


def test_a_contact_relabelled_risky_stops_counting_and_counts_again_when_trusted():
    h = History()
    person, ids = full_checklist_person(h)
    contact_relabelled(h, person, ids["sober_social"], utc(2026, 3, 10), "risky", support_types=("sober_social",))
    assert current_of(store_of(h))["checklist_coverage"] == Rate(0, 1)
    contact_relabelled(h, person, ids["sober_social"], utc(2026, 3, 12), "helpful", support_types=("sober_social",))
    assert current_of(store_of(h))["checklist_coverage"] == Rate(1, 1)


def test_a_deactivated_rhythm_no_longer_counts_and_a_reactivated_one_does():
    h = History()
    person, ids = full_checklist_person(h)
    rhythm(h, person, utc(2026, 3, 10), "monthly_review", active=False, rhythm_id=ids["monthly"], version=2)
    assert current_of(store_of(h))["checklist_coverage"] == Rate(0, 1)
    rhythm(h, person, utc(2026, 3, 12), "monthly_review", active=True, rhythm_id=ids["monthly"], version=3)
    assert current_of(store_of(h))["checklist_coverage"] == Rate(1, 1)


def test_a_later_status_change_wins():
    h = History()
    ann = h.person(utc(2026, 1, 5))
    h.discharge(ann, utc(2026, 2, 1))
    status_change(h, ann, utc(2026, 3, 1), "active", "discharged")   # came back
    ben = h.person(utc(2026, 1, 5), status="intake")
    status_change(h, ben, utc(2026, 1, 20), "active", "intake")
    h.discharge(ben, utc(2026, 3, 5))                                  # left again
    cat = h.person(utc(2026, 1, 5), status="discharged")              # registered as discharged
    status_change(h, cat, utc(2026, 3, 2), "active", "discharged")

    store = store_of(h)

    rows = {r["person_id"]: r for r in store.rows("persons")}
    assert (rows[ann]["status"], rows[ann]["discharged_at"]) == ("active", None)
    assert (rows[ben]["status"], rows[ben]["discharged_at"]) == ("discharged", utc(2026, 3, 5))
    assert (rows[cat]["status"], rows[cat]["discharged_at"]) == ("active", None)
    assert current_of(store)["active_persons"] == Count(2)  # Ann and Cat


def test_a_discharge_is_kept_as_a_daily_count():
    h = History()
    h.discharge(h.person(utc(2026, 1, 5)), utc(2026, 3, 15))
    rows = [r for r in store_of(h).rows("daily_counts") if r["metric"] == "persons_discharged"]
    assert [(r["day"], r["value"]) for r in rows] == [(dt.date(2026, 3, 15), 1)]


def test_a_reassignment_keeps_the_history_and_the_latest_peer_worker():
    h = History()
    ann = h.person(utc(2026, 1, 5), peer_worker="pw-1")
    h.assign(ann, "peer_worker", "pw-2", utc(2026, 3, 15))
    store = store_of(h)
    assert store.rows("persons")[0]["peer_worker_id"] == "pw-2"
    history = sorted((r["assigned_at"], r["staff_id"]) for r in store.rows("peer_assignments"))
    assert history == [(utc(2026, 1, 5), "pw-1"), (utc(2026, 3, 15), "pw-2")]


def test_person_updated_sets_checklist_facts_and_leaves_unsaid_ones_alone():
    h = History()
    ann = h.person(AT)

    def updated(at, **facts):
        emit(h, "circles.people.person.updated.v1", ann, at, person_id=ann, site_id=SITE_NORTH,
             timezone="Europe/London", region="GB", preferred_method="phone", updated_at=at, **facts)

    updated(utc(2026, 3, 2), practical_support_planned=True, clinical_lead_named=True)
    updated(utc(2026, 3, 3))   # an older-style event without the facts
    row = store_of(h).rows("persons")[0]
    assert (row["practical_support_planned"], row["clinical_lead_named"]) == (True, True)
    assert row["registered_at"] == AT  # an update does not touch registration
    updated(utc(2026, 3, 4), practical_support_planned=False)
    assert store_of(h).rows("persons")[0]["practical_support_planned"] is False


def test_assessment_scores_and_a_missing_abstinence_report_are_projected_as_they_are():
    h = History()
    ann = h.person(AT)
    h.assessment(ann, utc(2026, 3, 2), barc10=47, mspss=4.25, housing="stable", employment="student")
    h.assessment(ann, utc(2026, 3, 3))
    h.checkin(ann, utc(2026, 3, 4))
    store = store_of(h)
    scores = sorted((r["completed_at"], r["barc10_total"], r["mspss_mean"], r["housing_status"])
                    for r in store.rows("assessments"))
    assert scores == [(utc(2026, 3, 2), 47, 4.25, "stable"), (utc(2026, 3, 3), None, None, "unknown")]
    assert store.rows("checkins")[0]["days_abstinent"] is None
    assert month_values(h)["days_abstinent_mean"].n == 0


def test_notifications_are_counted_per_channel_as_well():
    h = History()
    h.notification(utc(2026, 3, 2), "sent", channel="email")
    h.notification(utc(2026, 3, 2), "sent", channel="email")
    h.notification(utc(2026, 3, 2), "sent", channel="sms")
    counts = {r["metric"]: r["value"] for r in store_of(h).rows("daily_counts")}
    assert counts == {"notifications_sent": 3, "notifications_sent_email": 2, "notifications_sent_sms": 1}


def test_a_published_listing_is_kept_by_kind_status_and_site():
    h = History()
    h.listing(utc(2026, 3, 2), kind="meeting")
    rows = store_of(h).rows("listings")
    assert [(r["kind"], r["status"], r["site_id"]) for r in rows] == [("meeting", "published", SITE_NORTH)]
