"""Scenario 1: the broker cut off mid-load (its restarts are scenario 8, last: a restart
empties every topic, dead-letter topics included)."""
import pytest

from tests.support.processes import wait_until


@pytest.fixture
def broker(world):
    if not world.platform.broker.controllable:
        pytest.skip("needs the suite's own embedded broker; an external one is shared")
    return world.platform.broker


def unpublished_checkins(platform) -> int:
    return platform.scalar("checkins", "SELECT count(*) FROM outbox WHERE published_at IS NULL "
                                       "AND event_type = 'circles.checkins.checkin.completed.v1'")


def test_while_the_broker_is_cut_off_writes_wait_in_the_outbox(world, broker):
    platform = world.platform
    with world.scenario("1 broker cut off, then back") as row:
        before = sum(world.tally.checkins.values())
        broker.stop()
        row.faults = 1
        row.operations = world.load().start(world.ops(30)).wait()  # the APIs keep taking writes
        accepted = sum(world.tally.checkins.values()) - before
        # Every accepted check-in waits in the outbox while the relay cannot publish.
        wait_until(lambda: unpublished_checkins(platform) == accepted, 30, message="the outbox to hold the writes")
        broker.start()
