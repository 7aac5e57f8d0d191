"""Event envelope and catalogue shared by every producer and consumer."""
from shared.events.catalogue import (  # noqa: F401
    EventType,
    InvalidEventData,
    UnknownEventType,
    build_event,
    dlq_topic_for,
    load_data,
    topic_for,
)
from shared.events.envelope import CloudEvent, EnvelopeError, from_kafka  # noqa: F401

SERVICES = ("people", "checkins", "notifications", "resources", "reporting")
# Services that answer subject-access and erasure requests on their own privacy topic.
PRIVACY_CONTRIBUTORS = ("checkins", "notifications", "resources", "reporting")
PRIVACY_TOPICS = tuple(topic_for(service, "privacy") for service in PRIVACY_CONTRIBUTORS)
TOPICS = tuple(topic_for(service) for service in SERVICES) + PRIVACY_TOPICS
