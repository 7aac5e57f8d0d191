"""One person per network, with the people who hear about them, built through the people
API: a peer worker and a clinical lead (email), a sister (text) and a friend (email), both
call-first crisis contacts at any hour; the sister also consents to missed-session alerts.
Every address and number is unique, so messages are counted per recipient. Staff and
the person also get every message in their in-app inbox (keyed "staff:<id>", "person:<id>")."""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import requests

from tests.support.processes import wait_until
from tests.support.tokens import bearer

AGREED = {"agreed_on": "2026-11-01", "emergency_contact": True}
PASSWORD = "a long enough password"
# Routing rules are data: the suite switches off the kinds it does not tally (reminders,
# overdue tasks, due assessments) so that every message sent is one the tally expects.
RULES = {"rate_limit_per_hour": 100,
         "rules": {"session.upcoming": [], "plan_task.overdue": [], "assessment.due": [], "action_item.overdue": []}}
_numbers = itertools.count(1)


@dataclasses.dataclass(frozen=True)
class Network:
    org: str
    person: str
    person_phone: str
    peer: str
    peer_email: str
    clinician: str
    clinician_email: str
    sister_phone: str
    friend_email: str
    contacts: int  # contacts on the map once built


def build(platform, org: str, tag: str) -> Network:
    call = platform.people_call
    n = next(_numbers)
    person_phone, sister_phone = f"+4477009{n:05d}", f"+4477008{n:05d}"
    peer_email, clin_email, friend_email = (f"{who}-{tag}@faults.example" for who in ("peer", "clin", "friend"))
    site = call(org, "POST", "/sites", name=f"Hub {tag}", timezone="Europe/London")["id"]
    peer = call(org, "POST", "/staff", email=peer_email, display_name="Pat", role="peer_worker",
                site_ids=[site], password=PASSWORD)["id"]
    clinician = call(org, "POST", "/staff", email=clin_email, display_name="Dr Lee", role="clinician",
                     site_ids=[site], password=PASSWORD)["id"]
    person = call(org, "POST", "/persons", display_name="Sam", timezone="Europe/London", region="GB",
                  site_id=site, phone=person_phone, preferred_method="text")["id"]
    call(org, "PUT", f"/persons/{person}/peer-worker", staff_id=peer)
    call(org, "PUT", f"/persons/{person}/clinical-lead", staff_id=clinician)
    sister = call(org, "POST", f"/persons/{person}/contacts", name="Kim", role="family", circle="inner",
                  label="helpful", preferred_method="text", phone=sister_phone, texts_ok=True, agreement=AGREED)["id"]
    friend = call(org, "POST", f"/persons/{person}/contacts", name="Jo", role="friend", circle="inner",
                  label="helpful", preferred_method="email", email=friend_email, agreement=AGREED)["id"]
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365)).isoformat()
    _consent(call, org, person, [sister], ["missed_session_alerts"], ["family_support"], later)
    _consent(call, org, person, ["crisis_contacts"], ["crisis_plan"], ["crisis_response"], later)
    call(org, "POST", f"/persons/{person}/crisis-plan", warning_signs=["Stops answering"], call_first=[
        {"contact_id": sister, "when": "any"}, {"contact_id": friend, "when": "any"}])
    call(org, "POST", f"/persons/{person}/crisis-plan/sign", typed_name="Sam")
    return Network(org, person, person_phone, peer, peer_email, clinician, clin_email, sister_phone, friend_email, contacts=2)


def _consent(call, org, person, recipients, data_classes, purposes, expires_at) -> None:
    consent = call(org, "POST", f"/persons/{person}/consents", recipients=recipients, data_classes=data_classes,
                   purposes=purposes, discloser="Hub", expires_at=expires_at)
    call(org, "POST", f"/persons/{person}/consents/{consent['consent_id']}/sign", typed_name="Sam")


def set_rules(platform, org: str) -> None:
    response = requests.put(f"{platform.urls['notifications']}/rules", json=RULES, timeout=10,
                            headers=bearer(platform.settings, role="admin", org=org))
    assert response.status_code == 200, response.text


def wait_known(platform, network: Network) -> None:
    """Until check-ins and notifications have heard of the person and their crisis plan."""
    wait_until(lambda: platform.sql("notifications", "SELECT 1 FROM crisis_plans WHERE person_id = :p",
                                    p=network.person), 90, message="notifications to hear of the person")
    wait_until(lambda: platform.sql("checkins", "SELECT 1 FROM known_persons WHERE person_id = :p",
                                    p=network.person), 90, message="check-ins to hear of the person")


def weekly_rhythm(platform, network: Network, first_local: dt.datetime) -> None:
    """A weekly check-in from `first_local` (wall-clock time where the person lives)."""
    response = requests.post(f"{platform.urls['checkins']}/rhythms", timeout=10, json={
        "person_id": network.person, "kind": "weekly_checkin", "first_start_local": first_local.strftime("%Y-%m-%dT%H:%M")},
        headers=bearer(platform.settings, role="peer_worker", org=network.org, subject=network.peer))
    assert response.status_code == 201, response.text
