"""Routing and delivery against a real SMTP server and a real HTTP SMS sink: the guide's
rules, consent, boundaries, quiet hours, deduplication, retries, fallback, rate limits.
The clock starts at Monday 2 March 2026, 09:30 UTC (09:30 in London)."""
import datetime as dt

import pytest

UTC = dt.timezone.utc
FAMILY = (["missed_session_alerts"], ["family_support"])


@pytest.fixture
def world(notifications_world):
    return notifications_world


def sms_to(world, number: str) -> list[dict]:
    return [r.json() for r in world.sms.requests if r.path == "/sms" and r.json()["to"] == number]


def test_a_first_miss_reaches_the_person_the_peer_worker_and_a_consenting_sister(world):
    sam = world.person()
    world.consent(sam, [sam.sister], *FAMILY)
    world.missed(sam)
    assert world.dispatch() == 5  # person sms + inbox, peer email + inbox, sister sms
    [peer_mail] = world.smtp.messages
    assert peer_mail["To"].startswith("peer_worker-") and "Sam" in peer_mail["Subject"] + peer_mail.get_content()
    [to_sam] = sms_to(world, "+447700900001")
    assert "missed you" in to_sam["body"]
    [to_kim] = sms_to(world, "+447700900002")
    assert to_kim["body"] == "Sam missed their check-in today."  # the bare minimum
    sponsor = world.deliveries(recipient_id=sam.sponsor)
    assert [(d.status, d.reason) for d in sponsor] == [("suppressed", "recipient_not_covered")]
    assert world.deliveries(recipient_id=sam.clinician) == []  # only from the second miss
    sent = world.events("sent")
    assert len(sent) == 5 and all("body" not in e and "subject" not in e for e in sent)
    assert [e["reason"] for e in world.events("suppressed")] == ["recipient_not_covered"]


def test_from_the_second_miss_in_a_row_the_clinical_lead_hears_too(world):
    sam = world.person()
    world.missed(sam, consecutive=2)
    world.dispatch()
    assert {m["To"].split("-")[0] for m in world.smtp.messages} == {"peer_worker", "clinician"}


def test_a_redelivered_source_event_sends_nothing_new(world):
    sam = world.person()
    event = world.missed(sam)
    world.dispatch()
    before = (len(world.smtp.messages), len(world.sms.requests), len(world.deliveries()))
    from services.notifications.usecases.routing import route
    from services.notifications.links import Links
    from shared.events.catalogue import load_data
    with world.runtime.uow() as uow:
        assert route(uow, "checkin.missed", event, load_data(event), Links()) == 0
        uow.commit()
    world.dispatch()
    assert (len(world.smtp.messages), len(world.sms.requests), len(world.deliveries())) == before


@pytest.mark.parametrize("consent, reason", [
    ({"data_classes": ["attendance"], "purposes": ["family_support"]}, "data_class_not_covered"),
    ({"data_classes": ["missed_session_alerts"], "purposes": ["research"]}, "purpose_not_covered"),
    ({"data_classes": ["missed_session_alerts"], "purposes": ["family_support"], "state": "revoked"},
     "no_active_consent"),
    ({"data_classes": ["missed_session_alerts"], "purposes": ["family_support"], "state": "expired"},
     "no_active_consent"),
    ({"data_classes": ["missed_session_alerts"], "purposes": ["family_support"],
      "expires_at": dt.datetime(2026, 3, 1, tzinfo=UTC)}, "no_active_consent"),
])
def test_a_contact_hears_nothing_without_a_consent_covering_them_the_purpose_and_the_data(world, consent, reason):
    sam = world.person()
    world.consent(sam, [sam.sister], **consent)
    world.missed(sam)
    world.dispatch()
    assert sms_to(world, "+447700900002") == []
    assert [(d.status, d.reason) for d in world.deliveries(recipient_id=sam.sister)] == [("suppressed", reason)]


def test_after_a_revocation_the_contact_hears_nothing_more(world):
    sam = world.person()
    consent = world.consent(sam, [sam.sister], *FAMILY)
    world.missed(sam)
    world.dispatch()
    world.consent(sam, [sam.sister], *FAMILY, state="revoked", consent_id=consent)
    world.clock.advance(days=7)
    world.missed(sam)
    world.dispatch()
    assert len(sms_to(world, "+447700900002")) == 1


def test_non_urgent_messages_wait_out_quiet_hours_in_the_recipients_zone(world):
    sam = world.person()
    world.clock.set(dt.datetime(2026, 3, 2, 22, 30, tzinfo=UTC))  # 22:30 in London
    world.missed(sam)
    assert world.dispatch() == 0 and world.smtp.messages == [] and world.sms.requests == []
    [pending] = world.deliveries(recipient_id=sam.peer_worker, channel="email")
    assert pending.next_attempt_at == dt.datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    world.clock.set(dt.datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    assert world.dispatch() == 4 and len(world.smtp.messages) == 1


def test_a_crisis_goes_out_at_once_in_quiet_hours_to_the_plans_contacts_in_order_with_the_numbers(world):
    sam = world.person()
    world.consent(sam, ["crisis_contacts"], ["crisis_plan"], ["crisis_response"])
    world.crisis_plan(sam, [(sam.sponsor, "daytime"), (sam.sister, "out_of_hours"), (sam.sponsor, "any")])
    world.clock.set(dt.datetime(2026, 3, 2, 23, 15, tzinfo=UTC))  # out of hours, inside quiet hours
    world.source("circles.checkins.risk.flagged.v1", sam.id, person_id=sam.id, site_id=None,
                 flag_ids=["7d1c0000-0000-4000-8000-000000000001"], region="GB", severity="high",
                 kinds=["overdose_risk"], source="staff", checkin_id=None, raised_at=world.clock.now())
    world.dispatch()
    recipients = [d.recipient_id for d in world.deliveries(urgent=True, status="sent") if d.channel != "inbox"]
    assert recipients[:2] == [sam.sister, sam.sponsor]  # the out-of-hours contact, then "any"
    [to_kim] = sms_to(world, "+447700900002")
    assert "999" in to_kim["body"] and "116 123" in to_kim["body"] and "overdose" not in to_kim["body"].lower()
    staff_mail = [m for m in world.smtp.messages if m["To"].startswith(("peer_worker", "clinician"))]
    assert len(staff_mail) == 2 and all("999" in m.get_content() for m in staff_mail)


def test_an_smtp_outage_is_retried_with_backoff_and_delivered_once(world):
    sam = world.person()
    world.smtp.fail_with(451, times=2)
    world.missed(sam)
    world.dispatch()
    [email] = world.deliveries(channel="email")
    assert (email.status, email.attempts) == ("pending", 1) and email.next_attempt_at > world.clock.now()
    for _ in range(3):
        world.clock.set(world.deliveries(channel="email")[0].next_attempt_at)
        world.dispatch()
    [email] = world.deliveries(channel="email")
    assert (email.status, email.attempts) == ("sent", 3)
    assert len(world.smtp.messages) == 1


def test_a_rejected_text_falls_back_to_the_contacts_email(world):
    sam = world.person()
    world.apply("contact.updated", sam.id, person_id=sam.id, contact_id=sam.sister, role="family", circle="inner",
                label="helpful", is_backup=False, support_types=[], agreed_to_contact=True, name="Kim",
                preferred_method="text", phone="+447700900002", email="kim@example.net", texts_ok=True,
                calls_ok=False, hours_start=None, hours_end=None, changed_at=world.clock.now())
    world.consent(sam, [sam.sister], *FAMILY)
    world.sms.respond_with(400, times=5)
    world.missed(sam)
    world.dispatch()
    kim = {d.channel: (d.status, d.reason) for d in world.deliveries(recipient_id=sam.sister)}
    assert kim == {"sms": ("failed", "rejected"), "email": ("sent", None)}
    assert [m["To"] for m in world.smtp.messages if m["To"] == "kim@example.net"] == ["kim@example.net"]


def test_over_the_rate_limit_messages_are_held_and_sent_as_one_digest(world, client_for):
    sam = world.person()
    world.client.put("/rules", json={"rate_limit_per_hour": 2}, headers=world.headers(role="admin"))
    for _ in range(4):
        world.missed(sam)
        world.clock.advance(minutes=1)
    world.dispatch()
    peer_mail = world.deliveries(recipient_id=sam.peer_worker, channel="email")
    assert [d.status for d in peer_mail] == ["sent", "sent", "suppressed", "suppressed"]
    assert {d.reason for d in peer_mail[2:]} == {"rate_limited"}
    world.clock.advance(hours=1, minutes=5)
    from services.notifications.usecases.digest import send_digests
    with world.runtime.uow() as uow:
        assert send_digests(uow) >= 1
    world.dispatch()
    [digest] = world.deliveries(kind="digest", recipient_id=sam.peer_worker, channel="email")
    assert digest.status == "sent" and {d.digest_id for d in peer_mail[2:]} == {None}  # (loaded before)
    held = world.deliveries(recipient_id=sam.peer_worker, channel="email", reason="rate_limited")
    assert {d.digest_id for d in held} == {digest.id}
    mails = [m for m in world.smtp.messages if m["X-Circles-Delivery"] == digest.id]
    assert len(mails) == 1 and "2" in mails[0]["Subject"]


def test_an_organisation_webhook_gets_staff_alerts_signed(world):
    import time

    from services.notifications.channels.webhook import verify_signature
    from tests.integration.notifications_support import WEBHOOK_SECRET
    sam = world.person()
    admin = world.headers(role="admin")
    missed_rules = world.client.get("/rules", headers=admin).json["rules"]["checkin.missed"]
    changed = world.client.put("/rules", headers=admin, json={
        "webhook_url": f"{world.sms.url}/hook",
        "rules": {"checkin.missed": [*missed_rules, {"to": "webhook", "template": "checkin.missed.staff"}]}})
    assert changed.status_code == 200, changed.json
    world.missed(sam)
    world.dispatch()
    [hook] = [r for r in world.sms.requests if r.path == "/hook"]
    assert "Sam" in hook.json()["text"]
    assert verify_signature(WEBHOOK_SECRET, hook.header("X-Circles-Timestamp"), hook.body,
                            hook.header("X-Circles-Signature"), now=time.time())
    assert world.client.put("/rules", headers=admin, json={"webhook_url": "not a url"}).status_code == 422


def test_outcomes_are_counted_by_channel_and_reason_and_latency_is_observed_without_ids(world):
    from prometheus_client import REGISTRY

    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0
    before = (value("circles_notifications_total", channel="email", outcome="sent", reason=""),
              value("circles_notifications_total", channel="-", outcome="suppressed", reason="no_active_consent"),
              value("circles_notification_latency_seconds_count", channel="email", urgent="false"))
    sam = world.person()
    world.clock.advance(seconds=3)  # the dispatcher runs 3 s after the source event
    world.missed(sam)
    world.clock.advance(seconds=3)
    world.dispatch()
    after = (value("circles_notifications_total", channel="email", outcome="sent", reason=""),
             value("circles_notifications_total", channel="-", outcome="suppressed", reason="no_active_consent"),
             value("circles_notification_latency_seconds_count", channel="email", urgent="false"))
    assert [a - b for a, b in zip(after, before)] == [1, 2, 1]
    labels = {k for metric in REGISTRY.collect() if metric.name.startswith("circles_notification")
              for sample in metric.samples for k in sample.labels}
    assert labels <= {"channel", "outcome", "reason", "urgent", "le"}
