"""A worker creates the topics it needs on a Kafka that does not auto-create them: its
own (its event stream and, for a privacy contributor, its privacy topic), the ones it
consumes, and the dead-letter twins of all."""
from shared.messaging.kafka import PRIVACY_RETENTION_MS, topic_configs
from shared.worker import Worker, worker_topics


def twins(*topics):
    return [t for topic in topics for t in (topic, f"{topic}.dlq")]


def test_each_worker_knows_the_topics_it_writes_and_reads(runtime_for):
    reporting = Worker(runtime_for("reporting"))
    notifications = Worker(runtime_for("notifications"))
    try:
        assert worker_topics(reporting) == sorted(twins(
            *(f"{s}.events" for s in ("checkins", "notifications", "people", "reporting", "resources")),
            "reporting.privacy"))
        assert worker_topics(notifications) == sorted(twins(
            *(f"{s}.events" for s in ("checkins", "notifications", "people", "reporting")), "notifications.privacy"))
        people = Worker(runtime_for("people"))
        assert worker_topics(people) == sorted(twins(
            "people.events", "notifications.events",
            *(f"{s}.privacy" for s in ("checkins", "notifications", "resources", "reporting"))))
        people.producer.close(timeout=1)
    finally:
        reporting.producer.close(timeout=1)
        notifications.producer.close(timeout=1)


def test_privacy_topics_keep_their_records_a_week_and_event_topics_keep_the_broker_default():
    week = {"retention.ms": str(PRIVACY_RETENTION_MS)}
    assert PRIVACY_RETENTION_MS == 7 * 24 * 3600 * 1000
    assert topic_configs("checkins.privacy") == week and topic_configs("checkins.privacy.dlq") == week
    assert topic_configs("checkins.events") == {} and topic_configs("people.events.dlq") == {}
