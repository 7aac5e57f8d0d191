"""Prometheus metrics shared by every service: HTTP, outbox relay and consumers.

Labels hold only service, route templates, event types and outcomes: never an id or
anything personal. Under gunicorn, PROMETHEUS_MULTIPROC_DIR makes every worker write to
shared files that `/metrics` aggregates (see shared/web/metrics.py).
"""
from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "circles_http_requests_total", "HTTP requests handled",
    ["service", "method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "circles_http_request_duration_seconds", "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_PUBLISHED = Counter(
    "circles_outbox_published_total", "Outbox rows published to Kafka", ["service", "topic"],
)
OUTBOX_BACKLOG = Gauge(
    "circles_outbox_backlog", "Outbox rows not yet published", ["service"],
    multiprocess_mode="livemax",
)
RELAY_FAILURES = Counter(
    "circles_outbox_relay_failures_total", "Relay batches that failed and will be retried", ["service"],
)
EVENTS_CONSUMED = Counter(
    "circles_events_consumed_total", "Events taken from Kafka by a consumer",
    ["service", "consumer", "event_type", "outcome"],
)
EVENTS_DEAD_LETTERED = Counter(
    "circles_events_dead_lettered_total", "Records sent to a dead-letter topic",
    ["service", "consumer", "reason"],
)
EVENT_HANDLER_LATENCY = Histogram(
    "circles_event_handler_duration_seconds", "Time to handle one event, DB commit included",
    ["service", "consumer"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5),
)
CONSUMER_LAG = Gauge(
    "circles_consumer_lag", "Records behind the end of the log, per consumer and topic",
    ["service", "consumer", "topic"], multiprocess_mode="livemax",
)
