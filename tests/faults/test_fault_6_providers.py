"""Scenario 6: the SMTP server and the SMS provider down for a while, then back: every
message waits, then goes exactly once."""
import datetime as dt

from tests.support.processes import wait_until

FAILED_ATTEMPTS = ("SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id "
                   "WHERE a.outcome = 'transient_error' AND d.channel = :channel")


def failed(platform, channel: str) -> int:
    return platform.scalar("notifications", FAILED_ATTEMPTS, channel=channel)


def test_smtp_and_sms_down_then_back_deliver_everything_once(world):
    platform = world.platform
    with world.scenario("6 SMTP server and SMS provider down") as row:
        before = {channel: failed(platform, channel) for channel in ("email", "sms")}
        flags_before = sum(world.tally.flags.values())
        platform.stop_smtp()
        platform.stop_sms()
        row.faults = 2
        row.operations = world.load().start(world.ops(50)).wait()
        assert sum(world.tally.flags.values()) > flags_before, "the load raised no risk flag to deliver"
        # The outage is felt: both channels have failed attempts, retried later.
        wait_until(lambda: all(failed(platform, c) > before[c] for c in before), 60,
                   message="failed email and SMS attempts")
        platform.start_smtp()
        platform.start_sms()
        # Retries back off on the notifications clock (15 s doubling): move it on so they are due.
        platform.set_notifications_clock(dt.datetime.fromisoformat(platform.NOTIFICATIONS_NOON) + dt.timedelta(hours=2))
    print(f"failed attempts during the outage: " + ", ".join(
        f"{c} {failed(platform, c) - before[c]}" for c in before))
