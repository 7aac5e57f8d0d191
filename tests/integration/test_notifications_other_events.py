"""The rest of the guide's routing: reminders, overdue work, assessments, expiring
consents and invitations, each to its own audience."""
import datetime as dt
import uuid

import pytest

from services.notifications.links import Links
from services.notifications.usecases import expiring

UTC = dt.timezone.utc


@pytest.fixture
def world(notifications_world):
    return notifications_world


def recipients(world, kind: str) -> set[tuple[str, str]]:
    return {(d.recipient_kind, d.recipient_id) for d in world.deliveries(kind=kind) if d.status == "sent"}


def test_session_reminders_go_to_the_participants_and_the_person(world):
    sam = world.person()
    world.source("circles.checkins.session.upcoming.v1", sam.id, person_id=sam.id, site_id=None,
                 session_id=str(uuid.uuid4()), rhythm_id=str(uuid.uuid4()), kind="weekly_checkin",
                 starts_at=world.clock.now() + dt.timedelta(hours=24),
                 ends_at=world.clock.now() + dt.timedelta(hours=24, minutes=15), title="Weekly check-in",
                 lead="PT24H", timezone="Europe/London",
                 participants=[{"kind": "staff", "id": sam.peer_worker}, {"kind": "contact", "id": sam.sister}])
    world.dispatch()
    sent = recipients(world, "session.upcoming")
    assert ("staff", sam.peer_worker) in sent and ("person", sam.id) in sent
    # The sister takes part but has no consent to hear about sessions: suppressed, with the reason.
    [kim] = world.deliveries(recipient_id=sam.sister)
    assert (kim.status, kim.reason) == ("suppressed", "no_active_consent")
    [mail] = [m for m in world.smtp.messages if m["To"].startswith("peer_worker")]
    assert "Tuesday 3 March, 09:30" in mail.get_content()


def test_an_overdue_action_item_reaches_its_owner_and_a_late_plan_task_the_peer_worker(world):
    sam = world.person()
    world.consent(sam, [sam.sponsor], ["checkin_summary"], ["care_coordination"])
    world.source("circles.checkins.action_item.overdue.v1", sam.id, person_id=sam.id, site_id=None,
                 action_item_id=str(uuid.uuid4()), checkin_id=None, owner_kind="contact", owner_id=sam.sponsor,
                 due_on=dt.date(2026, 3, 1), status="open")
    world.source("circles.checkins.plan_task.overdue.v1", sam.id, person_id=sam.id, site_id=None,
                 task_id=str(uuid.uuid4()), plan_id=str(uuid.uuid4()), code="crisis-plan", phase="week_2",
                 peer_worker_id=sam.peer_worker, due_on=dt.date(2026, 3, 1))
    world.dispatch()
    assert recipients(world, "action_item.overdue") == {("contact", sam.sponsor)}
    assert recipients(world, "plan_task.overdue") >= {("staff", sam.peer_worker)}
    jo = [m for m in world.smtp.messages if m["To"] == "jo@example.net"]
    assert len(jo) == 1 and "1 March 2026" in jo[0].get_content()
    task_mail = [m for m in world.smtp.messages if "Create the crisis plan" in m.get_content()]
    assert len(task_mail) == 1


def test_an_expiring_consent_is_announced_once_to_the_coordinators(world):
    coordinator = world.staff("coordinator")
    sam = world.person()
    world.consent(sam, [sam.sister], ["missed_session_alerts"], ["family_support"],
                  expires_at=world.clock.now() + dt.timedelta(days=10))
    with world.runtime.uow() as uow:
        assert expiring.announce(uow, Links()) == 1
    with world.runtime.uow() as uow:
        assert expiring.announce(uow, Links()) == 0
    world.dispatch()
    assert recipients(world, "consent.expiring") >= {("staff", coordinator)}
    [mail] = [m for m in world.smtp.messages if m["To"].startswith("coordinator")]
    assert "Kim (family)" in mail.get_content() and "12 March 2026" in mail.get_content()


def test_an_invitation_is_emailed_with_its_link(world):
    sam = world.person()
    invitation = str(uuid.uuid4())
    world.source("circles.people.invitation.sent.v1", sam.id, person_id=sam.id, invitation_id=invitation,
                 role="participant", email="sam@example.net", token="a-single-use-token-0123456789",
                 expires_at=world.clock.now() + dt.timedelta(days=7))
    world.dispatch()
    [mail] = [m for m in world.smtp.messages if m["To"] == "sam@example.net"]
    assert "/invitations/accept?token=a-single-use-token-0123456789" in mail.get_content()


def test_an_assessment_due_reaches_the_peer_worker(world):
    sam = world.person()
    world.source("circles.people.assessment.due.v1", sam.id, person_id=sam.id, site_id=None,
                 peer_worker_id=sam.peer_worker, last_assessment_id=str(uuid.uuid4()),
                 due_at=world.clock.now() + dt.timedelta(days=3))
    world.dispatch()
    assert recipients(world, "assessment.due") >= {("staff", sam.peer_worker)}
