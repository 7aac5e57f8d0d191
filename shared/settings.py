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


def _limit(value: str) -> tuple[int, int] | None:
    """A rate limit as "<requests>/<seconds>" (e.g. "300/60"); "off" (or 0 requests) turns it off."""
    text = value.strip().lower()
    if text in {"off", "none", "0"}:
        return None
    count, _, seconds = text.partition("/")
    limit = (int(count), int(seconds or 60))
    if limit[0] < 0 or limit[1] <= 0:
        raise ValueError(f"a rate limit is <requests>/<seconds> with both positive, not {value!r}")
    return limit if limit[0] else None


def _days(value: str) -> int:
    """A number of days to keep something; 0 keeps it forever."""
    days = int(value)
    if days < 0:
        raise ValueError(f"a number of days is 0 (keep forever) or more, not {value!r}")
    return days


class InsecureSettings(RuntimeError):
    """A process was started with settings that are only fit for development or tests."""


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
    relay_batch_size: int = 2000
    relay_idle_seconds: float = 0.2
    # Every worker's housekeeping job (shared/db/housekeeping.py) deletes published outbox
    # rows and processed-event ids older than this many days; 0 keeps them forever.
    outbox_keep_days: int = 7
    processed_events_keep_days: int = 414  # the event topics' retention (400 days) plus two 7-day log segments
    consumer_max_retries: int = 5
    consumer_backoff_seconds: float = 0.2
    log_level: str = "INFO"
    login_url: str = "http://127.0.0.1:8001/login"
    cookie_secure: bool = False
    # Tests and demos only: read "now" from this file (shared.clock.FileClock).
    clock_file: str = ""
    # When set, every scheduled job runs this often instead of at its own pace (tests, demos).
    jobs_every_seconds: float = 0.0
    # Rate limits of the endpoints anyone can reach, as (requests, seconds) per window, or
    # None for no limit. Counted per process (shared.web.ratelimit): with N gunicorn
    # workers and R replicas a client gets up to N x R times as many.
    rate_limit_login: tuple[int, int] | None = (20, 300)  # failed logins per client address
    rate_limit_login_account: tuple[int, int] | None = (10, 900)  # failed logins per e-mail address
    rate_limit_self_checkin: tuple[int, int] | None = (30, 300)  # self check-in page requests per address
    rate_limit_directory: tuple[int, int] | None = (300, 60)  # public directory and feeds per address
    # Reverse proxies in front of the web apps whose X-Forwarded-For entry names the client
    # (0: the connecting address is the client).
    trusted_proxies: int = 0
    # Persons discharged longer ago than this are erased by the people worker's retention
    # job (8 years: a common retention period for adult care records); 0 turns it off.
    retention_discharged_days: int = 2922
    testing: bool = False
    # `make dev` and demos (CIRCLES_DEV=1): the development JWT secret is accepted.
    dev_mode: bool = False

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
    "OUTBOX_KEEP_DAYS": ("outbox_keep_days", _days),
    "PROCESSED_EVENTS_KEEP_DAYS": ("processed_events_keep_days", _days),
    "CONSUMER_MAX_RETRIES": ("consumer_max_retries", int),
    "CONSUMER_BACKOFF_SECONDS": ("consumer_backoff_seconds", float),
    "LOG_LEVEL": ("log_level", str),
    "LOGIN_URL": ("login_url", str),
    "COOKIE_SECURE": ("cookie_secure", _bool),
    "CLOCK_FILE": ("clock_file", str),
    "JOBS_EVERY_SECONDS": ("jobs_every_seconds", float),
    "RATE_LIMIT_LOGIN": ("rate_limit_login", _limit),
    "RATE_LIMIT_LOGIN_ACCOUNT": ("rate_limit_login_account", _limit),
    "RATE_LIMIT_SELF_CHECKIN": ("rate_limit_self_checkin", _limit),
    "RATE_LIMIT_DIRECTORY": ("rate_limit_directory", _limit),
    "TRUSTED_PROXIES": ("trusted_proxies", int),
    "RETENTION_DISCHARGED_DAYS": ("retention_discharged_days", int),
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
    values["dev_mode"] = _bool(env.get("CIRCLES_DEV", "0"))
    return Settings(service=service, **values)


def require_real_secret(settings: Settings) -> None:
    """Refuse to serve or work with the development JWT secret outside development and tests.

    Anyone who knows that secret (it is in this file) could mint a token for any role. The
    web app and the worker call this when they start; `make dev` sets CIRCLES_DEV=1 and
    the tests CIRCLES_TESTING=1.
    """
    if settings.testing or settings.dev_mode:
        return
    if DEV_JWT_SECRET in (settings.jwt_secret, *settings.jwt_previous_secrets):
        raise InsecureSettings(
            f"{settings.service}: JWT_SECRET is the development secret; set JWT_SECRET to a long random "
            "value (openssl rand -hex 32), or CIRCLES_DEV=1 for a development machine.")
