"""Real infrastructure for the test tiers: a Kafka-protocol broker and databases.

Order of preference, for each:
- what the environment names (KAFKA_BOOTSTRAP_SERVERS, TEST_DATABASE_URL);
- testcontainers (Kafka in KRaft mode, PostgreSQL) where a Docker engine answers;
- otherwise the embedded broker on a free port and SQLite files in a temp folder.
"""
from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
from pathlib import Path

import sqlalchemy as sa

from shared.broker import all_topics, start_broker, stop_broker
from shared.messaging.kafka import ensure_topics
from tests.support.tcp_proxy import TcpProxy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class Broker:
    """A broker for the tests. `controllable` brokers can be stopped and restarted."""

    controllable = False

    def __init__(self, bootstrap: str):
        self.bootstrap = bootstrap

    def close(self) -> None:
        pass


class EmbeddedBroker(Broker):
    """The embedded broker behind a proxy: stop() is an outage that keeps the log."""

    controllable = True

    def __init__(self, log_path: Path):
        self.port, self.broker_port = free_port(), free_port()
        super().__init__(f"127.0.0.1:{self.port}")
        self.proxy = TcpProxy(self.port, self.broker_port)
        self.proxy.start()
        with open(log_path, "ab") as log:
            self.process = start_broker("127.0.0.1", self.broker_port, log_file=log, advertised_port=self.port)

    def stop(self) -> None:
        self.proxy.stop()

    def start(self) -> None:
        self.proxy.start()

    def close(self) -> None:
        self.proxy.stop()
        stop_broker(self.process)


class ContainerBroker(Broker):
    def __init__(self):
        from testcontainers.community.kafka import KafkaContainer
        self.container = KafkaContainer().with_kraft().start()
        super().__init__(self.container.get_bootstrap_server())
        ensure_topics(self.bootstrap, all_topics())

    def close(self) -> None:
        self.container.stop()


def make_broker(tmp_dir: Path) -> Broker:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        broker = Broker(os.environ["KAFKA_BOOTSTRAP_SERVERS"])
        ensure_topics(broker.bootstrap, all_topics())
        return broker
    if docker_available():
        return ContainerBroker()
    return EmbeddedBroker(tmp_dir / "broker.log")


class Databases:
    """Hands out a fresh, empty database per request: PostgreSQL or SQLite."""

    def __init__(self, tmp_dir: Path):
        self.tmp_dir = tmp_dir
        self._counter = itertools.count()
        self._container = None
        self.base_url = os.environ.get("TEST_DATABASE_URL")
        if not self.base_url and docker_available():
            from testcontainers.community.postgres import PostgresContainer
            self._container = PostgresContainer("postgres:16-alpine", driver="psycopg").start()
            self.base_url = self._container.get_connection_url()

    @property
    def dialect(self) -> str:
        return "postgresql" if self.base_url else "sqlite"

    def fresh(self, label: str) -> str:
        name = f"{label}_{next(self._counter)}"
        if not self.base_url:
            return f"sqlite:///{self.tmp_dir / name}.db"
        url = sa.make_url(self.base_url)
        database = f"{url.database}_{name}"
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
        admin.dispose()
        return url.set(database=database).render_as_string(hide_password=False)

    def close(self) -> None:
        if self._container is not None:
            self._container.stop()
