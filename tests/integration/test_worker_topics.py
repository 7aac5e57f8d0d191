"""A worker creates the topics it needs on a Kafka that does not auto-create them: its
own, the ones it consumes, and the dead-letter twins of both."""
from shared.worker import Worker, worker_topics


def test_each_worker_knows_the_topics_it_writes_and_reads(runtime_for):
    reporting = Worker(runtime_for("reporting"))
    notifications = Worker(runtime_for("notifications"))
    try:
        assert worker_topics(reporting) == sorted(
            t for s in ("checkins", "notifications", "people", "reporting", "resources")
            for t in (f"{s}.events", f"{s}.events.dlq"))
        assert worker_topics(notifications) == sorted(
            t for s in ("checkins", "notifications", "people", "reporting") for t in (f"{s}.events", f"{s}.events.dlq"))
    finally:
        reporting.producer.close(timeout=1)
        notifications.producer.close(timeout=1)
