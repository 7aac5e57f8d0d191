"""Outbox relay: ships committed outbox rows to Kafka, in order per key, acks=all.

A batch is read, sent, flushed, and only then marked published, in one transaction. A
crash between send and mark republishes the batch: delivery is at-least-once, and
consumers drop the duplicates by event id. On PostgreSQL the batch is locked with
FOR UPDATE SKIP LOCKED, so several relays share the work without double-publishing; a
key's rows are sent only up to the first of its rows that another relay holds, so per-key
order holds across relays too.
"""
from __future__ import annotations

import json
import logging
import threading

from kafka import KafkaProducer
from sqlalchemy import BigInteger, Connection, Engine, String, Table, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from shared import metrics
from shared.clock import Clock

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 5.0


class OutboxRelay:
    def __init__(self, engine: Engine, outbox: Table, producer: KafkaProducer, clock: Clock,
                 service: str, batch_size: int = 500, idle_seconds: float = 0.2):
        self.engine = engine
        self.outbox = outbox
        self.producer = producer
        self.clock = clock
        self.service = service
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self._skip_locked = engine.dialect.name == "postgresql"
        # PostgreSQL takes the batch's ids as one array parameter (= ANY): one plan for any
        # batch size, where an IN list of 2,000 parameters is planned afresh each time.
        ids = (outbox.c.id == any_(bindparam("ids", type_=ARRAY(BigInteger))) if self._skip_locked
               else outbox.c.id.in_(bindparam("ids", expanding=True)))
        self._mark_published = update(outbox).where(ids).values(
            published_at=bindparam("now", type_=outbox.c.published_at.type))

    def publish_batch(self) -> int:
        """Publish one batch; return how many rows were published."""
        with self.engine.begin() as conn:
            rows = self._claim(conn)
            if not rows:
                metrics.OUTBOX_BACKLOG.labels(self.service).set(0)
                return 0
            futures = [self._send(row) for row in rows]
            self.producer.flush(timeout=30)
            for future in futures:
                future.get(timeout=0)  # raises if the broker did not take it
            conn.execute(self._mark_published, {"ids": [row.id for row in rows], "now": self.clock.now()})
        for row in rows:
            metrics.OUTBOX_PUBLISHED.labels(self.service, row.topic).inc()
        return len(rows)

    def _claim(self, conn: Connection) -> list:
        query = (
            select(self.outbox)
            .where(self.outbox.c.published_at.is_(None))
            .order_by(self.outbox.c.id)
            .limit(self.batch_size)
        )
        if not self._skip_locked:
            return conn.execute(query).all()
        rows = conn.execute(query.with_for_update(skip_locked=True)).all()
        return self._drop_keys_held_elsewhere(conn, rows)

    def _drop_keys_held_elsewhere(self, conn: Connection, rows: list) -> list:
        """Keep, for each key, only the rows before its first unpublished row that is
        not in this batch: that row is locked by another relay and must go out first.

        Only rows up to the batch's last id can block one of its rows. Reading those rows
        of the batch's keys (the batch itself among them, by ix_outbox_key_unpublished)
        and comparing in Python spares PostgreSQL a NOT IN over the whole batch."""
        if not rows:
            return rows
        c, mine = self.outbox.c, {row.id for row in rows}
        keys = sorted({row.partition_key for row in rows})
        blockers: dict[str, int] = {}
        for key, row_id in conn.execute(
            select(c.partition_key, c.id)
            .where(c.published_at.is_(None), c.partition_key == any_(bindparam("keys", type_=ARRAY(String))),
                   c.id <= max(mine)), {"keys": keys}
        ):
            if row_id not in mine and row_id < blockers.get(key, row_id + 1):
                blockers[key] = row_id
        return [r for r in rows if r.id < blockers.get(r.partition_key, r.id + 1)]

    def _send(self, row):
        headers = [(name, value.encode()) for name, value in json.loads(row.headers)]
        return self.producer.send(
            row.topic, key=row.partition_key.encode(), value=row.payload.encode(), headers=headers,
        )

    def backlog(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(self.outbox).where(self.outbox.c.published_at.is_(None))
            ).scalar_one()

    def _report_backlog(self) -> None:
        try:
            metrics.OUTBOX_BACKLOG.labels(self.service).set(self.backlog())
        except Exception:  # noqa: BLE001 - the database may be the thing that is down
            pass

    def run(self, stop: threading.Event) -> None:
        backoff = self.idle_seconds
        while not stop.is_set():
            try:
                published = self.publish_batch()
                backoff = self.idle_seconds
                if published < self.batch_size:
                    stop.wait(self.idle_seconds)
            except Exception:  # noqa: BLE001 - any failure is retried; rows stay in the outbox
                metrics.RELAY_FAILURES.labels(self.service).inc()
                log.warning("outbox relay batch failed; retrying in %.1fs", backoff, exc_info=True)
                self._report_backlog()
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
