"""Fault and load suite: the platform as real processes under load, with faults injected.

One platform for the whole package (starting ten processes is the slow part); each
scenario adds load and faults to it and then checks the cumulative tally, so a loss or a
duplicate in any earlier scenario would still show in every later check.
"""
from __future__ import annotations

import os

import pytest

from tests.faults import summary
from tests.faults.platform import FaultPlatform
from tests.faults.world import FACTOR, SEED, build_world
from tests.support.infra import Broker
from tests.support.restartable_broker import RestartableBroker

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="package")
def fault_broker(tmp_path_factory) -> Broker:
    """A broker of the suite's own, so restarting it touches no other tier's topics."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield Broker(os.environ["KAFKA_BOOTSTRAP_SERVERS"])  # shared: never restarted
        return
    broker = RestartableBroker(tmp_path_factory.mktemp("fault-broker") / "broker.log")
    yield broker
    broker.close()


@pytest.fixture(scope="package")
def fault_platform(fault_broker, databases, tmp_path_factory):
    instance = FaultPlatform(fault_broker, databases, tmp_path_factory.mktemp("faults"))
    yield instance
    instance.close()


@pytest.fixture(scope="package")
def world(fault_platform):
    print(f"\nfault suite: seed {SEED} (FAULTS_SEED), soak factor {FACTOR} (FAULTS_SOAK)")
    return build_world(fault_platform)


def pytest_terminal_summary(terminalreporter):
    if not summary.ROWS:
        return
    summary.write()
    terminalreporter.section("fault suite")
    for line in summary.plain():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"(also in {summary.ARTIFACT})")
