"""Integration tier: real database (PostgreSQL or SQLite) and a real Kafka-protocol broker."""
from __future__ import annotations

import importlib

import pytest

from shared.db.migrations import upgrade
from shared.runtime import Runtime
from tests.integration.checkins_support import CheckinsWorld
from tests.integration.notifications_support import NotificationsWorld

pytestmark = pytest.mark.integration


def _spec(service: str):
    return importlib.import_module(f"services.{service}.spec").SPEC


@pytest.fixture
def runtime_for(settings_for, clock):
    """runtime_for("reporting") -> Runtime on a freshly migrated database."""
    built = []

    def build(service: str, **overrides) -> Runtime:
        settings = settings_for(service, **overrides)
        spec = _spec(service)
        upgrade(spec.migrations_dir, settings.database_url)
        runtime = Runtime(spec, settings=settings, clock=clock)
        built.append(runtime)
        return runtime

    yield build
    for runtime in built:
        runtime.dispose()


@pytest.fixture
def client_for(settings_for, clock):
    """client_for("checkins") -> (Flask test client, app) on a freshly migrated database."""
    apps = []

    def build(service: str):
        settings = settings_for(service)
        upgrade(_spec(service).migrations_dir, settings.database_url)
        app = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=clock)
        apps.append(app)
        return app.test_client(), app

    yield build
    for app in apps:
        app.extensions["circles"].dispose()


@pytest.fixture
def checkins_world(client_for, clock):
    """The check-ins app on a fresh database, with a CheckinsWorld to fill its read model."""
    client, app = client_for("checkins")
    return CheckinsWorld(app.extensions["circles"], clock, client=client)


@pytest.fixture
def checkins_world_on_postgres(checkins_world):
    """checkins_world where the test needs PostgreSQL's row locks (FOR UPDATE SKIP LOCKED);
    skipped on SQLite. CI sets TEST_DATABASE_URL, so these always run there."""
    if checkins_world.runtime.engine.dialect.name != "postgresql":
        pytest.skip("row locks need PostgreSQL (set TEST_DATABASE_URL, as .ci/run does)")
    return checkins_world


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port, for the notification tests."""
    from tests.support.smtp_server import SmtpTestServer
    server = SmtpTestServer().start()
    yield server
    server.stop()


@pytest.fixture
def sms_sink():
    """A real HTTP server standing in for the SMS provider (and webhook receivers)."""
    from tests.support.http_sink import HttpSink
    sink = HttpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def notifications_world(client_for, clock, smtp_server, sms_sink):
    client, app = client_for("notifications")
    return NotificationsWorld(app.extensions["circles"], clock, smtp_server, sms_sink, client=client)
