"""Poison records for every topic, who should dead-letter them, and the operator's view of
the dead-letter topics (`python -m shared.dlq list`, run as a process)."""
from __future__ import annotations

import dataclasses
import importlib
import json
import subprocess
import sys
import uuid

from shared.events import TOPICS, catalogue
from shared.events.envelope import CloudEvent
from tests.support.processes import ROOT

SERVICES = ("people", "checkins", "notifications", "resources", "reporting")


@dataclasses.dataclass(frozen=True)
class PoisonRecord:
    topic: str
    kind: str
    reason: str  # the dlq_reason header it must get
    event_id: str
    key: bytes
    value: bytes
    headers: list


def known_type(topic: str) -> str:
    return next(t.name for t in catalogue.all_types() if t.topic == topic)


def _headers(event_id: str, event_type: str, subject: str) -> list[tuple[str, bytes]]:
    event = CloudEvent(type=event_type, source="/circles/faults", subject=subject, data={}, id=event_id)
    return list(event.headers())


def records_for(topic: str) -> list[PoisonRecord]:
    """Bad JSON, an unknown type, an unknown version of a known type, and required headers
    missing (ce_id kept, so the dead letter can still be found by its id)."""
    known = known_type(topic)
    service = known.split(".")[1]
    made = []
    for kind, reason, event_type, value, keep in (
            ("bad JSON", "bad_envelope", known, b'{"person_id": ', None),
            ("unknown type", "unknown_type", f"circles.{service}.no_such.thing.v1", b"{}", None),
            ("unknown version", "unknown_type", known.rsplit(".v", 1)[0] + ".v99", b"{}", None),
            ("missing headers", "bad_envelope", known, b"{}", ("ce_id", "ce_specversion"))):
        event_id, subject = f"poison-{uuid.uuid4()}", str(uuid.uuid4())
        headers = [(k, v) for k, v in _headers(event_id, event_type, subject) if keep is None or k in keep]
        made.append(PoisonRecord(topic, kind, reason, event_id, subject.encode(), value, headers))
    return made


def all_records() -> list[PoisonRecord]:
    return [record for topic in TOPICS for record in records_for(topic)]


def consumer_groups(services=SERVICES) -> dict[str, set[str]]:
    """topic -> the consumer groups of these services' workers that read it, from each
    service's own subscriptions."""
    groups: dict[str, set[str]] = {topic: set() for topic in TOPICS}
    for service in services:
        spec = importlib.import_module(f"services.{service}.spec").SPEC
        for subscription in spec.subscriptions(None):
            for topic in subscription.topics:
                groups[topic].add(subscription.name)
    return groups


def dlq_list(bootstrap: str, topic: str) -> list[dict]:
    """The dead letters of `topic` as the operator's command prints them."""
    done = subprocess.run([sys.executable, "-m", "shared.dlq", "list", "--topic", topic], cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "CIRCLES_TESTING": "1", "KAFKA_BOOTSTRAP_SERVERS": bootstrap},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
