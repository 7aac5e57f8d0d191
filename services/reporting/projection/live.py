"""The live projection: the consumer loop applies events to the live tables.

It shares its handlers and store with the replay, so both build the same rows. A poll's
events are applied in one transaction (`_live_batch`); one event at a time (`_live`) only
when a batch falls back. Every transaction holds the generation row FOR SHARE, which is
what a replay's swap waits on before it renames tables (see replay.py).
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.reporting import privacy
from services.reporting.db import LIVE, freshness, generation, metadata
from services.reporting.projection.handlers import HANDLERS, Handler
from services.reporting.projection.store import SqlStore
from shared.db.upsert import insert_ignore
from shared.events import CloudEvent, catalogue
from shared.messaging.consumer import Subscription
from shared.privacy import subjects

CONSUMER = "reporting.kpi-projection"


def hold_generation(session: Session) -> None:
    row = session.execute(select(generation.c.id).where(generation.c.id == 1).with_for_update(read=True)).first()
    if row is None:
        insert_ignore(session, generation, [{"id": 1, "generation": 1, "swapped_at": None}])


def touch_freshness(session: Session, topic: str, now, event_time, count: int = 1) -> None:
    """Record that `count` events of `topic`, the newest from `event_time`, were applied now."""
    updated = session.execute(update(freshness).where(freshness.c.topic == topic).values(
        last_applied_at=now, last_event_at=event_time, events_applied=freshness.c.events_applied + count)
        .returning(freshness.c.topic)).first()
    if updated is None:  # the topic's first event; a concurrent first insert loses quietly
        insert_ignore(session, freshness, [{"topic": topic, "last_applied_at": now, "last_event_at": event_time,
                                            "events_applied": count}])


def _live(handler: Handler):
    def handle(uow, event: CloudEvent, data: dict) -> None:
        hold_generation(uow.session)
        data = privacy.disguise(data, subjects.is_erased(uow.session, metadata, data.get("person_id")))
        store = SqlStore(uow.session, LIVE)
        if store.claim([event.id]):
            handler(store, event.time, data)
            store.flush()
        touch_freshness(uow.session, catalogue.get(event.type).topic, uow.clock.now(), event.time)
    return handle


def _live_batch(uow, events: list[tuple[CloudEvent, dict]]) -> None:
    """The same as `_live` for each event in turn, with one lookup of erased persons, one
    claim, one flush of the buffered rows and one freshness stamp per topic."""
    hold_generation(uow.session)
    erased = privacy.erased_among(uow.session, [data.get("person_id") for _, data in events])
    store = SqlStore(uow.session, LIVE)
    claimed = store.claim([event.id for event, _ in events])
    counts, newest = Counter(), {}
    for event, data in events:
        if event.id in claimed:
            claimed.discard(event.id)
            HANDLERS[event.type](store, event.time, privacy.disguise(data, str(data.get("person_id")) in erased))
        topic = catalogue.get(event.type).topic
        counts[topic] += 1
        newest[topic] = event.time
    store.flush()
    for topic, count in counts.items():
        touch_freshness(uow.session, topic, uow.clock.now(), newest[topic], count)


def subscriptions(runtime) -> list[Subscription]:
    # One group over the four topics: reporting is not on any latency path, and one
    # group gives one lag figure per topic to watch.
    return [Subscription(CONSUMER, {name: _live(handler) for name, handler in HANDLERS.items()}, batch=_live_batch)]
