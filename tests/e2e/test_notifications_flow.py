"""Issue 5's end-to-end proof: real people, check-ins and notifications processes, the
broker, an SMTP server and an HTTP SMS sink, all as processes."""
import datetime as dt
import time

import pytest
import requests

from tests.e2e import notifications_setup as setup
from tests.support.kafka_read import header, produce, read_topic
from tests.support.processes import wait_until
from tests.support.tokens import bearer

UTC = dt.timezone.utc


@pytest.fixture
def network(platform, org):
    network = setup.build(platform, org)
    setup.wait_known(platform, network)
    # Moving check-ins' clock a day on makes starter-plan tasks overdue too; the rate limit
    # and its digest are proven in the integration tests, so it stays out of the way here.
    response = requests.put(f"{platform.urls['notifications']}/rules", json={"rate_limit_per_hour": 100},
                            headers=bearer(platform.settings, role="admin", org=org), timeout=10)
    assert response.status_code == 200
    yield network
    platform.set_clock(None)
    platform.set_notifications_clock(None)


def miss(platform, network, session: dict) -> None:
    platform.set_clock(dt.datetime.fromisoformat(session["ends_at"]) + dt.timedelta(hours=2, minutes=1))


def mail_to(platform, address: str, about: str = "") -> list[dict]:
    return [m for m in platform.mail() if address in m["to"] and about in m["subject"]]


def texts_to(platform, number: str) -> list[dict]:
    return [t for t in platform.texts() if t["to"] == number]


def test_a_missed_session_reaches_the_peer_worker_by_email_and_the_sister_by_text(platform, network):
    sessions = setup.weekly_rhythm(platform, network)
    miss(platform, network, sessions[0])
    [mail] = wait_until(lambda: mail_to(platform, network.peer_email, "Missed"), 30,
                        message="the peer worker's email")
    assert "Sam" in mail["subject"] + mail["body"]
    [text] = wait_until(lambda: texts_to(platform, network.sister_phone), 30, message="the sister's text")
    assert text["body"] == "Sam missed their check-in today."
    assert mail_to(platform, network.friend_email) == []  # no consent covers the friend for this


def test_a_high_risk_flag_reaches_the_crisis_contacts_in_order_with_numbers_inside_quiet_hours(platform, network):
    platform.set_notifications_clock(dt.datetime(2026, 11, 25, 23, 30, tzinfo=UTC))  # quiet, out of hours
    recorded = requests.post(f"{platform.urls['checkins']}/checkins", timeout=10, json={
        "person_id": network.person, "wellbeing": 2, "risk_flags": [{"kind": "overdose_risk", "severity": "high"}]},
        headers=bearer(platform.settings, role="peer_worker", org=network.org, subject=network.peer))
    assert recorded.status_code == 201
    [text] = wait_until(lambda: texts_to(platform, network.sister_phone), 30, message="the sister's crisis text")
    [mail] = wait_until(lambda: mail_to(platform, network.friend_email), 30, message="the friend's crisis email")
    for body in (text["body"], mail["body"]):
        assert "999" in body and "116 123" in body and "overdose" not in body.lower()
    # The mails arrive before the dispatcher's batch commits: wait for the rows to say so.
    def sent_in_order():
        rows = setup.notifications_db(platform, """
            SELECT recipient_id FROM deliveries WHERE person_id = :p AND recipient_kind = 'contact'
            AND status = 'sent' ORDER BY sent_at, position""", p=network.person)
        return [row[0] for row in rows] if len(rows) >= 2 else None
    order = wait_until(sent_in_order, 30, message="both sent deliveries")
    assert order == [network.sister, network.friend]
    staff_alert = wait_until(lambda: [m for m in mail_to(platform, network.peer_email) if "999" in m["body"]], 30,
                             message="the peer worker's crisis email")
    assert "Flagged:" in staff_alert[0]["body"]  # staff see the flag kinds; contacts never do


def test_after_a_consent_is_revoked_that_contact_hears_nothing_more(platform, network):
    first, second = setup.weekly_rhythm(platform, network)[:2]
    miss(platform, network, first)
    wait_until(lambda: texts_to(platform, network.sister_phone), 30, message="the first text")
    platform.people_call(network.org, "POST", f"/persons/{network.person}/consents/{network.sister_consent}/revoke",
                         reason="Sam asked to stop sharing with Kim")
    wait_until(lambda: setup.notifications_db(platform, "SELECT 1 FROM consents WHERE consent_id = :c AND "
                                              "state = 'revoked'", c=network.sister_consent), 30,
               message="notifications to hear of the revocation")
    miss(platform, network, second)
    wait_until(lambda: len(mail_to(platform, network.peer_email, "Missed")) == 2, 30,
               message="the second miss's email")
    time.sleep(2)
    assert len(texts_to(platform, network.sister_phone)) == 1
    reasons = setup.notifications_db(platform, "SELECT reason FROM deliveries WHERE recipient_id = :c AND "
                                     "status = 'suppressed'", c=network.sister)
    # Kim is still a crisis contact under the crisis consent, which does not cover missed sessions.
    assert [row[0] for row in reasons] == ["data_class_not_covered"]


def test_while_smtp_is_down_messages_wait_and_are_then_delivered_exactly_once(platform, network):
    sessions = setup.weekly_rhythm(platform, network)
    platform.procs["smtp"].stop()
    miss(platform, network, sessions[0])
    wait_until(lambda: setup.notifications_db(platform, "SELECT 1 FROM deliveries WHERE person_id = :p AND "
                                              "kind = 'checkin.missed.staff' AND channel = 'email' AND attempts > 0 "
                                              "AND status = 'pending'",
                                              p=network.person), 30, message="a failed first attempt")
    platform.start_smtp()
    platform.set_notifications_clock(dt.datetime.fromisoformat(platform.NOTIFICATIONS_NOON) + dt.timedelta(hours=2))
    [mail] = wait_until(lambda: mail_to(platform, network.peer_email, "Missed"), 30, message="the retried email")
    time.sleep(2)
    assert len(mail_to(platform, network.peer_email, "Missed")) == 1
    [row] = setup.notifications_db(platform, "SELECT status, attempts FROM deliveries WHERE person_id = :p AND "
                                   "channel = 'email' AND kind = 'checkin.missed.staff'", p=network.person)
    assert row[0] == "sent" and row[1] >= 2


def test_a_redelivered_source_event_sends_nothing_new(platform, network):
    sessions = setup.weekly_rhythm(platform, network)
    miss(platform, network, sessions[0])
    wait_until(lambda: texts_to(platform, network.sister_phone), 30, message="the first text")
    missed = [r for r in read_topic(platform.broker.bootstrap, "checkins.events")
              if r.key == network.person.encode() and header(r, "ce_type").endswith("checkin.missed.v1")]
    produce(platform.broker.bootstrap, "checkins.events", [(r.key, r.value, r.headers) for r in missed])
    time.sleep(3)
    assert len(texts_to(platform, network.sister_phone)) == 1
    assert len(mail_to(platform, network.peer_email, "Missed")) == 1
