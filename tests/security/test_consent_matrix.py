"""The consent matrix: every path that shows or sends a person's data to someone other than
the person and their own care team, each with one consent in every state that matters:
granted (the control), expired (by the injectable clock), revoked, granted for the wrong
purpose, granted for the wrong data class. Each row asserts what is shown or sent, and
what is refused with its reason. SECURITY.md, "Consent", lists the paths, the ones that
need no consent and why, and this table's outcomes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import uuid
from typing import Callable

import pytest

from shared.db.migrations import upgrade
from shared.runtime import Runtime
from tests.security.consent_worlds import REASONS, STATES, NotificationsConsentWorld, PeopleConsentWorld

pytestmark = pytest.mark.integration


# --- worlds ---------------------------------------------------------------------------------------------
@pytest.fixture
def people(settings_for, clock):
    settings = settings_for("people")
    upgrade(importlib.import_module("services.people.spec").SPEC.migrations_dir, settings.database_url)
    app = importlib.import_module("services.people.app").create_app(settings=settings, clock=clock)
    yield PeopleConsentWorld(app.test_client(), app, clock)
    app.extensions["circles"].dispose()


@pytest.fixture
def notifications(settings_for, clock):
    from tests.support.http_sink import HttpSink
    from tests.support.smtp_server import SmtpTestServer
    spec = importlib.import_module("services.notifications.spec").SPEC
    settings = settings_for("notifications")
    upgrade(spec.migrations_dir, settings.database_url)
    runtime, smtp, sms = Runtime(spec, settings=settings, clock=clock), SmtpTestServer().start(), HttpSink().start()
    yield NotificationsConsentWorld(runtime, clock, smtp, sms)
    smtp.stop()
    sms.stop()
    runtime.dispose()


# --- the paths ------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Path:
    name: str
    world: str  # the fixture
    data_class: str
    purpose: str
    recipient: Callable  # world -> the recipient's id
    run: Callable  # (world, recipient) -> None: show or send
    check: Callable  # (world, recipient, state) -> None: what was shown/sent or refused, and why


def _portal_view(world, recipient, headers, purpose):
    world.response = world.client.get(f"{world.base}/shared-with-me",
                                      headers={**headers(world), "X-Access-Purpose": purpose})


def _check_view(data_class):
    def check(world, recipient, state):
        logged = world.disclosures()
        if state == "granted":
            assert world.response.status_code == 200 and world.response.json["shared"] == [data_class]
            assert world.response.json[data_class] and "re-disclose" in world.response.json["notice"]
            assert [(d["recipient"], d["channel"]) for d in logged] == [(recipient, "portal")]
            return
        # Refused: the data class is neither shown nor logged, and the service says why (to
        # staff, not the viewer). Granted for another data class, that one alone is shown.
        body, words = world.response.json, data_class.replace("_", " ")
        assert data_class not in body and data_class not in body.get("shared", [])
        assert not [d for d in logged if words in d["data_description"]]
        if state != "wrong_data_class":
            assert world.response.status_code == 404 and body["status"] == 404 and logged == []
        assert world.reason(recipient, data_class, PATHS_BY_NAME[world.path].purpose) == REASONS[state]
    return check


def _record_disclosure(world, recipient):
    world.response = world.client.post(f"{world.base}/disclosures", headers=world.coordinator, json={
        "recipient": recipient, "data_class": "attendance", "purpose": "family_support",
        "data_description": "Meetings attended in March", "channel": "phone"})


def _check_recorded(world, recipient, state):
    logged = world.disclosures()
    if state == "granted":
        assert world.response.status_code == 201 and "re-disclose" in world.response.json["notice"]
        assert [d["data_description"] for d in logged] == ["Meetings attended in March"]
        return
    assert world.response.status_code == 403 and logged == []
    assert world.response.mimetype == "application/problem+json"
    assert world.reason(recipient, "attendance", "family_support") == REASONS[state]
    assert world.response.json["detail"].startswith("Not disclosed:")


def _risk(world, recipient):
    world.crisis_plan(world.sam, [(recipient, "any")])
    world.source("circles.checkins.risk.flagged.v1", world.sam.id, person_id=world.sam.id, site_id=None,
                 flag_ids=[str(uuid.uuid4())], region="GB", severity="high", kinds=["relapse"], source="staff",
                 checkin_id=None, raised_at=world.clock.now())


def _overdue_item(world, recipient):
    world.source("circles.checkins.action_item.overdue.v1", world.sam.id, person_id=world.sam.id, site_id=None,
                 action_item_id=str(uuid.uuid4()), checkin_id=None, owner_kind="contact", owner_id=recipient,
                 due_on=dt.date(2026, 3, 1), status="open")


def _upcoming(world, recipient):
    starts = world.clock.now() + dt.timedelta(hours=24)
    world.source("circles.checkins.session.upcoming.v1", world.sam.id, person_id=world.sam.id, site_id=None,
                 session_id=str(uuid.uuid4()), rhythm_id=str(uuid.uuid4()), kind="weekly_checkin", starts_at=starts,
                 ends_at=starts + dt.timedelta(minutes=15), title="Weekly check-in", lead="PT24H",
                 timezone="Europe/London", participants=[{"kind": "contact", "id": recipient}])


def _check_sent(kind):
    def check(world, recipient, state):
        world.dispatch()
        rows = [(d.kind, d.status, d.reason) for d in world.to_contact(recipient)]
        if state == "granted":
            assert ("sent" in {status for _, status, _ in rows}) and {k for k, _, _ in rows} == {kind}
            assert len(world.addressed_to(recipient)) == 1
            [event] = [e for e in world.events("sent") if e["recipient_id"] == recipient]
            assert (event["data_class"], event["purpose"]) == (PATHS_BY_NAME[world.path].data_class,
                                                              PATHS_BY_NAME[world.path].purpose)
            assert event["consent_id"] == world.consent_id and "body" not in event and "address" not in event
            return
        assert rows == [(kind, "suppressed", REASONS[state])] and world.addressed_to(recipient) == []
        assert [e["reason"] for e in world.events("suppressed") if e["recipient_id"] == recipient] == [REASONS[state]]
    return check


PATHS = [
    Path("people: supporter's consent-gated view", "people", "crisis_plan", "family_support",
         lambda w: w.kim, lambda w, r: _portal_view(w, r, lambda w: w.kim_login, "family_support"),
         _check_view("crisis_plan")),
    Path("people: staff named in a consent, not on the care team", "people", "crisis_plan", "crisis_response",
         lambda w: w.staff_ids["peer_worker"], lambda w, r: _portal_view(w, r, lambda w: w.peer_worker,
                                                                          "crisis_response"),
         _check_view("crisis_plan")),
    Path("people: a disclosure recorded by staff", "people", "attendance", "family_support",
         lambda w: w.kim, _record_disclosure, _check_recorded),
    Path("notifications: missed check-in alert to a supporter", "notifications", "missed_session_alerts",
         "family_support", lambda w: w.sam.sister, lambda w, r: w.missed(w.sam),
         _check_sent("checkin.missed.supporter")),
    Path("notifications: crisis message to a crisis-plan contact", "notifications", "crisis_plan", "crisis_response",
         lambda w: w.sam.sister, _risk, _check_sent("risk.flagged.crisis")),
    Path("notifications: overdue action item to the contact who owns it", "notifications", "checkin_summary",
         "care_coordination", lambda w: w.sam.sponsor, _overdue_item, _check_sent("action_item.overdue")),
    Path("notifications: session reminder to a contact taking part", "notifications", "attendance",
         "care_coordination", lambda w: w.sam.sister, _upcoming, _check_sent("session.upcoming")),
]
PATHS_BY_NAME = {path.name: path for path in PATHS}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_consent_matrix(request, path, state):
    world = request.getfixturevalue(path.world)
    world.path, recipient = path.name, path.recipient(world)
    world.consent_id = world.grant(recipient, state, path.data_class, path.purpose)
    path.run(world, recipient)
    path.check(world, recipient, state)


# --- regressions found while building the matrix -------------------------------------------------------
@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_a_consent_ended_while_a_message_waits_stops_it_at_sending_time(notifications, state):
    """A missed-session alert planned at 22:30 waits out the sister's quiet hours; the
    consent ends overnight; at 08:00 nothing may go (it used to: consent was only checked
    when the message was planned)."""
    world = notifications
    world.clock.set(dt.datetime(2026, 3, 2, 22, 30, tzinfo=dt.timezone.utc))
    consent = world.consent(world.sam, [world.sam.sister], ["missed_session_alerts"], ["family_support"],
                            expires_at=dt.datetime(2026, 3, 3, 7, 0, tzinfo=dt.timezone.utc))
    world.missed(world.sam)
    assert world.dispatch() == 0 and [d.status for d in world.to_contact(world.sam.sister)] == ["pending"]
    if state == "revoked":
        world.clock.set(dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.timezone.utc))
        world.consent(world.sam, [world.sam.sister], ["missed_session_alerts"], ["family_support"],
                      state="revoked", consent_id=consent)
    world.clock.set(dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.timezone.utc))
    world.dispatch()
    assert [(d.status, d.reason) for d in world.to_contact(world.sam.sister)] == [("suppressed", "no_active_consent")]
    assert world.addressed_to(world.sam.sister) == [] and world.deliveries(status="standby") == []


def test_my_care_team_means_workers_on_the_map_not_a_peer_in_recovery(notifications):
    """notifications counted a "peer" contact (a friend in recovery) as care team; the
    people service, and the README, do not."""
    world = notifications
    peer = world.contact(world.sam.id, "Alex", "peer", phone="+447700900003", texts_ok=True)
    clinician = world.contact(world.sam.id, "Dr Rao", "clinician", preferred_method="email", email="rao@gp.example")
    world.consent(world.sam, ["care_team"], ["missed_session_alerts"], ["family_support"])
    world.missed(world.sam)
    world.dispatch()
    assert [(d.status, d.reason) for d in world.to_contact(peer)] == [("suppressed", "recipient_not_covered")]
    assert "sent" in {d.status for d in world.to_contact(clinician)}


def test_a_consent_to_the_whole_network_does_not_reach_staff_outside_the_care_team(people):
    """"all_network" covered any member of staff asking through the consent-gated view
    (a staff account counted as a network contact)."""
    world = people
    world.grant("all_network", "granted", "crisis_plan", "family_support")
    as_worker = {**world.peer_worker, "X-Access-Purpose": "family_support"}
    assert world.client.get(f"{world.base}/shared-with-me", headers=as_worker).status_code == 404
    assert world.client.get(f"{world.base}/shared-with-me", headers=world.kim_login).status_code == 200
    assert [d["recipient"] for d in world.disclosures()] == [world.kim]
