"""The demo organisation's sites, staff and five persons, through the people API.

One person's network meets the whole checklist; the others each show a typical gap:
no clinical lead or crisis plan, a risky contact in the inner circle, a single point of
dependence, no practical support.
"""
from __future__ import annotations

import datetime as dt

import requests

COORDINATOR = "coordinator@northside.example"
STAFF = [
    ("coordinator", COORDINATOR, "Chloe (coordinator)", ("hub", "cafe")),
    ("peer_worker", "peer.hub@northside.example", "Pat (peer worker, hub)", ("hub",)),
    ("peer_worker", "peer.cafe@northside.example", "Remi (peer worker, café)", ("cafe",)),
    ("clinician", "clinician@northside.example", "Dr Okafor (clinical lead)", ("hub", "cafe")),
    ("operator", "operator@northside.example", "Ops (operator)", ()),
]
LOGINS = [("admin", "admin@northside.example")] + [(role, email) for role, email, _, _ in STAFF]

SPONSOR = {"name": "Jo (sponsor)", "role": "sponsor", "circle": "inner", "label": "helpful", "is_backup": True,
           "support_types": ["mutual_help", "emotional"], "phone": "07700 900101", "texts_ok": True,
           "hours_start": "08:00", "hours_end": "21:00"}
CAFE = {"name": "Riverside recovery café", "role": "service", "circle": "outer", "label": "helpful",
        "support_types": ["sober_social"]}
SISTER = {"name": "Kim (sister)", "role": "family", "circle": "inner", "label": "helpful", "is_backup": True,
          "support_types": ["emotional"], "phone": "07700 900102", "calls_ok": True}
HOUSING = {"name": "Housing officer", "role": "practical_support", "circle": "outer", "label": "helpful",
           "support_types": ["housing"]}
OLD_FRIEND = {"name": "Dave (old drinking friend)", "role": "friend", "circle": "inner", "label": "risky"}


def build(people_url: str, admin: dict, login, password: str) -> list[dict]:
    api = _Api(people_url)
    sites = {"hub": api.post("/sites", admin, {"name": "Northside recovery hub", "kind": "hub",
                                                "timezone": "Europe/London"})["id"],
             "cafe": api.post("/sites", admin, {"name": "Riverside recovery café", "kind": "cafe",
                                                 "timezone": "Europe/London"})["id"]}
    staff = {}
    for role, email, name, at in STAFF:
        staff[email] = api.post("/staff", admin, {"email": email, "display_name": name, "role": role,
                                                  "site_ids": [sites[s] for s in at], "password": password})["id"]
    coordinator = login(COORDINATOR)
    people = [
        _complete(api, coordinator, sites["hub"], staff),
        api.person(coordinator, "Jo", sites["hub"], contacts=[SPONSOR, CAFE, SISTER, HOUSING]),
        api.person(coordinator, "Alex (alias)", sites["cafe"], contacts=[OLD_FRIEND, SISTER, CAFE]),
        api.person(coordinator, "Priya K.", sites["cafe"], region="US-NY", timezone="America/New_York",
                   contacts=[{**SPONSOR, "support_types": ["emotional"]}]),
        api.person(coordinator, "Chris", sites["hub"], contacts=[SPONSOR, SISTER, CAFE]),
    ]
    return people


def _complete(api: "_Api", coordinator: dict, site: str, staff: dict) -> dict:
    """Sam: every item of the guide's final checklist in place."""
    person = api.person(coordinator, "Sam R.", site, contacts=[SPONSOR, CAFE, SISTER, HOUSING],
                        practical_support_plan="Housing officer appointment booked")
    base = f"/persons/{person['id']}"
    api.put(f"{base}/peer-worker", coordinator, {"staff_id": staff["peer.hub@northside.example"]})
    api.put(f"{base}/clinical-lead", coordinator, {"staff_id": staff["clinician@northside.example"]})
    contacts = {c["name"]: c["id"] for c in api.get(f"{base}/contacts", coordinator)}
    api.post(f"{base}/crisis-plan", coordinator, {
        "warning_signs": ["Stops answering texts", "Misses two check-ins in a row", "Talks about old friends again"],
        "call_first": [{"contact_id": contacts["Jo (sponsor)"], "when": "daytime"},
                       {"contact_id": contacts["Kim (sister)"], "when": "out_of_hours"}],
        "naloxone": {"needed": True, "holder": "Kim (sister)", "stored_at": "Kitchen drawer",
                     "training": "Naloxone training at the hub"}})
    api.post(f"{base}/crisis-plan/sign", coordinator, {"typed_name": "Sam R."})
    api.post(f"{base}/assessments", coordinator, {
        "barc10": [5, 5, 5, 5, 5, 5, 5, 4, 4, 4], "mspss": [6, 6, 2, 3, 6, 4, 5, 2, 4, 6, 3, 5],
        "housing_status": "temporary", "employment_status": "unemployed_seeking"})
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=180)).isoformat()
    consent = api.post(f"{base}/consents", coordinator, {
        "recipients": [contacts["Kim (sister)"]], "data_classes": ["missed_session_alerts", "attendance"],
        "purposes": ["family_support"], "discloser": "Northside Recovery Network", "expires_at": expires})
    api.post(f"{base}/consents/{consent['consent_id']}/sign", coordinator, {"typed_name": "Sam R."})
    api.post(f"{base}/status", coordinator, {"status": "active", "reason": "Intake complete"})
    return person


class _Api:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def call(self, method: str, path: str, headers: dict, body: dict | None = None):
        response = requests.request(method, self.base_url + path, json=body, headers=headers, timeout=10)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def get(self, path, headers):
        return self.call("GET", path, headers)

    def post(self, path, headers, body):
        return self.call("POST", path, headers, body)

    def put(self, path, headers, body):
        return self.call("PUT", path, headers, body)

    def person(self, headers: dict, name: str, site: str, contacts: list[dict], region: str = "GB",
               timezone: str = "Europe/London", **fields) -> dict:
        person = self.post("/persons", headers, {"display_name": name, "timezone": timezone, "region": region,
                                                 "site_id": site, **fields})
        for contact in contacts:
            self.post(f"/persons/{person['id']}/contacts", headers, contact)
        return person
