"""KPI threshold breaches from reporting.events reach the site's coordinators, by a real
SMTP server: organisation-level news, so no person, no consent, quiet hours as usual.
The clock starts at Monday 2 March 2026, 09:30 UTC."""
import datetime as dt
import uuid

import pytest

from services.notifications.links import Links
from services.notifications.usecases.routing import route
from services.notifications.usecases.subscriptions import subscriptions
from shared.events.catalogue import load_data

UTC = dt.timezone.utc
BREACHED = "circles.reporting.kpi.threshold_breached.v1"
RIVERSIDE, CAFE = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture
def world(notifications_world):
    return notifications_world


@pytest.fixture
def staff(world):
    """Who could hear: a coordinator per site, one for every site, a peer worker at Riverside."""
    return {"riverside": world.staff("coordinator", (RIVERSIDE,)), "cafe": world.staff("coordinator", (CAFE,)),
            "everywhere": world.staff("coordinator"), "peer": world.staff("peer_worker", (RIVERSIDE,))}


def breach(world, site_id: str | None = RIVERSIDE, unit: str = "percent", value: float = 58.0,
           threshold: float = 75.0):
    breach_id = str(uuid.uuid4())
    return world.source(BREACHED, breach_id, breach_id=breach_id, threshold_id=str(uuid.uuid4()), site_id=site_id,
                        kpi="checkin_completion_rate", kpi_name="Check-in completion rate", unit=unit,
                        comparator="below", threshold=threshold, value=value, period="2026-11",
                        breached_at=world.clock.now())


def emailed(world) -> set[str]:
    return {d.recipient_id for d in world.deliveries(channel="email", status="sent")}


def test_a_site_breach_emails_that_sites_coordinators_and_no_one_else(world, staff):
    breach(world)
    world.dispatch()
    assert emailed(world) == {staff["riverside"], staff["everywhere"]}
    assert len(world.smtp.messages) == 2
    # Aggregate news: about no person, and no consent to suppress anything.
    assert {d.person_id for d in world.deliveries()} == {None}
    assert world.deliveries(status="suppressed") == []


def test_an_organisation_wide_breach_reaches_all_the_organisations_coordinators(world, staff):
    breach(world, site_id=None)
    world.dispatch()
    assert emailed(world) == {staff["riverside"], staff["cafe"], staff["everywhere"]}
    mail = world.smtp.messages[0]
    assert "at all sites" in mail["Subject"]
    assert "http://127.0.0.1:8005/staff/dashboard?month=2026-11" in mail.get_content()


def test_a_redelivered_breach_sends_nothing_new(world, staff):
    event = breach(world)
    world.dispatch()
    before = (len(world.smtp.messages), len(world.deliveries()))
    with world.runtime.uow() as uow:
        assert route(uow, "kpi.threshold_breached", event, load_data(event), Links()) == 0
        uow.commit()
    world.dispatch()
    assert (len(world.smtp.messages), len(world.deliveries())) == before


def test_the_message_gives_the_figures_the_month_the_site_and_the_dashboard(world, staff):
    breach(world)
    world.dispatch()
    mail = next(m for m in world.smtp.messages if m["To"] == f"coordinator-{staff['riverside'][:8]}@org.example")
    assert mail["Subject"] == f"Check-in completion rate at site {RIVERSIDE[:8]}: 58% in November 2026"
    body = mail.get_content()
    assert "was 58% in November 2026, past its threshold of 75%" in body
    assert f"http://127.0.0.1:8005/staff/dashboard?site={RIVERSIDE}&month=2026-11" in body
    [inbox] = world.deliveries(recipient_id=staff["riverside"], channel="inbox")
    assert inbox.status == "sent" and inbox.subject == mail["Subject"]


@pytest.mark.parametrize("unit, value, threshold, shown", [
    ("percent", 62.5, 60.0, "62.5% in November 2026, past its threshold of 60%"),
    ("count", 12.0, 20.0, "12 in November 2026, past its threshold of 20"),
    ("number", 4.0, 2.5, "4.0 in November 2026, past its threshold of 2.5"),
])
def test_figures_are_written_by_their_unit(world, staff, unit, value, threshold, shown):
    breach(world, unit=unit, value=value, threshold=threshold)
    world.dispatch()
    assert all(shown in m.get_content() for m in world.smtp.messages) and world.smtp.messages


def test_a_breach_in_quiet_hours_waits_for_the_morning(world, staff):
    world.clock.set(dt.datetime(2026, 3, 2, 22, 30, tzinfo=UTC))
    breach(world)
    assert world.dispatch() == 0 and world.smtp.messages == []
    assert {d.next_attempt_at for d in world.deliveries(channel="email")} == {dt.datetime(2026, 3, 3, 8, 0, tzinfo=UTC)}
    world.clock.set(dt.datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    world.dispatch()
    assert len(world.smtp.messages) == 2


def test_the_worker_reads_breaches_from_reporting_events_in_its_own_group(world, staff):
    [reporting] = [s for s in subscriptions(world.runtime) if s.name == "notifications.reporting"]
    assert reporting.topics == ["reporting.events"] and list(reporting.handlers) == [BREACHED]
    event = breach(world)  # routed once already, as the consumer would
    with world.runtime.uow() as uow:
        reporting.handlers[BREACHED](uow, event, load_data(event))  # the same route: nothing new
        uow.commit()
    assert len(world.deliveries()) == 4  # two coordinators, email and inbox each
