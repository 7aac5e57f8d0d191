"""The end-to-end Platform (four services, SMTP server, SMS sink) plus the levers the
fault scenarios pull: kill and restart processes, cut database sessions, read databases."""
from __future__ import annotations

import sys

import requests
from sqlalchemy import create_engine, text

from tests.e2e.conftest import ALL_YEARS, Platform
from tests.support import processes
from tests.support.tokens import bearer

WORKERS = ("people", "checkins", "notifications", "reporting")
KPIS = ("checkins_completed", "risk_flags_high", "notifications_sent", "checkins_missed")


class _OwnNames:
    """Databases named faults_* rather than e2e_*: another session of the e2e tier on the
    same server drops and recreates its e2e_* databases as it starts."""

    def __init__(self, databases):
        self.databases = databases

    def fresh(self, label: str) -> str:
        return self.databases.fresh(f"faults_{label}")


class FaultPlatform(Platform):
    def __init__(self, broker, databases, log_dir):
        super().__init__(broker, _OwnNames(databases), log_dir)
        self.dialect = databases.dialect
        self._engines = {}

    # --- reading the system's state (only to compare with the test's own tally) ---

    def sql(self, service: str, query: str, **params) -> list:
        if service not in self._engines:
            # pool_pre_ping: the test's own connections survive the sessions it terminates.
            self._engines[service] = create_engine(self.env[f"{service.upper()}_DATABASE_URL"], pool_pre_ping=True)
        with self._engines[service].connect() as conn:
            return conn.execute(text(query), params).all()

    def scalar(self, service: str, query: str, **params) -> int:
        return self.sql(service, query, **params)[0][0]

    def unpublished(self) -> int:
        return sum(self.scalar(s, "SELECT count(*) FROM outbox WHERE published_at IS NULL") for s in WORKERS)

    def kpis(self, org: str) -> dict[str, int]:
        response = requests.get(f"{self.urls['reporting']}/kpis", params=ALL_YEARS, timeout=10,
                                headers=bearer(self.settings, role="admin", org=org))
        response.raise_for_status()
        periods = response.json()["periods"]
        return {key: sum(p["kpis"][key]["value"] or 0 for p in periods) for key in KPIS}

    # --- faults ---

    def kill_worker(self, service: str) -> None:
        self.procs[f"{service}-worker"].kill()

    def stop_smtp(self) -> None:
        self.procs["smtp"].stop()

    def stop_sms(self) -> None:
        self.procs["sms-sink"].stop()

    def start_sms(self) -> None:
        self.procs["sms-sink"] = processes.ServiceProcess(
            "sms-sink", [sys.executable, "-m", "tests.support.http_sink", "--port", str(self.sms_port),
                         "--record", str(self.sms_file)], self.env, self.log_dir).start()
        processes.wait_until(lambda: _answers(f"http://127.0.0.1:{self.sms_port}/__sink/requests"), 20,
                             message="the SMS sink")

    def terminate_sessions(self, service: str) -> int:
        """Cut every session the service's processes hold on its PostgreSQL database."""
        database = self.env[f"{service.upper()}_DATABASE_URL"].rsplit("/", 1)[1].split("?")[0]
        rows = self.sql(service, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :db AND pid <> pg_backend_pid()", db=database)
        return sum(1 for (done,) in rows if done)

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        super().close()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False
