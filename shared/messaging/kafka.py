"""Kafka client factories: one place that knows how Circles talks to the broker.

Only the plain Kafka protocol is used (no broker-specific features), so the embedded
Tansu broker in development and Apache Kafka in compose and Kubernetes behave alike.
"""
from __future__ import annotations

import socket

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from shared.settings import Settings

DEFAULT_PARTITIONS = 3


def bootstrap_list(servers: str) -> list[str]:
    return [s.strip() for s in servers.split(",") if s.strip()]


def make_producer(settings: Settings, **overrides) -> KafkaProducer:
    config = dict(
        bootstrap_servers=bootstrap_list(settings.kafka_bootstrap_servers),
        client_id=f"circles-{settings.service}",
        acks="all",
        # One request in flight per connection keeps retried batches in order, so one
        # key's events reach its partition in the order the outbox holds them.
        max_in_flight_requests_per_connection=1,
        enable_idempotence=False,
        linger_ms=5,
        batch_size=64 * 1024,
        retries=5,
        max_block_ms=5000,
        request_timeout_ms=10000,
        delivery_timeout_ms=30000,
    )
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(settings: Settings, group_id: str, **overrides) -> KafkaConsumer:
    config = dict(
        bootstrap_servers=bootstrap_list(settings.kafka_bootstrap_servers),
        client_id=f"circles-{settings.service}-{group_id}",
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        max_poll_records=500,
        fetch_max_wait_ms=200,
    )
    config.update(overrides)
    return KafkaConsumer(**config)


# Privacy topics carry a person's data to the people service (subject-access parts): kept
# a week, long enough for a stopped people worker to catch up, never for replays.
PRIVACY_RETENTION_MS = 7 * 24 * 3600 * 1000


def topic_configs(topic: str) -> dict[str, str]:
    if topic.split(".")[1:2] == ["privacy"]:  # <service>.privacy and its dead letters
        return {"retention.ms": str(PRIVACY_RETENTION_MS)}
    return {}


def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int = DEFAULT_PARTITIONS,
                  replication_factor: int = 1) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_list(bootstrap_servers), client_id="circles-admin")
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(t, partitions, replication_factor, topic_configs=topic_configs(t))
                   for t in topics if t not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()


def broker_reachable(bootstrap_servers: str, timeout: float = 1.0) -> bool:
    """A cheap readiness check: can we open a TCP connection to any bootstrap server?"""
    for server in bootstrap_list(bootstrap_servers):
        host, _, port = server.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
                return True
        except OSError:
            continue
    return False
