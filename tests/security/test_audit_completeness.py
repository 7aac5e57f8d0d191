"""Audit completeness: every read of a person's data by someone other than the person, in
check-ins and notifications, leaves one audit row (who, role, person, what, when, purpose);
the person reading their own data is not "someone else" (the people service's rule).

Generic: every GET route of each service's URL map (API and pages) is either a read of
person data, called here as staff and checked for one row per person it showed, or is
listed with the reason it shows no one's data; a new route fails until it is classified.

Then the one accounting of disclosures, across people and notifications: every message
delivered to one of the person's contacts and every supporter view, nothing more.
"""
from __future__ import annotations

import datetime as dt
import importlib
import re
import types
import uuid

import pytest
from sqlalchemy import select

from shared.clock import FixedClock
from shared.db.migrations import upgrade
from shared.settings import load_settings
from tests.security import access_rules as A
from tests.security.accounting_support import TwoServices
from tests.security.matrix_worlds import WORLDS

pytestmark = pytest.mark.integration
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)
ADMIN = "a0000000-0000-4000-8000-00000000a0a0"
PURPOSE = {"X-Access-Purpose": "treatment"}

# Reads of person data: route -> the audit row's resource, and who calls it (an admin, or
# for an inbox its owner: an admin's inbox is empty).
PERSON_READS = {
    "checkins": {
        "/rhythms": "rhythms", "/rhythms/<uuid:rhythm_id>": "rhythm", "/sessions": "sessions",
        "/sessions/<uuid:session_id>": "session", "/checkins": "checkins", "/checkins/<uuid:checkin_id>": "checkin",
        "/persons/<uuid:person_id>/reviews": "reviews", "/persons/<uuid:person_id>/attendances": "attendances",
        "/action-items": "action_items", "/persons/<uuid:person_id>/starter-plan": "starter_plan",
        "/calendars/<string:token>.ics": "calendar_feed",
        "/staff/persons/<uuid:person_id>/sessions": "sessions_page",
        "/staff/checkins/<uuid:checkin_id>": "checkin_page",
        "/staff/persons/<uuid:person_id>/action-items": "action_items_page",
        "/staff/persons/<uuid:person_id>/starter-plan": "starter_plan_page", "/staff/today": "today_page",
        "/staff/persons/<uuid:person_id>/checkins/new": "checkin_form",
    },
    "notifications": {
        "/persons/<uuid:person_id>/deliveries": "deliveries", "/inbox": "inbox",
        "/staff/persons/<uuid:person_id>/deliveries": "deliveries_page", "/staff/inbox": "inbox_page",
    },
}
OPERATIONS = ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/static/<path:filename>",
              "/assets/<name>.css", "/assets/circles.css")
NOT_PERSON_DATA = {
    "checkins": {"/settings": "the organisation's grace period", **dict.fromkeys(OPERATIONS, "operations"),
                 "/self-checkin/<token>": "the person themself, through their own single-use link"},
    "notifications": {"/rules": "the organisation's routing rules", "/templates": "template names, sample data",
                      "/staff/settings": "the organisation's rules as a page",
                      **dict.fromkeys(OPERATIONS, "operations")},
}
CALLER = {"/inbox": A.PEER_WORKER, "/staff/inbox": A.PEER_WORKER}


@pytest.fixture(scope="module")
def worlds(broker, databases):
    built = {}
    for service in PERSON_READS:
        settings = load_settings(service, {}).with_overrides(
            database_url=databases.fresh(f"audit_{service}"), kafka_bootstrap_servers=broker.bootstrap,
            consumer_backoff_seconds=0.01, testing=True)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, settings.database_url)
        app = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=FixedClock(NOW))
        built[service] = WORLDS[service](app)
    _due_today(built["checkins"])
    yield built
    for world in built.values():
        world.runtime.dispose()


def _due_today(world) -> None:
    """A session of P's today, so the "today" page shows someone."""
    world.call("POST", "/rhythms", world.token("admin"), {
        "person_id": world.p, "kind": "custom", "first_start_local": "2026-03-02T18:00",
        "rrule": "FREQ=DAILY;COUNT=1", "title": "Walk"})


def get_rules(world) -> set[str]:
    return {rule.rule for rule in world.app.url_map.iter_rules() if "GET" in rule.methods}


def audit_rows(world) -> dict:
    """Every audit row by id (the clock stands still, so ids, not times, tell new rows apart)."""
    table = world.runtime.spec.metadata.tables["read_audit"]
    with world.runtime.engine.connect() as conn:
        return {row.id: row for row in conn.execute(select(table))}


def added(world, before: dict) -> list:
    return [row for key, row in audit_rows(world).items() if key not in before]


def url_for(world, rule: str) -> str:
    if rule == "/calendars/<string:token>.ics":
        # The staff feed of P's peer worker (a person's own feed is theirs: see the self test).
        minted = world.call("POST", "/staff/me/calendar-token", world.tokens[A.PEER_WORKER])
        return f"/calendars/{minted['token']}.ics"
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(world.path_value(("GET", m.group(1)), m.group(1))), rule)
    return f"{url}?person_id={world.p}" if rule == "/rhythms" else url


def caller_of(world, rule: str) -> tuple[str, str, dict]:
    """(subject, role, headers) of who reads."""
    if rule == "/calendars/<string:token>.ics":
        return world.staff_ids()[A.PEER_WORKER], "peer_worker", {}
    if CALLER.get(rule) == A.PEER_WORKER:
        subject = world.staff_ids()[A.PEER_WORKER]
        return subject, "peer_worker", world.token("peer_worker", subject=subject, sites=[world.hub])
    return ADMIN, "admin", world.token("admin", subject=ADMIN)


CASES = [(service, rule) for service, rules in PERSON_READS.items() for rule in rules]


@pytest.mark.parametrize("service", PERSON_READS)
def test_every_get_route_is_classified(worlds, service):
    classified = set(PERSON_READS[service]) | set(NOT_PERSON_DATA[service])
    assert sorted(get_rules(worlds[service]) - classified) == [], "GET routes nobody classified"
    assert sorted(classified - get_rules(worlds[service])) == [], "classified routes that do not exist"


@pytest.mark.parametrize("service, rule", CASES, ids=[f"{s} {r}" for s, r in CASES])
def test_a_read_by_staff_leaves_one_audit_row_per_person_shown(worlds, service, rule):
    world = worlds[service]
    subject, role, headers = caller_of(world, rule)
    url, before = url_for(world, rule), audit_rows(world)
    response = world.client.get(url, headers={**headers, **PURPOSE})
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    text = response.get_data(as_text=True)
    # Pages and calendars name persons by their 8-character reference, the API by id.
    shown = {p for p in (world.p, world.q) if p[:8] in text}
    new = added(world, before)
    assert shown and sorted(r.person_id for r in new) == sorted(shown), f"{url}: audited {new}, shown {shown}"
    purpose = "care_coordination" if rule.startswith("/calendars") else "treatment"  # apps send no header
    assert {(r.actor, r.actor_role, r.resource, r.purpose, r.at, r.organisation_id) for r in new} == {
        (subject, role, PERSON_READS[service][rule], purpose, NOW, world.org_a)}


@pytest.mark.parametrize("service", PERSON_READS)
def test_the_person_reading_their_own_data_is_not_audited_as_someone_else(worlds, service):
    world = worlds[service]
    me = world.token("participant", person_id=world.p)
    before, answered = audit_rows(world), []
    for rule in PERSON_READS[service]:
        if rule == "/calendars/<string:token>.ics":
            minted = world.call("POST", f"/persons/{world.p}/calendar-token", me)
            url = f"/calendars/{minted['token']}.ics"
        else:
            url = url_for(world, rule)
        answered.append((rule, world.client.get(url, headers={**me, **PURPOSE}).status_code))
    assert added(world, before) == []
    # Not vacuous: the person does read their own attendances, calendar and inbox.
    assert {rule for rule, status in answered if status == 200} >= (
        {"/persons/<uuid:person_id>/attendances", "/calendars/<string:token>.ics"} if service == "checkins"
        else {"/inbox"})


@pytest.mark.parametrize("service, rule", [("checkins", "/persons/<uuid:person_id>/reviews"),
                                           ("notifications", "/persons/<uuid:person_id>/deliveries")])
def test_an_unknown_purpose_is_a_422_problem_and_nothing_is_audited(worlds, service, rule):
    world = worlds[service]
    before = audit_rows(world)
    response = world.client.get(url_for(world, rule),
                                headers={**world.token("admin", subject=ADMIN), "X-Access-Purpose": "curiosity"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert added(world, before) == [] and "X-Access-Purpose" in response.get_data(as_text=True)


def test_an_audit_row_names_a_real_person_never_a_made_up_id(worlds):
    """Refused reads (another organisation, an unknown id) leave no row."""
    world = worlds["checkins"]
    before = audit_rows(world)
    for headers, person in ((world.token("admin", org=world.org_b), world.p), (world.token("admin"), uuid.uuid4())):
        assert world.client.get(f"/persons/{person}/reviews", headers=headers).status_code == 404
    assert added(world, before) == []


# --- the one accounting of disclosures ------------------------------------------------------------------
@pytest.fixture
def two_services(settings_for, clock):
    from shared.runtime import Runtime
    from tests.support.http_sink import HttpSink
    from tests.support.smtp_server import SmtpTestServer
    made = {}
    for service in ("people", "notifications"):
        made[service] = settings_for(service)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, made[service].database_url)
    app = importlib.import_module("services.people.app").create_app(settings=made["people"], clock=clock)
    runtime = Runtime(importlib.import_module("services.notifications.spec").SPEC, settings=made["notifications"],
                      clock=clock)
    smtp, sms = SmtpTestServer().start(), HttpSink().start()
    yield TwoServices(app, runtime, clock, smtp, sms)
    smtp.stop()
    sms.stop()
    runtime.dispose()
    app.extensions["circles"].dispose()


def test_the_accounting_lists_every_message_to_a_supporter_and_every_supporter_view_and_nothing_more(two_services):
    w, n = two_services, two_services.notifications
    alerts = w.consent(w.kim, ["missed_session_alerts"], ["family_support"])
    crisis = w.consent(w.kim, ["crisis_plan"], ["crisis_response"])
    w.sync()  # people.events -> the notifications read model: Sam, Kim, Jo, the plan, the consents
    sam = types.SimpleNamespace(id=w.sam)
    n.missed(sam, consecutive=1)
    n.source("circles.checkins.risk.flagged.v1", w.sam, person_id=w.sam, site_id=None, flag_ids=[str(uuid.uuid4())],
             region="GB", severity="high", kinds=["relapse"], source="staff", checkin_id=None, raised_at=NOW)
    n.dispatch()
    w.sync(twice=True)  # notifications.events -> people, each event delivered twice
    view = w.people.client.get(f"{w.base}/shared-with-me",
                               headers={**w.kim_login, "X-Access-Purpose": "crisis_response"})
    assert view.status_code == 200 and view.json["shared"] == ["crisis_plan"]

    sent = n.deliveries(status="sent")
    # Not vacuous: Sam and the peer worker were told too, and Jo (no consent) was not.
    assert {d.recipient_kind for d in sent} == {"person", "staff", "contact"}
    assert {(d.recipient_id, d.status) for d in n.deliveries(recipient_id=w.jo)} == {(w.jo, "suppressed")}
    to_contacts = [(d.recipient_id, d.channel, d.consent_id, d.purpose) for d in sent if d.recipient_kind == "contact"]
    assert sorted(to_contacts) == sorted([(w.kim, "sms", alerts, "family_support"),
                                          (w.kim, "sms", crisis, "crisis_response")])
    listed = w.accounting()
    assert sorted((d["recipient"], d["channel"], d["consent_id"], d["purpose"]) for d in listed) == sorted(
        to_contacts + [(w.kim, "portal", crisis, "crisis_response")])
    assert sorted(d["data_description"] for d in listed) == [
        "crisis alert (crisis plan)", "crisis plan viewed in the portal",
        "missed check-in alert (missed session alerts)"]
    assert {d["consent_version"] for d in listed} == {1}
    # Reading the accounting is itself a read of Sam's data by someone else: audited by people.
    audit = w.people_runtime.spec.metadata.tables["audit_log"]
    with w.people_runtime.engine.connect() as conn:
        reads = conn.execute(select(audit.c.resource).where(audit.c.person_id == w.sam)).scalars().all()
    assert "disclosures" in reads
    # The events that carried them named no body and no address.
    assert all("body" not in e and "address" not in e and "+4477" not in str(e) for e in n.events("sent"))
