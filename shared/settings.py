"""Typed settings read from environment variables, with development defaults.

Nothing here touches the network or the disk: reading settings is pure, so importing
a service never has side effects.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Mapping

DEV_JWT_SECRET = "circles-dev-secret-change-me-0123456789abcdef"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secrets(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclasses.dataclass(frozen=True)
class Settings:
    service: str
    database_url: str
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    jwt_secret: str = DEV_JWT_SECRET
    # Secrets tokens may still be signed with during a rotation: accepted, never used to sign.
    jwt_previous_secrets: tuple[str, ...] = ()
    jwt_issuer: str = "circles"
    jwt_audience: str = "circles"
    jwt_ttl_seconds: int = 3600
    # Topics a worker finds missing are created so (3 suits one machine; see docs/operations.md).
    kafka_topic_partitions: int = 3
    kafka_replication_factor: int = 1
    kafka_session_timeout_ms: int = 6000
    kafka_heartbeat_interval_ms: int = 2000
    relay_batch_size: int = 500
    relay_idle_seconds: float = 0.2
    consumer_max_retries: int = 5
    consumer_backoff_seconds: float = 0.2
    log_level: str = "INFO"
    login_url: str = "http://127.0.0.1:8001/login"
    cookie_secure: bool = False
    # Tests and demos only: read "now" from this file (shared.clock.FileClock).
    clock_file: str = ""
    # When set, every scheduled job runs this often instead of at its own pace (tests, demos).
    jobs_every_seconds: float = 0.0
    testing: bool = False

    @property
    def event_source(self) -> str:
        return f"/circles/{self.service}"

    def with_overrides(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)


# Environment variable name -> (field, parser). One table keeps the README honest.
ENV_FIELDS: dict[str, tuple[str, type]] = {
    "DATABASE_URL": ("database_url", str),
    "KAFKA_BOOTSTRAP_SERVERS": ("kafka_bootstrap_servers", str),
    "JWT_SECRET": ("jwt_secret", str),
    "JWT_PREVIOUS_SECRETS": ("jwt_previous_secrets", _secrets),
    "JWT_ISSUER": ("jwt_issuer", str),
    "JWT_AUDIENCE": ("jwt_audience", str),
    "JWT_TTL_SECONDS": ("jwt_ttl_seconds", int),
    "KAFKA_TOPIC_PARTITIONS": ("kafka_topic_partitions", int),
    "KAFKA_REPLICATION_FACTOR": ("kafka_replication_factor", int),
    "KAFKA_SESSION_TIMEOUT_MS": ("kafka_session_timeout_ms", int),
    "KAFKA_HEARTBEAT_INTERVAL_MS": ("kafka_heartbeat_interval_ms", int),
    "RELAY_BATCH_SIZE": ("relay_batch_size", int),
    "RELAY_IDLE_SECONDS": ("relay_idle_seconds", float),
    "CONSUMER_MAX_RETRIES": ("consumer_max_retries", int),
    "CONSUMER_BACKOFF_SECONDS": ("consumer_backoff_seconds", float),
    "LOG_LEVEL": ("log_level", str),
    "LOGIN_URL": ("login_url", str),
    "COOKIE_SECURE": ("cookie_secure", _bool),
    "CLOCK_FILE": ("clock_file", str),
    "JOBS_EVERY_SECONDS": ("jobs_every_seconds", float),
}


def default_database_url(service: str) -> str:
    return f"sqlite:///var/{service}.db"


def load_settings(service: str, environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings for one service from the environment.

    `<SERVICE>_DATABASE_URL` (for example `CHECKINS_DATABASE_URL`) wins over
    `DATABASE_URL`, so one shell can run several services against their own databases.
    """
    env = os.environ if environ is None else environ
    values: dict[str, object] = {"database_url": default_database_url(service)}
    for name, (field, parser) in ENV_FIELDS.items():
        raw = env.get(f"{service.upper()}_{name}") or env.get(name)
        if raw not in (None, ""):
            values[field] = parser(raw)
    values["testing"] = _bool(env.get("CIRCLES_TESTING", "0"))
    return Settings(service=service, **values)
