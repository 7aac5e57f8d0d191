"""Scenario 3: workers (each runs its outbox relay and its consumers) SIGKILLed at seeded
random moments and restarted, mid-load; and a clean SIGTERM stop for each."""
import time

from tests.faults.platform import WORKERS
from tests.support.processes import wait_until


def test_every_worker_stops_cleanly_on_sigterm(world):
    for service in WORKERS:
        assert world.platform.procs[f"{service}-worker"].stop(timeout=20) == 0, service
        world.platform.restart_worker(service)


def test_reporting_worker_killed_mid_stream_still_counts_exactly(world):
    platform, org = world.platform, world.networks[0].org
    with world.scenario("3a reporting worker SIGKILLed mid-stream") as row:
        before = platform.kpis(org)["checkins_completed"]
        first = world.load().start(world.ops(40))
        wait_until(lambda: platform.kpis(org)["checkins_completed"] > before, 60, message="counting to start")
        platform.kill_worker("reporting")
        row.faults = 1
        at_kill = platform.kpis(org)["checkins_completed"]  # frozen: nothing counts while it is down
        # The rest of the stream arrives while it is down: the projection takes a whole poll
        # per transaction, and would otherwise catch up with a short load before the kill.
        second = world.load().start(world.ops(40))
        time.sleep(1)
        platform.restart_worker("reporting")
        row.operations = first.wait() + second.wait()
        assert at_kill < world.tally.checkins[org], "the kill should land mid-stream"


def test_workers_and_relays_sigkilled_at_random_moments(world):
    kills, ops = world.repeats(6), world.ops(100)
    with world.scenario(f"3b workers SIGKILLed x{kills} (seeded)") as row:
        load = world.load().start(ops)
        for _ in range(kills):
            time.sleep(world.rng.uniform(0.2, 1.5))  # a seeded random moment
            service = world.rng.choice(WORKERS)
            world.platform.kill_worker(service)
            row.faults += 1
            time.sleep(world.rng.uniform(0.0, 1.0))
            world.platform.restart_worker(service)
        row.operations = load.wait()
