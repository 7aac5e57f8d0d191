"""The operator's dead-letter tool against a real broker: list what a consumer
dead-lettered and why, then redrive it once the cause is fixed; idempotent consumers make
a redriven record count once."""
import json
import uuid

from shared.dlq.__main__ import main as dlq
from shared.events import build_event
from shared.messaging.consumer import ConsumerLoop, Subscription
from shared.messaging.kafka import make_consumer, make_producer
from tests.support.kafka_read import produce, read_topic

TOPIC = "checkins.events"
COMPLETED = "circles.checkins.checkin.completed.v1"


def checkin(clock, org: str):
    person = str(uuid.uuid4())
    return build_event(COMPLETED, {"checkin_id": uuid.uuid4(), "person_id": person, "organisation_id": org,
                                   "site_id": None, "session_id": None, "completed_at": clock.now(), "wellbeing": 5},
                       source="/circles/checkins", subject=person, time=clock.now())


def test_a_dead_letter_is_listed_then_redriven_and_counted_once(runtime_for, broker, clock, capsys, monkeypatch):
    runtime = runtime_for("reporting")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap)
    seen, broken = [], {"now": True}

    def handler(uow, event, data):
        if broken["now"]:
            raise RuntimeError("a projection bug")
        seen.append(event.id)

    loop = ConsumerLoop(Subscription(f"test-{uuid.uuid4().hex[:8]}", {COMPLETED: handler}), "reporting",
                        lambda group: make_consumer(runtime.settings, group), make_producer(runtime.settings),
                        runtime.uow, runtime.spec.processed, max_retries=1, backoff_seconds=0.01)
    event = checkin(clock, str(uuid.uuid4()))
    produce(broker.bootstrap, TOPIC, [(event.key.encode(), event.body(), event.headers())])
    mine = lambda: [r for r in read_topic(broker.bootstrap, TOPIC) if r.key == event.key.encode()]  # noqa: E731
    assert loop.process(mine()[0])

    dlq(["list", "--topic", TOPIC, "--event-id", event.id])
    [listed] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (listed["reason"], listed["consumer"], listed["event_type"]) == ("handler_failed", loop.name, COMPLETED)
    assert "a projection bug" in listed["error"]

    dlq(["redrive", "--topic", TOPIC, "--event-id", event.id, "--dry-run"])
    assert len(mine()) == 1  # a dry run sends nothing

    broken["now"] = False  # the fix is deployed
    dlq(["redrive", "--topic", TOPIC, "--event-id", event.id])
    records = mine()
    assert len(records) == 2 and not any(k.startswith("dlq_") for k, _ in records[1].headers)
    for record in records:  # a group meeting both copies (say, replaying) applies it once
        assert loop.process(record)
    assert seen == [event.id]


def test_poison_is_not_redriven_by_default(broker, monkeypatch, capsys):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap)
    dlq(["redrive", "--topic", "resources.events", "--dry-run"])
    assert all(json.loads(line)["reason"] == "handler_failed" for line in capsys.readouterr().out.splitlines())
