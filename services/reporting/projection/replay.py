"""Rebuild every projection from the beginning of the topics, then swap it in.

1. Build a fresh copy of the projection tables (suffix `_r<token>`).
2. Read the four topics from offset 0 with a fresh consumer group, a poll batch per
   transaction, through the same handlers and store as the live consumer.
3. Swap: take the generation row FOR UPDATE (live transactions hold it FOR SHARE, so
   they drain and wait), catch up to the current end of the topics, rename the live
   tables away and the fresh ones in, drop the old ones, all in one transaction.
   Waiting live transactions then write to the new tables, whose applied-events table
   already holds every replayed event, so nothing is counted twice.
"""
from __future__ import annotations

import dataclasses
import logging
import time
import uuid

from sqlalchemy import Engine, MetaData, insert, select, update
from sqlalchemy.orm import Session

from services.reporting.db import LIVE, generation
from services.reporting.projection import tables as projection_tables
from services.reporting import privacy
from services.reporting.projection.handlers import HANDLERS
from services.reporting.projection.store import SqlStore
from services.reporting.projection.swap import swap_tables
from shared.events import EnvelopeError, InvalidEventData, UnknownEventType, catalogue, from_kafka, load_data

log = logging.getLogger(__name__)
TOPICS = sorted({catalogue.get(name).topic for name in HANDLERS})
LAST_POLLS_SECONDS = 2.0


@dataclasses.dataclass
class ReplayReport:
    records: int = 0
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0  # types reporting does not project
    poison: int = 0  # undecodable: the live consumer dead-lettered them
    seconds: float = 0.0
    generation: int = 0

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


class Replay:
    def __init__(self, engine: Engine, consumer, clock, batch_records: int = 5000):
        """`consumer`: a KafkaConsumer in a fresh group, not yet subscribed."""
        self.engine = engine
        self.consumer = consumer
        self.clock = clock
        self.batch_records = batch_records
        self.token = uuid.uuid4().hex[:8]
        self.fresh = projection_tables.build(MetaData(), suffix=f"_r{self.token}")
        self.report = ReplayReport()
        self.erased: set[str] = set()

    def run(self) -> ReplayReport:
        started = time.perf_counter()
        for table in self.fresh.all():
            table.create(self.engine)
        with Session(self.engine) as session:  # erased persons come back only as pseudonyms
            self.erased = privacy.erased_hashes(session)
        try:
            self.consumer.subscribe(TOPICS)
            with Session(self.engine) as session:
                self._read_to_end(session, commit_each=True)
            self._swap()
        except BaseException:
            self._drop_fresh()
            raise
        finally:
            self.consumer.close(autocommit=False)
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _read_to_end(self, session: Session, commit_each: bool) -> None:
        """Poll until past the end offsets read at the start, then until a poll comes back
        empty (or LAST_POLLS_SECONDS pass): some brokers (Tansu) report the end of the
        last batch short, and the extra polls fetch whatever is really there."""
        targets, reached_at = None, None
        while True:
            batch = self.consumer.poll(timeout_ms=500, max_records=self.batch_records)
            records = [record for part in batch.values() for record in part]
            if records:
                self._apply(session, records)
                if commit_each:
                    session.commit()
            assigned = self.consumer.assignment()
            if assigned and targets is None:
                targets = self.consumer.end_offsets(list(assigned))
            if targets is None or any(self.consumer.position(tp) < end for tp, end in targets.items()):
                continue
            reached_at = reached_at or time.monotonic()
            if not records or time.monotonic() - reached_at > LAST_POLLS_SECONDS:
                return

    def _apply(self, session: Session, records) -> None:
        decoded = []
        for record in records:
            self.report.records += 1
            item = self._decode(record)
            if item is not None:
                decoded.append(item)
        store = SqlStore(session, self.fresh)
        fresh_ids = store.claim([event.id for event, _, _ in decoded])
        for event, handler, data in decoded:
            if event.id in fresh_ids:
                fresh_ids.discard(event.id)  # a second copy in the same batch is a duplicate too
                handler(store, event.time, data)
                self.report.applied += 1
            else:
                self.report.duplicates += 1
        store.flush()

    def _decode(self, record):
        try:
            event = from_kafka(record.headers, record.value)
            handler = HANDLERS.get(event.type)
            if handler is None:
                catalogue.get(event.type)
                self.report.ignored += 1
                return None
            data = load_data(event)
            return event, handler, privacy.disguise(data, privacy.is_erased_in(self.erased, data))
        except (EnvelopeError, UnknownEventType, InvalidEventData):
            self.report.poison += 1
            return None

    def _swap(self) -> None:
        with Session(self.engine) as session:
            self.report.generation = _lock_generation(session, self.clock.now())
            # Live writers now wait on the generation row: catch up with what they wrote.
            self._read_to_end(session, commit_each=False)
            swap_tables(session.connection(), LIVE, self.fresh)
            session.commit()
        log.info("projections replayed and swapped in", extra={"fields": dataclasses.asdict(self.report)})

    def _drop_fresh(self) -> None:
        for table in reversed(self.fresh.all()):
            table.drop(self.engine, checkfirst=True)


def _lock_generation(session: Session, now) -> int:
    row = session.execute(select(generation.c.generation).where(generation.c.id == 1).with_for_update()).first()
    if row is None:
        session.execute(insert(generation).values(id=1, generation=2, swapped_at=now))
        return 2
    session.execute(update(generation).where(generation.c.id == 1).values(generation=row.generation + 1,
                                                                            swapped_at=now))
    return row.generation + 1


def replay_command(runtime) -> None:
    """`python -m services.reporting replay`: prints the report as JSON."""
    import json

    from shared.logs import configure_logging
    from shared.messaging.kafka import ensure_topics, make_consumer

    configure_logging("reporting", runtime.settings.log_level)
    ensure_topics(runtime.settings.kafka_bootstrap_servers, TOPICS)
    group = f"reporting.replay.{uuid.uuid4().hex[:8]}"
    consumer = make_consumer(runtime.settings, group, max_poll_records=5000, fetch_max_bytes=64 * 1024 * 1024,
                             max_partition_fetch_bytes=16 * 1024 * 1024)
    report = Replay(runtime.engine, consumer, runtime.clock).run()
    print(json.dumps({**dataclasses.asdict(report), "events_per_second": round(report.per_second, 1),
                      "consumer_group": group}))
