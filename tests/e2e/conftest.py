"""End-to-end tier: the broker, gunicorn web processes and workers as real processes."""
from __future__ import annotations

import json
import os
import socket
import sys
import uuid

import pytest
import requests

from services.people.spec import SPEC as PEOPLE
from services.people.usecases.organisations import create_organisation
from shared.db.migrations import upgrade
from shared.runtime import Runtime
from shared.settings import load_settings
from tests.support import processes
from tests.support.infra import free_port
from tests.support.smtp_server import read_outbox
from tests.support.tokens import bearer

pytestmark = pytest.mark.e2e


ALL_YEARS = {"from": "2000-01", "to": "2059-12", "granularity": "year"}


class Platform:
    """The people, check-ins, notifications and reporting services, each with its web app,
    worker and database, plus a real SMTP server and an HTTP SMS sink as processes.
    Check-ins and notifications read "now" from clock files the tests can move (empty:
    real time); notifications starts at a fixed weekday noon so quiet hours never depend
    on when the suite runs."""

    SERVICES = ("people", "checkins", "notifications", "reporting")
    NOTIFICATIONS_NOON = "2026-11-25T12:00:00+00:00"

    def __init__(self, broker, databases, log_dir):
        self.procs = {}
        self.broker = broker
        self.log_dir = log_dir
        self.clock_file = log_dir / "checkins-clock"
        self.clock_file.write_text("")
        self.notifications_clock = log_dir / "notifications-clock"
        self.notifications_clock.write_text(self.NOTIFICATIONS_NOON)
        self.smtp_port, self.sms_port = free_port(), free_port()
        self.mail_file, self.sms_file = log_dir / "smtp.jsonl", log_dir / "sms.jsonl"
        self.env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap, "CONSUMER_BACKOFF_SECONDS": "0.05",
                    "CHECKINS_CLOCK_FILE": str(self.clock_file), "JOBS_EVERY_SECONDS": "0.5",
                    "NOTIFICATIONS_CLOCK_FILE": str(self.notifications_clock),
                    "NOTIFICATIONS_SMTP_PORT": str(self.smtp_port),
                    "NOTIFICATIONS_SMS_URL": f"http://127.0.0.1:{self.sms_port}/sms", "NOTIFICATIONS_SMS_TOKEN": "e2e"}
        self.start_smtp()
        self.procs["sms-sink"] = processes.ServiceProcess(
            "sms-sink", [sys.executable, "-m", "tests.support.http_sink", "--port", str(self.sms_port),
                         "--record", str(self.sms_file)], self.env, log_dir).start()
        self.settings = load_settings("checkins", {})
        self.urls, self._persons = {}, {}
        for service in self.SERVICES:
            url = databases.fresh(f"e2e_{service}")
            upgrade(processes.ROOT / "services" / service / "migrations", url)
            self.env[f"{service.upper()}_DATABASE_URL"] = url
        for service in self.SERVICES:
            port = free_port()
            self.urls[service] = f"http://127.0.0.1:{port}"
            self.procs[f"{service}-web"] = processes.web(service, port, self.env, log_dir)
            self.procs[f"{service}-worker"] = processes.worker(service, self.env, log_dir)
        for url in self.urls.values():
            processes.wait_ready(url)

    def new_org(self) -> str:
        """An organisation in the people service (as `make dev`'s bootstrap makes one)."""
        people = Runtime(PEOPLE, settings=load_settings("people", {}).with_overrides(
            database_url=self.env["PEOPLE_DATABASE_URL"]))
        with people.uow() as uow:
            admin = create_organisation(uow, "E2E Recovery", f"admin-{uuid.uuid4().hex[:8]}@e2e.example",
                                        "Admin", "an end-to-end test password")
        people.dispose()
        return admin.organisation_id

    def people_call(self, org: str, method: str, path: str, **body) -> dict:
        response = requests.request(method, self.urls["people"] + path, json=body, timeout=10,
                                    headers=bearer(self.settings, role="admin", org=org))
        assert response.status_code < 300, response.text
        return response.json()

    def register_person(self, org: str, timezone: str = "Europe/London", site: str | None = None) -> str:
        """Register in the people service and wait until check-ins has heard of the person
        (its read model, built from people.events, starts their 30-day plan)."""
        person = self.people_call(org, "POST", "/persons", display_name="E2E Person", timezone=timezone,
                                  region="GB", **({"site_id": site} if site else {}))["id"]

        def known():
            return requests.get(f"{self.urls['checkins']}/persons/{person}/starter-plan",
                                headers=bearer(self.settings, org=org), timeout=5).status_code == 200
        processes.wait_until(known, 60, message="check-ins to hear of the new person")
        return person

    def person_for(self, org: str) -> str:
        if org not in self._persons:
            self._persons[org] = self.register_person(org)
        return self._persons[org]

    def start_smtp(self) -> None:
        self.procs["smtp"] = processes.ServiceProcess(
            "smtp", [sys.executable, "-m", "tests.support.smtp_server", "--port", str(self.smtp_port),
                     "--outbox", str(self.mail_file)], self.env, self.log_dir).start()
        processes.wait_until(lambda: _listening(self.smtp_port), 20, message="the SMTP server")

    def mail(self) -> list[dict]:
        return read_outbox(self.mail_file)

    def texts(self) -> list[dict]:
        return [json.loads(r["body"]) for r in read_outbox(self.sms_file) if r["path"] == "/sms"]

    def set_notifications_clock(self, moment) -> None:
        self.notifications_clock.write_text(moment.isoformat() if moment else self.NOTIFICATIONS_NOON)

    def set_clock(self, moment) -> None:
        self.clock_file.write_text(moment.isoformat() if moment else "")

    def restart_worker(self, service: str) -> None:
        self.procs[f"{service}-worker"] = processes.worker(service, self.env, self.log_dir)

    def post_checkin(self, org: str, person: str | None = None, **fields) -> requests.Response:
        body = {"person_id": person or self.person_for(org), "wellbeing": 6, **fields}
        return requests.post(f"{self.urls['checkins']}/checkins", json=body,
                             headers=bearer(self.settings, org=org), timeout=10)

    def reported(self, org: str) -> int:
        """Completed check-ins the reporting service has counted for the organisation, all years."""
        response = requests.get(f"{self.urls['reporting']}/kpis", params=ALL_YEARS,
                                headers=bearer(self.settings, role="admin", org=org), timeout=10)
        response.raise_for_status()
        return sum(p["kpis"]["checkins_completed"]["value"] for p in response.json()["periods"])

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
def org(platform):
    return platform.new_org()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
