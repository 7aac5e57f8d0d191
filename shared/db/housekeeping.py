"""Housekeeping: every worker prunes its outbox and processed-events log, which would
otherwise grow by every event the service ever published or consumed.

- Published outbox rows are a copy of what the topics hold, kept after publication only
  to look at recent traffic; after OUTBOX_KEEP_DAYS (7) they go. Unpublished rows are the
  relay's work and are never touched, however old.
- A processed_events row makes a redelivered event a no-op. A row is written after its
  record reached the topic, so once the row is older than the event topics' retention
  (400 days, docs/operations.md "Kafka retention and erasure") the record is too, and
  the broker has deleted it: nothing can redeliver it, so the row has nothing left to
  guard. Kafka deletes whole log segments, so a record can stay readable for up to a
  segment's span (segment.ms, 7 days by default) past the retention, to a group that
  re-reads a topic from its start; hence PROCESSED_EVENTS_KEEP_DAYS defaults to 414
  (400 + two segments) and must never be set below the retention.

0 keeps a table forever. Each call deletes at most CHUNK rows per table, oldest first,
in one transaction, and returns how many it deleted; shared.jobs.run_forever calls again
at once while that is non-zero, so a backlog (the first run on an old database) drains
in short transactions. The deletes are plain, on the rows a sub-select picks with
FOR UPDATE SKIP LOCKED where the database has it, so worker replicas running the job at
once split the rows rather than queue behind each other.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Table, delete, select, tuple_

from shared.db.uow import UnitOfWork
from shared.jobs import Job
from shared.settings import Settings

EVERY_SECONDS = 3600
CHUNK = 5000


def _prune_outbox(uow: UnitOfWork, outbox: Table, cutoff: dt.datetime, chunk: int) -> int:
    c = outbox.c
    oldest = (select(c.id)
              .where(c.published_at.is_not(None), c.published_at < cutoff)
              .order_by(c.published_at).limit(chunk)
              .with_for_update(skip_locked=True))
    return uow.session.execute(delete(outbox).where(c.id.in_(oldest))).rowcount


def _prune_processed(uow: UnitOfWork, processed: Table, cutoff: dt.datetime, chunk: int) -> int:
    c = processed.c
    oldest = (select(c.consumer, c.event_id)
              .where(c.processed_at < cutoff)
              .order_by(c.processed_at).limit(chunk)
              .with_for_update(skip_locked=True))
    return uow.session.execute(delete(processed).where(tuple_(c.consumer, c.event_id).in_(oldest))).rowcount


def prune(uow: UnitOfWork, outbox: Table, processed: Table, outbox_keep: int, processed_keep: int,
          *, chunk: int = CHUNK) -> int:
    """Delete up to `chunk` published outbox rows older than `outbox_keep` days and up to
    `chunk` processed events older than `processed_keep` days (0: keep); the total deleted."""
    now = uow.clock.now()
    deleted = 0
    if outbox_keep > 0:
        deleted += _prune_outbox(uow, outbox, now - dt.timedelta(days=outbox_keep), chunk)
    if processed_keep > 0:
        deleted += _prune_processed(uow, processed, now - dt.timedelta(days=processed_keep), chunk)
    uow.commit()
    return deleted


def housekeeping_job(service: str, outbox: Table, processed: Table, settings: Settings) -> Job:
    def run_once(uow: UnitOfWork) -> int:
        return prune(uow, outbox, processed, settings.outbox_keep_days, settings.processed_events_keep_days)
    return Job(f"{service}.housekeeping", every_seconds=EVERY_SECONDS, run_once=run_once)
