"""B3's servers: gunicorn as deployed, running the check-ins app on a fresh, seeded database,
bench/bare_app.py, or bench/floor_app.py on a fresh database with its one table; and the
checks after each wrk run."""
from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench import floor_app
from bench.api_wrk import ORG, PEER_WORKER, PERSONS, BenchmarkFailed
from bench.infra import Databases, free_port
from services.checkins.people_feed import HANDLERS
from services.checkins.spec import SPEC
from shared.db.migrations import upgrade
from shared.events import build_event, load_data
from shared.runtime import Runtime
from shared.settings import ENV_FIELDS, load_settings

ROOT = Path(__file__).resolve().parents[1]
APPS = {"real": "services.checkins.app:create_app()", "bare": "bench.bare_app:create_app()",
        "floor": "bench.floor_app:create_app()"}
COMPLETED = "circles.checkins.checkin.completed.v1"


def exit_cleanly_on_signals() -> None:
    """SIGTERM and SIGINT unwind through the finally blocks (gunicorn stopped, databases dropped)."""
    def stop(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)


# --- gunicorn -------------------------------------------------------------------------

def seed(url: str) -> None:
    """The peer worker and PERSONS, through check-ins' own people-feed handlers (as its consumer
    applies people events): registered (with the starter plan) and assigned to the peer worker."""
    runtime = Runtime(SPEC, settings=load_settings("checkins", {}).with_overrides(database_url=url))
    now = dt.datetime.now(dt.timezone.utc)

    def apply(uow, kind: str, subject: str, **data) -> None:
        event = build_event(f"circles.people.{kind}.v1", {"organisation_id": ORG, **data},
                            source="/circles/people", subject=subject, time=now)
        HANDLERS[event.type](uow, event, load_data(event))
    try:
        with runtime.uow() as uow:
            apply(uow, "staff.registered", PEER_WORKER, staff_id=PEER_WORKER, role="peer_worker", site_ids=[],
                  display_name="Peer Worker B3", email="peer.b3@example.org", registered_at=now)
            uow.commit()
        for person in PERSONS:
            with runtime.uow() as uow:
                apply(uow, "person.registered", person, person_id=person, site_id=None, status="active",
                      timezone="Europe/London", region="GB", registered_at=now)
                apply(uow, "person.peer_worker_assigned", person, person_id=person, staff_id=PEER_WORKER,
                      assigned_at=now)
                uow.commit()
    finally:
        runtime.dispose()


@contextlib.contextmanager
def database(databases: Databases, label: str):
    """A fresh check-ins database, migrated and seeded; dropped on the way out."""
    url = databases.fresh(f"b3_{label}")
    try:
        upgrade(SPEC.migrations_dir, url)
        seed(url)
        yield url
    finally:
        databases.drop(url)


@contextlib.contextmanager
def floor_database(databases: Databases, label: str):
    """A fresh database holding bench/floor_app.py's one table; dropped on the way out."""
    url = databases.fresh(f"b3_floor_{label}")
    try:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(floor_app.CREATE))
        engine.dispose()
        yield url
    finally:
        databases.drop(url)


DATABASES = {"real": database, "floor": floor_database}


def environment(database_url: str | None, metrics_dir: Path) -> dict:
    """What gunicorn runs with, for both apps: this environment less any Circles setting, plus the
    check-ins database, the development secret (CIRCLES_DEV=1) and a bootstrap nobody listens on
    (the web app only writes the outbox; the relay lives in the worker)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKINS_") and k not in ENV_FIELDS
           and k not in ("CIRCLES_TESTING", "PROMETHEUS_MULTIPROC_DIR")}
    env.update(CHECKINS_DATABASE_URL=database_url or "sqlite:///:memory:", CIRCLES_DEV="1",
               KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{free_port()}", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
               PYTHONUNBUFFERED="1")
    return env


class Server:
    """`gunicorn -c python:shared.web.gunicorn_conf --bind 127.0.0.1:<port> '<app>'`: the web
    command of the Dockerfile and deploy/k8s, on a free loopback port; the same environment for both apps."""

    def __init__(self, side: str, database_url: str | None, tmp: Path, label: str):
        self.side, self.database_url = side, database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = environment(database_url, tmp / f"metrics-{side}-{label}")
        self.config = gunicorn_config(self.env)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.command = [str(gunicorn), "-c", "python:shared.web.gunicorn_conf", "--bind", f"127.0.0.1:{self.port}",
                        APPS[side]]
        self.engine = sa.create_engine(database_url) if database_url else None
        self.log_path = tmp / f"gunicorn-{side}-{label}.log"
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    @classmethod
    @contextlib.contextmanager
    def start(cls, side: str, databases: Databases, tmp: Path, label: str):
        with (DATABASES[side](databases, label) if side in DATABASES else contextlib.nullcontext()) as url:
            server = cls(side, url, tmp, label)
            try:
                server.wait_ready()
                yield server
            finally:
                server.stop()

    def wait_ready(self, timeout: float = 90) -> None:
        """Until the workers have booted and the app answers HTTP (any status: the app is loaded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkFailed(f"gunicorn ({self.side}) exited {self.process.returncode}:\n{self.tail()}")
            booted = self.log_path.read_text(errors="replace").count("Booting worker with pid")
            if booted >= self.config["workers"]:
                with contextlib.suppress(OSError):
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                    try:
                        connection.request("GET", "/")
                        connection.getresponse().read()
                        return
                    finally:
                        connection.close()
            time.sleep(0.2)
        raise BenchmarkFailed(f"gunicorn ({self.side}) not ready after {timeout:.0f}s:\n{self.tail()}")

    def tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def counts(self) -> dict:
        """The rows the side writes, once two looks 0.3 s apart agree (requests wrk left in flight
        finish first); {} for the bare route, which writes none."""
        if self.engine is None:
            return {}
        previous, deadline = None, time.monotonic() + 60
        while time.monotonic() < deadline:
            with self.engine.connect() as conn:
                now = floor_rows(conn) if self.side == "floor" else checkin_rows(conn)
            if now == previous:
                return now
            previous = now
            time.sleep(0.3)
        raise BenchmarkFailed(f"the {self.side} side's database was still changing a minute after wrk stopped: "
                              f"{previous}")

    def check(self, result: dict, connections: int, label: str, before: dict | None = None) -> dict:
        """Raise BenchmarkFailed unless every request succeeded and wrote its rows; the new rows."""
        problems = []
        if result["non2xx"]:
            problems.append(f"{result['non2xx']} non-2xx/3xx responses")
        if any(result["socket_errors"].values()):
            problems.append(f"socket errors {result['socket_errors']}")
        if not result["requests"]:
            problems.append("no request completed")
        if self.process.poll() is not None:
            problems.append(f"gunicorn exited {self.process.returncode}")
        rows = {}
        if self.engine is not None:
            after = self.counts()
            if after.get("unmatched") or after.get("completed", after["records"]) != after["records"]:
                problems.append(f"check-in rows and their checkin.completed outbox rows differ: {after}")
            if before is not None:
                rows = {key: after[key] - before[key] for key in after if key in ("records", "outbox")}
                problems += new_row_problems(rows, result["requests"], connections)
        if problems:
            raise BenchmarkFailed(f"B3 {label} ({self.side}): " + "; ".join(problems) + f"\n{self.tail()}")
        return rows

    def stop(self) -> None:
        """SIGTERM to the gunicorn master (a graceful stop), then SIGKILL to its process group."""
        if self.engine is not None:
            self.engine.dispose()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def checkin_rows(conn) -> dict:
    """Check-in rows, outbox rows (all, the seed's starter-plan events included) and
    checkin.completed rows; `unmatched`: check-ins without their event, or events without their check-in."""
    records = set(conn.execute(sa.text("SELECT id FROM checkin_records")).scalars())
    payloads = conn.execute(sa.text("SELECT payload FROM outbox WHERE event_type = :t"), {"t": COMPLETED}).scalars()
    events = [json.loads(payload)["checkin_id"] for payload in payloads]
    return {"records": len(records), "outbox": conn.execute(sa.text("SELECT count(*) FROM outbox")).scalar_one(),
            "completed": len(events),
            "unmatched": len(records.symmetric_difference(events)) + len(events) - len(set(events))}


def floor_rows(conn) -> dict:
    return {"records": conn.execute(sa.text(f"SELECT count(*) FROM {floor_app.TABLE}")).scalar_one()}


def new_row_problems(rows: dict, requests: int, connections: int) -> list[str]:
    """Every completed request wrote its row (requests in flight when wrk stopped are finished by
    the server but not counted by wrk, hence up to `connections` more); the real app, its outbox row too."""
    problems = []
    if not requests <= rows["records"] <= requests + connections:
        problems.append(f"{rows['records']} new rows for {requests} completed requests "
                        f"(expected {requests} to {requests + connections})")
    if "outbox" in rows and rows["outbox"] != rows["records"]:
        problems.append(f"{rows['outbox']} new outbox rows for {rows['records']} new check-in rows")
    return problems


def gunicorn_config(env: dict) -> dict:
    """The settings shared/web/gunicorn_conf.py gives under `env`: what both apps run with."""
    code = ("import json; from shared.web import gunicorn_conf as c; print(json.dumps({k: getattr(c, k) for k in "
            "('workers', 'threads', 'worker_class', 'keepalive', 'timeout')}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def profile(databases: Databases, tmp: Path, requests: int) -> dict:
    """bench/api_profile.py in its own process, with the gunicorn workers' environment, on a fresh seeded database."""
    with database(databases, "profile") as url:
        metrics = tmp / "metrics-profile"
        metrics.mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "bench.api_profile", str(requests)], cwd=ROOT,
                              env=environment(url, metrics), capture_output=True, text=True, timeout=900)
        if done.returncode:
            raise BenchmarkFailed(f"bench.api_profile exited {done.returncode}:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout)
