"""Scenario 8, last because a restart empties every topic: the broker really restarted
several times, mid-load."""
import pytest

from tests.faults import summary
from tests.faults.barrier import wait_for_consumers
from tests.faults.platform import WORKERS
from tests.support.processes import wait_until

NATURAL_RECOVERY = 15  # seconds the groups get to rejoin on their own
RESTARTED_WORKERS: list[str] = []


@pytest.fixture
def broker(world):
    if not world.platform.broker.controllable:
        pytest.skip("needs the suite's own embedded broker; an external one is shared")
    return world.platform.broker


def consumers_back(world, row) -> None:
    """Every group reads the new log again. Against Tansu, kafka-python groups often do not
    rejoin for minutes; after a short wait the workers are SIGKILLed and started again (what
    an operator of the memory-only broker does), and the note says how often it was needed."""
    bootstrap = world.platform.broker.bootstrap
    try:
        probes, dead_lettered = wait_for_consumers(bootstrap, timeout=NATURAL_RECOVERY)
    except AssertionError as stuck:
        RESTARTED_WORKERS.append(str(stuck)[:200])
        for service in WORKERS:
            world.platform.kill_worker(service)
            world.platform.restart_worker(service)
        probes, dead_lettered = wait_for_consumers(bootstrap, timeout=90)
    row.operations += probes
    row.dead_lettered += dead_lettered


def test_broker_restarted_several_times_mid_load(world, broker):
    """Tansu forgets everything on a restart (Apache Kafka would not), records not yet
    consumed included: so before each restart the load pauses until everything published
    has been consumed, and it goes on once every consumer group reads the new log from its
    start (barrier.py says why). Writes taken while the broker is away are scenario 1's."""
    restarts, ops = world.repeats(3), world.ops(120)
    with world.scenario(f"8 broker restarted x{restarts}") as row:
        load = world.load().start(ops)
        try:
            for number in range(1, restarts + 1):
                wait_until(lambda: load.done() >= ops * number // (restarts + 1), 120, message="load to progress")
                load.gate.clear()
                pending = world.settle(timeout=90)
                assert not pending, f"not drained before restart {number}: {pending}"
                broker.restart()
                row.faults += 1
                consumers_back(world, row)
                load.gate.set()
        finally:
            load.gate.set()
        row.operations += load.wait()
    summary.NOTES.append(f"8: consumer groups came back on their own within {NATURAL_RECOVERY}s after "
                         f"{restarts - len(RESTARTED_WORKERS)} of {restarts} restarts; after the rest the workers "
                         f"were restarted (first stuck: {RESTARTED_WORKERS[:1]})")
    summary.NOTES.append(f"writes refused, not committed: {world.tally.rejected}; refused answers whose write "
                         f"was committed after all (counted as accepted): {world.tally.late}")
