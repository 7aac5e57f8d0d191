"""The small worlds the authorization matrix calls every operation in.

One per service, each seeded through the service's own API (and, for the read models and
projections, through the handlers its consumers run), with organisation A holding two
persons in recovery: P at the hub (the target of every person-scoped call, with a care
team, a network contact who is a supporter, consents, a crisis plan, check-ins, rhythms,
deliveries, a timeline...) and Q at the café with their own care team and records.

A world answers what the matrix needs to make one call: the token of each principal of
access_rules.py, a value for every path parameter (a fresh record where the call would
use one up), a minimal valid body and the required query parameters; and, to check what
the call did: the rows a principal must neither change nor see (the other person's, the
other sites', the other organisation's) and a fingerprint of the whole database.
"""
from __future__ import annotations

import re
import types
import uuid

from sqlalchemy import and_, or_, select

from services.people.usecases.organisations import create_organisation
from services.notifications.models import InboxItem
from shared.auth import mint_token
from tests.integration.checkins_support import CheckinsWorld
from tests.integration.notifications_support import NotificationsWorld
from tests.security import access_rules as A
from tests.support.reporting_history import History, apply_live, utc
from tests.support.tokens import ORG_A, ORG_B, bearer

PASSWORD = "correct horse battery staple"
HUB = "aaaaaaaa-0000-4000-8000-00000000a0b1"
CAFE = "aaaaaaaa-0000-4000-8000-00000000cafe"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# Columns that name one of a person's records (read leaks are checked on these).
RECORD_KEYS = ("id", "person_id", "contact_id", "consent_id", "checkin_id", "rhythm_id", "session_id",
               "plan_id", "review_id", "attendance_id", "assessment_id", "record_id", "threshold_id",
               "breach_id", "listing_id", "delivery_id")
# Columns whose value may be a person id (writes about a person are checked on these).
PERSON_REFERENCES = ("person_id", "recipient_id", "owner_id", "partition_key")
# Bookkeeping that any consumer or replay touches; nothing a request should change.
BOOKKEEPING = ("processed_events", "rp_applied_events", "rp_freshness", "rp_generation", "alembic_version")


def _unique(prefix: str = "x") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class MatrixWorld:
    service = ""
    person_tables = ()  # tables keyed by the person's id in their `id` column

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.runtime = app.extensions["circles"]
        self.settings = self.runtime.settings
        self.clock = self.runtime.clock
        self.org_a, self.org_b = ORG_A, ORG_B
        self.hub, self.cafe = HUB, CAFE
        self.values: dict[str, object] = {}  # path and query parameters by name
        self.paths: dict[tuple[str, str], dict] = {}  # per operation, overriding `values`
        self.queries: dict[tuple[str, str], dict] = {}
        self.bodies: dict[tuple[str, str], object] = {}  # a dict, or a callable making one per call
        self.seed()
        self.tokens = self.make_tokens()

    # --- seeding ------------------------------------------------------------------------------
    def seed(self) -> None:
        raise NotImplementedError

    def call(self, method: str, path: str, headers: dict, body=None, expect: int | tuple = (200, 201, 204)):
        response = self.client.open(path, method=method, json=body, headers=headers)
        expect = (expect,) if isinstance(expect, int) else expect
        assert response.status_code in expect, (method, path, response.status_code, response.get_data(as_text=True))
        return response.json if response.is_json else response.get_data(as_text=True)

    def token(self, role: str, org: str | None = None, subject: str | None = None, sites=(), **claims) -> dict:
        return bearer(self.settings, role=role, org=org or self.org_a, sites=sites,
                      subject=subject or str(uuid.uuid4()), **claims)

    # --- the principals -----------------------------------------------------------------------
    def staff_ids(self) -> dict[str, str]:
        """Subjects of the staff principals that are real staff here (P's workers)."""
        return {}

    def make_tokens(self) -> dict[str, dict]:
        ids = self.staff_ids()
        another_secret = self.settings.with_overrides(jwt_secret="not the circles secret, but just as long as one")
        forged = mint_token(another_secret, subject="x", role="admin", organisation_id=self.org_a)
        return {
            A.NO_TOKEN: {},
            A.GARBAGE_TOKEN: {"Authorization": "Bearer not-a-jwt.at-all.sorry"},
            A.FORGED_TOKEN: {"Authorization": f"Bearer {forged}"},
            A.ADMIN: self.token("admin", subject=ids.get(A.ADMIN)),
            A.COORDINATOR: self.token("coordinator"),
            A.COORDINATOR_HUB: self.token("coordinator", subject=ids.get(A.COORDINATOR_HUB), sites=[self.hub]),
            A.COORDINATOR_CAFE: self.token("coordinator", subject=ids.get(A.COORDINATOR_CAFE), sites=[self.cafe]),
            A.PEER_WORKER: self.token("peer_worker", subject=ids.get(A.PEER_WORKER), sites=[self.hub]),
            A.PEER_WORKER_OTHER: self.token("peer_worker", subject=ids.get(A.PEER_WORKER_OTHER), sites=[self.hub]),
            A.CLINICIAN: self.token("clinician", subject=ids.get(A.CLINICIAN), sites=[self.hub]),
            A.CLINICIAN_OTHER: self.token("clinician", subject=ids.get(A.CLINICIAN_OTHER), sites=[self.hub]),
            A.PARTICIPANT: self.token("participant", person_id=self.p),
            A.PARTICIPANT_OTHER: self.token("participant", person_id=self.q),
            A.SUPPORTER: self.token("supporter", contact_id=self.supporter_contact),
            A.OPERATOR: self.token("operator", subject=ids.get(A.OPERATOR)),
            A.OTHER_ORG_ADMIN: self.token("admin", org=self.org_b, subject=ids.get(A.OTHER_ORG_ADMIN)),
        }

    def sites_of(self, principal: str) -> tuple[str, ...]:
        return {A.COORDINATOR_HUB: (self.hub,), A.COORDINATOR_CAFE: (self.cafe,), A.PEER_WORKER: (self.hub,),
                A.PEER_WORKER_OTHER: (self.hub,), A.CLINICIAN: (self.hub,),
                A.CLINICIAN_OTHER: (self.hub,)}.get(principal, ())

    def protected_persons(self, principal: str) -> set[str]:
        """Persons whose records the principal may neither change nor see."""
        p, q = self.p, self.q
        return {
            A.ADMIN: set(), A.COORDINATOR: set(),
            A.COORDINATOR_HUB: {q}, A.PEER_WORKER: {q}, A.CLINICIAN: {q}, A.PARTICIPANT: {q}, A.SUPPORTER: {q},
            A.COORDINATOR_CAFE: {p}, A.PARTICIPANT_OTHER: {p},
        }.get(principal, {p, q})

    # --- what a call must leave alone -----------------------------------------------------------
    def _tables(self):
        return [t for t in self.runtime.spec.metadata.sorted_tables if t.name not in BOOKKEEPING]

    def protected_rows(self, principal: str) -> list[tuple[str, dict]]:
        """The rows about persons, sites and organisations outside the principal's reach."""
        persons = sorted(self.protected_persons(principal))
        sites = self.sites_of(principal)
        other_org = principal == A.OTHER_ORG_ADMIN
        rows = []
        with self.runtime.engine.connect() as conn:
            for table in self._tables():
                c, where = table.c, []
                where += [c[name].in_(persons) for name in PERSON_REFERENCES if name in c]
                if table.name in self.person_tables:
                    where.append(c.id.in_(persons))
                if sites and "site_id" in c:
                    outside = and_(c.site_id.is_not(None), c.site_id.not_in(sites))
                    where.append(and_(outside, c.organisation_id == self.org_a) if "organisation_id" in c else outside)
                if other_org and "organisation_id" in c:
                    where.append(c.organisation_id == self.org_a)
                if other_org and table.name == "organisations":
                    where.append(c.id == self.org_a)
                if where:
                    rows += [(table.name, dict(r._mapping)) for r in conn.execute(select(table).where(or_(*where)))]
        return sorted(rows, key=repr)

    def secret_ids(self, principal: str, rows: list[tuple[str, dict]]) -> set[str]:
        """Ids the principal must never be shown: the keys of the protected records; for the
        other organisation every id in organisation A's rows, and organisation A itself."""
        if principal == A.OTHER_ORG_ADMIN:
            found = {self.org_a}
            for _, row in rows:
                found |= {m.lower() for m in UUID.findall(repr(row))}
            return found
        return {str(row[k]).lower() for _, row in rows for k in RECORD_KEYS
                if row.get(k) is not None and UUID.fullmatch(str(row[k]))}

    def fingerprint(self) -> list[str]:
        with self.runtime.engine.connect() as conn:
            return sorted(f"{table.name}:{tuple(r)!r}" for table in self._tables() for r in conn.execute(select(table)))

    # --- the request for one operation ------------------------------------------------------------
    def path_value(self, op: tuple[str, str], name: str):
        value = self.paths.get(op, {}).get(name, self.values.get(name))
        return value() if callable(value) else value

    def body(self, op: tuple[str, str]):
        value = self.bodies.get(op)
        return value() if callable(value) else value


# ------------------------------------------------------------------------------------------------
class PeopleWorld(MatrixWorld):
    service = "people"
    person_tables = ("persons",)

    def seed(self) -> None:
        with self.runtime.uow() as uow:
            admin = create_organisation(uow, "Org A", "admin@org-a.example", "Ada Admin", PASSWORD)
        with self.runtime.uow() as uow:
            admin_b = create_organisation(uow, "Org B", "admin@org-b.example", "Bo Admin", PASSWORD)
        self.org_a, self.org_b = admin.organisation_id, admin_b.organisation_id
        self.admin_id, self.admin_b_id = admin.id, admin_b.id
        h = self.admin = self.token("admin", subject=admin.id)
        site = {"kind": "hub", "timezone": "Europe/London"}
        self.hub = self.call("POST", "/sites", h, {"name": "Hub", **site})["id"]
        self.cafe = self.call("POST", "/sites", h, {"name": "Café", **site, "kind": "cafe"})["id"]
        self.call("POST", "/sites", self.token("admin", org=self.org_b, subject=admin_b.id),
                  {"name": "B hub", **site})
        self.accounts = {}
        for name, role, sites in (("coordinator_hub", "coordinator", [self.hub]),
                                  ("coordinator_cafe", "coordinator", [self.cafe]),
                                  ("peer_worker", "peer_worker", [self.hub]), ("clinician", "clinician", [self.hub]),
                                  ("peer_worker_q", "peer_worker", [self.cafe]),
                                  ("clinician_q", "clinician", [self.cafe]), ("operator", "operator", [])):
            self.accounts[name] = self.call("POST", "/staff", h, {
                "email": f"{name}@org-a.example", "display_name": name.replace("_", " ").title(), "role": role,
                "site_ids": sites, "password": PASSWORD})["id"]
        self.p = self._person("Sam", self.hub, "peer_worker", "clinician")
        self.q = self._person("Alex", self.cafe, "peer_worker_q", "clinician_q")
        p = f"/persons/{self.p}"
        self.supporter_contact = self._contact(self.p, "Kim", "family", emergency=True)
        self.other_contact = self._contact(self.p, "Jo", "friend")
        share = {"data_classes": ["crisis_plan", "network_map", "contact_details"], "purposes": ["family_support"],
                 "discloser": "Circles", "expiry_event": "end_of_treatment"}
        supporter_consent = self.call("POST", f"{p}/consents", h, {"recipients": [self.supporter_contact], **share})
        self.call("POST", f"{p}/consents/{supporter_consent['consent_id']}/sign", h, {"typed_name": "Sam"})
        team = {"recipients": ["care_team"], "data_classes": ["checkin_summary"], "purposes": ["care_coordination"],
                "discloser": "Circles", "expiry_event": "end_of_treatment"}
        self.consent = self.call("POST", f"{p}/consents", h, team)["consent_id"]
        self.call("POST", f"{p}/consents/{self.consent}/sign", h, {"typed_name": "Sam"})
        plan = {"warning_signs": ["Not sleeping"], "call_first": [{"contact_id": self.supporter_contact}]}
        self.call("POST", f"{p}/crisis-plan", h, plan)
        self.call("POST", f"{p}/assessments", h, {"barc10": [4] * 10, "housing_status": "temporary"})
        disclosure = {"recipient": self.supporter_contact, "data_class": "crisis_plan", "purpose": "family_support",
                      "data_description": "The crisis plan", "channel": "email"}
        self.call("POST", f"{p}/disclosures", h, disclosure)
        # Q has a record of each kind too, so a leak of Q's data would show.
        q = f"/persons/{self.q}"
        q_contact = self._contact(self.q, "Lee", "sponsor", emergency=True)
        q_consent = self.call("POST", f"{q}/consents", h, {"recipients": [q_contact], **share})
        self.call("POST", f"{q}/consents/{q_consent['consent_id']}/sign", h, {"typed_name": "Alex"})
        self.call("POST", f"{q}/crisis-plan", h,
                  {"warning_signs": ["Isolating"], "call_first": [{"contact_id": q_contact}]})
        self.call("POST", f"{q}/assessments", h, {"housing_status": "stable"})

        # A refused erasure (an exemption applies) is recorded but erases nothing, so P stays for every caller.
        self.refused_erasure = {"ground": "consent_withdrawn", "exemptions": {
            "freedom_of_expression": False, "legal_obligation": True, "public_health": False,
            "archiving_or_research": False, "legal_claims": False}}
        self.values = {"person_id": self.p, "contact_id": self.other_contact, "consent_id": self.consent,
                       "request_id": self.call("POST", f"{p}/subject-access", h, None, expect=202)["id"],
                       "erasure_id": self.call("POST", f"{p}/erasure", h, self.refused_erasure)["id"]}
        # Calls that use their record up get a fresh one each, so every allowed caller can succeed.
        self.paths = {
            ("DELETE", "/persons/{person_id}/contacts/{contact_id}"):
                {"contact_id": lambda: self._contact(self.p, "Temp", "friend")},
            ("POST", "/persons/{person_id}/consents/{consent_id}/sign"):
                {"consent_id": lambda: self.call("POST", f"{p}/consents", h, team)["consent_id"]},
            ("POST", "/persons/{person_id}/consents/{consent_id}/revoke"): {"consent_id": self._signed_consent},
        }
        self.queries = {("GET", "/persons/{person_id}/consent-decision"): {
            "recipient": self.supporter_contact, "data_class": "crisis_plan", "purpose": "family_support"}}
        consent_terms = {**team, "recipients": ["care_team"]}
        self.bodies = {
            ("POST", "/auth/token"): {"email": "operator@org-a.example", "password": PASSWORD},
            ("POST", "/invitations/accept"): self._fresh_invitation,
            ("PATCH", "/organisation"): {"assessment_interval_days": 90},
            ("POST", "/sites"): {"name": "Annex", **site},
            ("POST", "/staff"): lambda: {"email": f"{_unique('staff')}@example.org", "display_name": "New Staff",
                                         "role": "operator", "site_ids": [], "password": PASSWORD},
            ("POST", "/persons"): {"display_name": "New Person", "timezone": "Europe/London", "region": "GB",
                                   "site_id": self.hub},
            ("PATCH", "/persons/{person_id}"): {"goals": ["Walk every day"]},
            ("POST", "/persons/{person_id}/status"): {"status": "active", "reason": "Engaged with the plan"},
            ("PUT", "/persons/{person_id}/peer-worker"): {"staff_id": self.accounts["peer_worker"]},
            ("PUT", "/persons/{person_id}/clinical-lead"): {"staff_id": self.accounts["clinician"]},
            ("POST", "/persons/{person_id}/invitations"): lambda: {"email": f"{_unique('invitee')}@example.org"},
            ("POST", "/persons/{person_id}/contacts"): {"name": "Lou", "role": "friend", "circle": "middle"},
            ("PATCH", "/persons/{person_id}/contacts/{contact_id}"): {"notes": "Prefers mornings"},
            ("POST", "/persons/{person_id}/consents"): consent_terms,
            ("POST", "/persons/{person_id}/consents/{consent_id}/versions"): consent_terms,
            ("POST", "/persons/{person_id}/consents/{consent_id}/sign"): {"typed_name": "Sam"},
            ("POST", "/persons/{person_id}/consents/{consent_id}/revoke"): {"reason": "Changed my mind"},
            ("POST", "/persons/{person_id}/disclosures"): disclosure,
            ("POST", "/persons/{person_id}/assessments"): {"housing_status": "stable"},
            ("POST", "/persons/{person_id}/crisis-plan"): plan,
            ("POST", "/persons/{person_id}/crisis-plan/sign"): self._fresh_plan_draft,
            ("POST", "/persons/{person_id}/erasure"): self.refused_erasure,
        }
        self._team_terms, self._plan = team, plan

    def _person(self, name: str, site: str, peer: str, clinician: str) -> str:
        person = self.call("POST", "/persons", self.admin, {
            "display_name": name, "timezone": "Europe/London", "region": "GB", "site_id": site,
            "email": f"{name.lower()}@example.net"})["id"]
        self.call("PUT", f"/persons/{person}/peer-worker", self.admin, {"staff_id": self.accounts[peer]})
        self.call("PUT", f"/persons/{person}/clinical-lead", self.admin, {"staff_id": self.accounts[clinician]})
        return person

    def _contact(self, person: str, name: str, role: str, emergency: bool = False) -> str:
        return self.call("POST", f"/persons/{person}/contacts", self.admin, {
            "name": name, "role": role, "circle": "inner", "label": "helpful", "phone": "+447700900123",
            "agreement": {"agreed_on": "2026-02-01", "emergency_contact": emergency}})["id"]

    def _signed_consent(self) -> str:
        consent = self.call("POST", f"/persons/{self.p}/consents", self.admin, self._team_terms)["consent_id"]
        self.call("POST", f"/persons/{self.p}/consents/{consent}/sign", self.admin, {"typed_name": "Sam"})
        return consent

    def _fresh_plan_draft(self) -> dict:
        """A new unsigned version to sign (the latest version is the one signed)."""
        self.call("POST", f"/persons/{self.p}/crisis-plan", self.admin, self._plan)
        return {"typed_name": "Sam"}

    def _fresh_invitation(self) -> dict:
        invited = self.call("POST", f"/persons/{self.p}/invitations", self.admin,
                            {"email": f"{_unique('accept')}@example.org"})
        return {"token": invited["accept_path"].split("#", 1)[1], "password": PASSWORD}

    def staff_ids(self) -> dict[str, str]:
        return {A.ADMIN: self.admin_id, A.COORDINATOR_HUB: self.accounts["coordinator_hub"],
                A.COORDINATOR_CAFE: self.accounts["coordinator_cafe"], A.PEER_WORKER: self.accounts["peer_worker"],
                A.CLINICIAN: self.accounts["clinician"], A.OPERATOR: self.accounts["operator"],
                A.OTHER_ORG_ADMIN: self.admin_b_id}


# ------------------------------------------------------------------------------------------------
class CheckinsMatrixWorld(MatrixWorld):
    service = "checkins"

    def seed(self) -> None:
        world = CheckinsWorld(self.runtime, self.clock, org=self.org_a, client=self.client)
        p, q = world.person(site=self.hub), world.person(site=self.cafe)
        self.p, self.q, self.people = p.id, q.id, {"p": p, "q": q}
        self.supporter_contact = p.contact_id
        h = self.admin = self.token("admin")
        records = {person.id: self._records(person) for person in (p, q)}
        mine = records[self.p]
        sessions = mine["sessions"]
        self.values = {"person_id": self.p, "checkin_id": mine["checkin"], "rhythm_id": mine["rhythm"],
                       "session_id": sessions[0], "item_id": mine["item"], "task_id": mine["task"]}
        self.paths = {
            ("PATCH", "/rhythms/{rhythm_id}"): {"rhythm_id": mine["custom_rhythm"]},
            ("POST", "/sessions/{session_id}/reschedule"): {"session_id": sessions[1]},
            # Cancelling and completing use their record up: a fresh one per call.
            ("POST", "/sessions/{session_id}/cancel"): {"session_id": self._fresh_session},
            ("PATCH", "/action-items/{item_id}"): {"item_id": lambda: self._item(p)},
            # Minting a person's link rotates it, so each call gets a link of its own.
            ("GET", "/calendars/{token}.ics"): {
                "token": lambda: self.call("POST", f"/persons/{self.p}/calendar-token", h)["token"]},
        }
        self.queries = {("GET", "/rhythms"): {"person_id": self.p}}
        self.bodies = {
            ("POST", "/checkins"): {"person_id": self.p, "wellbeing": 6, "days_abstinent_last_30": 20},
            ("POST", "/rhythms"): {"person_id": self.p, "kind": "custom", "first_start_local": "2026-03-05T10:00",
                                   "title": "Peer drop-in"},
            ("PATCH", "/rhythms/{rhythm_id}"): {"title": "Peer walk"},
            ("POST", "/sessions/{session_id}/reschedule"): {"starts_at": "2026-03-20T10:00:00+00:00"},
            ("POST", "/sessions/{session_id}/cancel"): {"reason": "Holiday"},
            ("POST", "/persons/{person_id}/reviews"): {"goals": "On track"},
            ("POST", "/persons/{person_id}/attendances"): {"meeting_name": "Tuesday group", "mode": "in_person",
                                                           "attended_on": "2026-03-01"},
            ("POST", "/persons/{person_id}/action-items"): {"what": "Call the GP", "owner_kind": "staff",
                                                            "owner_id": p.peer_worker.id, "due_on": "2026-03-10"},
            ("PATCH", "/action-items/{item_id}"): {"status": "done"},
            ("PATCH", "/plan-tasks/{task_id}"): {"done": True},
            ("PUT", "/settings"): {"missed_grace_minutes": 120},
            ("POST", "/persons/{person_id}/self-checkin-links"): {"ttl_hours": 48},
        }

    def _records(self, person) -> dict:
        h, pid = self.admin, person.id
        rhythm = self.call("POST", "/rhythms", h, {"person_id": pid, "kind": "weekly_checkin",
                                                   "first_start_local": "2026-03-03T18:00"})["id"]
        custom = self.call("POST", "/rhythms", h, {"person_id": pid, "kind": "custom",
                                                   "first_start_local": "2026-03-04T10:00", "title": "Drop-in"})["id"]
        sessions = [s["id"] for s in self.call("GET", f"/sessions?person_id={pid}&limit=200", h)
                    if s["rhythm_id"] == rhythm]
        checkin = self.call("POST", "/checkins", h, {"person_id": pid, "wellbeing": 7})["id"]
        item = self._item(person)
        task = self.call("GET", f"/persons/{pid}/starter-plan", h)["tasks"][0]["id"]
        self.call("POST", f"/persons/{pid}/reviews", h, {"safety": "Safe at home"})
        self.call("POST", f"/persons/{pid}/attendances", h, {"meeting_name": "Café drop-in", "mode": "online",
                                                              "attended_on": "2026-02-27"})
        self.call("POST", f"/persons/{pid}/self-checkin-links", h, {})
        return {"rhythm": rhythm, "custom_rhythm": custom, "sessions": sessions[:3], "checkin": checkin,
                "item": item, "task": task}

    def _item(self, person) -> str:
        return self.call("POST", f"/persons/{person.id}/action-items", self.admin, {
            "what": "Book the GP", "owner_kind": "contact", "owner_id": person.contact_id,
            "due_on": "2026-03-09"})["id"]

    def _fresh_session(self) -> str:
        """The first session of a new one-off rhythm of P's."""
        rhythm = self.call("POST", "/rhythms", self.admin, {
            "person_id": self.p, "kind": "custom", "first_start_local": "2026-03-06T10:00",
            "rrule": "FREQ=DAILY;COUNT=1", "title": "One-off"})["id"]
        [session] = [s["id"] for s in self.call("GET", f"/sessions?person_id={self.p}&limit=200", self.admin)
                     if s["rhythm_id"] == rhythm]
        return session

    def staff_ids(self) -> dict[str, str]:
        p = self.people["p"]
        return {A.PEER_WORKER: p.peer_worker.id, A.CLINICIAN: p.clinician.id}


# ------------------------------------------------------------------------------------------------
class NotificationsMatrixWorld(MatrixWorld):
    service = "notifications"

    def seed(self) -> None:
        nowhere = types.SimpleNamespace(port=9, url="http://127.0.0.1:9")  # nothing is dispatched here
        world = self.world = NotificationsWorld(self.runtime, self.clock, nowhere, nowhere, org=self.org_a,
                                                client=self.client)
        self.p, p_team = self._person(self.hub)
        self.q, q_team = self._person(self.cafe)
        self.peer_worker, self.clinician = p_team
        self.supporter_contact = world.contact(self.p, "Kim", "family", phone="+447700900002", texts_ok=True)
        for person in (self.p, self.q):
            world.missed(types.SimpleNamespace(id=person), consecutive=2)  # plans deliveries: a log to read
        self.item = self._inbox("staff", self.peer_worker, self.p)
        self._inbox("person", self.p, self.p)
        self._inbox("staff", q_team[0], self.q)
        self._inbox("person", self.q, self.q)
        self.values = {"person_id": self.p, "item_id": self.item, "kind": "person", "recipient_id": self.p}
        self.bodies = {
            ("PUT", "/rules"): {"quiet_start": "21:00", "quiet_end": "08:00"},
            ("PUT", "/recipients/{kind}/{recipient_id}/preferences"): {"quiet_start": "22:00", "quiet_end": "07:00",
                                                                       "timezone": "Europe/London"},
            ("POST", "/templates/preview"): {"kind": "checkin.missed.staff", "channel": "email"},
        }

    def _person(self, site: str) -> tuple[str, tuple[str, str]]:
        world, person, now = self.world, str(uuid.uuid4()), self.clock.now()
        world.apply("person.registered", person, person_id=person, site_id=site, status="active",
                    timezone="Europe/London", region="GB", registered_at=now, display_name="Sam",
                    preferred_method="text", phone="+447700900001", email=None)
        peer, clinician = world.staff("peer_worker", (site,)), world.staff("clinician", (site,))
        world.apply("person.peer_worker_assigned", person, person_id=person, staff_id=peer, assigned_at=now)
        world.apply("person.clinical_lead_assigned", person, person_id=person, staff_id=clinician, assigned_at=now)
        world.contact(person, "Jo", "sponsor", preferred_method="email", email="jo@example.net")
        return person, (peer, clinician)

    def _inbox(self, kind: str, owner: str, person: str) -> str:
        item = str(uuid.uuid4())
        with self.runtime.uow() as uow:
            uow.session.add(InboxItem(id=item, organisation_id=self.org_a, owner_kind=kind, owner_id=owner,
                                      person_id=person, subject="Sam missed their check-in",
                                      body="Sam missed their check-in today.", urgent=False,
                                      created_at=self.clock.now(), read_at=None))
            uow.commit()
        return item

    def staff_ids(self) -> dict[str, str]:
        return {A.PEER_WORKER: self.peer_worker, A.CLINICIAN: self.clinician}


# ------------------------------------------------------------------------------------------------
class ResourcesMatrixWorld(MatrixWorld):
    service = "resources"

    def seed(self) -> None:
        self.p = self.q = str(uuid.uuid4())  # the directory holds no persons
        self.supporter_contact = str(uuid.uuid4())
        h = self.admin = self.token("admin")
        self.edited = self._listing("hub-dropin", "dropin", self.hub)
        self.retired = self._listing("hub-helpline", "helpline", self.hub)
        self._listing("cafe-dropin", "dropin", self.cafe)
        self._listing("org-helpline", "helpline", None)
        self._listing("hub-meeting", "meeting", self.hub)
        self._listing("cafe-meeting", "meeting", self.cafe)
        self.feed = self.call("GET", f"/meeting-guide.json?organisation_id={self.org_a}", h)
        assert {row["slug"] for row in self.feed} == {"hub-meeting", "cafe-meeting"}
        sheet = self.call("GET", f"/listings.csv?organisation_id={self.org_a}", h).splitlines()
        self.csv_header, self.csv_row = sheet[0], next(line for line in sheet if line.startswith("hub-dropin,")
                                                        or ",hub-dropin," in line)
        self.values = {"listing_id": self.edited["id"], "service_id": self.edited["id"]}
        self.paths = {("POST", "/listings/{listing_id}/retire"): {"listing_id": self.retired["id"]}}
        self.bodies = {
            ("POST", "/listings"): lambda: self._listing_body(_unique("new"), "dropin", self.hub),
            ("PUT", "/listings/{listing_id}"): {**self._listing_body("hub-dropin", "dropin", self.hub),
                                                "name": "Hub drop-in (renamed)"},
            ("POST", "/imports/meeting-guide"): self._meeting_guide_import,
            ("POST", "/imports/csv"): lambda: {"csv": "\n".join([
                self.csv_header, self.csv_row.replace("hub-dropin", _unique("csv"), 1)]) + "\n"},
        }

    def _listing_body(self, slug: str, kind: str, site: str | None) -> dict:
        body = {"kind": kind, "slug": slug, "name": slug.replace("-", " ").title(), "site_id": site,
                "timezone": "Europe/London", "city": "Leeds", "country": "GB"}
        if kind == "meeting":
            body.update(days=[2], time="18:00", end_time="19:00", types=["O"], fellowship="AA",
                        address="1 Market St", latitude=53.8, longitude=-1.55)
        elif kind == "helpline":
            body.update(phones=[{"number": "0800 000 000"}], slots=[{"day": d, "opens": "00:00", "closes": "23:59"}
                                                                   for d in range(7)])
        else:
            body.update(slots=[{"day": 3, "opens": "10:00", "closes": "14:00"}], address="2 Market St")
        return body

    def _listing(self, slug: str, kind: str, site: str | None) -> dict:
        return self.call("POST", "/listings", self.admin, self._listing_body(slug, kind, site), expect=201)

    def _meeting_guide_import(self) -> dict:
        """Put both sites' meetings back as seeded (an admin's import), then import a feed of
        one new meeting for the organisation: the caller's import replaces the feed."""
        report = self.call("POST", "/imports/meeting-guide", self.admin, {"feed": self.feed})
        assert not report["rejected"], report
        row = {**self.feed[0], "slug": _unique("mg"), "name": "New meeting"}
        return {"feed": [row], "timezone": "Europe/London"}


# ------------------------------------------------------------------------------------------------
class ReportingMatrixWorld(MatrixWorld):
    service = "reporting"

    def seed(self) -> None:
        h = History(self.org_a)
        staff = {name: str(uuid.uuid4()) for name in ("peer", "clinician", "peer_q", "clinician_q")}
        self.staff = staff
        self.p = h.person(utc(2026, 1, 5), self.hub, peer_worker=staff["peer"], clinical_lead=staff["clinician"])
        self.q = h.person(utc(2026, 1, 6), self.cafe, peer_worker=staff["peer_q"], clinical_lead=staff["clinician_q"])
        self.supporter_contact = h.contact(self.p, utc(2026, 1, 7), role="family")
        for person in (self.p, self.q):
            h.assessment(person, utc(2026, 1, 8), barc10=38, housing="temporary", kind="intake")
            h.rhythm(person, utc(2026, 1, 8))
            for day in (12, 19, 26):
                h.checkin(person, utc(2026, 1, day), days_abstinent=day)
            h.miss(person, utc(2026, 2, 2))
            h.review(person, utc(2026, 2, 9))
            h.attendance(person, utc(2026, 2, 10))
        apply_live(self.runtime, h.events)
        self.admin = self.token("admin")
        self.thresholds = [self._threshold(site) for site in (self.hub, self.cafe, None)]
        self.values = {"person_id": self.p}
        self.paths = {("DELETE", "/thresholds/{threshold_id}"): {"threshold_id": lambda: self._threshold(self.hub)}}
        self.queries = {("GET", "/kpis"): {"from": "2026-01", "to": "2026-03"},
                        ("GET", "/kpis/export.csv"): {"from": "2026-01", "to": "2026-03"},
                        ("GET", "/kpis/sites"): {"month": "2026-01"}}
        self.bodies = {("POST", "/thresholds"): {"kpi": "checkin_completion_rate", "comparator": "below",
                                                 "value": 60, "site_id": self.hub}}

    def _threshold(self, site: str | None) -> str:
        return self.call("POST", "/thresholds", self.admin, {
            "kpi": "crisis_plan_coverage", "comparator": "below", "value": 80, "site_id": site}, expect=201)["id"]

    def staff_ids(self) -> dict[str, str]:
        return {A.PEER_WORKER: self.staff["peer"], A.CLINICIAN: self.staff["clinician"]}


WORLDS = {world.service: world for world in (PeopleWorld, CheckinsMatrixWorld, NotificationsMatrixWorld,
                                              ResourcesMatrixWorld, ReportingMatrixWorld)}
