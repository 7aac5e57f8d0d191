"""What every scenario shares: the platform, two organisations with two networks each,
the tally, the seeded random source, and how a scenario ends (settle, record, assert)."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import time

from tests.faults import checks, network, summary
from tests.faults.load import Load, Tally

# FAULTS_SOAK=1 (or a larger number) multiplies load and repetitions; default off.
SOAK = max(int(os.environ.get("FAULTS_SOAK", "0") or 0), 0)
FACTOR = 4 * SOAK if SOAK else 1
SEED = int(os.environ.get("FAULTS_SEED", "20261130"))


@dataclasses.dataclass
class World:
    platform: object
    networks: list
    tally: Tally
    rng: random.Random

    def load(self, threads: int = 4) -> Load:
        return Load(self.platform, self.networks, self.tally, self.rng, threads)

    def ops(self, count: int) -> int:
        """Operations for one scenario, scaled by the soak factor."""
        return count * FACTOR

    def repeats(self, count: int) -> int:
        return count * FACTOR

    def settle(self, timeout: float = 90) -> list[checks.Mismatch]:
        return checks.settle(self.platform, self.tally, self.networks, timeout)

    @contextlib.contextmanager
    def scenario(self, name: str):
        """Times the scenario, then settles, records its row and fails on any difference."""
        row = summary.Row(name)
        started, resent_before = time.monotonic(), checks.resends(self.platform)
        try:
            yield row
        except BaseException:
            row.scenario += " (aborted)"
            row.seconds = time.monotonic() - started
            summary.record(row)
            raise
        mismatches = self.settle()
        row.seconds = time.monotonic() - started
        row.resent = checks.resends(self.platform) - resent_before
        summary.record(row, mismatches)
        assert not mismatches, "the system disagrees with the tally:\n" + "\n".join(
            f"  {m.what}: expected {m.expected}, got {m.actual}" for m in mismatches)


def build_world(platform) -> World:
    tally, rng = Tally(), random.Random(SEED)
    summary.NOTES.append(f"seed {SEED}, soak factor {FACTOR}, databases: {platform.dialect}")
    networks = []
    for org_number in range(2):
        org = platform.new_org()
        network.set_rules(platform, org)
        for person_number in range(2):
            networks.append(network.build(platform, org, tag=f"{SEED}-{org_number}{person_number}-{org[:6]}"))
    for each in networks:
        network.wait_known(platform, each)
        tally.add_network(each)
    return World(platform, networks, tally, rng)
