"""How a service takes part in subject access and erasure.

`contributing(...)` wraps a service's subscriptions: every handler skips events about an
erased person (so a replay or a late redelivery never re-creates them), and one more
subscription, `<service>.privacy`, answers the people service's requests on the
service's privacy topic.
"""
from __future__ import annotations

import dataclasses
import functools
import json
from typing import Callable

from sqlalchemy import MetaData, Table

from shared.db.uow import UnitOfWork
from shared.events import CloudEvent
from shared.messaging.batch import BatchHandler
from shared.messaging.consumer import Handler, Subscription
from shared.privacy import records, subjects

REQUESTED = "circles.people.subject_access.requested.v1"
ERASED = "circles.people.person.erased.v1"

# A part's rows per record: well under Kafka's default 1 MB limit, with room for the envelope.
CHUNK_BYTES = 512 * 1024

Export = Callable[[UnitOfWork, str], dict[str, list[dict]]]
Erase = Callable[[UnitOfWork, str, set[str]], dict[str, int]]


@dataclasses.dataclass(frozen=True)
class Contributor:
    service: str
    metadata: MetaData
    outbox: Table
    # Overrides for a service whose rows are not simply deleted (reporting keeps its
    # aggregate facts under a pseudonym).
    export: Export | None = None
    erase: Erase | None = None

    def export_rows(self, uow: UnitOfWork, person_id: str) -> dict[str, list[dict]]:
        if self.export is not None:
            return self.export(uow, person_id)
        return records.export_rows(uow.session, self.metadata, person_id)

    def erase_rows(self, uow: UnitOfWork, person_id: str, contacts: set[str]) -> dict[str, int]:
        if self.erase is not None:
            return self.erase(uow, person_id, contacts)
        return records.erase_rows(uow.session, self.metadata, person_id, contacts)


def chunked(sections: dict[str, list[dict]], limit: int = CHUNK_BYTES) -> list[dict[str, list[dict]]]:
    """The sections split into pieces of about `limit` bytes of JSON, rows kept whole."""
    pieces: list[dict[str, list[dict]]] = [{}]
    size = 0
    for table, rows in sections.items():
        for row in rows:
            length = len(json.dumps(row, default=str))
            if size and size + length > limit:
                pieces.append({})
                size = 0
            pieces[-1].setdefault(table, []).append(row)
            size += length
    return pieces


def answer_request(contributor: Contributor, uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    """One part event, or several when the person's rows would not fit one Kafka record
    (1 MB by default): a record too large for the broker would stall the outbox relay."""
    request_id = str(data["request_id"])
    pieces = chunked(contributor.export_rows(uow, str(data["person_id"])))
    for number, sections in enumerate(pieces):
        uow.publish(f"circles.{contributor.service}.subject_access.part.v1",
                    {"request_id": request_id, "service": contributor.service, "sections": sections,
                     "chunk": number, "chunks": len(pieces)},
                    subject=request_id, partition_key=request_id)


def erase_person(contributor: Contributor, uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
    person_id, erasure_id = str(data["person_id"]), str(data["erasure_id"])
    contacts = {str(c) for c in data.get("contact_ids") or ()}
    rows = contributor.erase_rows(uow, person_id, contacts)
    subjects.mark_erased(uow.session, contributor.metadata, person_id, uow.clock)
    purged = records.purge_published_outbox(uow.session, contributor.outbox, [person_id, *contacts])
    if purged:
        rows["outbox"] = purged
    uow.publish(f"circles.{contributor.service}.erasure.confirmed.v1",
                {"erasure_id": erasure_id, "service": contributor.service, "rows": rows,
                 "confirmed_at": uow.clock.now()}, subject=erasure_id, partition_key=erasure_id)


def skipping_erased(handler: Handler, metadata: MetaData) -> Handler:
    """The handler, except for events about a person erased from this database."""
    @functools.wraps(handler)
    def guarded(uow: UnitOfWork, event: CloudEvent, data: dict) -> None:
        if subjects.is_erased(uow.session, metadata, data.get("person_id")):
            return
        handler(uow, event, data)
    return guarded


def skipping_erased_batch(batch: BatchHandler, metadata: MetaData) -> BatchHandler:
    """The batch handler, given only the events not about a person erased here."""
    def guarded_batch(uow: UnitOfWork, events: list[tuple[CloudEvent, dict]]) -> None:
        erased = subjects.erased_among(uow.session, metadata, [data.get("person_id") for _, data in events])
        kept = [(event, data) for event, data in events if str(data.get("person_id")) not in erased]
        if kept:
            batch(uow, kept)
    return guarded_batch


def guard(subscription: Subscription, metadata: MetaData) -> Subscription:
    return dataclasses.replace(
        subscription, handlers={name: skipping_erased(handler, metadata)
                                for name, handler in subscription.handlers.items()},
        batch=subscription.batch and skipping_erased_batch(subscription.batch, metadata))


def privacy_subscription(contributor: Contributor) -> Subscription:
    return Subscription(f"{contributor.service}.privacy", {
        REQUESTED: functools.partial(answer_request, contributor),
        ERASED: functools.partial(erase_person, contributor),
    })


def contributing(contributor: Contributor, subscriptions: Callable[[object], list[Subscription]],
                 guarded: bool = True) -> Callable[[object], list[Subscription]]:
    """The service's subscriptions, guarded against erased persons, plus its privacy one."""
    def build(runtime) -> list[Subscription]:
        own = subscriptions(runtime)
        if guarded:
            own = [guard(s, contributor.metadata) for s in own]
        return own + [privacy_subscription(contributor)]
    return build


def guarded(metadata: MetaData, *subscription_sets: Callable[[object], list[Subscription]]
            ) -> Callable[[object], list[Subscription]]:
    """Subscriptions of a service that is not a contributor (people), guarded alike."""
    def build(runtime) -> list[Subscription]:
        return [guard(s, metadata) for subscriptions in subscription_sets for s in subscriptions(runtime)]
    return build
