"""End-to-end tier: the broker, gunicorn web processes and workers as real processes."""
from __future__ import annotations

import os
import uuid

import pytest
import requests

from shared.db.migrations import upgrade
from shared.settings import load_settings
from tests.support import processes
from tests.support.infra import free_port
from tests.support.tokens import bearer

pytestmark = pytest.mark.e2e


class Platform:
    """The check-ins and reporting services, each with its web app, worker and database."""

    def __init__(self, broker, databases, log_dir):
        self.broker = broker
        self.log_dir = log_dir
        self.env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap, "CONSUMER_BACKOFF_SECONDS": "0.05"}
        self.settings = load_settings("checkins", {})
        self.urls, self.procs = {}, {}
        for service in ("checkins", "reporting"):
            url = databases.fresh(f"e2e_{service}")
            upgrade(processes.ROOT / "services" / service / "migrations", url)
            self.env[f"{service.upper()}_DATABASE_URL"] = url
        for service in ("checkins", "reporting"):
            port = free_port()
            self.urls[service] = f"http://127.0.0.1:{port}"
            self.procs[f"{service}-web"] = processes.web(service, port, self.env, log_dir)
            self.procs[f"{service}-worker"] = processes.worker(service, self.env, log_dir)
        for url in self.urls.values():
            processes.wait_ready(url)

    def restart_worker(self, service: str) -> None:
        self.procs[f"{service}-worker"] = processes.worker(service, self.env, self.log_dir)

    def post_checkin(self, org: str, person: str | None = None, **fields) -> requests.Response:
        body = {"person_id": person or str(uuid.uuid4()), "wellbeing": 6, **fields}
        return requests.post(f"{self.urls['checkins']}/checkins", json=body,
                             headers=bearer(self.settings, org=org), timeout=10)

    def reported(self, org: str) -> int:
        response = requests.get(f"{self.urls['reporting']}/kpis/checkins-completed",
                                headers=bearer(self.settings, role="admin", org=org), timeout=10)
        response.raise_for_status()
        return response.json()["total"]

    def wait_reported(self, org: str, expected: int, timeout: float = 60) -> None:
        processes.wait_until(lambda: self.reported(org) >= expected, timeout,
                             message=f"reporting to count {expected}")
        assert self.reported(org) == expected

    def close(self) -> None:
        for proc in self.procs.values():
            try:
                proc.stop()
            except AssertionError:
                pass


@pytest.fixture(scope="session")
def platform(broker, databases, tmp_path_factory):
    instance = Platform(broker, databases, tmp_path_factory.mktemp("platform"))
    yield instance
    instance.close()


@pytest.fixture
def org():
    return str(uuid.uuid4())
