"""All five services as real processes on fresh databases: each web app under gunicorn
and each worker serving /metrics on its own WORKER_METRICS_PORT (free ports throughout)."""
from __future__ import annotations

from pathlib import Path

import requests

from shared.db.migrations import upgrade
from tests.support import processes
from tests.support.infra import free_port

SERVICES = ("people", "checkins", "notifications", "resources", "reporting")
ROLES = ("web", "worker")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class AllServices:
    def __init__(self, broker, databases, log_dir: Path, env: dict[str, str], name: str):
        """`env`: the base environment (os.environ plus any test settings); `name` keeps
        this set's databases apart from others in the session."""
        self.env = {**env, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap}
        self.ports = {(service, role): free_port() for service in SERVICES for role in ROLES}
        self.procs = []
        for service in SERVICES:
            url = databases.fresh(f"{name}_{service}")
            upgrade(processes.ROOT / "services" / service / "migrations", url)
            self.env[f"{service.upper()}_DATABASE_URL"] = url
        for service in SERVICES:
            self.procs.append(processes.web(service, self.ports[service, "web"], self.env, log_dir))
            self.procs.append(processes.worker(
                service, {**self.env, "WORKER_METRICS_PORT": str(self.ports[service, "worker"])}, log_dir))

    def url(self, service: str, role: str = "web") -> str:
        return f"http://127.0.0.1:{self.ports[service, role]}"

    def metrics_urls(self) -> list[str]:
        return [f"{self.url(service, role)}/metrics" for service in SERVICES for role in ROLES]

    def wait_ready(self) -> None:
        for service in SERVICES:
            processes.wait_ready(self.url(service))
            metrics = f"{self.url(service, 'worker')}/metrics"
            processes.wait_until(lambda: answers(metrics), 60, message=f"the {service} worker's metrics")

    def close(self) -> None:
        for proc in self.procs:
            try:
                proc.stop()
            except AssertionError:
                pass
