"""Scenario 4: the same events delivered again, raw, with the same ids, under load."""
from shared.events import TOPICS
from tests.support.kafka_read import produce, read_topic


def test_events_delivered_more_than_once_are_handled_once(world):
    bootstrap = world.platform.broker.bootstrap
    with world.scenario("4 events delivered twice") as row:
        load = world.load().start(world.ops(40))
        for topic in TOPICS:
            records = read_topic(bootstrap, topic)
            produce(bootstrap, topic, [(r.key, r.value, r.headers) for r in records])
            row.faults += len(records)  # each one a second delivery
        row.operations = load.wait() + row.faults
    assert row.faults > 0, "nothing was on the topics to deliver again"
