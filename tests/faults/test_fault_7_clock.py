"""Scenario 7: the clock of check-ins and notifications jumps forward by days: every
session passed is missed exactly once, and the right people hear exactly once."""
import datetime as dt
from zoneinfo import ZoneInfo

from tests.faults import network as networks
from tests.support.processes import wait_until

JUMP_DAYS = 11
LONDON = ZoneInfo("Europe/London")


def test_clock_jumping_forward_by_days(world):
    """Weekly check-ins from three days ahead at 18:00 (no reminder is due yet); eleven days
    on, the sessions on days 3 and 10 have passed with their grace period (day 17's has not),
    so each person has missed two in a row: the second also reaches the clinical lead."""
    platform = world.platform
    now = dt.datetime.now(dt.timezone.utc)
    first = dt.datetime.combine((now.astimezone(LONDON) + dt.timedelta(days=3)).date(), dt.time(18, 0))
    with world.scenario(f"7 clock jumps {JUMP_DAYS} days") as row:
        row.operations = world.load().start(world.ops(30)).wait()
        for network in world.networks:
            networks.weekly_rhythm(platform, network, first)
        # The rhythms are planned before the jump (the planner is on the same clock).
        wait_until(lambda: platform.scalar("checkins", "SELECT count(*) FROM sessions") >= 2 * len(world.networks),
                   30, message="sessions to be planned")
        jumped = now + dt.timedelta(days=JUMP_DAYS)
        platform.set_notifications_clock(jumped.replace(hour=12, minute=0, second=0, microsecond=0))
        platform.set_clock(jumped)
        row.faults = 2  # two clocks moved
        for network in world.networks:
            world.tally.missed(network, in_a_row=1)
            world.tally.missed(network, in_a_row=2)
        # Load again only once the misses are in: a check-in between them would reset the run.
        wait_until(lambda: platform.scalar("reporting", "SELECT count(*) FROM rp_misses") == 2 * len(world.networks),
                   60, message="the misses to be reported")
        row.operations += world.load().start(world.ops(30)).wait()
