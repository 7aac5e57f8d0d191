"""How each event changes the projections: one small function per event type.

A handler gets the store, the event's time and its validated data, and only ever puts
rows by key or bumps counters. Free text never arrives here: events carry numbers,
codes and ids, and that is all reporting keeps.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

PEOPLE = "circles.people.{}.v1"
CHECKINS = "circles.checkins.{}.v1"


def _id(value) -> str | None:
    return None if value is None else str(value)


def _person(data: dict) -> dict:
    return {"person_id": str(data["person_id"])}


def _scope(data: dict) -> dict:
    """Organisation and site of a person-scoped event ('' for no site)."""
    scope = {"organisation_id": str(data["organisation_id"])}
    if "site_id" in data:
        scope["site_id"] = _id(data["site_id"]) or ""
    return scope


def _person_scope(data: dict) -> dict:
    scope = {"organisation_id": str(data["organisation_id"])}
    if "site_id" in data:
        scope["site_id"] = _id(data["site_id"])
    return scope


def _checklist_facts(data: dict) -> dict:
    # Absent in events from before these fields existed: leave what is known alone.
    return {name: data[name] for name in ("clinical_lead_named", "practical_support_planned")
            if data.get(name) is not None}


def person_registered(store, at: dt.datetime, data: dict) -> None:
    discharged = data["registered_at"] if data["status"] == "discharged" else None
    store.put("persons", _person(data), {**_person_scope(data), "status": data["status"],
                                         "registered_at": data["registered_at"], "discharged_at": discharged,
                                         **_checklist_facts(data)})


def person_updated(store, at: dt.datetime, data: dict) -> None:
    store.put("persons", _person(data), {**_person_scope(data), **_checklist_facts(data)})


def person_status_changed(store, at: dt.datetime, data: dict) -> None:
    discharged = data["changed_at"] if data["to_status"] == "discharged" else None
    store.put("persons", _person(data), {**_person_scope(data), "status": data["to_status"], "discharged_at": discharged})
    if data["to_status"] == "discharged":
        store.bump("daily_counts", _day_key(data, data["changed_at"], "persons_discharged"), {"value": 1})


def peer_worker_assigned(store, at: dt.datetime, data: dict) -> None:
    staff = _id(data["staff_id"])
    store.put("persons", _person(data), {**_person_scope(data), "peer_worker_id": staff})
    # The history, so a missed session counts against the peer worker holding the case then.
    store.put("peer_assignments", {**_person(data), "assigned_at": data["assigned_at"]},
              {"organisation_id": str(data["organisation_id"]), "staff_id": staff})


def clinical_lead_assigned(store, at: dt.datetime, data: dict) -> None:
    store.put("persons", _person(data), {**_person_scope(data), "clinical_lead_id": _id(data["staff_id"])})


def crisis_plan_signed(store, at: dt.datetime, data: dict) -> None:
    store.put("persons", _person(data), {**_person_scope(data), "crisis_plan_signed_at": data["signed_at"],
                                         "crisis_call_first": len(data["call_first"])})


def contact_changed(store, at: dt.datetime, data: dict) -> None:
    store.put("contacts", {"contact_id": str(data["contact_id"])}, {
        **_person(data), **_scope(data), "role": data["role"], "label": data["label"],
        "is_backup": data["is_backup"], "support_types": sorted(data["support_types"]), "removed": False})


def contact_removed(store, at: dt.datetime, data: dict) -> None:
    store.put("contacts", {"contact_id": str(data["contact_id"])}, {**_person(data), **_scope(data), "removed": True})


def assessment_completed(store, at: dt.datetime, data: dict) -> None:
    scores = data["scores"]
    store.put("assessments", {"assessment_id": str(data["assessment_id"])}, {
        **_person(data), **_scope(data), "kind": data["kind"], "completed_at": data["completed_at"],
        "barc10_total": (scores.get("barc10") or {}).get("total"),
        "mspss_mean": (scores.get("mspss") or {}).get("total_mean"),
        "housing_status": data["housing_status"], "employment_status": data["employment_status"]})


def rhythm_changed(store, at: dt.datetime, data: dict) -> None:
    store.put("rhythms", {"rhythm_id": str(data["rhythm_id"])}, {
        **_person(data), **_scope(data), "kind": data["kind"], "active": data["active"], "version": data["version"]})


def checkin_completed(store, at: dt.datetime, data: dict) -> None:
    store.put("checkins", {"checkin_id": str(data["checkin_id"])}, {
        **_person(data), **_scope(data), "completed_at": data["completed_at"], "wellbeing": data["wellbeing"],
        "days_abstinent": data["days_abstinent_last_30"], "source": data["source"]})


def checkin_missed(store, at: dt.datetime, data: dict) -> None:
    store.put("misses", {"session_id": str(data["session_id"])}, {
        **_person(data), **_scope(data), "kind": data["kind"], "starts_at": data["starts_at"],
        "consecutive": data["consecutive_misses"]})


def review_completed(store, at: dt.datetime, data: dict) -> None:
    store.put("reviews", {"review_id": str(data["review_id"])},
              {**_person(data), **_scope(data), "completed_at": data["completed_at"]})


def attendance_recorded(store, at: dt.datetime, data: dict) -> None:
    store.put("attendances", {"attendance_id": str(data["attendance_id"])},
              {**_person(data), **_scope(data), "attended_on": data["attended_on"], "mode": data["mode"]})


def risk_flagged(store, at: dt.datetime, data: dict) -> None:
    store.bump("daily_counts", _day_key(data, data["raised_at"], "risk_flags_high"), {"value": 1})


def _notification(outcome: str):
    def handle(store, at: dt.datetime, data: dict) -> None:
        key = {"organisation_id": str(data["organisation_id"]), "site_id": ""}
        for metric in (f"notifications_{outcome}", f"notifications_{outcome}_{data['channel']}"):
            store.bump("daily_counts", {**key, "day": _utc_day(data["at"]), "metric": metric}, {"value": 1})
    return handle


def listing_changed(store, at: dt.datetime, data: dict) -> None:
    store.put("listings", {"listing_id": str(data["listing_id"])}, {
        "organisation_id": str(data["organisation_id"]), "site_id": _id(data["site_id"]) or "",
        "kind": data["kind"], "status": data["status"], "attendance": data["attendance"]})


def _utc_day(moment: dt.datetime) -> dt.date:
    # Periods are UTC; an event may carry any offset.
    return moment.astimezone(dt.timezone.utc).date()


def _day_key(data: dict, moment: dt.datetime, metric: str) -> dict:
    return {"organisation_id": str(data["organisation_id"]), "site_id": _id(data.get("site_id")) or "",
            "day": _utc_day(moment), "metric": metric}


Handler = Callable[[object, dt.datetime, dict], None]
HANDLERS: dict[str, Handler] = {
    PEOPLE.format("person.registered"): person_registered,
    PEOPLE.format("person.updated"): person_updated,
    PEOPLE.format("person.status_changed"): person_status_changed,
    PEOPLE.format("person.peer_worker_assigned"): peer_worker_assigned,
    PEOPLE.format("person.clinical_lead_assigned"): clinical_lead_assigned,
    PEOPLE.format("crisis_plan.signed"): crisis_plan_signed,
    PEOPLE.format("contact.added"): contact_changed,
    PEOPLE.format("contact.updated"): contact_changed,
    PEOPLE.format("contact.removed"): contact_removed,
    PEOPLE.format("assessment.completed"): assessment_completed,
    CHECKINS.format("rhythm.created"): rhythm_changed,
    CHECKINS.format("rhythm.changed"): rhythm_changed,
    CHECKINS.format("checkin.completed"): checkin_completed,
    CHECKINS.format("checkin.missed"): checkin_missed,
    CHECKINS.format("review.completed"): review_completed,
    CHECKINS.format("attendance.recorded"): attendance_recorded,
    CHECKINS.format("risk.flagged"): risk_flagged,
    "circles.notifications.notification.sent.v1": _notification("sent"),
    "circles.notifications.notification.failed.v1": _notification("failed"),
    "circles.notifications.notification.suppressed.v1": _notification("suppressed"),
    "circles.resources.resource.published.v1": listing_changed,
    "circles.resources.resource.updated.v1": listing_changed,
    "circles.resources.resource.retired.v1": listing_changed,
}
