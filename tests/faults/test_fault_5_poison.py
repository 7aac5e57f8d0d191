"""Scenario 5: poison on every topic (bad JSON, unknown type, unknown version, missing
headers); each lands in its topic's dead-letter topic, with its reason, from every
consumer group that reads the topic, and consumption goes on."""
import collections

from shared.events import TOPICS
from tests.faults import poison
from tests.faults.platform import WORKERS
from tests.support.kafka_read import produce
from tests.support.processes import wait_until


def dead_letters(bootstrap: str, records) -> dict:
    """(event id, consumer group) -> reasons, as `python -m shared.dlq list` shows them."""
    ours = {r.event_id for r in records}
    found = collections.defaultdict(list)
    for topic in TOPICS:
        for letter in poison.dlq_list(bootstrap, topic):
            if letter["event_id"] in ours:
                found[letter["event_id"], letter["consumer"]].append((letter["topic"], letter["reason"]))
    return found


def test_poison_on_every_topic_is_dead_lettered_with_its_reason(world):
    bootstrap = world.platform.broker.bootstrap
    records, groups = poison.all_records(), poison.consumer_groups(WORKERS)  # the workers running
    expected = {(r.event_id, group): [(r.topic, r.reason)] for r in records for group in groups[r.topic]}
    assert all(groups[topic] for topic in TOPICS), f"a topic nobody reads: {groups}"
    with world.scenario("5 poison on every topic") as row:
        load = world.load().start(world.ops(40))
        for topic in TOPICS:
            produce(bootstrap, topic, [(r.key, r.value, r.headers) for r in records if r.topic == topic])
        row.faults = len(records)
        row.operations = load.wait() + len(records)
        found = wait_until(lambda: _complete(dead_letters(bootstrap, records), expected), 90,
                           interval=1, message="every poison record in its dead-letter topic")
        row.dead_lettered = sum(len(reasons) for reasons in found.values())
        missing = {k: v for k, v in expected.items() if found.get(k) != v}
        assert not missing, f"not dead-lettered as expected (event, group) -> (topic, reason): {missing}"


def _complete(found: dict, expected: dict):
    """The dead letters once each expected (event, group) pair has one; extra copies stay
    in `found` so the assertion can name them."""
    return found if all(key in found for key in expected) else None
