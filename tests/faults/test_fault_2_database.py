"""Scenario 2: every session a service holds on its PostgreSQL database cut, mid-load."""
import pytest

from tests.faults.platform import WORKERS
from tests.support.processes import wait_until


def test_database_sessions_terminated_mid_load(world):
    platform = world.platform
    if platform.dialect != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL (TEST_DATABASE_URL)")
    cuts, ops = world.repeats(6), world.ops(80)
    with world.scenario(f"2 database sessions cut x{cuts}") as row:
        refused_before = world.tally.rejected
        load = world.load().start(ops)
        for number in range(1, cuts + 1):
            wait_until(lambda: load.done() >= ops * number // (cuts + 1), 120, message="load to progress")
            service = world.rng.choice(WORKERS)
            row.faults += platform.terminate_sessions(service)  # sessions actually terminated
        row.operations = load.wait()
    print(f"writes refused while sessions were cut: {world.tally.rejected - refused_before}")
