"""A person with a network, consents and a signed crisis plan, set up through the people
API of the running platform, with a weekly rhythm in check-ins."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import create_engine, text

from tests.support.processes import wait_until
from tests.support.tokens import bearer

AGREED = {"agreed_on": "2026-11-01", "emergency_contact": True}


@dataclasses.dataclass
class Network:
    org: str
    person: str
    peer: str
    peer_email: str
    sister: str
    sister_phone: str
    friend: str
    friend_email: str
    sister_consent: str


def build(platform, org: str) -> Network:
    call = platform.people_call
    tag = uuid.uuid4().hex[:8]
    # Numbers and addresses unique to this network: the SMTP and SMS records are shared.
    sister_phone, friend_email = f"+4477{uuid.uuid4().int % 10**8:08d}", f"friend-{tag}@e2e.example"
    site = call(org, "POST", "/sites", name="Hub", timezone="Europe/London")["id"]
    peer_email = f"peer-{tag}@e2e.example"
    peer = call(org, "POST", "/staff", email=peer_email, display_name="Pat", role="peer_worker",
                site_ids=[site], password="a long enough password")["id"]
    clinician = call(org, "POST", "/staff", email=f"clin-{tag}@e2e.example", display_name="Dr Lee",
                     role="clinician", site_ids=[site], password="a long enough password")["id"]
    person = call(org, "POST", "/persons", display_name="Sam", timezone="Europe/London", region="GB",
                  site_id=site, phone="+447700900401", preferred_method="text")["id"]
    call(org, "PUT", f"/persons/{person}/peer-worker", staff_id=peer)
    call(org, "PUT", f"/persons/{person}/clinical-lead", staff_id=clinician)
    sister = call(org, "POST", f"/persons/{person}/contacts", name="Kim", role="family", circle="inner",
                  label="helpful", preferred_method="text", phone=sister_phone, texts_ok=True, agreement=AGREED)["id"]
    friend = call(org, "POST", f"/persons/{person}/contacts", name="Jo", role="friend", circle="inner",
                  label="helpful", preferred_method="email", email=friend_email, agreement=AGREED)["id"]
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365)).isoformat()
    sister_consent = _consent(call, org, person, [sister], ["missed_session_alerts"], ["family_support"], later)
    _consent(call, org, person, ["crisis_contacts"], ["crisis_plan"], ["crisis_response"], later)
    call(org, "POST", f"/persons/{person}/crisis-plan", warning_signs=["Stops answering"], call_first=[
        {"contact_id": sister, "when": "out_of_hours"}, {"contact_id": friend, "when": "any"}])
    call(org, "POST", f"/persons/{person}/crisis-plan/sign", typed_name="Sam")
    return Network(org, person, peer, peer_email, sister, sister_phone, friend, friend_email, sister_consent)


def _consent(call, org, person, recipients, data_classes, purposes, expires_at) -> str:
    consent = call(org, "POST", f"/persons/{person}/consents", recipients=recipients, data_classes=data_classes,
                   purposes=purposes, discloser="Hub", expires_at=expires_at)
    call(org, "POST", f"/persons/{person}/consents/{consent['consent_id']}/sign", typed_name="Sam")
    return consent["consent_id"]


def notifications_db(platform, sql: str, **params):
    engine = create_engine(platform.env["NOTIFICATIONS_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def wait_known(platform, network: Network) -> None:
    """Until notifications has the person's crisis plan (the last of their people events)."""
    wait_until(lambda: notifications_db(platform, "SELECT 1 FROM crisis_plans WHERE person_id = :p",
                                        p=network.person), 60, message="notifications to hear of the person")


def weekly_rhythm(platform, network: Network) -> list[dict]:
    checkins = platform.urls["checkins"]
    as_peer = bearer(platform.settings, role="peer_worker", org=network.org, subject=network.peer)
    tomorrow = (dt.datetime.now(ZoneInfo("Europe/London")) + dt.timedelta(days=1)).date()

    def create():
        response = requests.post(f"{checkins}/rhythms", headers=as_peer, timeout=10, json={
            "person_id": network.person, "kind": "weekly_checkin", "first_start_local": f"{tomorrow}T18:00"})
        return response.status_code == 201
    wait_until(create, 60, message="check-ins to accept the rhythm")
    return requests.get(f"{checkins}/sessions", params={"person_id": network.person}, headers=as_peer,
                        timeout=10).json()
