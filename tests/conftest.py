"""Fixtures shared by every tier. Unit tests use none of the infrastructure ones."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from shared.clock import FixedClock
from shared.settings import load_settings
from tests.support.infra import Databases, make_broker

os.environ.setdefault("CIRCLES_TESTING", "1")


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    instance = make_broker(tmp_path_factory.mktemp("broker"))
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    instance = Databases(tmp_path_factory.mktemp("databases"))
    yield instance
    instance.close()


@pytest.fixture
def clock():
    return FixedClock(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc))


@pytest.fixture
def settings_for(broker, databases):
    """settings_for("checkins") -> Settings with a fresh database and the test broker."""
    def build(service: str, **overrides):
        values = dict(database_url=databases.fresh(service), kafka_bootstrap_servers=broker.bootstrap,
                      consumer_backoff_seconds=0.01, testing=True)
        values.update(overrides)
        return load_settings(service, {}).with_overrides(**values)
    return build
