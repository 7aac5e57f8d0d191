"""Resume from the committed offsets after every rebalance, and after the log was lost.

kafka-python 3 keeps a partition's in-memory position when its group rejoins and the
partition comes back to the same member. If the broker's log was lost meanwhile (the
embedded, memory-only broker restarted; a topic deleted and created again), that position
points past the new log's end, and a broker that answers such a fetch with nothing rather
than "offset out of range" (Tansu does) lets the consumer wait there and then silently
skip every record below it. So each assigned partition is sought back to its committed
offset (or the beginning, if none) after a rebalance, and also whenever its position is
past the high watermark the broker last reported (a member that never had to rejoin; on
an intact log a position is never past it). That costs at most a redelivery of records
already handled, which the processed-events table turns into no-ops.
"""
from __future__ import annotations

import logging

from kafka import KafkaConsumer
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import KafkaError

log = logging.getLogger(__name__)


class ResumeFromCommitted(ConsumerRebalanceListener):
    """Notes assigned partitions (the callback runs on the client's IO loop, where a
    blocking call would stall it); `apply` seeks them from the consumer's own thread."""

    def __init__(self):
        self.pending: set = set()

    def on_partitions_revoked(self, revoked) -> None:
        pass

    def on_partitions_assigned(self, assigned) -> None:
        self.pending.update(assigned)

    def apply(self, consumer: KafkaConsumer, batch: dict) -> dict:
        """Seek the newly assigned partitions; drop what this poll fetched for them."""
        self.pending |= past_the_end(consumer)
        if not self.pending:
            return batch
        partitions = self.pending & consumer.assignment()
        try:
            for tp in partitions:
                committed = consumer.committed(tp)
                if committed is None:
                    consumer.seek_to_beginning(tp)
                else:
                    consumer.seek(tp, committed)
        except KafkaError:
            log.warning("could not read committed offsets; retrying after the next poll", exc_info=True)
            return {tp: records for tp, records in batch.items() if tp not in self.pending}
        dropped = self.pending
        self.pending = set()
        return {tp: records for tp, records in batch.items() if tp not in dropped}


def past_the_end(consumer: KafkaConsumer) -> set:
    """Partitions whose position is beyond the end of the log the broker now has."""
    stale = set()
    for tp in consumer.assignment():
        end = consumer.highwater(tp)
        position = consumer.position(tp, timeout_ms=0) if end is not None else None
        if position is not None and position > end:
            stale.add(tp)
    return stale
